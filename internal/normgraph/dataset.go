package normgraph

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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
func (d *Dataset) Version() string {
	c := *d
	c.Sources = slices.Clone(d.Sources)
	c.Entities = slices.Clone(d.Entities)
	c.Relations = slices.Clone(d.Relations)
	c.Sort()
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, s := range c.Sources {
		_ = enc.Encode(s)
	}
	for _, e := range c.Entities {
		_ = enc.Encode(e)
	}
	for _, r := range c.Relations {
		_ = enc.Encode(r)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
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
