package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// degrees is every entity's number of relationships in the fixture.
var degrees = map[string]int{
	"economy": 1, "protecting-networks": 7, "law-enforcement": 4, "military": 5, "internet-governance": 3,
	"international-development": 1, "internet-freedom": 6,
	"gge-13a": 8, "gge-13c": 7, "gge-13e": 9, "gge-13f": 11, "gge-13j": 6, "isc-fundamental-freedoms": 4,
	"isc-multistakeholder": 4,
	"usa":                  20, "fra": 16, "deu": 13, "gbr": 15, "est": 11, "rus": 7, "jpn": 5, "chn": 3, "ken": 3, "nga": 2,
	"ner": 1, "cod": 1, "cog": 1,
	"osce": 11, "nato": 7, "coe": 8, "g7": 13, "foc": 9, "itu": 16, "gfce": 0,
	"budapest-convention": 10, "paris-call": 8, "christchurch-call": 7, "counter-ransomware-initiative": 9,
	"declaration-future-internet": 12, "osce-cbms": 10,
}

// labels are the GraphNode labels that differ from the name.
var labels = map[string]string{
	"nato": "NATO", "g7": "G7", "coe": "CoE", "itu": "ITU", "military": "Military", "economy": "Economy",
}

// checkGraphNodes checks each node's kind, label and degree against the
// fixture.
func checkGraphNodes(t *testing.T, ns []normgraph.GraphNode) {
	t.Helper()
	kinds := map[string]normgraph.Entity{}
	for _, e := range Fixture().Entities {
		kinds[e.NodeID()] = e
	}
	for _, n := range ns {
		e := kinds[n.ID]
		if e == nil {
			t.Errorf("node %s is not an entity", n.ID)
			continue
		}
		want := fmt.Sprintf("%s %s %q %d", n.ID, e.Base().Kind, normgraph.GraphLabel(e), degrees[n.ID])
		if got := fmt.Sprintf("%s %s %q %d", n.ID, n.Kind, n.Label, n.Degree); got != want {
			t.Errorf("node: got %s, want %s", got, want)
		}
		if l, ok := labels[n.ID]; ok && n.Label != l {
			t.Errorf("label of %s = %q, want %q", n.ID, n.Label, l)
		}
	}
}

// checkGraphEdges checks each edge's fields against the fixture's relation.
func checkGraphEdges(t *testing.T, es []normgraph.GraphEdge) {
	t.Helper()
	rels := map[string]*normgraph.Relation{}
	for _, r := range Fixture().Relations {
		rels[r.ID()] = r
	}
	for _, e := range es {
		r := rels[e.ID]
		if r == nil {
			t.Errorf("edge %s is not a relationship", e.ID)
			continue
		}
		got := fmt.Sprintf("%s %s %s->%s %s..%s", e.ID, e.Type, e.Source, e.Target, dateString(e.Since), dateString(e.Until))
		want := fmt.Sprintf("%s %s %s->%s %s..%s", r.ID(), r.Type, r.From, r.To, dateString(r.Since), dateString(r.Until))
		if got != want {
			t.Errorf("edge: got %s, want %s", got, want)
		}
	}
}

type pathCase struct {
	name      string
	q         normgraph.PathQuery
	wantNodes []string // nil: no path
	wantEdges []string
}

func runPathCases(t *testing.T, s normgraph.Store, cs []pathCase) {
	t.Helper()
	for _, c := range cs {
		t.Run(c.name, func(t *testing.T) {
			p, err := s.ShortestPath(ctx(t), c.q)
			if err != nil {
				t.Fatal(err)
			}
			if c.wantNodes == nil {
				if p != nil {
					t.Errorf("got path %q, want none", entityIDs(p.Nodes))
				}
				return
			}
			if p == nil {
				t.Fatalf("no path, want %q", c.wantNodes)
			}
			equalIDs(t, "nodes", entityIDs(p.Nodes), c.wantNodes)
			equalIDs(t, "edges", graphEdgeIDs(p.Edges), c.wantEdges)
			if p.Length() != len(c.wantEdges) {
				t.Errorf("length = %d, want %d", p.Length(), len(c.wantEdges))
			}
			checkGraphEdges(t, p.Edges)
		})
	}
}

