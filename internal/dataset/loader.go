package dataset

import (
	"cmp"
	"fmt"
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
	rel   *normgraph.Relation
	owner *entry
	field string  // YAML key, for messages: "memberOf"
	at    pos     // the ref item
	own   []idRef // nil: inherits the owner's sources
	// orphan says the owner cites no sources, so there is nothing to inherit.
	orphan bool
}

// relRec is a resolved relationship and where it was defined; seq keeps the
// order of definition so that the earlier of two duplicates is "first".
type relRec struct {
	rel *normgraph.Relation
	key uint64 // see rankEntities
	at  pos
	seq int32
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

	// Caches: a generated dataset repeats the same dates, roles and source
	// lists over and over; sharing them saves most of the allocations.
	dates   map[string]*normgraph.Date
	strs    map[string]string
	srcSets map[string][]string
	slab    []normgraph.Relation

	typeRank map[normgraph.RelationType]uint64

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
		srcSets: map[string][]string{},

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

// newRelation hands out relations from slabs: one allocation per thousand
// relationships instead of one each.
func (l *loader) newRelation() *normgraph.Relation {
	if len(l.slab) == cap(l.slab) {
		l.slab = make([]normgraph.Relation, 0, 1024)
	}
	l.slab = l.slab[:len(l.slab)+1]
	return &l.slab[len(l.slab)-1]
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
		r := p.rel
		ok := true
		to := l.lookupEntity(p.at, p.field, r.To)
		if to == nil {
			ok = false
		} else {
			r.To = to.id
			if err := normgraph.CheckEndpoints(r.Type, p.owner.kind, to.kind); err != nil {
				l.problem(p.at.file, p.at.line, "%s: %q is a %s: %v", p.field, to.id, to.spec.one, err)
				ok = false
			}
		}
		if p.own != nil {
			ids := make([]string, 0, len(p.own))
			for _, s := range p.own {
				if src := l.lookupSource(pos{p.at.file, s.line}, "sources", s.id); src != nil {
					ids = append(ids, src.id)
				} else {
					ok = false
				}
			}
			r.SourceIDs = ids
		}
		if p.own == nil && p.orphan {
			l.problem(p.at.file, p.at.line, "relationship %q has no sources: cite some here or on %s", r.ID(), p.owner.what())
			ok = false
		}
		// The relationships of a duplicate definition are checked but not
		// kept: each would only echo the duplicate id as a duplicate triple.
		if ok && l.byID[p.owner.id] == p.owner {
			l.addRel(r, p.owner, to, p.at)
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
	for i, e := range ents {
		e.fromRank = uint32(i)
	}
	slices.SortFunc(ents, func(a, b *entry) int { return strings.Compare(a.id, b.id) })
	for i, e := range ents {
		e.toRank = uint32(i)
	}
	types := slices.Clone(normgraph.RelationTypes)
	slices.SortFunc(types, func(a, b normgraph.RelationType) int { return compareParts(string(a), string(b)) })
	for i, t := range types {
		l.typeRank[t] = uint64(i)
	}
}

// compareParts compares a+":" with b+":" without building them.
func compareParts(a, b string) int { return normgraph.CompareIDPart(a, b) }

// addRel records a resolved relationship between two indexed entities.
func (l *loader) addRel(r *normgraph.Relation, from, to *entry, at pos) {
	key := uint64(from.fromRank)<<36 | l.typeRank[r.Type]<<32 | uint64(to.toRank)
	l.rels = append(l.rels, relRec{rel: r, key: key, at: at, seq: int32(len(l.rels))})
}

// sortRelations puts the relationships in canonical order and reports
// duplicate (from, type, to) triples, which the order makes adjacent.
func (l *loader) sortRelations() {
	slices.SortFunc(l.rels, func(a, b relRec) int {
		return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.seq, b.seq))
	})
	out := l.rels[:0]
	var first relRec
	for i, r := range l.rels {
		if i > 0 && r.key == first.key {
			l.problem(r.at.file, r.at.line, "duplicate relationship %q (first defined at %s)", r.rel.ID(), l.where(first.at))
			continue
		}
		first = r
		out = append(out, r)
	}
	l.rels = out
}

// dataset assembles the validated data in canonical order.
func (l *loader) dataset() *normgraph.Dataset {
	ds := &normgraph.Dataset{}
	for _, e := range l.entries {
		switch v := e.node.(type) {
		case *normgraph.Source:
			ds.Sources = append(ds.Sources, v)
		case normgraph.Entity:
			ds.Entities = append(ds.Entities, v)
		}
	}
	ds.Relations = make([]*normgraph.Relation, len(l.rels))
	for i, r := range l.rels {
		ds.Relations[i] = r.rel
	}
	// The relations are sorted already, which Sort detects in linear time;
	// calling it keeps the canonical order defined in one place.
	ds.Sort()
	return ds
}
