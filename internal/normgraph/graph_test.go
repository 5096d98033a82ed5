package normgraph_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// tinyGraph is a normgraph.Graph over a handful of nodes and relationships
// held in slices: slow, obviously right, and it counts Expand calls (each is
// a database round trip in neo4jstore).
type tinyGraph struct {
	nodes []string
	// kinds gives a node's kind; a node not in it is a country.
	kinds   map[string]normgraph.EntityKind
	rels    []*normgraph.Relation
	expands int
	shuffle *rand.Rand
}

func (g *tinyGraph) has(id string) bool { return slices.Contains(g.nodes, id) }

func (g *tinyGraph) node(id string) normgraph.GraphNode {
	deg := 0
	for _, r := range g.rels {
		if r.From == id {
			deg++
		}
		if r.To == id {
			deg++
		}
	}
	kind := normgraph.KindCountry
	if k, ok := g.kinds[id]; ok {
		kind = k
	}
	return normgraph.GraphNode{ID: id, Kind: kind, Label: id, Degree: deg}
}

func (g *tinyGraph) Entities(_ context.Context, ids []string) ([]normgraph.Entity, error) {
	out := make([]normgraph.Entity, len(ids))
	for i, id := range ids {
		if g.has(id) {
			out[i] = &normgraph.Country{EntityBase: normgraph.EntityBase{ID: id, Kind: normgraph.KindCountry, Name: id}}
		}
	}
	return out, nil
}

func (g *tinyGraph) GraphNodes(_ context.Context, ids []string) ([]*normgraph.GraphNode, error) {
	out := make([]*normgraph.GraphNode, len(ids))
	for i, id := range ids {
		if g.has(id) {
			n := g.node(id)
			out[i] = &n
		}
	}
	return out, nil
}

func (g *tinyGraph) Expand(_ context.Context, ids []string, relations []normgraph.RelationType) (map[string][]normgraph.Adjacency, error) {
	g.expands++
	out := map[string][]normgraph.Adjacency{}
	for _, id := range ids {
		if !g.has(id) {
			continue
		}
		adj := []normgraph.Adjacency{}
		for _, r := range g.rels {
			if len(relations) > 0 && !slices.Contains(relations, r.Type) {
				continue
			}
			if r.From == id {
				adj = append(adj, normgraph.Adjacency{Rel: r, Other: g.node(r.To)})
			}
			if r.To == id {
				adj = append(adj, normgraph.Adjacency{Rel: r, Other: g.node(r.From)})
			}
		}
		// Adjacency order is each backend's own: shuffle it so no answer
		// depends on it.
		g.shuffle.Shuffle(len(adj), func(i, j int) { adj[i], adj[j] = adj[j], adj[i] })
		out[id] = adj
	}
	return out, nil
}

// randomGraph builds a small multigraph: ids whose string order differs from
// their creation order, parallel relationships of several types in both
// directions, the odd self-loop, and often more than one component. Half
// the graphs are layered, so that many paths tie for shortest.
func randomGraph(rng *rand.Rand) *tinyGraph {
	g := &tinyGraph{shuffle: rand.New(rand.NewPCG(rng.Uint64(), 0))}
	newNode := func() string {
		for {
			id := string(rune('a'+rng.IntN(6))) + fmt.Sprint(rng.IntN(30))
			if !g.has(id) {
				g.nodes = append(g.nodes, id)
				return id
			}
		}
	}
	types := normgraph.RelationTypes[:3]
	seen := map[string]bool{}
	link := func(a, b string) {
		if rng.IntN(2) == 0 {
			a, b = b, a
		}
		r := &normgraph.Relation{Type: types[rng.IntN(len(types))], From: a, To: b}
		if !seen[r.ID()] {
			seen[r.ID()] = true
			g.rels = append(g.rels, r)
		}
	}
	if rng.IntN(2) == 0 {
		var prev []string
		for range 2 + rng.IntN(7) {
			layer := make([]string, 1+rng.IntN(3))
			for i := range layer {
				layer[i] = newNode()
			}
			for _, b := range layer {
				for _, a := range prev {
					if rng.IntN(3) != 0 {
						link(a, b)
					}
				}
			}
			prev = layer
		}
	} else {
		for range 2 + rng.IntN(13) {
			id := newNode()
			if len(g.nodes) > 1 && rng.IntN(6) != 0 {
				link(g.nodes[rng.IntN(len(g.nodes)-1)], id) // mostly a tree
			}
		}
	}
	n := len(g.nodes)
	for range rng.IntN(n + 1) {
		a, b := g.nodes[rng.IntN(n)], g.nodes[rng.IntN(n)]
		if a != b || rng.IntN(4) == 0 {
			link(a, b)
		}
	}
	return g
}