var _ = register("ShortestPath",
	testCase{"Basics", func(t *testing.T, s normgraph.Store) {
		runPathCases(t, s, []pathCase{
			{"self has length 0", normgraph.PathQuery{From: "usa", To: "usa", MaxHops: 4}, []string{"usa"}, []string{}},
			{"isolated node: none", normgraph.PathQuery{From: "usa", To: "gfce", MaxHops: 8}, nil, nil},
			{"unknown to", normgraph.PathQuery{From: "usa", To: "atlantis", MaxHops: 4}, nil, nil},
			{"unknown from", normgraph.PathQuery{From: "atlantis", To: "usa", MaxHops: 4}, nil, nil},
			{"unknown self", normgraph.PathQuery{From: "atlantis", To: "atlantis", MaxHops: 4}, nil, nil},
			{"a source is not a node of paths", normgraph.PathQuery{From: "usa", To: "src-dig-watch", MaxHops: 4}, nil, nil},
			{"direct edge", normgraph.PathQuery{From: "usa", To: "nato", MaxHops: 4},
				[]string{"usa", "nato"}, []string{"usa:MEMBER_OF:nato"}},
			{"direct edge against its direction", normgraph.PathQuery{From: "nato", To: "usa", MaxHops: 1},
				[]string{"nato", "usa"}, []string{"usa:MEMBER_OF:nato"}},
			{"two hops", normgraph.PathQuery{From: "usa", To: "economy", MaxHops: 2},
				[]string{"usa", "g7", "economy"}, []string{"usa:MEMBER_OF:g7", "g7:ADVANCES:economy"}},
		})
	}},
	testCase{"TiesResolvedBySmallestIDs", func(t *testing.T, s normgraph.Store) {
		runPathCases(t, s, []pathCase{
			// 13 common neighbours; budapest-convention is the smallest id.
			{"smallest middle node", normgraph.PathQuery{From: "usa", To: "fra", MaxHops: 4},
				[]string{"usa", "budapest-convention", "fra"},
				[]string{"usa:PARTICIPATES_IN:budapest-convention", "fra:PARTICIPATES_IN:budapest-convention"}},
			// Greedy from the start: smallest next node at every step.
			{"smallest nodes read from the start", normgraph.PathQuery{From: "ken", To: "economy", MaxHops: 4},
				[]string{"ken", "counter-ransomware-initiative", "deu", "g7", "economy"},
				[]string{"ken:PARTICIPATES_IN:counter-ransomware-initiative", "deu:PARTICIPATES_IN:counter-ransomware-initiative",
					"deu:MEMBER_OF:g7", "g7:ADVANCES:economy"}},
			// fra both LEADS and PARTICIPATES_IN paris-call: smallest relationship id.
			{"smallest relationship between two nodes", normgraph.PathQuery{From: "fra", To: "paris-call", MaxHops: 2},
				[]string{"fra", "paris-call"}, []string{"fra:LEADS:paris-call"}},
			{"same from the other end", normgraph.PathQuery{From: "paris-call", To: "fra", MaxHops: 2},
				[]string{"paris-call", "fra"}, []string{"fra:LEADS:paris-call"}},
		})
	}},
	testCase{"MaxHops", func(t *testing.T, s normgraph.Store) {
		runPathCases(t, s, []pathCase{
			{"one short", normgraph.PathQuery{From: "ken", To: "economy", MaxHops: 3}, nil, nil},
			{"exactly enough", normgraph.PathQuery{From: "ken", To: "economy", MaxHops: 4},
				[]string{"ken", "counter-ransomware-initiative", "deu", "g7", "economy"},
				[]string{"ken:PARTICIPATES_IN:counter-ransomware-initiative", "deu:PARTICIPATES_IN:counter-ransomware-initiative",
					"deu:MEMBER_OF:g7", "g7:ADVANCES:economy"}},
			{"two hops needed, one allowed", normgraph.PathQuery{From: "usa", To: "economy", MaxHops: 1}, nil, nil},
		})
	}},
	testCase{"RelationsFilter", func(t *testing.T, s normgraph.Store) {
		runPathCases(t, s, []pathCase{
			{"memberships only", normgraph.PathQuery{From: "usa", To: "fra", MaxHops: 4, Relations: []normgraph.RelationType{normgraph.RelMemberOf}},
				[]string{"usa", "foc", "fra"}, []string{"usa:MEMBER_OF:foc", "fra:MEMBER_OF:foc"}},
			{"the other relationship", normgraph.PathQuery{From: "fra", To: "paris-call", MaxHops: 2,
				Relations: []normgraph.RelationType{normgraph.RelParticipatesIn}},
				[]string{"fra", "paris-call"}, []string{"fra:PARTICIPATES_IN:paris-call"}},
			{"no path with these types", normgraph.PathQuery{From: "usa", To: "economy", MaxHops: 8,
				Relations: []normgraph.RelationType{normgraph.RelEndorses}}, nil, nil},
		})
	}},
	testCase{"EdgeFields", func(t *testing.T, s normgraph.Store) {
		p, err := s.ShortestPath(ctx(t), normgraph.PathQuery{From: "nato", To: "usa", MaxHops: 1})
		if err != nil || p == nil || len(p.Edges) != 1 {
			t.Fatalf("path %v, %v", p, err)
		}
		e := p.Edges[0]
		if got := fmt.Sprintf("%s %s->%s %s %s", e.Type, e.Source, e.Target, dateString(e.Since), dateString(e.Until)); got != "MEMBER_OF usa->nato 1949-04-04 -" {
			t.Errorf("edge = %s", got)
		}
		if describe(p.Nodes[1]) != describe(entityOf("usa")) {
			t.Errorf("path node:\n got  %s\n want %s", describe(p.Nodes[1]), describe(entityOf("usa")))
		}
	}},
	testCase{"InvalidArguments", func(t *testing.T, s normgraph.Store) {
		for _, q := range []normgraph.PathQuery{
			{From: "usa", To: "fra", MaxHops: 0},
			{From: "usa", To: "usa", MaxHops: -1},
			{From: "usa", To: "fra", MaxHops: normgraph.MaxPathHops + 1},
			{From: "usa", To: "fra", MaxHops: 2, Relations: []normgraph.RelationType{"OWNS"}},
		} {
			_, err := s.ShortestPath(ctx(t), q)
			wantDomainError(t, err, q.Validate())
		}
	}},
)

