package normgraph

import (
	"cmp"
	"context"
	"slices"
)

// Limits on graph questions. The API validates arguments against them; the
// algorithms below enforce them again so every backend behaves the same.
const (
	MaxPathHops          = 8
	MaxNeighborhoodDepth = 4
	MaxSubgraphLimit     = 5000
	DefaultGraphLimit    = 200
	MaxSearchResults     = 100
)

// Adjacency is a relationship seen from one of its ends: the relationship and
// the node at its other end.
type Adjacency struct {
	Rel   *Relation
	Other GraphNode
}

// Graph is the small read interface the shared graph algorithms run on. Each
// store implements it with its own data access, so ShortestPath and
// Neighborhood give the same answers on every backend.
type Graph interface {
	// Entities is Store.Entities.
	Entities(ctx context.Context, ids []string) ([]Entity, error)
	// GraphNodes returns the GraphNode of each id, aligned; nil where unknown.
	GraphNodes(ctx context.Context, ids []string) ([]*GraphNode, error)
	// Expand returns, for each of ids, every relationship touching it (of the
	// given types; all when empty) with the node at the other end.
	Expand(ctx context.Context, ids []string, relations []RelationType) (map[string][]Adjacency, error)
}

// GraphLabel is the text a drawing shows for e: its acronym or short name if
// it has one, otherwise its name.
func GraphLabel(e Entity) string {
	switch v := e.(type) {
	case *Forum:
		if v.Acronym != "" {
			return v.Acronym
		}
	case *Priority:
		if v.ShortName != "" {
			return v.ShortName
		}
	}
	return e.Base().Name
}

// Validate checks q's arguments.
func (q PathQuery) Validate() error {
	if q.MaxHops < 1 || q.MaxHops > MaxPathHops {
		return Errorf(EINVALID, "maxHops: must be between 1 and %d, got %d", MaxPathHops, q.MaxHops)
	}
	return validRelations("relations", q.Relations)
}

// Validate checks q's arguments.
func (q NeighborhoodQuery) Validate() error {
	if q.Depth < 1 || q.Depth > MaxNeighborhoodDepth {
		return Errorf(EINVALID, "depth: must be between 1 and %d, got %d", MaxNeighborhoodDepth, q.Depth)
	}
	if q.Limit < 1 || q.Limit > MaxSubgraphLimit {
		return Errorf(EINVALID, "limit: must be between 1 and %d, got %d", MaxSubgraphLimit, q.Limit)
	}
	if err := validKinds("kinds", q.Kinds); err != nil {
		return err
	}
	return validRelations("relations", q.Relations)
}

// Validate checks q's arguments.
func (q SubgraphQuery) Validate() error {
	if q.Limit < 1 || q.Limit > MaxSubgraphLimit {
		return Errorf(EINVALID, "limit: must be between 1 and %d, got %d", MaxSubgraphLimit, q.Limit)
	}
	if err := validKinds("kinds", q.Kinds); err != nil {
		return err
	}
	return validRelations("relations", q.Relations)
}

// Validate checks q's arguments.
func (q SearchQuery) Validate() error {
	if q.First < 1 || q.First > MaxSearchResults {
		return Errorf(EINVALID, "first: must be between 1 and %d, got %d", MaxSearchResults, q.First)
	}
	if len(q.Text) > 200 {
		return Errorf(EINVALID, "query: at most 200 characters, got %d", len(q.Text))
	}
	return validKinds("kinds", q.Kinds)
}

func validKinds(arg string, kinds []EntityKind) error {
	for _, k := range kinds {
		if !k.IsValid() {
			return Errorf(EINVALID, "%s: unknown entity kind %q", arg, k)
		}
	}
	return nil
}

func validRelations(arg string, rels []RelationType) error {
	for _, t := range rels {
		if !t.IsValid() {
			return Errorf(EINVALID, "%s: unknown relationship type %q", arg, t)
		}
	}
	return nil
}