// bruteShortest is the documented rule, applied literally: enumerate every
// shortest simple path within maxHops and keep the one whose node ids, then
// relationship ids, read from the start, are smallest.
func bruteShortest(g *tinyGraph, q normgraph.PathQuery) (nodes, edges []string, found bool) {
	if !g.has(q.From) || !g.has(q.To) {
		return nil, nil, false
	}
	if q.From == q.To {
		return []string{q.From}, []string{}, true
	}
	type path struct{ nodes, edges []string }
	var best *path
	better := func(p path) bool {
		if best == nil {
			return true
		}
		if c := slices.Compare(p.nodes, best.nodes); c != 0 {
			return c < 0
		}
		return slices.Compare(p.edges, best.edges) < 0
	}
	for length := 1; length <= q.MaxHops && best == nil; length++ {
		var walk func(p path)
		walk = func(p path) {
			cur := p.nodes[len(p.nodes)-1]
			if len(p.edges) == length {
				if cur == q.To && better(p) {
					best = &path{slices.Clone(p.nodes), slices.Clone(p.edges)}
				}
				return
			}
			for _, r := range g.rels {
				if len(q.Relations) > 0 && !slices.Contains(q.Relations, r.Type) {
					continue
				}
				for _, ends := range [][2]string{{r.From, r.To}, {r.To, r.From}} {
					if ends[0] != cur || slices.Contains(p.nodes, ends[1]) {
						continue
					}
					walk(path{append(p.nodes, ends[1]), append(p.edges, r.ID())})
				}
			}
		}
		walk(path{nodes: []string{q.From}})
	}
	if best == nil {
		return nil, nil, false
	}
	return best.nodes, best.edges, true
}

// TestShortestPathMatchesBruteForce checks the bidirectional search against
// the literal definition on hundreds of random small graphs, and that it
// keeps to one Expand call per hop of the answer (or of MaxHops), the
// first two hops together.
func TestShortestPathMatchesBruteForce(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(400) {
		rng := rand.New(rand.NewPCG(seed, 42))
		g := randomGraph(rng)
		for i := range 16 {
			q := randomQuery(rng, g)
			wantNodes, wantEdges, found := bruteShortest(g, q)
			g.expands = 0
			// Every other query goes through a PathStarter.
			var graph normgraph.Graph = g
			if i%2 == 1 {
				graph = startingGraph{g}
			}
			p, err := normgraph.ShortestPath(ctx, graph, q)
			if err != nil {
				t.Fatal(err)
			}
			where := fmt.Sprintf("seed %d, %T, %+v, graph %v %s", seed, graph, q, g.nodes, relIDs(g.rels))
			if !found {
				if p != nil {
					t.Fatalf("%s: got %s, want no path", where, pathString(p))
				}
			} else {
				if p == nil {
					t.Fatalf("%s: got no path, want %v %v", where, wantNodes, wantEdges)
				}
				if got, want := pathString(p), strings.Join(wantNodes, " ")+" | "+strings.Join(wantEdges, " "); got != want {
					t.Fatalf("%s:\n got  %s\n want %s", where, got, want)
				}
			}
			// The two roots are expanded in one call (StartPath counts as
			// that call).
			limit := max(1, q.MaxHops-1)
			if found {
				limit = max(1, len(wantEdges)-1)
			}
			if g.expands > limit {
				t.Fatalf("%s: %d Expand calls, want at most %d", where, g.expands, limit)
			}
		}
	}
}

