package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// relatedOne runs Related for a single id and returns its page.
func relatedOne(t *testing.T, s normgraph.Store, id string, tr normgraph.Traversal, page normgraph.PageArgs) (*normgraph.Page, error) {
	t.Helper()
	pages, err := s.Related(ctx(t), []string{id}, tr, page)
	if err != nil {
		return nil, err
	}
	if len(pages) != 1 {
		t.Fatalf("Related for one id returned %d pages", len(pages))
	}
	return pages[0], nil
}

func out(t normgraph.RelationType) normgraph.Traversal {
	return normgraph.Traversal{Type: t, Direction: normgraph.Outgoing}
}

func in(t normgraph.RelationType) normgraph.Traversal {
	return normgraph.Traversal{Type: t, Direction: normgraph.Incoming}
}

func asOf(tr normgraph.Traversal, day string) normgraph.Traversal {
	tr.AsOf = date(day)
	return tr
}

func filtered(tr normgraph.Traversal, f normgraph.Filter) normgraph.Traversal {
	tr.Filter = f
	return tr
}

type relatedCase struct {
	name string
	id   string
	tr   normgraph.Traversal
	want []string
}

// runRelatedCases checks each traversal's far ends in order, and that every
// edge carries the relationship joining the id to that far end.
func runRelatedCases(t *testing.T, s normgraph.Store, cs []relatedCase) {
	t.Helper()
	for _, c := range cs {
		t.Run(c.name, func(t *testing.T) {
			p := mustPage(t)(relatedOne(t, s, c.id, c.tr, all()))
			equalIDs(t, "ids", ids(p), c.want)
			wantPageInfo(t, p, len(c.want), false, false)
			for _, e := range p.Edges {
				from, to := c.id, nodeID(e.Node)
				if c.tr.Direction == normgraph.Incoming {
					from, to = to, from
				}
				if want := normgraph.RelationID(from, c.tr.Type, to); e.Relation == nil || e.Relation.ID() != want {
					t.Errorf("edge to %s carries %s, want %s", nodeID(e.Node), describeRelation(e.Relation), want)
				}
			}
		})
	}
}

