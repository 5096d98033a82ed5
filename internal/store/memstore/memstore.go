// Package memstore is the embedded in-memory backend: it indexes a validated
// normgraph.Dataset once and then answers every Store question from immutable
// slices and maps, so it needs no set-up and no locks, and serves as the fast
// reference the Neo4j backend is checked against (internal/store/storetest).
package memstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/normgraph/normgraph/internal/normgraph"
)

var (
	_ normgraph.Store           = (*Store)(nil)
	_ normgraph.Graph           = (*Store)(nil)
	_ normgraph.PathStarter     = (*Store)(nil)
	_ normgraph.NearestExpander = (*Store)(nil)
)

// numRels is the number of relationship types: adjacency is bucketed per
// (node, type) so that a 1-hop traversal touches only the relationships it follows.
const numRels = 9

// Store is an immutable, indexed view of one dataset. Every method only reads
// what New built, so a Store is safe for any number of concurrent callers.
//
// The entities and sources it returns are the store's own, and the
// relations it returns share their dates, strings and source lists with the
// store: all are shared between callers and must be treated as read-only.
type Store struct {
	version string
	stats   normgraph.Stats

	// ents is indexed by entity index (position in the dataset); everything
	// else refers to entities by that int32 index to keep indexes small.
	ents   []entry
	byID   map[string]int32
	byKind [5][]int32 // entity indices per kind, in list order
	// rank is each entity's position in list order (SortKey, id) across all
	// kinds: buckets are sorted by it, and membership tests binary-search it.
	rank  []int32
	codes map[string]int32

	sources   map[string]*normgraph.Source
	srcSorted []*normgraph.Source

	// rels holds the relationships compactly; out and in refer to them
	// by index.
	rels    relTable
	out, in csr

	byDegree []int32 // every entity, in Subgraph order

	search tokenIndex
}

// entry is what the store keeps per entity, precomputed so that listing,
// filtering and paging never recompute keys or lower-case strings per call.
type entry struct {
	e   normgraph.Entity
	id  string
	key string // normgraph.SortKey
	// cursor is the entity's encoded cursor, the same in every list: worked
	// out once here, it costs a few MB at 50,000 entities instead of three
	// allocations for every edge of every page.
	cursor string
	label  string // normgraph.GraphLabel
	kind   normgraph.EntityKind
	// names are the name and aliases, lower-cased, for Filter.NameContains.
	names []string
	// region and subregion, lower-cased (countries only), for Filter.Region.
	region, subregion string
	// toks are the entity's search tokens as numbers into the token
	// dictionary, sorted and unique: a quarter of the memory of strings, and
	// since the dictionary is sorted, "has a token starting with q" is one
	// binary search for q's range of numbers.
	toks []int32
}

// half is one relationship seen from one end: the relationship and the
// entity at the other end.
type half struct{ rel, other int32 }

// csr is adjacency in compressed-sparse-row form: bucket b = node*numRels+type
// holds adj[off[b]:off[b+1]], sorted by the far end's list order, so pages of
// a traversal come out in order and "is x linked to y" is a binary search.
type csr struct {
	off []int32
	adj []half
}

func (c *csr) bucket(node int32, t int) []half {
	b := int(node)*numRels + t
	return c.adj[c.off[b]:c.off[b+1]]
}

// count is the number of relationships in all buckets of node.
func (c *csr) count(node int32) int {
	return int(c.off[(int(node)+1)*numRels] - c.off[int(node)*numRels])
}

func kindIndex(k normgraph.EntityKind) int {
	switch k {
	case normgraph.KindPriority:
		return 0
	case normgraph.KindNorm:
		return 1
	case normgraph.KindCountry:
		return 2
	case normgraph.KindForum:
		return 3
	case normgraph.KindInitiative:
		return 4
	}
	return -1
}

func relIndex(t normgraph.RelationType) int {
	switch t {
	case normgraph.RelAdvances:
		return 0
	case normgraph.RelSupports:
		return 1
	case normgraph.RelAffirms:
		return 2
	case normgraph.RelPromotes:
		return 3
	case normgraph.RelMemberOf:
		return 4
	case normgraph.RelParticipatesIn:
		return 5
	case normgraph.RelEndorses:
		return 6
	case normgraph.RelHostedBy:
		return 7
	case normgraph.RelLeads:
		return 8
	}
	return -1
}

