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
// the node at its other end. Rel carries the type, the ends and the dates;
// a store may leave its role, note and sources empty, which no graph answer
// shows (GraphEdge).
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

// Linker is a Graph that can list the relationships among a set of nodes
// without expanding them: for a remote store one round trip that returns
// just those, where Expand returns every relationship of every node with
// the node at its other end (a hub's hundreds). Neighborhood uses it to
// draw the relationships of its outer ring.
type Linker interface {
	// Links returns every relationship (of the given types; all when empty)
	// whose two ends are both among ids, in any order, with what
	// Adjacency.Rel carries.
	Links(ctx context.Context, ids []string, relations []RelationType) ([]*Relation, error)
}

// NodeExpander is a Graph that can look nodes up and expand them at once:
// for a remote store one round trip instead of two. Neighborhood uses it for
// its centre.
type NodeExpander interface {
	// ExpandNodes is GraphNodes and Expand of the same ids in one call.
	ExpandNodes(ctx context.Context, ids []string, relations []RelationType) ([]*GraphNode, map[string][]Adjacency, error)
}

// NearestExpander is a Graph that can expand a node towards its nearest
// neighbours only: for a remote store one round trip that sends the
// relationships a neighbourhood keeps, where ExpandNodes sends all of a
// hub's (a country of the 1M set has 5,000 neighbours, of which a
// neighbourhood of the default limit keeps 199). Neighborhood uses it for
// its centre.
type NearestExpander interface {
	// ExpandNearest returns the GraphNode of id (nil when id names no
	// entity) and its relationships of the given types (all when empty) to
	// itself and to the first limit of its other neighbours of the given
	// kinds (all when empty), by label and then id; more reports whether
	// it has other such neighbours beyond those.
	ExpandNearest(ctx context.Context, id string, relations []RelationType, kinds []EntityKind, limit int) (node *GraphNode, adj []Adjacency, more bool, err error)
}

// PathStarter is a Graph that can begin a shortest-path search in one call
// that settles paths of one or two steps where the data is: for a remote
// store one round trip that sends back the few relationships such a path
// uses, where expanding both ends sends all of theirs (two hubs of the 1M
// set: 24,000 rows, of which a path of two steps uses two). ShortestPath
// uses it instead of expanding both ends when two steps are allowed.
type PathStarter interface {
	// StartPath looks at the paths of at most two steps between a and b
	// (a != b) over relationships of the given types (all when empty). It
	// returns nil when a or b names no entity.
	StartPath(ctx context.Context, a, b string, relations []RelationType) (*PathStart, error)
}