func entityOf(id string) normgraph.Entity {
	for _, e := range Fixture().Entities {
		if e.NodeID() == id {
			return e
		}
	}
	return nil
}

type subgraphCase struct {
	name      string
	q         any // NeighborhoodQuery or SubgraphQuery
	nodes     []string
	edges     []string
	truncated bool
}

func runSubgraphCases(t *testing.T, s normgraph.Store, cs []subgraphCase) {
	t.Helper()
	for _, c := range cs {
		t.Run(c.name, func(t *testing.T) {
			var sg *normgraph.Subgraph
			var err error
			switch q := c.q.(type) {
			case normgraph.NeighborhoodQuery:
				sg, err = s.Neighborhood(ctx(t), q)
			case normgraph.SubgraphQuery:
				sg, err = s.Subgraph(ctx(t), q)
			}
			if err != nil {
				t.Fatal(err)
			}
			if sg == nil {
				t.Fatal("nil subgraph")
			}
			equalIDs(t, "nodes", graphNodeIDs(sg.Nodes), c.nodes)
			equalIDs(t, "edges", graphEdgeIDs(sg.Edges), c.edges)
			if sg.Truncated != c.truncated {
				t.Errorf("truncated = %t, want %t", sg.Truncated, c.truncated)
			}
			if sg.Nodes == nil || sg.Edges == nil {
				t.Error("nodes or edges nil, want empty slices")
			}
			checkGraphNodes(t, sg.Nodes)
			checkGraphEdges(t, sg.Edges)
		})
	}
}