// randomQuery mostly asks between the layered graphs' first and last
// nodes, where most ties are.
func randomQuery(rng *rand.Rand, g *tinyGraph) normgraph.PathQuery {
	n := len(g.nodes)
	q := normgraph.PathQuery{From: g.nodes[rng.IntN(n)], To: g.nodes[rng.IntN(n)], MaxHops: 1 + rng.IntN(normgraph.MaxPathHops)}
	switch rng.IntN(10) {
	case 0:
		q.To = "zz-unknown"
	case 1, 2:
		q.Relations = []normgraph.RelationType{normgraph.RelationTypes[rng.IntN(3)]}
	case 3, 4, 5:
		q.From, q.To = g.nodes[rng.IntN(min(n, 2))], g.nodes[n-1-rng.IntN(min(n, 2))]
		q.MaxHops = normgraph.MaxPathHops - rng.IntN(3)
	}
	if rng.IntN(2) == 0 {
		q.From, q.To = q.To, q.From
	}
	return q
}

func pathString(p *normgraph.Path) string {
	var nodes, edges []string
	for _, n := range p.Nodes {
		nodes = append(nodes, n.NodeID())
	}
	for i, e := range p.Edges {
		// Each edge must join the nodes either side of it, either way round.
		a, b := p.Nodes[i].NodeID(), p.Nodes[i+1].NodeID()
		if (e.Source != a || e.Target != b) && (e.Source != b || e.Target != a) {
			return fmt.Sprintf("edge %s does not join %s and %s", e.ID, a, b)
		}
		edges = append(edges, e.ID)
	}
	return strings.Join(nodes, " ") + " | " + strings.Join(edges, " ")
}

func relIDs(rels []*normgraph.Relation) string {
	var ids []string
	for _, r := range rels {
		ids = append(ids, r.ID())
	}
	return strings.Join(ids, " ")
}

// startingGraph is a tinyGraph that is also a normgraph.PathStarter, written
// from PathStart's definition.
type startingGraph struct{ *tinyGraph }

func (g startingGraph) StartPath(ctx context.Context, a, b string, relations []normgraph.RelationType) (*normgraph.PathStart, error) {
	if !g.has(a) || !g.has(b) {
		return nil, nil
	}
	g.expands++
	// joining lists the relationships between x and y, shuffled.
	joining := func(x, y string) []*normgraph.Relation {
		var out []*normgraph.Relation
		for _, r := range g.rels {
			if (len(relations) == 0 || slices.Contains(relations, r.Type)) && (r.From == x && r.To == y || r.From == y && r.To == x) {
				out = append(out, r)
			}
		}
		g.shuffle.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
		return out
	}
	if direct := joining(a, b); len(direct) > 0 {
		return &normgraph.PathStart{Direct: direct}, nil
	}
	for _, m := range slices.Sorted(slices.Values(g.nodes)) {
		if m == a || m == b {
			continue
		}
		if am, mb := joining(a, m), joining(m, b); len(am) > 0 && len(mb) > 0 {
			return &normgraph.PathStart{Middle: m, ToMiddle: am, FromMiddle: mb}, nil
		}
	}
	g.expands-- // Expand counts the call again
	ends, err := g.Expand(ctx, []string{a, b}, relations)
	return &normgraph.PathStart{Ends: ends}, err
}

// linkingGraph is a tinyGraph that is also a normgraph.Linker.
type linkingGraph struct{ *tinyGraph }

func (g linkingGraph) Links(_ context.Context, ids []string, relations []normgraph.RelationType) ([]*normgraph.Relation, error) {
	var out []*normgraph.Relation
	for _, r := range g.rels {
		if (len(relations) == 0 || slices.Contains(relations, r.Type)) && slices.Contains(ids, r.From) && slices.Contains(ids, r.To) {
			out = append(out, r)
		}
	}
	return out, nil
}

// expandingGraph is a linkingGraph that is also a normgraph.NodeExpander,
// as the Neo4j store is; it counts the calls that look the centre up.
type expandingGraph struct {
	linkingGraph
	expandNodes, graphNodes int
}

func (g *expandingGraph) ExpandNodes(ctx context.Context, ids []string, relations []normgraph.RelationType) ([]*normgraph.GraphNode, map[string][]normgraph.Adjacency, error) {
	g.expandNodes++
	nodes, _ := g.tinyGraph.GraphNodes(ctx, ids)
	adj, _ := g.tinyGraph.Expand(ctx, ids, relations)
	return nodes, adj, nil
}