// New indexes ds. It checks what the indexes rely on (no nil or duplicate
// ids, no dangling or ill-typed relationships) and reports the first problem;
// full validation with line numbers is the dataset package's job.
//
// New copies what it needs and keeps nothing of ds: the relationships go
// into a compact form (see rel) and the entities and sources are copied.
// So once the caller drops ds, all of its memory can be collected (at a
// million relationships, most of it was the relationships), and the caller
// may modify ds after New without affecting the store.
//
// A caller that has the relationships one by one rather than as a Dataset
// (dataset.Stream) uses a Builder, and never needs them all in memory.
func New(ds *normgraph.Dataset) (*Store, error) {
	if ds == nil {
		return nil, errors.New("memstore: nil dataset")
	}
	if len(ds.Relations) > 1<<31-1 {
		return nil, errors.New("memstore: too many relations")
	}
	rels := ds.Relations
	for i, r := range rels {
		if r == nil {
			return nil, fmt.Errorf("memstore: relation %d is nil", i)
		}
	}
	// Loaded datasets are in canonical order already; checking is linear
	// and spares cloning and sorting a million pointers.
	if !slices.IsSortedFunc(rels, normgraph.CompareRelations) {
		rels = slices.Clone(rels)
		slices.SortFunc(rels, normgraph.CompareRelations)
	}
	b, err := NewBuilder(ds.Sources, ds.Entities, len(rels))
	if err != nil {
		return nil, err
	}
	for _, r := range rels {
		if err := b.Add(r); err != nil {
			return nil, err
		}
	}
	return b.Finish()
}

// Builder builds a Store from a dataset handed over piece by piece: the
// sources and entities first (NewBuilder), then each relationship in
// canonical order (Add), then Finish. It checks what New checks, and what
// New promises about the dataset holds for every piece: the builder copies
// what it keeps, so a caller may reuse the Relation it passes to Add.
//
// Memory is why it exists: built from dataset.Stream, a store never
// coexists with a million *normgraph.Relation.
type Builder struct {
	s  *Store
	rb *relTableBuilder
	vh *normgraph.VersionHash

	counts [numRels]int
	// prev is the last relationship added, its strings the store's own:
	// Add requires canonical order, which also makes a duplicate adjacent
	// to its twin.
	prev    normgraph.Relation
	hasPrev bool
	// Relationships come sorted by From, so remembering the last one
	// halves the id lookups.
	lastFrom string
	f        int32
	err      error
}

// NewBuilder starts a store with these sources and entities, in any order;
// n is how many relationships will be added, to size the store's table
// (a hint: more or fewer are fine).
func NewBuilder(sources []*normgraph.Source, entities []normgraph.Entity, n int) (*Builder, error) {
	if len(entities)*numRels+1 > 1<<31-1 {
		return nil, errors.New("memstore: too many entities")
	}
	s := &Store{}
	rb := newRelTableBuilder(min(max(n, 0), 1<<31-1))
	c := newCopier(rb)
	if err := s.indexSources(sources, c); err != nil {
		return nil, err
	}
	if err := s.indexEntities(entities, c); err != nil {
		return nil, err
	}
	// The version is the hash of the dataset in canonical order, which
	// the relationships arrive in; the sources and entities may not.
	vh := normgraph.NewVersionHash()
	if !slices.IsSortedFunc(sources, func(a, b *normgraph.Source) int { return cmp.Compare(a.ID, b.ID) }) {
		sources = slices.Clone(sources)
		slices.SortFunc(sources, func(a, b *normgraph.Source) int { return cmp.Compare(a.ID, b.ID) })
	}
	for _, src := range sources {
		vh.Source(src)
	}
	if !slices.IsSortedFunc(entities, func(a, b normgraph.Entity) int { return cmp.Compare(a.NodeID(), b.NodeID()) }) {
		entities = slices.Clone(entities)
		slices.SortFunc(entities, func(a, b normgraph.Entity) int { return cmp.Compare(a.NodeID(), b.NodeID()) })
	}
	for _, e := range entities {
		vh.Entity(e)
	}
	return &Builder{s: s, rb: rb, vh: vh, f: -1}, nil
}