var (
	natoRing = []string{"nato", "gge-13f", "est", "fra", "deu", "military", "gbr", "usa"}
	natoRels = []string{"deu:ENDORSES:gge-13f", "deu:MEMBER_OF:nato", "est:ENDORSES:gge-13f", "est:MEMBER_OF:nato",
		"fra:ENDORSES:gge-13f", "fra:MEMBER_OF:nato", "gbr:ENDORSES:gge-13f", "gbr:MEMBER_OF:nato",
		"gge-13f:SUPPORTS:military", "nato:ADVANCES:military", "nato:AFFIRMS:gge-13f", "usa:ENDORSES:gge-13f",
		"usa:MEMBER_OF:nato"}
	g7Members     = []string{"fra", "deu", "jpn", "rus", "gbr", "usa"}
	g7MemberEdges = []string{"deu:MEMBER_OF:g7", "fra:MEMBER_OF:g7", "gbr:MEMBER_OF:g7", "jpn:MEMBER_OF:g7",
		"rus:MEMBER_OF:g7", "usa:MEMBER_OF:g7"}
)

var _ = register("Neighborhood",
	testCase{"Depth1", func(t *testing.T, s normgraph.Store) {
		runSubgraphCases(t, s, []subgraphCase{
			// Centre first, then by distance, label, id. Edges are every
			// relationship between kept nodes: usa ENDORSES gge-13f joins two
			// nodes of the outer ring and is drawn too.
			{"nato", normgraph.NeighborhoodQuery{ID: "nato", Depth: 1, Limit: 50}, natoRing, natoRels, false},
			{"economy", normgraph.NeighborhoodQuery{ID: "economy", Depth: 1, Limit: 50},
				[]string{"economy", "g7"}, []string{"g7:ADVANCES:economy"}, false},
			{"isolated", normgraph.NeighborhoodQuery{ID: "gfce", Depth: 3, Limit: 50}, []string{"gfce"}, nil, false},
		})
	}},
	testCase{"Depth2", func(t *testing.T, s normgraph.Store) {
		runSubgraphCases(t, s, []subgraphCase{
			{"economy", normgraph.NeighborhoodQuery{ID: "economy", Depth: 2, Limit: 50},
				[]string{"economy", "g7", "gge-13f", "fra", "deu", "gge-13a", "jpn", "gge-13c", "protecting-networks",
					"gge-13j", "gge-13e", "rus", "gbr", "usa"},
				[]string{"deu:ENDORSES:gge-13e", "deu:ENDORSES:gge-13f", "deu:MEMBER_OF:g7", "fra:ENDORSES:gge-13e",
					"fra:ENDORSES:gge-13f", "fra:ENDORSES:gge-13j", "fra:MEMBER_OF:g7", "g7:ADVANCES:economy",
					"g7:ADVANCES:protecting-networks", "g7:AFFIRMS:gge-13a", "g7:AFFIRMS:gge-13c", "g7:AFFIRMS:gge-13e",
					"g7:AFFIRMS:gge-13f", "g7:AFFIRMS:gge-13j", "gbr:ENDORSES:gge-13a", "gbr:ENDORSES:gge-13e",
					"gbr:ENDORSES:gge-13f", "gbr:MEMBER_OF:g7", "gge-13f:SUPPORTS:protecting-networks",
					"gge-13j:SUPPORTS:protecting-networks", "jpn:MEMBER_OF:g7", "rus:ENDORSES:gge-13a", "rus:ENDORSES:gge-13c",
					"rus:MEMBER_OF:g7", "usa:ENDORSES:gge-13a", "usa:ENDORSES:gge-13c", "usa:ENDORSES:gge-13e",
					"usa:ENDORSES:gge-13f", "usa:ENDORSES:gge-13j", "usa:MEMBER_OF:g7"}, false},
		})
	}},
	testCase{"KindsFilter", func(t *testing.T, s normgraph.Store) {
		countries := []normgraph.EntityKind{normgraph.KindCountry}
		runSubgraphCases(t, s, []subgraphCase{
			{"members only", normgraph.NeighborhoodQuery{ID: "g7", Depth: 1, Limit: 50, Kinds: countries},
				append([]string{"g7"}, g7Members...), g7MemberEdges, false},
			// The centre is kept whatever its kind; passage is only through
			// the kinds asked for (g7's priorities and norms are skipped).
			{"centre of another kind", normgraph.NeighborhoodQuery{ID: "economy", Depth: 2, Limit: 50,
				Kinds: []normgraph.EntityKind{normgraph.KindForum, normgraph.KindCountry}},
				append([]string{"economy", "g7"}, g7Members...),
				[]string{"deu:MEMBER_OF:g7", "fra:MEMBER_OF:g7", "g7:ADVANCES:economy", "gbr:MEMBER_OF:g7", "jpn:MEMBER_OF:g7",
					"rus:MEMBER_OF:g7", "usa:MEMBER_OF:g7"}, false},
		})
	}},
	testCase{"RelationsFilter", func(t *testing.T, s normgraph.Store) {
		runSubgraphCases(t, s, []subgraphCase{
			{"advances only", normgraph.NeighborhoodQuery{ID: "economy", Depth: 2, Limit: 50,
				Relations: []normgraph.RelationType{normgraph.RelAdvances}},
				[]string{"economy", "g7", "protecting-networks"},
				[]string{"g7:ADVANCES:economy", "g7:ADVANCES:protecting-networks"}, false},
		})
	}},
	testCase{"LimitAndTruncation", func(t *testing.T, s normgraph.Store) {
		runSubgraphCases(t, s, []subgraphCase{
			{"nearest kept, edges among kept only", normgraph.NeighborhoodQuery{ID: "economy", Depth: 2, Limit: 5},
				[]string{"economy", "g7", "gge-13f", "fra", "deu"},
				[]string{"deu:ENDORSES:gge-13f", "deu:MEMBER_OF:g7", "fra:ENDORSES:gge-13f", "fra:MEMBER_OF:g7",
					"g7:ADVANCES:economy", "g7:AFFIRMS:gge-13f"}, true},
			{"limit equal to the size", normgraph.NeighborhoodQuery{ID: "nato", Depth: 1, Limit: 8}, natoRing, natoRels, false},
			{"one less", normgraph.NeighborhoodQuery{ID: "nato", Depth: 1, Limit: 7}, natoRing[:7],
				slices.DeleteFunc(slices.Clone(natoRels), func(id string) bool { return strings.HasPrefix(id, "usa:") }), true},
			{"centre only", normgraph.NeighborhoodQuery{ID: "nato", Depth: 2, Limit: 1}, []string{"nato"}, nil, true},
		})
	}},
	testCase{"UnknownID", func(t *testing.T, s normgraph.Store) {
		runSubgraphCases(t, s, []subgraphCase{
			{"unknown", normgraph.NeighborhoodQuery{ID: "atlantis", Depth: 2, Limit: 50}, nil, nil, false},
			{"source id", normgraph.NeighborhoodQuery{ID: "src-dig-watch", Depth: 1, Limit: 50}, nil, nil, false},
		})
	}},
	testCase{"InvalidArguments", func(t *testing.T, s normgraph.Store) {
		for _, q := range []normgraph.NeighborhoodQuery{
			{ID: "g7", Depth: 0, Limit: 10},
			{ID: "g7", Depth: normgraph.MaxNeighborhoodDepth + 1, Limit: 10},
			{ID: "g7", Depth: 1, Limit: 0},
			{ID: "g7", Depth: 1, Limit: normgraph.MaxSubgraphLimit + 1},
			{ID: "g7", Depth: 1, Limit: 10, Kinds: []normgraph.EntityKind{"PLANET"}},
			{ID: "g7", Depth: 1, Limit: 10, Relations: []normgraph.RelationType{"OWNS"}},
			{ID: "atlantis", Depth: 0, Limit: 10},
		} {
			_, err := s.Neighborhood(ctx(t), q)
			wantDomainError(t, err, q.Validate())
		}
	}},
)