var _ = register("Related",
	testCase{"EveryTypeBothDirections", func(t *testing.T, s normgraph.Store) {
		runRelatedCases(t, s, []relatedCase{
			{"ADVANCES out, priorities by order", "coe", out(normgraph.RelAdvances), []string{"law-enforcement", "internet-freedom"}},
			{"ADVANCES out g7", "g7", out(normgraph.RelAdvances), []string{"economy", "protecting-networks"}},
			{"ADVANCES in, fora and initiatives mixed by name", "law-enforcement", in(normgraph.RelAdvances),
				[]string{"budapest-convention", "coe", "counter-ransomware-initiative"}},
			{"ADVANCES in, bytewise order", "protecting-networks", in(normgraph.RelAdvances),
				[]string{"counter-ransomware-initiative", "g7", "osce-cbms", "osce", "paris-call"}},
			{"SUPPORTS out", "gge-13f", out(normgraph.RelSupports), []string{"protecting-networks", "military"}},
			{"SUPPORTS in", "military", in(normgraph.RelSupports), []string{"gge-13f", "gge-13a"}},
			{"AFFIRMS out", "foc", out(normgraph.RelAffirms), []string{"gge-13e", "isc-fundamental-freedoms"}},
			{"AFFIRMS in", "gge-13f", in(normgraph.RelAffirms), []string{"g7", "nato", "osce"}},
			{"PROMOTES out", "declaration-future-internet", out(normgraph.RelPromotes),
				[]string{"isc-multistakeholder", "gge-13e", "isc-fundamental-freedoms"}},
			{"PROMOTES in", "gge-13c", in(normgraph.RelPromotes), []string{"budapest-convention", "counter-ransomware-initiative"}},
			{"MEMBER_OF out", "rus", out(normgraph.RelMemberOf), []string{"coe", "g7", "itu", "osce"}},
			{"MEMBER_OF in", "g7", in(normgraph.RelMemberOf), []string{"fra", "deu", "jpn", "rus", "gbr", "usa"}},
			{"PARTICIPATES_IN out", "usa", out(normgraph.RelParticipatesIn), []string{"christchurch-call", "budapest-convention",
				"counter-ransomware-initiative", "declaration-future-internet", "osce-cbms", "paris-call"}},
			{"PARTICIPATES_IN in", "paris-call", in(normgraph.RelParticipatesIn), []string{"fra", "deu", "gbr", "usa"}},
			{"ENDORSES out", "deu", out(normgraph.RelEndorses), []string{"gge-13f", "gge-13e"}},
			{"ENDORSES in", "gge-13c", in(normgraph.RelEndorses), []string{"chn", "rus", "usa"}},
			{"HOSTED_BY out", "budapest-convention", out(normgraph.RelHostedBy), []string{"coe"}},
			{"HOSTED_BY in", "osce", in(normgraph.RelHostedBy), []string{"osce-cbms"}},
			{"LEADS out", "fra", out(normgraph.RelLeads), []string{"christchurch-call", "paris-call"}},
			{"LEADS in", "counter-ransomware-initiative", in(normgraph.RelLeads), []string{"usa"}},
			{"wrong direction for the kind", "usa", in(normgraph.RelMemberOf), nil},
			{"no such relationships", "gfce", in(normgraph.RelMemberOf), nil},
		})
	}},
	testCase{"AsOfBoundaries", func(t *testing.T, s normgraph.Store) {
		rus := out(normgraph.RelMemberOf)
		runRelatedCases(t, s, []relatedCase{
			// rus in coe: since 1996-02-28 until 2022-03-16 (day precision).
			{"day before since", "rus", asOf(rus, "1996-02-27"), []string{"itu", "osce"}},
			{"on since", "rus", asOf(rus, "1996-02-28"), []string{"coe", "itu", "osce"}},
			{"day before until", "rus", asOf(rus, "2022-03-15"), []string{"coe", "itu", "osce"}},
			{"on until (exclusive)", "rus", asOf(rus, "2022-03-16"), []string{"itu", "osce"}},
			// rus in g7: since 1997 until 2014 (year precision: first day).
			{"year: day before since", "rus", asOf(rus, "1996-12-31"), []string{"coe", "itu", "osce"}},
			{"year: on since", "rus", asOf(rus, "1997-01-01"), []string{"coe", "g7", "itu", "osce"}},
			{"year: asOf as a year", "rus", asOf(rus, "1997"), []string{"coe", "g7", "itu", "osce"}},
			{"year: day before until", "rus", asOf(rus, "2013-12-31"), []string{"coe", "g7", "itu", "osce"}},
			{"year: on until", "rus", asOf(rus, "2014-01-01"), []string{"coe", "itu", "osce"}},
			// gbr in foc: since 2011-12 (month precision).
			{"month: day before since", "gbr", asOf(out(normgraph.RelMemberOf), "2011-11-30"),
				[]string{"coe", "g7", "itu", "nato", "osce"}},
			{"month: on since", "gbr", asOf(out(normgraph.RelMemberOf), "2011-12-01"),
				[]string{"coe", "foc", "g7", "itu", "nato", "osce"}},
			{"month: nobody yet", "foc", asOf(in(normgraph.RelMemberOf), "2011-11-30"), nil},
			{"month: founders", "foc", asOf(in(normgraph.RelMemberOf), "2011-12"), []string{"est", "fra", "ken", "gbr", "usa"}},
			{"year: deu from 2013", "foc", asOf(in(normgraph.RelMemberOf), "2013-01-01"),
				[]string{"est", "fra", "deu", "ken", "gbr", "usa"}},
			{"participation day before", "paris-call", asOf(in(normgraph.RelParticipatesIn), "2021-11-09"), []string{"fra", "deu", "gbr"}},
			{"participation on the day", "paris-call", asOf(in(normgraph.RelParticipatesIn), "2021-11-10"),
				[]string{"fra", "deu", "gbr", "usa"}},
			{"undated relationships always in force", "ner", asOf(out(normgraph.RelMemberOf), "1800"), []string{"itu"}},
		})
	}},
	testCase{"FilterOnFarEnds", func(t *testing.T, s normgraph.Store) {
		g7 := in(normgraph.RelMemberOf)
		runRelatedCases(t, s, []relatedCase{
			{"region", "g7", filtered(g7, normgraph.Filter{Region: "europe"}), []string{"fra", "deu", "rus", "gbr"}},
			{"region and asOf", "g7", asOf(filtered(g7, normgraph.Filter{Region: "Europe"}), "2020-06-01"), []string{"fra", "deu", "gbr"}},
			{"name", "g7", filtered(g7, normgraph.Filter{NameContains: "UNITED"}), []string{"gbr", "usa"}},
			{"far ends' own memberships", "g7", filtered(g7, normgraph.Filter{MemberOf: []string{"nato"}}),
				[]string{"fra", "deu", "gbr", "usa"}},
			{"far ends' memberships as of", "g7", filtered(g7, normgraph.Filter{MemberOf: []string{"coe"}, AsOf: date("2023")}),
				[]string{"fra", "deu", "gbr"}},
			{"type among mixed kinds", "protecting-networks", filtered(in(normgraph.RelAdvances), normgraph.Filter{Type: "declaration"}),
				[]string{"paris-call"}},
			{"advances among mixed kinds", "protecting-networks",
				filtered(in(normgraph.RelAdvances), normgraph.Filter{Advances: []string{"military"}}), []string{"osce-cbms", "osce"}},
			{"nothing passes", "g7", filtered(g7, normgraph.Filter{Region: "Oceania"}), nil},
		})
	}},
	testCase{"KindOfFarEnds", func(t *testing.T, s normgraph.Store) {
		// ADVANCES reaches a priority from fora and initiatives alike.
		kind := func(tr normgraph.Traversal, k normgraph.EntityKind) normgraph.Traversal { tr.Kind = k; return tr }
		runRelatedCases(t, s, []relatedCase{
			{"all kinds", "law-enforcement", in(normgraph.RelAdvances),
				[]string{"budapest-convention", "coe", "counter-ransomware-initiative"}},
			{"fora only", "law-enforcement", kind(in(normgraph.RelAdvances), normgraph.KindForum), []string{"coe"}},
			{"initiatives only", "law-enforcement", kind(in(normgraph.RelAdvances), normgraph.KindInitiative),
				[]string{"budapest-convention", "counter-ransomware-initiative"}},
			{"kind and filter", "protecting-networks",
				kind(filtered(in(normgraph.RelAdvances), normgraph.Filter{Advances: []string{"military"}}), normgraph.KindForum),
				[]string{"osce"}},
			{"a kind the type cannot reach", "law-enforcement", kind(in(normgraph.RelAdvances), normgraph.KindCountry), nil},
		})
	}},
	testCase{"BatchAligned", func(t *testing.T, s normgraph.Store) {
		idList := []string{"g7", "atlantis", "nato", "gfce", "src-dig-watch", "g7"}
		pages, err := s.Related(ctx(t), idList, in(normgraph.RelMemberOf), first(3))
		if err != nil {
			t.Fatal(err)
		}
		if len(pages) != len(idList) {
			t.Fatalf("got %d pages for %d ids", len(pages), len(idList))
		}
		want := []struct {
			ids   []string
			total int
			next  bool
		}{
			{[]string{"fra", "deu", "jpn"}, 6, true},
			{nil, 0, false},
			{[]string{"est", "fra", "deu"}, 5, true},
			{nil, 0, false},
			{nil, 0, false},
			{[]string{"fra", "deu", "jpn"}, 6, true},
		}
		for i, w := range want {
			if pages[i] == nil {
				t.Errorf("page %d (%s) is nil", i, idList[i])
				continue
			}
			equalIDs(t, fmt.Sprintf("page %d (%s)", i, idList[i]), ids(pages[i]), w.ids)
			wantPageInfo(t, pages[i], w.total, w.next, false)
			if pages[i].Edges == nil {
				t.Errorf("page %d (%s): nil edges, want an empty slice", i, idList[i])
			}
		}
		none, err := s.Related(ctx(t), nil, in(normgraph.RelMemberOf), first(3))
		if err != nil || len(none) != 0 {
			t.Errorf("Related(no ids) = %d pages, %v", len(none), err)
		}
	}},
	testCase{"BatchCitedBy", func(t *testing.T, s normgraph.Store) {
		// Entities that cite different sources, one twice over, an unknown
		// id and a source's id (not an entity).
		cited := []string{"usa", "military", "gge-13a", "usa", "atlantis", "src-dig-watch"}
		ds := Fixture()
		want := map[string]*normgraph.Source{}
		bySource := map[string]*normgraph.Source{}
		for _, src := range ds.Sources {
			bySource[src.ID] = src
		}
		for _, e := range ds.Entities {
			if id := e.NodeID(); id == "usa" || id == "military" || id == "gge-13a" {
				for _, sid := range e.Base().SourceIDs {
					want[sid] = bySource[sid]
				}
			}
		}
		if len(want) < 3 {
			t.Fatalf("the fixture's usa, military and gge-13a cite %d sources; the case needs several", len(want))
		}
		res, err := normgraph.RunBatch(ctx(t), s, normgraph.Batch{CitedBy: cited, Entities: []string{"nato"}})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, src := range res.Cited {
			if got[src.ID] {
				t.Errorf("source %s returned twice", src.ID)
			}
			got[src.ID] = true
			if w := want[src.ID]; w == nil {
				t.Errorf("source %s is not cited by %v", src.ID, cited)
			} else if src.Title != w.Title || src.URL != w.URL {
				t.Errorf("source %s: %q %s, want %q %s", src.ID, src.Title, src.URL, w.Title, w.URL)
			}
		}
		for id := range want {
			if !got[id] {
				t.Errorf("source %s, cited by %v, is missing", id, cited)
			}
		}
		if len(res.Entities) != 1 || res.Entities[0] == nil || res.Entities[0].NodeID() != "nato" {
			t.Errorf("the batch's other part: %v", res.Entities)
		}
		res, err = normgraph.RunBatch(ctx(t), s, normgraph.Batch{CitedBy: []string{"atlantis"}})
		if err != nil || len(res.Cited) != 0 {
			t.Errorf("cited by an unknown id: %v, %v", res.Cited, err)
		}
	}},
	testCase{"BatchCite", func(t *testing.T, s normgraph.Store) {
		// The g7's members cite one source, their memberships others; the
		// members' initiatives cite more.
		ds := Fixture()
		entitySources, relSources := map[string][]string{}, map[string][]string{}
		for _, e := range ds.Entities {
			entitySources[e.NodeID()] = e.Base().SourceIDs
		}
		for _, r := range ds.Relations {
			relSources[r.ID()] = r.SourceIDs
		}
		// want is what the pages cite, by what omit leaves out.
		want := func(pages []*normgraph.Page, omit normgraph.PageFields) []string {
			set := map[string]bool{}
			for _, p := range pages {
				for _, e := range p.Edges {
					if omit&normgraph.FieldSources == 0 {
						for _, id := range entitySources[e.Node.NodeID()] {
							set[id] = true
						}
					}
					if omit&normgraph.FieldRelSources == 0 {
						for _, id := range relSources[e.Relation.ID()] {
							set[id] = true
						}
					}
				}
			}
			return sortedKeys(set)
		}
		got := func(srcs []*normgraph.Source) []string {
			set := map[string]bool{}
			for _, src := range srcs {
				if set[src.ID] {
					t.Errorf("source %s cited twice", src.ID)
				}
				set[src.ID] = true
			}
			return sortedKeys(set)
		}
		participates := normgraph.Traversal{Type: normgraph.RelParticipatesIn, Direction: normgraph.Outgoing}
		for _, omit := range []normgraph.PageFields{
			0,
			normgraph.AllPageFields &^ normgraph.FieldSources,
			normgraph.AllPageFields &^ normgraph.FieldRelSources,
			normgraph.AllPageFields,
		} {
			req := normgraph.RelatedRequest{IDs: []string{"g7", "nato"}, Traversal: in(normgraph.RelMemberOf), Page: first(3), Omit: omit, Cite: true,
				Then: []normgraph.RelatedRequest{{Traversal: participates, Page: all(), Omit: omit, Cite: true}}}
			res, err := normgraph.RunBatch(ctx(t), s, normgraph.Batch{Related: []normgraph.RelatedRequest{req}})
			if err != nil {
				t.Fatal(err)
			}
			rr := res.Related[0]
			if rr.Err != nil || len(rr.Then) != 1 || rr.Then[0].Err != nil {
				t.Fatalf("omit %#x: %v %+v", omit, rr.Err, rr.Then)
			}
			equalIDs(t, fmt.Sprintf("omit %#x: cited on the pages", omit), got(rr.Cited), want(rr.Pages, omit))
			var below []*normgraph.Page
			for _, p := range rr.Then[0].Pages {
				below = append(below, p)
			}
			w := want(below, omit)
			if omit == 0 && len(w) < 2 {
				t.Fatalf("the pages below cite %v; the case needs several", w)
			}
			equalIDs(t, fmt.Sprintf("omit %#x: cited on the pages below", omit), got(rr.Then[0].Cited), w)
		}
	}},
	testCase{"Paging", func(t *testing.T, s normgraph.Store) {
		got, pages := walk(t, 2, func(a normgraph.PageArgs) (*normgraph.Page, error) {
			return relatedOne(t, s, "g7", in(normgraph.RelMemberOf), a)
		})
		equalIDs(t, "walk", got, []string{"fra", "deu", "jpn", "rus", "gbr", "usa"})
		if pages != 3 {
			t.Errorf("read %d pages, want 3", pages)
		}
		got, _ = walk(t, 2, func(a normgraph.PageArgs) (*normgraph.Page, error) {
			return relatedOne(t, s, "g7", asOf(in(normgraph.RelMemberOf), "2020"), a)
		})
		equalIDs(t, "walk as of 2020", got, []string{"fra", "deu", "jpn", "gbr", "usa"})
		p := mustPage(t)(relatedOne(t, s, "g7", in(normgraph.RelMemberOf), first(0)))
		wantPageInfo(t, p, 6, true, false)
		p = mustPage(t)(relatedOne(t, s, "g7", in(normgraph.RelMemberOf), after(5, &normgraph.Cursor{Key: "zzz", ID: "zzz"})))
		equalIDs(t, "past the end", ids(p), nil)
		wantPageInfo(t, p, 6, false, true)
	}},
	testCase{"RelationshipProperties", func(t *testing.T, s normgraph.Store) {
		want := map[string]string{}
		for _, r := range Fixture().Relations {
			want[r.ID()] = describeRelation(r)
		}
		check := func(p *normgraph.Page) {
			t.Helper()
			for _, e := range p.Edges {
				if e.Relation == nil {
					t.Errorf("edge to %s has no relation", nodeID(e.Node))
					continue
				}
				if g, w := describeRelation(e.Relation), want[e.Relation.ID()]; g != w {
					t.Errorf("relation:\n got  %s\n want %s", g, w)
				}
			}
		}
		p := mustPage(t)(relatedOne(t, s, "rus", out(normgraph.RelMemberOf), all()))
		check(p)
		g7 := p.Edges[1]
		if nodeID(g7.Node) != "g7" || g7.Relation == nil {
			t.Fatalf("second membership of rus is %s", nodeID(g7.Node))
		}
		if got := fmt.Sprintf("%s %s %v %q %q", dateString(g7.Since()), dateString(g7.Until()), g7.Relation.Since.Precision(),
			*g7.Note(), g7.Relation.SourceIDs); got != `1997 2014 1 "G8 member from 1997; suspended in 2014" ["src-dig-watch" "src-fact-sheet"]` {
			t.Errorf("rus in g7: %s", got)
		}
		if g7.Role() != nil {
			t.Errorf("rus in g7 has role %q", *g7.Role())
		}
		p = mustPage(t)(relatedOne(t, s, "budapest-convention", in(normgraph.RelParticipatesIn), all()))
		check(p)
		equalIDs(t, "convention parties", ids(p), []string{"est", "fra", "deu", "jpn", "nga", "gbr", "usa"})
		if len(p.Edges) > 0 {
			e := p.Edges[0]
			if e.Role() == nil || *e.Role() != "party" || dateString(e.Since()) != "2004-07-01" || e.Until() != nil || e.Note() != nil {
				t.Errorf("est in the convention: %s", describeRelation(e.Relation))
			}
		}
		for _, tr := range []normgraph.Traversal{out(normgraph.RelParticipatesIn), out(normgraph.RelLeads), out(normgraph.RelEndorses)} {
			check(mustPage(t)(relatedOne(t, s, "usa", tr, all())))
		}
		check(mustPage(t)(relatedOne(t, s, "coe", in(normgraph.RelHostedBy), all())))
		check(mustPage(t)(relatedOne(t, s, "foc", in(normgraph.RelMemberOf), all())))
	}},
	testCase{"FarEndsAreFullEntities", func(t *testing.T, s normgraph.Store) {
		p := mustPage(t)(relatedOne(t, s, "budapest-convention", out(normgraph.RelHostedBy), all()))
		if len(p.Edges) != 1 {
			t.Fatalf("got %d hosts", len(p.Edges))
		}
		e, ok := p.Edges[0].Node.(normgraph.Entity)
		if !ok {
			t.Fatalf("far end is a %T, want an Entity", p.Edges[0].Node)
		}
		fx := Fixture()
		for _, w := range fx.Entities {
			if w.NodeID() == "coe" {
				if describe(e) != describe(w) {
					t.Errorf("far end:\n got  %s\n want %s", describe(e), describe(w))
				}
			}
		}
	}},
	testCase{"InvalidArguments", func(t *testing.T, s normgraph.Store) {
		_, err := s.Related(ctx(t), []string{"g7"}, normgraph.Traversal{Type: "OWNS", Direction: normgraph.Incoming}, first(1))
		wantInvalid(t, err, "type:")
		_, err = s.Related(ctx(t), []string{"g7"}, normgraph.Traversal{Type: normgraph.RelMemberOf}, first(1))
		wantInvalid(t, err, "direction:")
		_, err = s.Related(ctx(t), []string{"g7"}, in(normgraph.RelMemberOf), first(-3))
		wantInvalid(t, err, "first:")
		_, err = s.Related(ctx(t), []string{"g7"}, normgraph.Traversal{Type: normgraph.RelMemberOf, Direction: normgraph.Incoming, Kind: "PLANET"}, first(1))
		wantInvalid(t, err, "kind:")
	}},
)

func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