// Add copies in the next relationship, which must follow the previous one
// in canonical order (normgraph.CompareRelations). After an error the
// builder is done: every later call returns the same error.
func (b *Builder) Add(r *normgraph.Relation) error {
	if b.err != nil {
		return b.err
	}
	if err := b.add(r); err != nil {
		b.err = err
		return err
	}
	return nil
}

func (b *Builder) add(r *normgraph.Relation) error {
	s := b.s
	if r == nil {
		return fmt.Errorf("memstore: relation %d is nil", len(b.rb.t.rels))
	}
	if len(b.rb.t.rels) == 1<<31-1 {
		return errors.New("memstore: too many relations")
	}
	t := relIndex(r.Type)
	if t < 0 {
		return fmt.Errorf("memstore: relation %s: unknown type", r.ID())
	}
	if b.f < 0 || r.From != b.lastFrom {
		f, ok := s.byID[r.From]
		if !ok {
			return fmt.Errorf("memstore: relation %s: unknown entity %q", r.ID(), r.From)
		}
		b.f, b.lastFrom = f, s.ents[f].id
	}
	f := b.f
	o, ok := s.byID[r.To]
	if !ok {
		return fmt.Errorf("memstore: relation %s: unknown entity %q", r.ID(), r.To)
	}
	if from, to := s.ents[f].kind, s.ents[o].kind; !allowed[t][kindIndex(from)][kindIndex(to)] {
		return fmt.Errorf("memstore: relation %s: %w", r.ID(), normgraph.CheckEndpoints(r.Type, from, to))
	}
	if b.hasPrev {
		switch c := normgraph.CompareRelations(&b.prev, r); {
		case c == 0:
			return fmt.Errorf("memstore: duplicate relation %s", r.ID())
		case c > 0:
			return fmt.Errorf("memstore: relation %s comes after %s: want canonical order", r.ID(), b.prev.ID())
		}
	}
	b.prev = normgraph.Relation{Type: normgraph.RelationTypes[t], From: s.ents[f].id, To: s.ents[o].id}
	b.hasPrev = true
	b.rb.add(r, f, o, t)
	b.counts[t]++
	b.vh.Relation(r)
	return nil
}

// Finish indexes the relationships and returns the store; the builder is
// done afterwards.
func (b *Builder) Finish() (*Store, error) {
	if b.err != nil {
		return nil, b.err
	}
	b.err = errors.New("memstore: Finish called twice")
	s := b.s
	b.s = nil
	s.rels = b.rb.finish()
	b.rb = nil
	n := len(s.ents)
	s.out = buildCSR(n, s.rels.rels, s.rank, true)
	s.in = buildCSR(n, s.rels.rels, s.rank, false)
	s.indexDegrees()
	s.search = buildTokenIndex(s.ents)

	byKind := make(map[normgraph.EntityKind]int, len(normgraph.EntityKinds))
	for k, list := range s.byKind {
		byKind[normgraph.EntityKinds[k]] = len(list)
	}
	byRel := make(map[normgraph.RelationType]int, numRels)
	for t, c := range b.counts {
		byRel[normgraph.RelationTypes[t]] = c
	}
	s.version = b.vh.Sum()
	s.stats = *normgraph.NewStats(byKind, byRel, len(s.sources), s.version)
	return s, nil
}

func (s *Store) indexSources(sources []*normgraph.Source, c *copier) error {
	s.sources = make(map[string]*normgraph.Source, len(sources))
	s.srcSorted = make([]*normgraph.Source, 0, len(sources))
	for i, src := range sources {
		if src == nil {
			return fmt.Errorf("memstore: source %d is nil", i)
		}
		if _, dup := s.sources[src.ID]; dup {
			return fmt.Errorf("memstore: duplicate source id %q", src.ID)
		}
		src = c.source(src)
		s.sources[src.ID] = src
		s.srcSorted = append(s.srcSorted, src)
	}
	slices.SortFunc(s.srcSorted, func(a, b *normgraph.Source) int {
		return cmp.Or(cmp.Compare(a.Title, b.Title), cmp.Compare(a.ID, b.ID))
	})
	return nil
}

