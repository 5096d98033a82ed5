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
