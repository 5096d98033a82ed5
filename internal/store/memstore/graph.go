package memstore

import (
	"cmp"
	"context"
	"slices"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// ShortestPath runs the shared algorithm over this store's Graph methods, so
// ties resolve exactly as on every other backend.
func (s *Store) ShortestPath(ctx context.Context, q normgraph.PathQuery) (*normgraph.Path, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	return normgraph.ShortestPath(ctx, s, q)
}

// ExpandNearest implements normgraph.NearestExpander: it sorts the ids of
// the centre's neighbours and builds a GraphNode and a Relation only for
// the relationships to those kept, where Expand builds them for all (a hub
// of the 1M set has 5,000 to 19,000) and Neighborhood sorts those.
func (s *Store) ExpandNearest(ctx context.Context, id string, relations []normgraph.RelationType, kinds []normgraph.EntityKind, limit int) (*normgraph.GraphNode, []normgraph.Adjacency, bool, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, nil, false, err
	}
	types, err := relTypes(relations)
	if err != nil {
		return nil, nil, false, err
	}
	i, ok := s.byID[id]
	if !ok {
		return nil, nil, false, nil
	}
	wanted := func(j int32) bool { return len(kinds) == 0 || slices.Contains(kinds, s.ents[j].kind) }
	kept := map[int32]struct{}{}
	var near []int32
	s.eachHalf(i, types, func(h half) {
		if _, dup := kept[h.other]; !dup && h.other != i && wanted(h.other) {
			kept[h.other] = struct{}{}
			near = append(near, h.other)
		}
	})
	more := len(near) > limit
	if more {
		slices.SortFunc(near, func(a, b int32) int {
			return cmp.Or(cmp.Compare(s.ents[a].label, s.ents[b].label), cmp.Compare(s.ents[a].id, s.ents[b].id))
		})
		for _, j := range near[limit:] {
			delete(kept, j)
		}
	}
	var adj []normgraph.Adjacency
	s.eachHalf(i, types, func(h half) {
		_, keep := kept[h.other]
		if keep || h.other == i && wanted(i) {
			r := new(normgraph.Relation)
			s.relation(h.rel, r)
			adj = append(adj, normgraph.Adjacency{Rel: r, Other: s.graphNode(h.other)})
		}
	})
	node := s.graphNode(i)
	return &node, adj, more, nil
}

// StartPath implements normgraph.PathStarter. It marks the neighbours of
// the end with fewer relationships and looks for the smallest marked id
// among the other end's, where expanding both ends would build, and the
// search then walk, a GraphNode and a Relation for each of their
// relationships (a hub priority of the 1M set has 19,000).
func (s *Store) StartPath(ctx context.Context, a, b string, relations []normgraph.RelationType) (*normgraph.PathStart, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	types, err := relTypes(relations)
	if err != nil {
		return nil, err
	}
	ia, okA := s.byID[a]
	ib, okB := s.byID[b]
	if !okA || !okB {
		return nil, nil
	}
	joining := func(x, y int32) []*normgraph.Relation {
		var out []*normgraph.Relation
		s.eachHalf(x, types, func(h half) {
			if h.other == y {
				r := new(normgraph.Relation)
				s.relation(h.rel, r)
				out = append(out, r)
			}
		})
		return out
	}
	if direct := joining(ia, ib); len(direct) > 0 {
		return &normgraph.PathStart{Direct: direct}, nil
	}
	small, large := ia, ib
	if s.degreeOf(ia, types) > s.degreeOf(ib, types) {
		small, large = ib, ia
	}
	marked := map[int32]struct{}{}
	s.eachHalf(small, types, func(h half) {
		if h.other != ia && h.other != ib {
			marked[h.other] = struct{}{}
		}
	})
	mid := int32(-1)
	s.eachHalf(large, types, func(h half) {
		if _, ok := marked[h.other]; ok && (mid < 0 || s.ents[h.other].id < s.ents[mid].id) {
			mid = h.other
		}
	})
	if mid >= 0 {
		return &normgraph.PathStart{Middle: s.ents[mid].id, ToMiddle: joining(ia, mid), FromMiddle: joining(mid, ib)}, nil
	}
	ends, err := s.Expand(ctx, []string{a, b}, relations)
	if err != nil {
		return nil, err
	}
	return &normgraph.PathStart{Ends: ends}, nil
}

// Neighborhood runs the shared algorithm over this store's Graph methods.
func (s *Store) Neighborhood(ctx context.Context, q normgraph.NeighborhoodQuery) (*normgraph.Subgraph, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	return normgraph.Neighborhood(ctx, s, q)
}

// Subgraph walks the entities in the order New precomputed (degree
// descending, then label, then id) until it has q.Limit of the wanted kinds,
// then collects the relationships among them from their outgoing buckets,
// each relationship being outgoing from exactly one kept node.
func (s *Store) Subgraph(ctx context.Context, q normgraph.SubgraphQuery) (*normgraph.Subgraph, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	types, err := relTypes(q.Relations)
	if err != nil {
		return nil, err
	}
	var want [5]bool
	for k := range want {
		want[k] = len(q.Kinds) == 0
	}
	for _, k := range q.Kinds {
		want[kindIndex(k)] = true
	}

	sg := &normgraph.Subgraph{Nodes: []normgraph.GraphNode{}, Edges: []normgraph.GraphEdge{}}
	kept := make(map[int32]struct{}, min(q.Limit, len(s.ents)))
	for _, i := range s.byDegree {
		if !want[kindIndex(s.ents[i].kind)] {
			continue
		}
		if len(sg.Nodes) == q.Limit {
			sg.Truncated = true
			break
		}
		kept[i] = struct{}{}
		sg.Nodes = append(sg.Nodes, s.graphNode(i))
	}
	for _, n := range sg.Nodes {
		i := s.byID[n.ID]
		for _, t := range types {
			for _, h := range s.out.bucket(i, t) {
				if _, ok := kept[h.other]; ok {
					sg.Edges = append(sg.Edges, s.graphEdge(h.rel))
				}
			}
		}
	}
	slices.SortFunc(sg.Edges, func(a, b normgraph.GraphEdge) int { return cmp.Compare(a.ID, b.ID) })
	return sg, nil
}

// eachHalf calls fn for every relationship of node i of the given types,
// outgoing then incoming for each type.
func (s *Store) eachHalf(i int32, types []int, fn func(half)) {
	for _, t := range types {
		for _, c := range []*csr{&s.out, &s.in} {
			for _, h := range c.bucket(i, t) {
				fn(h)
			}
		}
	}
}

// degreeOf counts node i's relationships of the given types from its
// buckets' bounds, without visiting them.
func (s *Store) degreeOf(i int32, types []int) int {
	n := 0
	for _, t := range types {
		n += len(s.out.bucket(i, t)) + len(s.in.bucket(i, t))
	}
	return n
}