func (g *expandingGraph) GraphNodes(ctx context.Context, ids []string) ([]*normgraph.GraphNode, error) {
	g.graphNodes++
	return g.tinyGraph.GraphNodes(ctx, ids)
}

// nearestGraph is an expandingGraph that is also a
// normgraph.NearestExpander, written from its definition.
type nearestGraph struct {
	*expandingGraph
	expandNearest int
}

func (g *nearestGraph) ExpandNearest(ctx context.Context, id string, relations []normgraph.RelationType, kinds []normgraph.EntityKind, limit int) (*normgraph.GraphNode, []normgraph.Adjacency, bool, error) {
	g.expandNearest++
	if !g.has(id) {
		return nil, nil, false, nil
	}
	node := g.node(id)
	all, _ := g.tinyGraph.Expand(ctx, []string{id}, relations)
	var near []normgraph.GraphNode
	for _, a := range all[id] {
		if a.Other.ID != id && (len(kinds) == 0 || slices.Contains(kinds, a.Other.Kind)) && !slices.Contains(near, a.Other) {
			near = append(near, a.Other)
		}
	}
	slices.SortFunc(near, func(a, b normgraph.GraphNode) int {
		return cmp.Or(cmp.Compare(a.Label, b.Label), cmp.Compare(a.ID, b.ID))
	})
	more := len(near) > limit
	near = near[:min(limit, len(near))]
	var adj []normgraph.Adjacency
	for _, a := range all[id] {
		self := a.Other.ID == id && (len(kinds) == 0 || slices.Contains(kinds, a.Other.Kind))
		if self || slices.Contains(near, a.Other) {
			adj = append(adj, a)
		}
	}
	return &node, adj, more, nil
}

// modelGraph builds a small graph that keeps to the data model, as every
// store's data does: nodes of every kind, and relationships only of a type
// the model allows between their two kinds, in its direction.
func modelGraph(rng *rand.Rand) *tinyGraph {
	g := &tinyGraph{kinds: map[string]normgraph.EntityKind{}, shuffle: rand.New(rand.NewPCG(rng.Uint64(), 0))}
	for len(g.nodes) < 3+rng.IntN(14) {
		id := string(rune('a'+rng.IntN(6))) + fmt.Sprint(rng.IntN(30))
		if !g.has(id) {
			g.nodes = append(g.nodes, id)
			g.kinds[id] = normgraph.EntityKinds[rng.IntN(len(normgraph.EntityKinds))]
		}
	}
	ofKind := func(k normgraph.EntityKind) []string {
		var ids []string
		for _, id := range g.nodes {
			if g.kinds[id] == k {
				ids = append(ids, id)
			}
		}
		return ids
	}
	seen := map[string]bool{}
	for range rng.IntN(6 * len(g.nodes)) {
		t := normgraph.RelationTypes[rng.IntN(len(normgraph.RelationTypes))]
		e, _ := normgraph.EndpointsOf(t)
		from, to := ofKind(e.From[rng.IntN(len(e.From))]), ofKind(e.To)
		if len(from) == 0 || len(to) == 0 {
			continue
		}
		r := &normgraph.Relation{Type: t, From: from[rng.IntN(len(from))], To: to[rng.IntN(len(to))]}
		if !seen[r.ID()] {
			seen[r.ID()] = true
			g.rels = append(g.rels, r)
		}
	}
	return g
}

