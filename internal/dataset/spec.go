package dataset

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// The parser and the JSON Schemas are both driven by the field tables below,
// so an editor that validates against the schema accepts what the loader
// accepts. The patterns are written once and used by both.
const (
	idPatternText   = `^[a-z0-9]+(-[a-z0-9]+)*$`
	datePatternText = `^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$`
	urlPatternText  = `^https?://[^\s/?#]+([/?#]\S*)?$`
	iso2PatternText = `^[A-Z]{2}$`
	iso3PatternText = `^[A-Z]{3}$`
	// textPatternText rejects blank strings: a name of spaces is no name.
	textPatternText = `\S`
	maxIDLength     = 128
	minYear         = 1000
	maxYear         = 9999
)

var (
	urlPattern  = regexp.MustCompile(urlPatternText)
	iso2Pattern = regexp.MustCompile(iso2PatternText)
	iso3Pattern = regexp.MustCompile(iso3PatternText)
)

// valueType is how a field's YAML value is checked and converted.
type valueType uint8

const (
	vText      valueType = iota + 1 // non-blank string
	vID                             // graph id (lowercase kebab-case)
	vKebab                          // a type name, kebab-case like ids
	vInt                            // integer within [min, max]
	vDate                           // YYYY, YYYY-MM or YYYY-MM-DD, quoted or not
	vURL                            // absolute http(s) URL
	vISO2                           // ISO 3166-1 alpha-2
	vISO3                           // ISO 3166-1 alpha-3
	vTexts                          // list of unique non-blank strings
	vSourceIDs                      // non-empty list of unique source ids
	vRefs                           // relationship list: ids or ref mappings
)

// fieldSpec describes one key of a YAML mapping.
type fieldSpec struct {
	name     string
	typ      valueType
	required bool
	min, max int                    // vInt
	rel      normgraph.RelationType // vRefs
	enum     []string               // allowed values (schema); the parser checks them with a better message
	doc      string
}

// kindSpec describes one kind of data file: its top-level key and its items.
type kindSpec struct {
	key  string               // top-level key and file name: "fora"
	one  string               // one item, for messages: "forum"
	kind normgraph.EntityKind // "" for sources
	doc  string
	// fields in the order the schema lists them.
	fields []fieldSpec
	// allowed is fields' names joined, for "unknown field" messages.
	allowed string
}

// field returns the index of the field called name, or -1.
func (k *kindSpec) field(name string) int {
	return fieldIndex(k.fields, name)
}

func fieldIndex(fields []fieldSpec, name string) int {
	for i := range fields {
		if fields[i].name == name {
			return i
		}
	}
	return -1
}

// Kinds of data file, in the order the loader reads their items (sources
// first so that messages about entities can mention them).
const (
	keySources     = "sources"
	keyPriorities  = "priorities"
	keyNorms       = "norms"
	keyCountries   = "countries"
	keyFora        = "fora"
	keyInitiatives = "initiatives"
)

// refFields are the keys of a relationship written as a mapping.
func refFields() []fieldSpec {
	return []fieldSpec{
		{name: "to", typ: vID, required: true, doc: "id of the entity at the other end"},
		{name: "since", typ: vDate, doc: "start of the relationship (YYYY, YYYY-MM or YYYY-MM-DD)"},
		{name: "until", typ: vDate, doc: "end of the relationship, if it ended"},
		{name: "role", typ: vText, doc: "e.g. party, signatory, observer"},
		{name: "note", typ: vText},
		{name: "sources", typ: vSourceIDs, doc: "source ids; omitted, the relationship cites its owner's sources"},
	}
}