// PathStart is what PathStarter.StartPath found, in the first of these
// cases that holds: relationships joining a and b (Direct); else the node
// adjacent to both with the smallest id (Middle, not a or b), with every
// relationship that joins it to a (ToMiddle) and to b (FromMiddle); else
// the relationships of a and of b as Expand returns them (Ends).
type PathStart struct {
	Direct               []*Relation
	Middle               string
	ToMiddle, FromMiddle []*Relation
	Ends                 map[string][]Adjacency
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
//
// It searches breadth-first from both ends, each step expanding the side
// whose frontier touches fewer relationships, so it reads about the
// neighbourhoods of the two ends up to half the distance each rather than
// everything within the whole distance of one end. Each step is one Expand
// call (one round trip for a remote store), the first two together, so
// at most max(1, q.MaxHops-1) in all; with a PathStarter the first call is
// StartPath, which ends the search when a path of one or two steps exists.
// One Entities call looks up the nodes of the path found. The ends are not
// looked up first: an id that names no entity has nothing to expand, so the
// search finds no path from it.
func ShortestPath(ctx context.Context, g Graph, q PathQuery) (*Path, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if q.From == q.To {
		ends, err := g.Entities(ctx, []string{q.From})
		if err != nil || ends[0] == nil {
			return nil, err
		}
		return &Path{Nodes: ends, Edges: []GraphEdge{}}, nil
	}

	fwd, bwd := newSearchSide(q.From), newSearchSide(q.To)
	met := false
	// Both roots cost 1, so the search expands the start first and then,
	// unless that met the target or found nothing, the target: when two
	// steps are allowed, both roots' relationships come in one call, or a
	// PathStarter settles a path of one or two steps on its own.
	var roots map[string][]Adjacency
	var err error
	if q.MaxHops >= 2 {
		if ps, ok := g.(PathStarter); ok {
			st, err := ps.StartPath(ctx, q.From, q.To, q.Relations)
			switch {
			case err != nil:
				return nil, err
			case st == nil:
				return nil, nil
			case len(st.Direct) > 0:
				return pathOf(ctx, g, []string{q.From, q.To}, smallestEdge(st.Direct))
			case st.Middle != "":
				return pathOf(ctx, g, []string{q.From, st.Middle, q.To}, smallestEdge(st.ToMiddle), smallestEdge(st.FromMiddle))
			}
			roots = st.Ends
		} else if roots, err = g.Expand(ctx, []string{q.From, q.To}, q.Relations); err != nil {
			return nil, err
		}
	}
	// The sides' visited sets stay disjoint until they meet, so a path found
	// after depths a and b are explored is exactly a+b long: stop before
	// the sum passes MaxHops.
	for fwd.depth+bwd.depth < q.MaxHops && len(fwd.frontier) > 0 && len(bwd.frontier) > 0 {
		side, other := fwd, bwd
		if bwd.cost < fwd.cost {
			side, other = bwd, fwd
		}
		adj := roots
		if side.depth > 0 || adj == nil {
			if adj, err = g.Expand(ctx, side.frontier, q.Relations); err != nil {
				return nil, err
			}
		}
		if met = side.expand(adj, other); met {
			break
		}
	}
	if !met {
		return nil, nil
	}

	ids, edges := walkShortest(q.From, fwd, bwd)
	return pathOf(ctx, g, ids, edges...)
}

// pathOf looks up the nodes of a path found.
func pathOf(ctx context.Context, g Graph, ids []string, edges ...GraphEdge) (*Path, error) {
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

// smallestEdge is the relationship a path takes between two nodes that
// rels all join: the one with the smallest id.
func smallestEdge(rels []*Relation) GraphEdge {
	return EdgeOf(slices.MinFunc(rels, CompareRelations))
}

// step is a relationship seen from one node, leading to node.
type step struct {
	rel  *Relation
	node string
}

// lessStep orders the choices of one step of a path by the tie-break rule of
// ShortestPath: the node first, then the relationship.
func lessStep(a, b step) bool {
	if a.node != b.node {
		return a.node < b.node
	}
	return CompareRelations(a.rel, b.rel) < 0
}

// searchSide is one half of the bidirectional search of ShortestPath: a
// breadth-first search from root that has explored every node within depth.
type searchSide struct {
	dist map[string]int
	// back lists, for every node reached, its neighbours one step nearer the
	// root: all of them, since the tie-break needs every shortest path.
	back     map[string][]step
	frontier []string // the nodes at depth
	// cost estimates the work of expanding the frontier: its nodes plus
	// their degrees (a root's degree is unknown, so a root costs 1 and is
	// expanded while the other side's frontier is bigger).
	cost int
	// depth is how far the search has gone: every node within it is in dist.
	depth int
}

func newSearchSide(root string) *searchSide {
	return &searchSide{dist: map[string]int{root: 0}, back: map[string][]step{}, frontier: []string{root}, cost: 1}
}

// expand explores one more layer, given the frontier's relationships, and
// reports whether it reached a node the other side has reached. The layer
// is completed even then, so that the meeting nodes' back steps are all
// known.
func (s *searchSide) expand(adj map[string][]Adjacency, other *searchSide) bool {
	hop := s.depth + 1
	var next []string
	cost, met := 0, false
	for _, id := range s.frontier {
		for _, a := range adj[id] {
			o := a.Other.ID
			d, seen := s.dist[o]
			if !seen {
				s.dist[o], d = hop, hop
				next = append(next, o)
				cost += 1 + a.Other.Degree
				if _, ok := other.dist[o]; ok {
					met = true
				}
			}
			if d == hop {
				s.back[o] = append(s.back[o], step{rel: a.Rel, node: id})
			}
		}
	}
	s.frontier, s.cost, s.depth = next, cost, hop
	return met
}

// walkShortest picks the path ShortestPath returns once the two searches
// have met. Every shortest path crosses the meeting layer (the nodes at
// fwd.depth from the start and bwd.depth from the target), so the nodes of
// all shortest paths are that layer, the nodes it reaches back towards the
// start and the nodes it reaches back towards the target. Walking greedily
// from the start over exactly those nodes, smallest step first, gives the
// smallest node ids in order.
func walkShortest(from string, fwd, bwd *searchSide) ([]string, []GraphEdge) {
	m := fwd.depth
	// succ[u] are u's steps one layer further from the start that stay on
	// a shortest path, found by walking back from the meeting layer.
	succ := map[string][]step{}
	layer := []string{}
	for _, id := range fwd.frontier { // the nodes at depth m
		if d, ok := bwd.dist[id]; ok && d == bwd.depth {
			layer = append(layer, id)
		}
	}
	for range m {
		var prev []string
		for _, w := range layer {
			for _, st := range fwd.back[w] {
				if _, marked := succ[st.node]; !marked {
					prev = append(prev, st.node)
				}
				succ[st.node] = append(succ[st.node], step{rel: st.rel, node: w})
			}
		}
		layer = prev
	}

	length := fwd.depth + bwd.depth
	ids := make([]string, 1, length+1)
	ids[0] = from
	edges := make([]GraphEdge, 0, length)
	cur := ids[0]
	for i := range length {
		choices := succ[cur]
		if i >= m {
			choices = bwd.back[cur]
		}
		best := choices[0]
		for _, c := range choices[1:] {
			if lessStep(c, best) {
				best = c
			}
		}
		edges = append(edges, EdgeOf(best.rel))
		cur = best.node
		ids = append(ids, cur)
	}
	return ids, edges
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
	// Depth and Limit are at least 1, so the centre is always expanded.
	var centre []*GraphNode
	var first map[string][]Adjacency
	var err error
	// cut: the centre's neighbours are more than the limit leaves room
	// for, and first holds only those kept (a NearestExpander's answer).
	cut := false
	switch x := g.(type) {
	case NearestExpander:
		var c *GraphNode
		var adj []Adjacency
		c, adj, cut, err = x.ExpandNearest(ctx, q.ID, q.Relations, q.Kinds, q.Limit-1)
		centre, first = []*GraphNode{c}, map[string][]Adjacency{q.ID: adj}
	case NodeExpander:
		centre, first, err = x.ExpandNodes(ctx, []string{q.ID}, q.Relations)
	default:
		centre, err = g.GraphNodes(ctx, []string{q.ID})
	}
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
		adj := first
		if hop > 1 || adj == nil {
			if adj, err = g.Expand(ctx, frontier, q.Relations); err != nil {
				return nil, err
			}
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
		if cut {
			// The first ring alone passes the limit: nothing further out
			// is kept, and what of it is kept is what first holds.
			sg.Truncated = true
			break
		}
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
	// Expanding only kept nodes keeps this bounded by the limit. Every
	// relationship of an inner node is known already, so what is missing
	// is the relationships between two nodes of the ring: a Linker is
	// asked for just those, not for the inner nodes' again (a hub centre's
	// every relationship, which would double what the store sends), and
	// only of the types the data model lets join two of the ring's kinds:
	// a forum's ring of member countries has none to ask for.
	var outer []string
	ringKinds := map[EntityKind]bool{}
	for _, id := range frontier {
		if kept[id] {
			outer = append(outer, id)
			ringKinds[seen[id].node.Kind] = true
		}
	}
	types := typesWithin(q.Relations, ringKinds)
	if len(types) == 0 {
		outer = nil
	}
	if l, ok := g.(Linker); ok && len(outer) > 0 {
		links, err := l.Links(ctx, outer, types)
		if err != nil {
			return nil, err
		}
		for _, r := range links {
			rels[r.ID()] = r
		}
	} else if !ok && len(outer) > 0 {
		adj, err := g.Expand(ctx, outer, types)
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

// typesWithin returns the types among relations (all when empty) whose
// endpoints the data model allows between two of kinds.
func typesWithin(relations []RelationType, kinds map[EntityKind]bool) []RelationType {
	if len(relations) == 0 {
		relations = RelationTypes
	}
	var out []RelationType
	for _, t := range relations {
		e := relationEndpoints[t]
		if kinds[e.To] && slices.ContainsFunc(e.From, func(k EntityKind) bool { return kinds[k] }) {
			out = append(out, t)
		}
	}
	return out
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
