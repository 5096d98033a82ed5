package memstore

import (
	"cmp"
	"context"
	"iter"
	"slices"
	"sort"
	"strings"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// Indices of the relationship types the filters follow (see relIndex).
const (
	relAdvances       = 0
	relSupports       = 1
	relMemberOf       = 4
	relParticipatesIn = 5
	relEndorses       = 6
)

// validPage rejects what normgraph.PageOf cannot page: a negative First other
// than Unlimited. The message matches neo4jstore's (see the report on
// proposing PageArgs.Validate for the domain package).
func validPage(page normgraph.PageArgs) error {
	if page.First < 0 && page.First != normgraph.Unlimited {
		return normgraph.Errorf(normgraph.EINVALID, "first: must not be negative, got %d", page.First)
	}
	return nil
}

// List pages through a kind's entities. Without a filter it binary-searches
// the precomputed kind list; with one it reads only candidates that can pass
// (the smallest "all of" bucket, or the union of the "any of" buckets) and
// counts them all for TotalCount.
func (s *Store) List(ctx context.Context, kind normgraph.EntityKind, f normgraph.Filter, page normgraph.PageArgs) (*normgraph.Page, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	k := kindIndex(kind)
	if k < 0 {
		return nil, normgraph.Errorf(normgraph.EINVALID, "kind: unknown entity kind %q", kind)
	}
	if err := validPage(page); err != nil {
		return nil, err
	}
	list := s.byKind[k]
	if f.IsZero() {
		return s.pageSorted(len(list), page, func(j int) (int32, int32) { return list[j], -1 }), nil
	}
	cf := s.compile(f)
	p := pager{s: s, args: page}
	if !cf.impossible {
		for i := range s.candidates(k, &cf) {
			if s.match(i, &cf) {
				p.add(i, -1)
			}
		}
	}
	return p.finish(), nil
}

// ListSources pages through the sources in (title, id) order.
func (s *Store) ListSources(ctx context.Context, page normgraph.PageArgs) (*normgraph.Page, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	if err := validPage(page); err != nil {
		return nil, err
	}
	srcs := s.srcSorted
	start := 0
	if page.After != nil {
		start = sort.Search(len(srcs), func(j int) bool { return !page.After.Before(srcs[j].Title, srcs[j].ID) })
	}
	end := pageEnd(start, len(srcs), page)
	edges := make([]normgraph.Edge, 0, end-start)
	for _, src := range srcs[start:end] {
		edges = append(edges, normgraph.Edge{Cursor: normgraph.Cursor{Key: src.Title, ID: src.ID}.Encode(), Node: src})
	}
	return finishPage(edges, start, len(srcs)), nil
}

// Related reads the (id, type) bucket of each id in the asked direction; the
// buckets are already in list order, so a traversal costs the degree of the
// ids, not the size of the graph.
func (s *Store) Related(ctx context.Context, ids []string, t normgraph.Traversal, page normgraph.PageArgs) ([]*normgraph.Page, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	ti := relIndex(t.Type)
	if ti < 0 {
		return nil, normgraph.Errorf(normgraph.EINVALID, "type: unknown relationship type %q", t.Type)
	}
	var c *csr
	switch t.Direction {
	case normgraph.Outgoing:
		c = &s.out
	case normgraph.Incoming:
		c = &s.in
	default:
		return nil, normgraph.Errorf(normgraph.EINVALID, "direction: must be Outgoing or Incoming, got %d", t.Direction)
	}
	if t.Kind != "" && !t.Kind.IsValid() {
		return nil, normgraph.Errorf(normgraph.EINVALID, "kind: unknown entity kind %q", t.Kind)
	}
	if err := validPage(page); err != nil {
		return nil, err
	}
	asOf, hasAsOf := asOfKey(t.AsOf)
	var cf *filter
	if !t.Filter.IsZero() {
		f := s.compile(t.Filter)
		cf = &f
	}
	pages := make([]*normgraph.Page, len(ids))
	for j, id := range ids {
		i, ok := s.byID[id]
		if !ok {
			pages[j] = finishPage(make([]normgraph.Edge, 0), 0, 0)
			continue
		}
		bucket := c.bucket(i, ti)
		if !hasAsOf && cf == nil && t.Kind == "" {
			pages[j] = s.pageSorted(len(bucket), page, func(k int) (int32, int32) { return bucket[k].other, bucket[k].rel })
			continue
		}
		p := pager{s: s, args: page}
		if cf == nil || !cf.impossible {
			for _, h := range bucket {
				if !s.rels.inForce(h.rel, asOf, hasAsOf) {
					continue
				}
				if t.Kind != "" && s.ents[h.other].kind != t.Kind {
					continue
				}
				if cf != nil && !s.match(h.other, cf) {
					continue
				}
				p.add(h.other, h.rel)
			}
		}
		pages[j] = p.finish()
	}
	return pages, nil
}

// pageSorted pages an already ordered list of entities (with the relation
// that reached each, or -1) by binary search for the cursor: what PageOf
// does, without touching the items before the page.
func (s *Store) pageSorted(n int, page normgraph.PageArgs, at func(int) (ent, rel int32)) *normgraph.Page {
	start := 0
	if page.After != nil {
		start = sort.Search(n, func(j int) bool {
			i, _ := at(j)
			return !page.After.Before(s.ents[i].key, s.ents[i].id)
		})
	}
	end := pageEnd(start, n, page)
	edges := make([]normgraph.Edge, end-start)
	var slab []normgraph.Relation
	if start < end {
		if _, rel := at(start); rel >= 0 {
			slab = make([]normgraph.Relation, end-start)
		}
	}
	for j := start; j < end; j++ {
		i, rel := at(j)
		slab = s.edge(&edges[j-start], i, rel, slab)
	}
	return finishPage(edges, start, n)
}

func pageEnd(start, n int, page normgraph.PageArgs) int {
	if page.First != normgraph.Unlimited && start+page.First < n {
		return start + page.First
	}
	return n
}

// edge fills e, which must be zero, with entity i reached by relationship
// rel (-1 for none). The Relation is built in the next free element of slab:
// one allocation per page rather than one per edge.
func (s *Store) edge(e *normgraph.Edge, i, rel int32, slab []normgraph.Relation) []normgraph.Relation {
	en := &s.ents[i]
	e.Cursor = en.cursor
	e.Node = en.e
	if rel >= 0 {
		s.relation(rel, &slab[0])
		e.Relation = &slab[0]
		slab = slab[1:]
	}
	return slab
}

// finishPage fills PageInfo the way normgraph.PageOf does: start items were
// skipped by the cursor, edges follow them, total counts the whole list.
func finishPage(edges []normgraph.Edge, start, total int) *normgraph.Page {
	p := &normgraph.Page{Edges: edges, TotalCount: total}
	p.PageInfo = normgraph.PageInfo{HasNextPage: start+len(edges) < total, HasPreviousPage: start > 0}
	if len(edges) > 0 {
		first, last := edges[0].Cursor, edges[len(edges)-1].Cursor
		p.PageInfo.StartCursor, p.PageInfo.EndCursor = &first, &last
	}
	return p
}

// pager builds a page from a stream of matches in list order, counting every
// match so TotalCount is exact while keeping only the page's items; their
// edges are built once the page is known.
type pager struct {
	s       *Store
	args    normgraph.PageArgs
	total   int
	skipped int
	items   []half // the page: entity (other) and relation, or -1
	rels    int    // how many items have a relation
}

func (p *pager) add(i, rel int32) {
	p.total++
	en := &p.s.ents[i]
	if p.args.After != nil && p.args.After.Before(en.key, en.id) {
		p.skipped++
		return
	}
	if p.args.First == normgraph.Unlimited || len(p.items) < p.args.First {
		p.items = append(p.items, half{rel: rel, other: i})
		if rel >= 0 {
			p.rels++
		}
	}
}

func (p *pager) finish() *normgraph.Page {
	edges := make([]normgraph.Edge, len(p.items))
	slab := make([]normgraph.Relation, p.rels)
	for j, h := range p.items {
		slab = p.s.edge(&edges[j], h.other, h.rel, slab)
	}
	return finishPage(edges, p.skipped, p.total)
}

// filter is a normgraph.Filter resolved against the indexes once per call.
type filter struct {
	// impossible is set when an id a filter needs is unknown: nothing passes.
	impossible bool
	name       string
	typ        string
	framework  string
	region     string
	// Any-of lists (nil when not given).
	advances, supports []int32
	// All-of lists (nil when not given).
	memberOf, participatesIn, endorses, hasMembers []int32
	// asOf is AsOf in relTable.inForce's form.
	asOf    int64
	hasAsOf bool
}

func (s *Store) compile(f normgraph.Filter) filter {
	cf := filter{
		name: strings.ToLower(f.NameContains), typ: f.Type, framework: f.Framework,
		region: strings.ToLower(f.Region),
	}
	cf.asOf, cf.hasAsOf = asOfKey(f.AsOf)
	anyOf := func(ids []string) []int32 {
		if len(ids) == 0 {
			return nil
		}
		out := make([]int32, 0, len(ids))
		for _, id := range ids {
			if i, ok := s.byID[id]; ok {
				out = append(out, i)
			}
		}
		if len(out) == 0 {
			cf.impossible = true
		}
		return out
	}
	allOf := func(ids []string) []int32 {
		if len(ids) == 0 {
			return nil
		}
		out := make([]int32, 0, len(ids))
		for _, id := range ids {
			i, ok := s.byID[id]
			if !ok {
				cf.impossible = true
			}
			out = append(out, i)
		}
		return out
	}
	cf.advances, cf.supports = anyOf(f.Advances), anyOf(f.Supports)
	cf.memberOf, cf.participatesIn = allOf(f.MemberOf), allOf(f.ParticipatesIn)
	cf.endorses, cf.hasMembers = allOf(f.Endorses), allOf(f.HasMembers)
	return cf
}

// candidates yields, in list order, entities of kind k that may pass f: a
// superset of the matches, chosen to be as small as the indexes allow.
func (s *Store) candidates(k int, f *filter) iter.Seq[int32] {
	return func(yield func(int32) bool) {
		var best []half
		found := false
		try := func(c *csr, t int, ys []int32) {
			for _, y := range ys {
				if b := c.bucket(y, t); !found || len(b) < len(best) {
					best, found = b, true
				}
			}
		}
		try(&s.in, relMemberOf, f.memberOf)
		try(&s.in, relParticipatesIn, f.participatesIn)
		try(&s.in, relEndorses, f.endorses)
		try(&s.out, relMemberOf, f.hasMembers)
		if found {
			for _, h := range best {
				if kindIndex(s.ents[h.other].kind) == k && !yield(h.other) {
					return
				}
			}
			return
		}
		if len(f.advances)+len(f.supports) > 0 {
			var union []int32
			for _, y := range f.advances {
				for _, h := range s.in.bucket(y, relAdvances) {
					union = append(union, h.other)
				}
			}
			for _, y := range f.supports {
				for _, h := range s.in.bucket(y, relSupports) {
					union = append(union, h.other)
				}
			}
			slices.SortFunc(union, func(a, b int32) int { return cmp.Compare(s.rank[a], s.rank[b]) })
			for _, i := range slices.Compact(union) {
				if kindIndex(s.ents[i].kind) == k && !yield(i) {
					return
				}
			}
			return
		}
		for _, i := range s.byKind[k] {
			if !yield(i) {
				return
			}
		}
	}
}

// match reports whether entity i passes every set field of f. A field that
// does not apply to i's kind fails, as a missing property does in Cypher.
func (s *Store) match(i int32, f *filter) bool {
	if f.impossible {
		return false
	}
	en := &s.ents[i]
	if f.name != "" && !slices.ContainsFunc(en.names, func(n string) bool { return strings.Contains(n, f.name) }) {
		return false
	}
	if f.typ != "" {
		switch v := en.e.(type) {
		case *normgraph.Forum:
			if v.Type != f.typ {
				return false
			}
		case *normgraph.Initiative:
			if v.Type != f.typ {
				return false
			}
		default:
			return false
		}
	}
	if f.framework != "" {
		if v, ok := en.e.(*normgraph.Norm); !ok || v.Framework != f.framework {
			return false
		}
	}
	if f.region != "" && (en.kind != normgraph.KindCountry || (en.region != f.region && en.subregion != f.region)) {
		return false
	}
	if f.advances != nil && !slices.ContainsFunc(f.advances, func(y int32) bool { return s.linked(&s.out, i, relAdvances, y, 0, false) }) {
		return false
	}
	if f.supports != nil && !slices.ContainsFunc(f.supports, func(y int32) bool { return s.linked(&s.out, i, relSupports, y, 0, false) }) {
		return false
	}
	for _, y := range f.memberOf {
		if !s.linked(&s.out, i, relMemberOf, y, f.asOf, f.hasAsOf) {
			return false
		}
	}
	for _, y := range f.participatesIn {
		if !s.linked(&s.out, i, relParticipatesIn, y, f.asOf, f.hasAsOf) {
			return false
		}
	}
	for _, y := range f.endorses {
		if !s.linked(&s.out, i, relEndorses, y, 0, false) {
			return false
		}
	}
	for _, y := range f.hasMembers {
		if !s.linked(&s.in, i, relMemberOf, y, f.asOf, f.hasAsOf) {
			return false
		}
	}
	return true
}

// linked reports whether bucket (i, t) of c reaches y by a relationship in
// force on asOf (see relTable.inForce); buckets are sorted by rank, so this
// is a binary search.
func (s *Store) linked(c *csr, i int32, t int, y int32, asOf int64, hasAsOf bool) bool {
	b := c.bucket(i, t)
	j, ok := slices.BinarySearchFunc(b, s.rank[y], func(h half, r int32) int { return cmp.Compare(s.rank[h.other], r) })
	return ok && s.rels.inForce(b[j].rel, asOf, hasAsOf)
}