// specs builds the field tables. It is a function, not a package variable, so
// that the package keeps no state besides compiled patterns.
func specs() []*kindSpec {
	id := fieldSpec{name: "id", typ: vID, required: true, doc: "stable lowercase kebab-case id, unique across all files"}
	name := fieldSpec{name: "name", typ: vText, required: true}
	description := fieldSpec{name: "description", typ: vText}
	aliases := fieldSpec{name: "aliases", typ: vTexts, doc: "other names: acronyms, former names"}
	sources := fieldSpec{name: "sources", typ: vSourceIDs, required: true, doc: "ids of the sources backing this entry"}
	refs := func(n string, t normgraph.RelationType) fieldSpec {
		e, _ := normgraph.EndpointsOf(t)
		return fieldSpec{name: n, typ: vRefs, rel: t, doc: fmt.Sprintf(
			"%s relationships: %s ids, or mappings of to, since, until, role, note, sources", t, strings.ToLower(e.To.Label()))}
	}
	url := fieldSpec{name: "url", typ: vURL}

	all := []*kindSpec{
		{key: keySources, one: "source", doc: "provenance documents cited by entities and relationships", fields: []fieldSpec{
			id,
			{name: "title", typ: vText, required: true},
			{name: "publisher", typ: vText, required: true},
			{name: "published", typ: vDate},
			{name: "url", typ: vURL, required: true},
			{name: "asOf", typ: vDate, doc: "date a list backed by this source is accurate as of"},
		}},
		{key: keyPriorities, one: "priority", kind: normgraph.KindPriority, doc: "the seven International Cyber Policy Priorities", fields: []fieldSpec{
			{name: "id", typ: vID, required: true, enum: normgraph.PriorityIDs},
			name,
			{name: "shortName", typ: vText, required: true},
			{name: "order", typ: vInt, required: true, min: 1, max: len(normgraph.PriorityIDs)},
			description, aliases, sources,
		}},
		{key: keyNorms, one: "norm", kind: normgraph.KindNorm, doc: "norms of state behaviour in cyberspace", fields: []fieldSpec{
			id, name,
			{name: "code", typ: vText, doc: "e.g. A/70/174 13(f)"},
			{name: "framework", typ: vKebab, required: true},
			{name: "text", typ: vText, required: true},
			description, aliases, sources,
			refs("supports", normgraph.RelSupports),
		}},
		{key: keyCountries, one: "country", kind: normgraph.KindCountry, doc: "countries, identified by ISO 3166-1 codes; id is the lowercase alpha-3", fields: []fieldSpec{
			id, name,
			{name: "iso2", typ: vISO2, required: true},
			{name: "iso3", typ: vISO3, required: true},
			{name: "region", typ: vText, required: true},
			{name: "subregion", typ: vText},
			description, aliases, sources,
			refs("memberOf", normgraph.RelMemberOf),
			refs("participatesIn", normgraph.RelParticipatesIn),
			refs("endorses", normgraph.RelEndorses),
			refs("leads", normgraph.RelLeads),
		}},
		{key: keyFora, one: "forum", kind: normgraph.KindForum, doc: "multilateral, regional, multistakeholder and technical fora", fields: []fieldSpec{
			id, name,
			{name: "acronym", typ: vText},
			{name: "type", typ: vKebab, required: true},
			{name: "founded", typ: vInt, required: true, min: minYear, max: maxYear, doc: "year"},
			url, description, aliases, sources,
			refs("advances", normgraph.RelAdvances),
			refs("affirms", normgraph.RelAffirms),
		}},
		{key: keyInitiatives, one: "initiative", kind: normgraph.KindInitiative, doc: "treaties, declarations, programmes, calls", fields: []fieldSpec{
			id, name,
			{name: "type", typ: vKebab, required: true},
			{name: "launched", typ: vDate},
			url, description, aliases, sources,
			refs("advances", normgraph.RelAdvances),
			refs("promotes", normgraph.RelPromotes),
			refs("hostedBy", normgraph.RelHostedBy),
		}},
	}
	for _, k := range all {
		k.allowed = joinNames(k.fields)
	}
	return all
}

func joinNames(fields []fieldSpec) string {
	s := ""
	for i, f := range fields {
		if i > 0 {
			s += ", "
		}
		s += f.name
	}
	return s
}

// csvHeader is the exact header of a relations CSV file.
const csvHeader = "from,type,to,since,until,role,sources,note"