// bruteNeighborhood is Neighborhood's documented answer, worked out over
// the whole graph: every node within q.Depth hops through q.Kinds and
// q.Relations, the nearest q.Limit of them (then by label and id), and
// every relationship of q.Relations between two kept nodes.
// It also counts the edges between two nodes of the outer ring.
func bruteNeighborhood(g *tinyGraph, q normgraph.NeighborhoodQuery) (string, int) {
	follows := func(r *normgraph.Relation) bool {
		return len(q.Relations) == 0 || slices.Contains(q.Relations, r.Type)
	}
	passes := func(id string) bool {
		return len(q.Kinds) == 0 || slices.Contains(q.Kinds, g.node(id).Kind)
	}
	dist := map[string]int{q.ID: 0}
	frontier := []string{q.ID}
	for hop := 1; hop <= q.Depth; hop++ {
		var next []string
		for _, id := range frontier {
			for _, r := range g.rels {
				other := ""
				switch {
				case !follows(r):
				case r.From == id:
					other = r.To
				case r.To == id:
					other = r.From
				}
				if _, ok := dist[other]; other != "" && !ok && passes(other) {
					dist[other] = hop
					next = append(next, other)
				}
			}
		}
		frontier = next
	}
	var ids []string
	for id := range dist {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int {
		return cmp.Or(cmp.Compare(dist[a], dist[b]), cmp.Compare(g.node(a).Label, g.node(b).Label), cmp.Compare(a, b))
	})
	truncated := len(ids) > q.Limit
	if truncated {
		ids = ids[:q.Limit]
	}
	sg := &normgraph.Subgraph{Truncated: truncated, Nodes: []normgraph.GraphNode{}, Edges: []normgraph.GraphEdge{}}
	for _, id := range ids {
		sg.Nodes = append(sg.Nodes, g.node(id))
	}
	ring := 0
	for _, r := range g.rels {
		if follows(r) && slices.Contains(ids, r.From) && slices.Contains(ids, r.To) {
			sg.Edges = append(sg.Edges, normgraph.EdgeOf(r))
			if dist[r.From] == q.Depth && dist[r.To] == q.Depth {
				ring++
			}
		}
	}
	slices.SortFunc(sg.Edges, func(a, b normgraph.GraphEdge) int { return cmp.Compare(a.ID, b.ID) })
	return fmt.Sprint(sg), ring
}

// Neighborhood gives the documented answer on graphs that keep to the data
// model, whether it expands the outer ring or asks a Linker for the
// relationships within it, and whether it looks the centre up and expands
// it in one call or two.
func TestNeighborhoodMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	ringLinked := 0
	for range 600 {
		g := modelGraph(rng)
		q := normgraph.NeighborhoodQuery{ID: g.nodes[rng.IntN(len(g.nodes))], Depth: 1 + rng.IntN(3), Limit: 1 + rng.IntN(2*len(g.nodes))}
		if rng.IntN(2) == 0 {
			q.Depth = 1
		}
		if rng.IntN(3) == 0 {
			q.Relations = []normgraph.RelationType{normgraph.RelationTypes[rng.IntN(len(normgraph.RelationTypes))], normgraph.RelMemberOf}
		}
		if rng.IntN(4) == 0 {
			q.Kinds = normgraph.EntityKinds[rng.IntN(3):]
		}
		want, ring := bruteNeighborhood(g, q)
		x := &expandingGraph{linkingGraph: linkingGraph{g}}
		n := &nearestGraph{expandingGraph: &expandingGraph{linkingGraph: linkingGraph{g}}}
		for _, c := range []struct {
			name  string
			graph normgraph.Graph
		}{{"expanding", g}, {"with Links", linkingGraph{g}}, {"with ExpandNodes", x}, {"with ExpandNearest", n}} {
			got, err := normgraph.Neighborhood(context.Background(), c.graph, q)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != want {
				t.Fatalf("%+v over %v %v, %s:\n got  %v\n want %v", q, g.kinds, relIDs(g.rels), c.name, got, want)
			}
		}
		if x.expandNodes != 1 || x.graphNodes != 0 {
			t.Fatalf("%+v: %d ExpandNodes and %d GraphNodes calls, want 1 and 0", q, x.expandNodes, x.graphNodes)
		}
		if n.expandNearest != 1 || n.expandNodes != 0 || n.graphNodes != 0 {
			t.Fatalf("%+v: %d ExpandNearest, %d ExpandNodes and %d GraphNodes calls, want 1, 0 and 0", q, n.expandNearest, n.expandNodes, n.graphNodes)
		}
		if ring > 0 {
			ringLinked++
		}
	}
	if ringLinked < 60 {
		t.Errorf("only %d of 600 neighbourhoods had edges within their outer ring", ringLinked)
	}
}