func (s *Store) indexEntities(ents []normgraph.Entity, c *copier) error {
	if len(ents) > 1<<31-1 {
		return errors.New("memstore: too many entities")
	}
	s.ents = make([]entry, len(ents))
	s.byID = make(map[string]int32, len(ents))
	var nCountries int
	for i, e := range ents {
		if err := checkEntity(e); err != nil {
			return fmt.Errorf("memstore: entity %d: %w", i, err)
		}
		e = c.entity(e)
		b := e.Base()
		if _, dup := s.byID[b.ID]; dup {
			return fmt.Errorf("memstore: duplicate entity id %q", b.ID)
		}
		if _, dup := s.sources[b.ID]; dup {
			return fmt.Errorf("memstore: id %q names both a source and an entity", b.ID)
		}
		s.byID[b.ID] = int32(i)
		en := entry{
			e: e, id: b.ID, key: normgraph.SortKey(e), label: normgraph.GraphLabel(e), kind: b.Kind,
			names: make([]string, 0, 1+len(b.Aliases)),
		}
		en.cursor = normgraph.Cursor{Key: en.key, ID: en.id}.Encode()
		en.names = append(en.names, strings.ToLower(b.Name))
		for _, a := range b.Aliases {
			en.names = append(en.names, strings.ToLower(a))
		}
		if c, ok := e.(*normgraph.Country); ok {
			en.region, en.subregion = strings.ToLower(c.Region), strings.ToLower(c.Subregion)
			nCountries++
		}
		s.ents[i] = en
	}

	// One global list order: any subset read in this order is in list order,
	// so per-kind lists, adjacency buckets and filter results need no sorting.
	order := make([]int32, len(ents))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		return cmp.Or(cmp.Compare(s.ents[a].key, s.ents[b].key), cmp.Compare(s.ents[a].id, s.ents[b].id))
	})
	for k := range s.byKind {
		s.byKind[k] = make([]int32, 0)
	}
	s.rank = make([]int32, len(ents))
	for pos, i := range order {
		s.rank[i] = int32(pos)
		k := kindIndex(s.ents[i].kind)
		s.byKind[k] = append(s.byKind[k], i)
	}

	// Ids win over alpha-3 codes and alpha-3 over alpha-2 when they collide,
	// so a country is always reachable by its own id.
	s.codes = make(map[string]int32, 3*nCountries)
	for _, pass := range []func(*normgraph.Country) string{
		func(c *normgraph.Country) string { return c.ISO2 },
		func(c *normgraph.Country) string { return c.ISO3 },
		func(c *normgraph.Country) string { return c.ID },
	} {
		for _, i := range s.byKind[kindIndex(normgraph.KindCountry)] {
			if code := pass(s.ents[i].e.(*normgraph.Country)); code != "" {
				s.codes[strings.ToLower(code)] = i
			}
		}
	}
	return nil
}

// checkEntity rejects what would make the store panic later: nil values and
// kinds that disagree with the Go type.
func checkEntity(e normgraph.Entity) error {
	var want normgraph.EntityKind
	var isNil bool
	switch v := e.(type) {
	case nil:
		return errors.New("nil entity")
	case *normgraph.Priority:
		want, isNil = normgraph.KindPriority, v == nil
	case *normgraph.Norm:
		want, isNil = normgraph.KindNorm, v == nil
	case *normgraph.Country:
		want, isNil = normgraph.KindCountry, v == nil
	case *normgraph.Forum:
		want, isNil = normgraph.KindForum, v == nil
	case *normgraph.Initiative:
		want, isNil = normgraph.KindInitiative, v == nil
	default:
		return fmt.Errorf("unsupported entity type %T", e)
	}
	if isNil {
		return errors.New("nil entity")
	}
	if k := e.Base().Kind; k != want {
		return fmt.Errorf("%q has kind %q but is a %s", e.Base().ID, k, want)
	}
	return nil
}

