package graph

import "github.com/normgraph/normgraph/internal/normgraph"

// The fields that follow relationships, as the store sees them. Their
// resolvers and the lookahead (prefetch.go) both take them from here, so
// that a page fetched ahead is cached under the key its resolver asks for.
var (
	countryMemberships      = out(normgraph.RelMemberOf)
	countryInitiatives      = out(normgraph.RelParticipatesIn)
	countryEndorsedNorms    = out(normgraph.RelEndorses)
	countryLeads            = out(normgraph.RelLeads)
	forumPriorities         = out(normgraph.RelAdvances)
	forumMembers            = in(normgraph.RelMemberOf)
	forumAffirmedNorms      = out(normgraph.RelAffirms)
	forumInitiatives        = in(normgraph.RelHostedBy)
	initiativePriorities    = out(normgraph.RelAdvances)
	initiativeNorms         = out(normgraph.RelPromotes)
	initiativeParticipants  = in(normgraph.RelParticipatesIn)
	initiativeHostedBy      = out(normgraph.RelHostedBy)
	initiativeLeadCountries = in(normgraph.RelLeads)
	normPriorities          = out(normgraph.RelSupports)
	normAffirmedBy          = in(normgraph.RelAffirms)
	normPromotedBy          = in(normgraph.RelPromotes)
	normEndorsers           = in(normgraph.RelEndorses)
	priorityFora            = kindOf(in(normgraph.RelAdvances), normgraph.KindForum)
	priorityInitiatives     = kindOf(in(normgraph.RelAdvances), normgraph.KindInitiative)
	priorityNorms           = in(normgraph.RelSupports)
)

// fieldShape is how a relationship field answers: a connection (a page),
// a count (a page of none), or a plain list (every far end).
type fieldShape uint8

const (
	connectionField fieldShape = iota
	countField
	listField
)

type relField struct {
	t     normgraph.Traversal
	shape fieldShape
	// node is the GraphQL type of the far ends, for the lookahead below it.
	node string
}

// relFields are the relationship fields by "Type.field".
var relFields = map[string]relField{
	"Country.memberships":         {countryMemberships, connectionField, "Forum"},
	"Country.initiatives":         {countryInitiatives, connectionField, "Initiative"},
	"Country.endorsedNorms":       {countryEndorsedNorms, connectionField, "Norm"},
	"Country.leads":               {countryLeads, listField, "Initiative"},
	"Forum.priorities":            {forumPriorities, listField, "Priority"},
	"Forum.members":               {forumMembers, connectionField, "Country"},
	"Forum.memberCount":           {forumMembers, countField, ""},
	"Forum.affirmedNorms":         {forumAffirmedNorms, listField, "Norm"},
	"Forum.initiatives":           {forumInitiatives, connectionField, "Initiative"},
	"Initiative.priorities":       {initiativePriorities, listField, "Priority"},
	"Initiative.norms":            {initiativeNorms, listField, "Norm"},
	"Initiative.participants":     {initiativeParticipants, connectionField, "Country"},
	"Initiative.participantCount": {initiativeParticipants, countField, ""},
	"Initiative.hostedBy":         {initiativeHostedBy, listField, "Forum"},
	"Initiative.leadCountries":    {initiativeLeadCountries, listField, "Country"},
	"Norm.priorities":             {normPriorities, listField, "Priority"},
	"Norm.affirmedBy":             {normAffirmedBy, connectionField, "Forum"},
	"Norm.promotedBy":             {normPromotedBy, connectionField, "Initiative"},
	"Norm.endorsers":              {normEndorsers, connectionField, "Country"},
	"Priority.fora":               {priorityFora, connectionField, "Forum"},
	"Priority.initiatives":        {priorityInitiatives, connectionField, "Initiative"},
	"Priority.norms":              {priorityNorms, connectionField, "Norm"},
}

func kindOf(t normgraph.Traversal, k normgraph.EntityKind) normgraph.Traversal {
	t.Kind = k
	return t
}