// byDegree is every entity in Subgraph order: degree descending, then label
// (acronym or short name, else name), then id.
var byDegree = []string{"usa", "fra", "itu", "gbr", "g7", "deu", "declaration-future-internet", "gge-13f", "est", "osce",
	"budapest-convention", "osce-cbms", "counter-ransomware-initiative", "foc", "gge-13e", "coe", "gge-13a", "paris-call",
	"christchurch-call", "nato", "gge-13c", "protecting-networks", "rus", "internet-freedom", "gge-13j", "jpn", "military",
	"law-enforcement", "isc-multistakeholder", "isc-fundamental-freedoms", "chn", "internet-governance", "ken", "nga",
	"cod", "cog", "economy", "international-development", "ner", "gfce"}

var _ = register("Subgraph",
	testCase{"WholeGraphInOrder", func(t *testing.T, s normgraph.Store) {
		var rels []string
		for _, r := range Fixture().Relations {
			rels = append(rels, r.ID())
		}
		slices.Sort(rels)
		runSubgraphCases(t, s, []subgraphCase{
			{"everything", normgraph.SubgraphQuery{Limit: normgraph.MaxSubgraphLimit}, byDegree, rels, false},
			{"limit equal to the size", normgraph.SubgraphQuery{Limit: 40}, byDegree, rels, false},
			// gfce, last with no relationship, is the one cut: every edge stays.
			{"one less than all", normgraph.SubgraphQuery{Limit: 39}, byDegree[:39], rels, true},
		})
	}},
	testCase{"LimitAndTruncation", func(t *testing.T, s normgraph.Store) {
		runSubgraphCases(t, s, []subgraphCase{
			{"top 3", normgraph.SubgraphQuery{Limit: 3}, []string{"usa", "fra", "itu"},
				[]string{"fra:MEMBER_OF:itu", "usa:MEMBER_OF:itu"}, true},
		})
	}},
	testCase{"Kinds", func(t *testing.T, s normgraph.Store) {
		priorities := []normgraph.EntityKind{normgraph.KindPriority}
		ordered := []string{"protecting-networks", "internet-freedom", "military", "law-enforcement", "internet-governance",
			"economy", "international-development"}
		runSubgraphCases(t, s, []subgraphCase{
			{"fora", normgraph.SubgraphQuery{Kinds: []normgraph.EntityKind{normgraph.KindForum}, Limit: 10},
				[]string{"itu", "g7", "osce", "foc", "coe", "nato", "gfce"}, nil, false},
			{"priorities, limit equal", normgraph.SubgraphQuery{Kinds: priorities, Limit: 7}, ordered, nil, false},
			{"priorities, one less", normgraph.SubgraphQuery{Kinds: priorities, Limit: 6}, ordered[:6], nil, true},
		})
	}},
	testCase{"Relations", func(t *testing.T, s normgraph.Store) {
		runSubgraphCases(t, s, []subgraphCase{
			{"hosting among fora and initiatives", normgraph.SubgraphQuery{
				Kinds:     []normgraph.EntityKind{normgraph.KindForum, normgraph.KindInitiative},
				Relations: []normgraph.RelationType{normgraph.RelHostedBy}, Limit: 20},
				[]string{"itu", "g7", "declaration-future-internet", "osce", "budapest-convention", "osce-cbms",
					"counter-ransomware-initiative", "foc", "coe", "paris-call", "christchurch-call", "nato", "gfce"},
				[]string{"budapest-convention:HOSTED_BY:coe", "osce-cbms:HOSTED_BY:osce"}, false},
			{"memberships among the top 4", normgraph.SubgraphQuery{
				Kinds:     []normgraph.EntityKind{normgraph.KindCountry, normgraph.KindForum},
				Relations: []normgraph.RelationType{normgraph.RelMemberOf}, Limit: 4},
				[]string{"usa", "fra", "itu", "gbr"},
				[]string{"fra:MEMBER_OF:itu", "gbr:MEMBER_OF:itu", "usa:MEMBER_OF:itu"}, true},
		})
	}},
	testCase{"InvalidArguments", func(t *testing.T, s normgraph.Store) {
		for _, q := range []normgraph.SubgraphQuery{
			{Limit: 0},
			{Limit: normgraph.MaxSubgraphLimit + 1},
			{Limit: 10, Kinds: []normgraph.EntityKind{"PLANET"}},
			{Limit: 10, Relations: []normgraph.RelationType{"OWNS"}},
		} {
			_, err := s.Subgraph(ctx(t), q)
			wantDomainError(t, err, q.Validate())
		}
	}},
)