// allowed[type][from kind][to kind] is normgraph.CheckEndpoints as a table:
// New checks every relationship, and a table lookup costs nothing next to
// a map lookup by type name.
var allowed = func() (a [numRels][5][5]bool) {
	for t, typ := range normgraph.RelationTypes {
		for f, from := range normgraph.EntityKinds {
			for o, to := range normgraph.EntityKinds {
				a[t][f][o] = normgraph.CheckEndpoints(typ, from, to) == nil
			}
		}
	}
	return a
}()

// buildCSR buckets every relationship by (near end, type), each bucket
// sorted by the far end's rank; out picks from as the near end, otherwise
// to. Two counting sorts keep it linear in the dataset size, which is what
// keeps start-up fast at a million relationships.
func buildCSR(n int, rels []rel, rank []int32, out bool) csr {
	ends := func(r *rel) (near, far int32) {
		if out {
			return r.from, r.to
		}
		return r.to, r.from
	}
	// Counting sort by the far end's rank.
	cnt := make([]int32, n+1)
	for r := range rels {
		_, far := ends(&rels[r])
		cnt[rank[far]+1]++
	}
	for i := 1; i <= n; i++ {
		cnt[i] += cnt[i-1]
	}
	byFar := make([]int32, len(rels))
	for r := range rels {
		_, far := ends(&rels[r])
		p := &cnt[rank[far]]
		byFar[*p] = int32(r)
		*p++
	}
	// Stable distribution into buckets keeps each bucket in far-end order.
	off := make([]int32, n*numRels+1)
	for r := range rels {
		near, _ := ends(&rels[r])
		off[int(near)*numRels+int(rels[r].typ)+1]++
	}
	for b := 1; b < len(off); b++ {
		off[b] += off[b-1]
	}
	next := slices.Clone(off[:len(off)-1])
	adj := make([]half, len(rels))
	for _, r := range byFar {
		near, far := ends(&rels[r])
		b := int(near)*numRels + int(rels[r].typ)
		adj[next[b]] = half{rel: r, other: far}
		next[b]++
	}
	return csr{off: off, adj: adj}
}

func (s *Store) degree(i int32) int { return s.out.count(i) + s.in.count(i) }

func (s *Store) indexDegrees() {
	deg := make([]int, len(s.ents))
	s.byDegree = make([]int32, len(s.ents))
	for i := range s.byDegree {
		s.byDegree[i] = int32(i)
		deg[i] = s.degree(int32(i))
	}
	slices.SortFunc(s.byDegree, func(a, b int32) int {
		return cmp.Or(cmp.Compare(deg[b], deg[a]),
			cmp.Compare(s.ents[a].label, s.ents[b].label), cmp.Compare(s.ents[a].id, s.ents[b].id))
	})
}

func (s *Store) graphNode(i int32) normgraph.GraphNode {
	en := &s.ents[i]
	return normgraph.GraphNode{ID: en.id, Kind: en.kind, Label: en.label, Degree: s.degree(i)}
}

// checkCtx turns a finished context into an error, so a request past its
// deadline gets the same TIMEOUT answer from this store as from Neo4j.
func checkCtx(ctx context.Context) error {
	err := ctx.Err()
	if err == nil {
		return nil
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("memstore: %w: %w", normgraph.Errorf(normgraph.ETIMEOUT, "the request timed out"), err)
	}
	return fmt.Errorf("memstore: %w", err)
}

// Ping always succeeds once New has: the data is in memory.
func (s *Store) Ping(ctx context.Context) error { return checkCtx(ctx) }

// Stats returns the counts computed by New; the slices are fresh copies so
// callers may keep or modify them.
func (s *Store) Stats(ctx context.Context) (*normgraph.Stats, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	st := s.stats
	st.ByKind = slices.Clone(st.ByKind)
	st.ByRelation = slices.Clone(st.ByRelation)
	return &st, nil
}
