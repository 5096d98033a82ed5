// Package normgraph holds the domain of normgraph: the entities of international
// cyber diplomacy, the relationships between them, and the Store contract every
// storage backend implements. It imports only the standard library so that the
// dataset loader, both stores and the GraphQL layer can share it without cycles.
package normgraph

import (
	"fmt"
	"regexp"
)

// EntityKind names one of the five kinds of entity in the graph.
type EntityKind string

// The entity kinds, in their canonical order (the order of Stats.ByKind).
const (
	KindPriority   EntityKind = "PRIORITY"
	KindNorm       EntityKind = "NORM"
	KindCountry    EntityKind = "COUNTRY"
	KindForum      EntityKind = "FORUM"
	KindInitiative EntityKind = "INITIATIVE"
)

// EntityKinds lists every entity kind in canonical order.
var EntityKinds = []EntityKind{KindPriority, KindNorm, KindCountry, KindForum, KindInitiative}

// IsValid reports whether k is one of EntityKinds.
func (k EntityKind) IsValid() bool {
	for _, v := range EntityKinds {
		if v == k {
			return true
		}
	}
	return false
}

// Label is the node label of the kind in a property graph ("Priority", "Norm", ...).
func (k EntityKind) Label() string {
	switch k {
	case KindPriority:
		return "Priority"
	case KindNorm:
		return "Norm"
	case KindCountry:
		return "Country"
	case KindForum:
		return "Forum"
	case KindInitiative:
		return "Initiative"
	}
	return ""
}

// String implements fmt.Stringer.
func (k EntityKind) String() string { return string(k) }

// RelationType names one of the nine relationship types.
type RelationType string

// The relationship types, in canonical order (the order of Stats.ByRelation).
const (
	RelAdvances       RelationType = "ADVANCES"
	RelSupports       RelationType = "SUPPORTS"
	RelAffirms        RelationType = "AFFIRMS"
	RelPromotes       RelationType = "PROMOTES"
	RelMemberOf       RelationType = "MEMBER_OF"
	RelParticipatesIn RelationType = "PARTICIPATES_IN"
	RelEndorses       RelationType = "ENDORSES"
	RelHostedBy       RelationType = "HOSTED_BY"
	RelLeads          RelationType = "LEADS"
)

// RelationTypes lists every relationship type in canonical order.
var RelationTypes = []RelationType{
	RelAdvances, RelSupports, RelAffirms, RelPromotes, RelMemberOf,
	RelParticipatesIn, RelEndorses, RelHostedBy, RelLeads,
}

// IsValid reports whether t is one of RelationTypes.
func (t RelationType) IsValid() bool {
	_, ok := relationEndpoints[t]
	return ok
}

// String implements fmt.Stringer.
func (t RelationType) String() string { return string(t) }

// Endpoints says which kinds a relationship of type t may connect: from one of
// From to To. The direction is fixed by the data model.
type Endpoints struct {
	From []EntityKind
	To   EntityKind
}

var relationEndpoints = map[RelationType]Endpoints{
	RelAdvances:       {From: []EntityKind{KindForum, KindInitiative}, To: KindPriority},
	RelSupports:       {From: []EntityKind{KindNorm}, To: KindPriority},
	RelAffirms:        {From: []EntityKind{KindForum}, To: KindNorm},
	RelPromotes:       {From: []EntityKind{KindInitiative}, To: KindNorm},
	RelMemberOf:       {From: []EntityKind{KindCountry}, To: KindForum},
	RelParticipatesIn: {From: []EntityKind{KindCountry}, To: KindInitiative},
	RelEndorses:       {From: []EntityKind{KindCountry}, To: KindNorm},
	RelHostedBy:       {From: []EntityKind{KindInitiative}, To: KindForum},
	RelLeads:          {From: []EntityKind{KindCountry}, To: KindInitiative},
}

// EndpointsOf returns the allowed endpoints of t.
func EndpointsOf(t RelationType) (Endpoints, bool) {
	e, ok := relationEndpoints[t]
	return e, ok
}

// CheckEndpoints returns an error when a relationship of type t may not go from
// a node of kind from to a node of kind to.
func CheckEndpoints(t RelationType, from, to EntityKind) error {
	e, ok := relationEndpoints[t]
	if !ok {
		return fmt.Errorf("unknown relationship type %q", t)
	}
	fromOK := false
	for _, k := range e.From {
		if k == from {
			fromOK = true
		}
	}
	if !fromOK || to != e.To {
		return fmt.Errorf("%s goes from %v to %s, not from %s to %s", t, e.From, e.To, from, to)
	}
	return nil
}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidID reports whether id is a well-formed graph id: lowercase kebab-case.
func ValidID(id string) bool { return len(id) <= 128 && idPattern.MatchString(id) }

// PriorityIDs are the fixed ids of the seven International Cyber Policy Priorities, in order.
var PriorityIDs = []string{
	"economy", "protecting-networks", "law-enforcement", "military",
	"internet-governance", "international-development", "internet-freedom",
}
