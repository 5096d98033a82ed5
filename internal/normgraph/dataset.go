package normgraph

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"slices"
	"strings"
)

// Dataset is the whole curated graph as validated data: what the data files
// hold, what memstore serves and what seeding writes to Neo4j.
type Dataset struct {
	Sources   []*Source
	Entities  []Entity
	Relations []*Relation
}

// Sort puts the dataset in its canonical order: sources and entities by id,
// relations by id.
func (d *Dataset) Sort() {
	slices.SortFunc(d.Sources, func(a, b *Source) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(d.Entities, func(a, b Entity) int { return cmp.Compare(a.NodeID(), b.NodeID()) })
	slices.SortFunc(d.Relations, CompareRelations)
}

// CompareRelations orders a and b as comparing a.ID() with b.ID() would,
// without building the ids (sorting a million relationships must not
// allocate two million strings).
func CompareRelations(a, b *Relation) int {
	return cmp.Or(CompareIDPart(a.From, b.From), CompareIDPart(string(a.Type), string(b.Type)), strings.Compare(a.To, b.To))
}

// CompareIDPart compares a+":" with b+":" without building them: one part
// of a relationship id against another.
func CompareIDPart(a, b string) int {
	n := min(len(a), len(b))
	if c := strings.Compare(a[:n], b[:n]); c != 0 {
		return c
	}
	switch {
	case len(a) == len(b):
		return 0
	case len(a) < len(b):
		return cmp.Compare(':', b[n])
	default:
		return cmp.Compare(a[n], ':')
	}
}

// Version is a short content hash of the dataset in canonical order: two
// stores that hold the same data report the same version.
//
// Every field of every source, entity and relationship goes into the hash
// through a hand-written, length-prefixed encoding (see versionEncoder):
// encoding/json's reflection made hashing a million relationships the
// slowest step of start-up. A missing date and a zero Date hash alike, as do
// a nil and an empty list: the data model does not tell them apart either.
func (d *Dataset) Version() string {
	sources, entities, relations := d.Sources, d.Entities, d.Relations
	// Loaded datasets are in canonical order already; checking is linear and
	// spares cloning and sorting a million pointers.
	if !slices.IsSortedFunc(sources, func(a, b *Source) int { return cmp.Compare(a.ID, b.ID) }) {
		sources = slices.Clone(sources)
		slices.SortFunc(sources, func(a, b *Source) int { return cmp.Compare(a.ID, b.ID) })
	}
	if !slices.IsSortedFunc(entities, func(a, b Entity) int { return cmp.Compare(a.NodeID(), b.NodeID()) }) {
		entities = slices.Clone(entities)
		slices.SortFunc(entities, func(a, b Entity) int { return cmp.Compare(a.NodeID(), b.NodeID()) })
	}
	if !slices.IsSortedFunc(relations, CompareRelations) {
		relations = slices.Clone(relations)
		slices.SortFunc(relations, CompareRelations)
	}
	v := NewVersionHash()
	for _, s := range sources {
		v.Source(s)
	}
	for _, en := range entities {
		v.Entity(en)
	}
	for _, r := range relations {
		v.Relation(r)
	}
	return v.Sum()
}

// VersionHash computes Dataset.Version from a dataset handed over piece by
// piece, for a consumer that never holds all of it at once: every source,
// then every entity, then every relationship, each group in canonical order
// (see Dataset.Sort). Given in any other order, the pieces hash to another
// version.
type VersionHash struct{ e versionEncoder }

// NewVersionHash starts a hash.
func NewVersionHash() *VersionHash {
	v := &VersionHash{e: versionEncoder{h: sha256.New(), buf: make([]byte, 0, versionBufSize)}}
	v.e.str(versionFormat)
	return v
}

// Source adds the next source.
func (v *VersionHash) Source(s *Source) { v.e.source(s) }

// Entity adds the next entity.
func (v *VersionHash) Entity(e Entity) { v.e.entity(e) }

// Relation adds the next relationship.
func (v *VersionHash) Relation(r *Relation) { v.e.relation(r) }

// Sum returns the version of everything added.
func (v *VersionHash) Sum() string { return hex.EncodeToString(v.e.sum())[:12] }

// versionFormat starts every hashed stream, so that a future change of the
// encoding cannot collide with a dataset hashed by this one.
const versionFormat = "normgraph dataset v2"

// versionBufSize batches the many small writes into few hash calls.
const versionBufSize = 64 << 10

// Record tags of the version encoding: one per Go type, so that records of
// different shapes never read as one another.
const (
	tagNil byte = iota
	tagSource
	tagPriority
	tagNorm
	tagCountry
	tagForum
	tagInitiative
	tagRelation
	tagOtherEntity
)

// versionEncoder writes the canonical encoding Version hashes. Each string
// is prefixed by its length and each list by its count, so field
// boundaries are unambiguous and no two different datasets share a stream.
type versionEncoder struct {
	h   hash.Hash
	buf []byte
}

func (e *versionEncoder) flush() {
	_, _ = e.h.Write(e.buf)
	e.buf = e.buf[:0]
}

func (e *versionEncoder) sum() []byte {
	e.flush()
	return e.h.Sum(nil)
}

func (e *versionEncoder) tag(t byte) {
	if len(e.buf) >= versionBufSize-1024 {
		e.flush()
	}
	e.buf = append(e.buf, t)
}

func (e *versionEncoder) str(s string) {
	e.buf = binary.AppendUvarint(e.buf, uint64(len(s)))
	e.buf = append(e.buf, s...)
	if len(e.buf) >= versionBufSize {
		e.flush()
	}
}

func (e *versionEncoder) strs(list []string) {
	e.buf = binary.AppendUvarint(e.buf, uint64(len(list)))
	for _, s := range list {
		e.str(s)
	}
}

func (e *versionEncoder) int(n int) { e.buf = binary.AppendVarint(e.buf, int64(n)) }

// date writes the precision, then (for a date) its first day in Unix
// seconds: all a Date holds, as parsing leaves it at midnight UTC.
// No date at all and the zero Date both read "no date".
func (e *versionEncoder) date(d *Date) {
	if d == nil || d.IsZero() {
		e.buf = append(e.buf, 0)
		return
	}
	e.buf = append(e.buf, byte(d.prec))
	e.buf = binary.AppendVarint(e.buf, d.t.Unix())
}

func (e *versionEncoder) source(s *Source) {
	if s == nil {
		e.tag(tagNil)
		return
	}
	e.tag(tagSource)
	e.str(s.ID)
	e.str(s.Title)
	e.str(s.Publisher)
	e.date(s.Published)
	e.str(s.URL)
	e.date(s.AsOf)
}

func (e *versionEncoder) base(b *EntityBase) {
	e.str(b.ID)
	e.str(string(b.Kind))
	e.str(b.Name)
	e.str(b.Description)
	e.strs(b.Aliases)
	e.strs(b.SourceIDs)
}

func (e *versionEncoder) entity(en Entity) {
	switch v := en.(type) {
	case nil:
		e.tag(tagNil)
	case *Priority:
		e.tag(tagPriority)
		e.base(&v.EntityBase)
		e.str(v.ShortName)
		e.int(v.Order)
	case *Norm:
		e.tag(tagNorm)
		e.base(&v.EntityBase)
		e.str(v.Code)
		e.str(v.Text)
		e.str(v.Framework)
	case *Country:
		e.tag(tagCountry)
		e.base(&v.EntityBase)
		e.str(v.ISO2)
		e.str(v.ISO3)
		e.str(v.Region)
		e.str(v.Subregion)
	case *Forum:
		e.tag(tagForum)
		e.base(&v.EntityBase)
		e.str(v.Acronym)
		e.str(v.Type)
		e.int(v.Founded)
		e.str(v.URL)
	case *Initiative:
		e.tag(tagInitiative)
		e.base(&v.EntityBase)
		e.str(v.Type)
		e.date(v.Launched)
		e.str(v.URL)
	default:
		// No such entity exists today; should one appear, its fields still
		// count, by the slow path.
		e.tag(tagOtherEntity)
		e.str(fmt.Sprintf("%T", en))
		b, _ := json.Marshal(en)
		e.str(string(b))
	}
}

func (e *versionEncoder) relation(r *Relation) {
	if r == nil {
		e.tag(tagNil)
		return
	}
	e.tag(tagRelation)
	e.str(string(r.Type))
	e.str(r.From)
	e.str(r.To)
	e.date(r.Since)
	e.date(r.Until)
	e.str(r.Role)
	e.str(r.Note)
	e.strs(r.SourceIDs)
}

// Stats counts the dataset.
func (d *Dataset) Stats() *Stats {
	byKind := map[EntityKind]int{}
	for _, e := range d.Entities {
		byKind[e.Base().Kind]++
	}
	byRel := map[RelationType]int{}
	for _, r := range d.Relations {
		byRel[r.Type]++
	}
	return NewStats(byKind, byRel, len(d.Sources), d.Version())
}

// NewStats builds Stats from counts, listing every kind and type in canonical
// order (zero counts included).
func NewStats(byKind map[EntityKind]int, byRel map[RelationType]int, sources int, version string) *Stats {
	s := &Stats{Sources: sources, DatasetVersion: version}
	for _, k := range EntityKinds {
		s.ByKind = append(s.ByKind, KindCount{Kind: k, Count: byKind[k]})
		s.Entities += byKind[k]
	}
	for _, t := range RelationTypes {
		s.ByRelation = append(s.ByRelation, RelationCount{Type: t, Count: byRel[t]})
		s.Relations += byRel[t]
	}
	return s
}
