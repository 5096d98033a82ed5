package dataset

import (
	"cmp"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// pos is where something is defined: an index into loader.files and a line.
// Two int32 keep a million relationship records small.
type pos struct {
	file int32
	line int32
}

// entry is a source or an entity, as indexed by id.
type entry struct {
	id   string
	kind normgraph.EntityKind // "" for a source
	spec *kindSpec
	node normgraph.Node
	at   pos // the id's value
	vals *values
	// sources are the entity's own source ids, checked once the index exists.
	sources []idRef
	// fromRank and toRank order the entity as either end of a
	// relationship; see rankEntities.
	fromRank, toRank uint32
	// The lines checkEntities needs, so that vals (and the YAML
	// tree behind it) need not outlive build.
	iso2Line, iso3Line, orderLine int32
}

// what names e for messages: `country "usa"`.
func (e *entry) what() string { return fmt.Sprintf("%s %q", e.spec.one, e.id) }

// idRef is an id written in a data file and where.
type idRef struct {
	id   string
	line int32
}

// pendingRel is a relationship from YAML, waiting for the index to resolve
// its far end and its own sources.
type pendingRel struct {
	owner *entry
	to    string // as written
	typ   normgraph.RelationType
	props uint32
	field string  // YAML key, for messages: "memberOf"
	at    pos     // the ref item
	own   []idRef // nil: inherits the owner's sources
	// inherited are the owner's sources, for own == nil.
	inherited []string
	// orphan says the owner cites no sources, so there is nothing to inherit.
	orphan bool
}

// relRec is a resolved relationship and where it was defined.
//
// It is the loader's only per-relationship memory, 24 bytes where a
// *normgraph.Relation takes 128: the ends and type are in key, the other
// values are indices into tables of distinct values. At a million
// relationships that is what keeps the loader's peak, and the peak of a
// server that builds its store from Stream, low; the Relations are built
// only as they are handed out.
type relRec struct {
	relKey
	at pos
}

// relKey is a relRec without its position, which only validation needs:
// the valid relationships wait to be handed out as 16 bytes each.
type relKey struct {
	key   uint64 // see rankEntities
	props uint32 // index into loader.props
	srcs  uint32 // index into loader.srcLists
}

// relProps is one distinct combination of a relationship's dates, role and
// note: far fewer than relationships, as generated and curated data repeat
// them a great deal.
type relProps struct {
	since, until *normgraph.Date
	role, note   string
}

// loader holds the state of one Load call.
type loader struct {
	specs    []*kindSpec
	byKey    map[string]*kindSpec
	files    []string
	fileIDs  map[string]int32
	problems []Problem

	entries []*entry // sources and entities in file order, duplicates included
	byID    map[string]*entry
	pending []pendingRel
	rels    []relRec
	// valid are the relationships once validated, in canonical order.
	valid []relKey

	// Caches: a generated dataset repeats the same dates, roles and source
	// lists over and over; sharing them saves most of the allocations.
	dates map[string]*normgraph.Date
	strs  map[string]string
	// props and srcLists are the distinct property combinations and source
	// lists relRec refers to. csvSrcIdx is keyed by a CSV row's sources
	// field as written, so that a field met before is not split again;
	// yamlSrcIdx by the ids joined with ";". Apart, as an owner's sources
	// that YAML relationships inherit are not checked as a row's are, and
	// must not let a row skip its checks.
	props      []relProps
	propIdx    map[relProps]uint32
	srcLists   [][]string
	csvSrcIdx  map[string]uint32
	yamlSrcIdx map[string]uint32

	typeRank map[normgraph.RelationType]uint64
	// The inverse of the ranks: the ids and types to rebuild a
	// relationship from its key.
	byFromRank, byToRank []string
	typeByRank           []normgraph.RelationType

	// prioritiesAt is where the first priorities list starts, to anchor
	// "missing priority" problems.
	prioritiesAt *pos
}

func newLoader() *loader {
	l := &loader{
		specs:   specs(),
		byKey:   map[string]*kindSpec{},
		fileIDs: map[string]int32{},
		byID:    map[string]*entry{},
		dates:   map[string]*normgraph.Date{},
		strs:    map[string]string{},
		propIdx: map[relProps]uint32{},

		csvSrcIdx:  map[string]uint32{},
		yamlSrcIdx: map[string]uint32{},

		typeRank: map[normgraph.RelationType]uint64{},
	}
	for _, s := range l.specs {
		l.byKey[s.key] = s
	}
	return l
}

// file returns the index of name in l.files, adding it.
func (l *loader) file(name string) int32 {
	if id, ok := l.fileIDs[name]; ok {
		return id
	}
	id := int32(len(l.files))
	l.files = append(l.files, name)
	l.fileIDs[name] = id
	return id
}

func (l *loader) problem(file int32, line int32, format string, args ...any) {
	if line < 1 {
		line = 1
	}
	l.problems = append(l.problems, Problem{File: l.files[file], Line: int(line), Message: fmt.Sprintf(format, args...)})
}

func (l *loader) where(p pos) string { return fmt.Sprintf("%s:%d", l.files[p.file], p.line) }

// date parses a date literal once per Load.
func (l *loader) date(s string) (*normgraph.Date, error) {
	if d, ok := l.dates[s]; ok {
		return d, nil
	}
	d, err := normgraph.ParseDate(s)
	if err != nil {
		return nil, err
	}
	p := &d
	l.dates[strings.Clone(s)] = p
	return p, nil
}

// intern returns a shared copy of s, so that a CSV row's backing string is
// not kept alive by one short field.
func (l *loader) intern(s string) string {
	if v, ok := l.strs[s]; ok {
		return v
	}
	v := strings.Clone(s)
	l.strs[v] = v
	return v
}

// prop returns the index of a property combination, adding it. The strings
// must be the loader's own (interned), as the table keeps them.
func (l *loader) prop(p relProps) uint32 {
	if i, ok := l.propIdx[p]; ok {
		return i
	}
	i := uint32(len(l.props))
	l.props = append(l.props, p)
	l.propIdx[p] = i
	return i
}

// yamlSources returns the index of a YAML relationship's source list,
// adding it.
func (l *loader) yamlSources(ids []string) uint32 {
	key := strings.Join(ids, ";")
	if i, ok := l.yamlSrcIdx[key]; ok {
		return i
	}
	i := uint32(len(l.srcLists))
	l.srcLists = append(l.srcLists, ids)
	l.yamlSrcIdx[key] = i
	return i
}

// register adds a parsed source or entity; the index is built later, in file
// order, so that duplicates name the earlier definition.
func (l *loader) register(e *entry) { l.entries = append(l.entries, e) }

// index builds the id index and reports duplicate ids. Sources go first: an
// entity that takes a source's id is the one reported, rather than every
// citation of the source turning into "not a source".
func (l *loader) index() {
	for _, sources := range []bool{true, false} {
		for _, e := range l.entries {
			if (e.kind == "") != sources {
				continue
			}
			if first, ok := l.byID[e.id]; ok {
				l.problem(e.at.file, e.at.line, "duplicate id %q (first defined at %s)", e.id, l.where(first.at))
				continue
			}
			l.byID[e.id] = e
		}
	}
}

// lookupEntity resolves a reference to an entity, reporting why it cannot.
func (l *loader) lookupEntity(at pos, label, id string) *entry {
	if e, ok := l.byID[id]; ok {
		if e.kind == "" {
			l.problem(at.file, at.line, "%s: %q is a source, not an entity", label, id)
			return nil
		}
		return e
	}
	switch {
	case id == "":
		l.problem(at.file, at.line, "missing required field %q", label)
	case !normgraph.ValidID(id):
		l.problem(at.file, at.line, "%s: %s", label, badID(id))
	default:
		l.problem(at.file, at.line, "%s: unknown entity %q", label, id)
	}
	return nil
}

// lookupSource resolves a cited source id, reporting why it cannot.
func (l *loader) lookupSource(at pos, label, id string) *entry {
	if e, ok := l.byID[id]; ok {
		if e.kind != "" {
			l.problem(at.file, at.line, "%s: %s is not a source", label, e.what())
			return nil
		}
		return e
	}
	if !normgraph.ValidID(id) {
		l.problem(at.file, at.line, "%s: %s", label, badID(id))
	} else {
		l.problem(at.file, at.line, "%s: unknown source %q", label, id)
	}
	return nil
}

func badID(id string) string {
	return fmt.Sprintf("%q is not a valid id (want lowercase kebab-case like \"internet-governance\")", id)
}

// checkEntities checks what needs the whole index: cited sources, country
// codes and the fixed priorities.
func (l *loader) checkEntities() {
	iso2 := map[string]pos{}
	iso3 := map[string]pos{}
	for _, e := range l.entries {
		for _, s := range e.sources {
			l.lookupSource(pos{e.at.file, s.line}, "sources", s.id)
		}
		if l.byID[e.id] != e {
			continue // a duplicate: reported already, and its codes would only echo it
		}
		switch v := e.node.(type) {
		case *normgraph.Country:
			l.checkCountry(e, v, iso2, iso3)
		case *normgraph.Priority:
			l.checkPriority(e, v)
		}
	}
	for _, id := range normgraph.PriorityIDs {
		if e, ok := l.byID[id]; ok && e.kind == normgraph.KindPriority {
			continue
		}
		at := pos{file: -1}
		if l.prioritiesAt != nil {
			at = *l.prioritiesAt
		}
		if at.file < 0 {
			at = pos{file: l.file(keyPriorities + ".yaml"), line: 1}
		}
		l.problem(at.file, at.line, "missing priority %q (the seven priorities are %s)", id, strings.Join(normgraph.PriorityIDs, ", "))
	}
}

func (l *loader) checkCountry(e *entry, c *normgraph.Country, iso2, iso3 map[string]pos) {
	if c.ISO3 != "" && c.ID != strings.ToLower(c.ISO3) {
		l.problem(e.at.file, e.at.line, "id %q must be the lowercase iso3 code %q", c.ID, strings.ToLower(c.ISO3))
	}
	for _, code := range []struct {
		field, value string
		seen         map[string]pos
	}{{"iso2", c.ISO2, iso2}, {"iso3", c.ISO3, iso3}} {
		if code.value == "" {
			continue
		}
		line := e.iso2Line
		if code.field == "iso3" {
			line = e.iso3Line
		}
		at := pos{e.at.file, line}
		if first, ok := code.seen[code.value]; ok {
			l.problem(at.file, at.line, "duplicate %s %q (first defined at %s)", code.field, code.value, l.where(first))
			continue
		}
		code.seen[code.value] = at
	}
}

func (l *loader) checkPriority(e *entry, p *normgraph.Priority) {
	i := slices.Index(normgraph.PriorityIDs, p.ID)
	if i < 0 {
		l.problem(e.at.file, e.at.line, "priority %q is not one of the seven: %s", p.ID, strings.Join(normgraph.PriorityIDs, ", "))
		return
	}
	if p.Order != 0 && p.Order != i+1 {
		l.problem(e.at.file, e.orderLine, "priority %q must have order %d, not %d", p.ID, i+1, p.Order)
	}
}

// resolvePending resolves the relationships listed in YAML files.
func (l *loader) resolvePending() {
	for i := range l.pending {
		p := &l.pending[i]
		ok := true
		to := l.lookupEntity(p.at, p.field, p.to)
		if to == nil {
			ok = false
		} else if err := normgraph.CheckEndpoints(p.typ, p.owner.kind, to.kind); err != nil {
			l.problem(p.at.file, p.at.line, "%s: %q is a %s: %v", p.field, to.id, to.spec.one, err)
			ok = false
		}
		srcs := p.inherited
		if p.own != nil {
			ids := make([]string, 0, len(p.own))
			for _, s := range p.own {
				if src := l.lookupSource(pos{p.at.file, s.line}, "sources", s.id); src != nil {
					ids = append(ids, src.id)
				} else {
					ok = false
				}
			}
			srcs = ids
		}
		if p.own == nil && p.orphan {
			l.problem(p.at.file, p.at.line, "relationship %q has no sources: cite some here or on %s",
				normgraph.RelationID(p.owner.id, p.typ, p.to), p.owner.what())
			ok = false
		}
		// The relationships of a duplicate definition are checked but not
		// kept: each would only echo the duplicate id as a duplicate triple.
		if ok && l.byID[p.owner.id] == p.owner {
			l.addRel(p.owner, p.typ, to, p.props, l.yamlSources(srcs), p.at)
		}
	}
	l.pending = nil
}

// rankEntities numbers the entities so that comparing (from, type, to) as
// numbers orders relationships exactly as comparing their ids
// "from:TYPE:to" does. Ids hold no ':', so that comparison is decided within
// the first part that differs: from and type compared with their ':'
// attached, to compared plainly. Sorting a million relationships by number
// instead of by built id strings is what keeps start-up fast.
func (l *loader) rankEntities() {
	var ents []*entry
	for _, e := range l.entries {
		if e.kind != "" && l.byID[e.id] == e {
			ents = append(ents, e)
		}
	}
	slices.SortFunc(ents, func(a, b *entry) int { return compareParts(a.id, b.id) })
	l.byFromRank = make([]string, len(ents))
	for i, e := range ents {
		e.fromRank = uint32(i)
		l.byFromRank[i] = e.id
	}
	slices.SortFunc(ents, func(a, b *entry) int { return strings.Compare(a.id, b.id) })
	l.byToRank = make([]string, len(ents))
	for i, e := range ents {
		e.toRank = uint32(i)
		l.byToRank[i] = e.id
	}
	types := slices.Clone(normgraph.RelationTypes)
	slices.SortFunc(types, func(a, b normgraph.RelationType) int { return compareParts(string(a), string(b)) })
	for i, t := range types {
		l.typeRank[t] = uint64(i)
	}
	l.typeByRank = types
}

// compareParts compares a+":" with b+":" without building them.
func compareParts(a, b string) int { return normgraph.CompareIDPart(a, b) }

// addRel records a resolved relationship between two indexed entities.
func (l *loader) addRel(from *entry, t normgraph.RelationType, to *entry, props, srcs uint32, at pos) {
	key := uint64(from.fromRank)<<36 | l.typeRank[t]<<32 | uint64(to.toRank)
	l.rels = append(l.rels, relRec{relKey{key: key, props: props, srcs: srcs}, at})
}

// relation fills dst with the relationship r records. The strings, dates
// and source list are shared with every other relationship that has them.
func (l *loader) relation(r *relKey, dst *normgraph.Relation) {
	p := &l.props[r.props]
	*dst = normgraph.Relation{
		Type:  l.typeByRank[r.key>>32&0xf],
		From:  l.byFromRank[r.key>>36],
		To:    l.byToRank[uint32(r.key)],
		Since: p.since, Until: p.until, Role: p.role, Note: p.note,
		SourceIDs: l.srcLists[r.srcs],
	}
}

// relationID is the id of the relationship r records.
func (l *loader) relationID(r *relKey) string {
	return normgraph.RelationID(l.byFromRank[r.key>>36], l.typeByRank[r.key>>32&0xf], l.byToRank[uint32(r.key)])
}

// sortRelations puts the relationships in canonical order and reports
// duplicate (from, type, to) triples, which the order makes adjacent.
//
// Among duplicates the earliest definition is "first": the position says
// which, since relationships are recorded in order of file (YAML files, in
// the order their ids were given, then CSV files) and, within a file, of
// line; a YAML entity lists each type under one key. Duplicates on one line
// have the same message whichever comes first.
func (l *loader) sortRelations() {
	slices.SortFunc(l.rels, func(a, b relRec) int {
		return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.at.file, b.at.file), cmp.Compare(a.at.line, b.at.line))
	})
	out := l.rels[:0]
	var first relRec
	for i, r := range l.rels {
		if i > 0 && r.key == first.key {
			l.problem(r.at.file, r.at.line, "duplicate relationship %q (first defined at %s)", l.relationID(&r.relKey), l.where(first.at))
			continue
		}
		first = r
		out = append(out, r)
	}
	l.rels = out
}