// ShortestPath finds a shortest path from q.From to q.To ignoring direction.
// Among paths of equal length it returns the one whose node ids, read from
// q.From, are smallest in order, and between two nodes the relationship with
// the smallest id: the same path on every backend.
func ShortestPath(ctx context.Context, g Graph, q PathQuery) (*Path, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	ends, err := g.Entities(ctx, []string{q.From, q.To})
	if err != nil {
		return nil, err
	}
	if ends[0] == nil || ends[1] == nil {
		return nil, nil
	}
	if q.From == q.To {
		return &Path{Nodes: []Entity{ends[0]}, Edges: []GraphEdge{}}, nil
	}

	// Breadth-first from the target, so that each node knows its neighbours
	// one step nearer the target; then walk greedily from the start.
	dist := map[string]int{q.To: 0}
	nearer := map[string][]Adjacency{}
	frontier := []string{q.To}
	found := false
	for hop := 1; hop <= q.MaxHops && len(frontier) > 0 && !found; hop++ {
		adj, err := g.Expand(ctx, frontier, q.Relations)
		if err != nil {
			return nil, err
		}
		var next []string
		for _, id := range frontier {
			for _, a := range adj[id] {
				o := a.Other.ID
				d, seen := dist[o]
				if !seen {
					dist[o] = hop
					next = append(next, o)
					d = hop
				}
				if d == hop {
					nearer[o] = append(nearer[o], Adjacency{Rel: a.Rel, Other: GraphNode{ID: id}})
				}
			}
		}
		_, found = dist[q.From]
		frontier = next
	}
	if !found {
		return nil, nil
	}

	ids := []string{q.From}
	var edges []GraphEdge
	for cur := q.From; cur != q.To; {
		best := slices.MinFunc(nearer[cur], func(a, b Adjacency) int {
			return cmp.Or(cmp.Compare(a.Other.ID, b.Other.ID), cmp.Compare(a.Rel.ID(), b.Rel.ID()))
		})
		edges = append(edges, EdgeOf(best.Rel))
		cur = best.Other.ID
		ids = append(ids, cur)
	}
	nodes, err := g.Entities(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, n := range nodes {
		if n == nil {
			// The graph changed under us; report no path rather than a broken one.
			return nil, nil
		}
	}
	return &Path{Nodes: nodes, Edges: edges}, nil
}

// Neighborhood collects the nodes within q.Depth hops of q.ID, passing only
// through nodes of q.Kinds and relationships of q.Relations. When more than
// q.Limit nodes are reached it keeps the nearest, then by label and id, and
// sets Truncated. Edges are every relationship (of q.Relations) between two
// kept nodes, ordered by id. An unknown id gives an empty Subgraph.
func Neighborhood(ctx context.Context, g Graph, q NeighborhoodQuery) (*Subgraph, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	centre, err := g.GraphNodes(ctx, []string{q.ID})
	if err != nil {
		return nil, err
	}
	sg := &Subgraph{Nodes: []GraphNode{}, Edges: []GraphEdge{}}
	if centre[0] == nil {
		return sg, nil
	}
	type reached struct {
		node GraphNode
		dist int
	}
	seen := map[string]*reached{q.ID: {node: *centre[0]}}
	rels := map[string]*Relation{}
	frontier := []string{q.ID}
	for hop := 1; hop <= q.Depth && len(frontier) > 0; hop++ {
		if len(seen) > q.Limit {
			break // nodes further out would be cut anyway
		}
		adj, err := g.Expand(ctx, frontier, q.Relations)
		if err != nil {
			return nil, err
		}
		var next []string
		for _, id := range frontier {
			for _, a := range adj[id] {
				if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, a.Other.Kind) {
					continue
				}
				rels[a.Rel.ID()] = a.Rel
				if _, ok := seen[a.Other.ID]; !ok {
					seen[a.Other.ID] = &reached{node: a.Other, dist: hop}
					next = append(next, a.Other.ID)
				}
			}
		}
		frontier = next
	}

	all := make([]*reached, 0, len(seen))
	for _, r := range seen {
		all = append(all, r)
	}
	slices.SortFunc(all, func(a, b *reached) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(a.node.Label, b.node.Label), cmp.Compare(a.node.ID, b.node.ID))
	})
	if len(all) > q.Limit {
		all, sg.Truncated = all[:q.Limit], true
	}
	kept := make(map[string]bool, len(all))
	for _, r := range all {
		sg.Nodes = append(sg.Nodes, r.node)
		kept[r.node.ID] = true
	}
	// Nodes of the outer ring were reached but not expanded: look once more
	// from the kept ones, so every relationship among kept nodes is drawn.
	// Expanding only kept nodes keeps this bounded by the limit.
	var outer []string
	for _, id := range frontier {
		if kept[id] {
			outer = append(outer, id)
		}
	}
	if len(outer) > 0 {
		adj, err := g.Expand(ctx, outer, q.Relations)
		if err != nil {
			return nil, err
		}
		for _, id := range outer {
			for _, a := range adj[id] {
				if kept[a.Other.ID] {
					rels[a.Rel.ID()] = a.Rel
				}
			}
		}
	}
	for _, r := range rels {
		if kept[r.From] && kept[r.To] {
			sg.Edges = append(sg.Edges, EdgeOf(r))
		}
	}
	slices.SortFunc(sg.Edges, func(a, b GraphEdge) int { return cmp.Compare(a.ID, b.ID) })
	return sg, nil
}

// RankHits orders search hits best first: by score, then as lists are ordered.
func RankHits(hits []SearchHit) {
	slices.SortFunc(hits, func(a, b SearchHit) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score),
			cmp.Compare(SortKey(a.Node), SortKey(b.Node)),
			cmp.Compare(a.Node.NodeID(), b.Node.NodeID()))
	})
}

// SearchAmong scores candidates against q and returns the best q.First hits.
// Candidates may be every entity (memstore) or the superset a full-text index
// found (neo4jstore): either way the answer is the same.
func SearchAmong(candidates []Entity, q SearchQuery) []SearchHit {
	toks := Tokenize(q.Text)
	hits := []SearchHit{}
	if len(toks) == 0 {
		return hits
	}
	for _, e := range candidates {
		if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, e.Base().Kind) {
			continue
		}
		if s := Score(e, toks); s > 0 {
			hits = append(hits, SearchHit{Node: e, Score: s})
		}
	}
	RankHits(hits)
	if len(hits) > q.First {
		hits = hits[:q.First]
	}
	return hits
}