// release drops what only reading and checking needed, once the data is
// valid: the indexes and caches are some tens of megabytes at a million
// relationships, and the relationships outlive them (see Stream).
func (l *loader) release() {
	l.byID, l.fileIDs, l.byKey = nil, nil, nil
	l.dates, l.strs, l.propIdx, l.csvSrcIdx, l.yamlSrcIdx = nil, nil, nil, nil, nil
	l.pending = nil
	// A third less to keep while a store is built from them (8 MB at a
	// million relationships), for a copy made while little else is live.
	l.valid = make([]relKey, len(l.rels))
	for i := range l.rels {
		l.valid[i] = l.rels[i].relKey
	}
	l.rels = nil
}

// head is the validated dataset without its relationships, in file order.
// The loader keeps nothing of it: what is left is what relations needs.
func (l *loader) head() *normgraph.Dataset {
	ds := &normgraph.Dataset{}
	for _, e := range l.entries {
		switch v := e.node.(type) {
		case *normgraph.Source:
			ds.Sources = append(ds.Sources, v)
		case normgraph.Entity:
			ds.Entities = append(ds.Entities, v)
		}
	}
	l.entries = nil
	return ds
}

// relations yields the relationships in canonical order, each built in
// the same Relation; once all are handed out, the records are dropped, so
// that what a consumer builds from them does not add up with them.
func (l *loader) relations() iter.Seq[*normgraph.Relation] {
	return func(yield func(*normgraph.Relation) bool) {
		var r normgraph.Relation
		for i := range l.valid {
			l.relation(&l.valid[i], &r)
			if !yield(&r) {
				return
			}
		}
		l.valid = nil
	}
}

// dataset assembles the validated data in canonical order.
func (l *loader) dataset() *normgraph.Dataset {
	ds := l.head()
	// In slabs: one allocation per thousand relationships instead of one
	// each.
	ds.Relations = make([]*normgraph.Relation, len(l.valid))
	var slab []normgraph.Relation
	for i := range l.valid {
		if len(slab) == 0 {
			slab = make([]normgraph.Relation, min(1024, len(l.valid)-i))
		}
		l.relation(&l.valid[i], &slab[0])
		ds.Relations[i] = &slab[0]
		slab = slab[1:]
	}
	l.valid = nil
	// The relations are sorted already, which Sort detects in linear time;
	// calling it keeps the canonical order defined in one place.
	ds.Sort()
	return ds
}
