package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// Every entity of each kind in list order: by name then id (cod before cog,
// both "Congo"), priorities by their fixed order; bytewise, so "OSCE cyber..."
// sorts before "Organization...".
var (
	allPriorities = normgraph.PriorityIDs
	allNorms      = []string{"gge-13f", "gge-13a", "isc-multistakeholder", "gge-13c", "gge-13j", "gge-13e",
		"isc-fundamental-freedoms"}
	allCountries = []string{"chn", "cod", "cog", "est", "fra", "deu", "jpn", "ken", "ner", "nga", "rus", "gbr", "usa"}
	allFora      = []string{"coe", "foc", "gfce", "g7", "itu", "nato", "osce"}
	allInits     = []string{"christchurch-call", "budapest-convention", "counter-ransomware-initiative",
		"declaration-future-internet", "osce-cbms", "paris-call"}
	allSources = []string{"src-coe-185", "src-dig-watch", "src-fact-sheet", "src-ics-2011", "src-members-coe",
		"src-members-nato", "src-paris-call", "src-gge-2015"}
)

type listCase struct {
	name   string
	kind   normgraph.EntityKind
	filter normgraph.Filter
	want   []string
}

func runListCases(t *testing.T, s normgraph.Store, cs []listCase) {
	t.Helper()
	for _, c := range cs {
		t.Run(c.name, func(t *testing.T) {
			p := mustPage(t)(s.List(ctx(t), c.kind, c.filter, all()))
			equalIDs(t, "ids", ids(p), c.want)
			wantPageInfo(t, p, len(c.want), false, false)
			for _, e := range p.Edges {
				if e.Relation != nil {
					t.Errorf("%s: a plain list edge carries relation %s", nodeID(e.Node), e.Relation.ID())
				}
			}
		})
	}
}

var _ = register("List",
	testCase{"EveryKindInOrder", func(t *testing.T, s normgraph.Store) {
		runListCases(t, s, []listCase{
			{"priorities", normgraph.KindPriority, normgraph.Filter{}, allPriorities},
			{"norms", normgraph.KindNorm, normgraph.Filter{}, allNorms},
			{"countries", normgraph.KindCountry, normgraph.Filter{}, allCountries},
			{"fora", normgraph.KindForum, normgraph.Filter{}, allFora},
			{"initiatives", normgraph.KindInitiative, normgraph.Filter{}, allInits},
		})
	}},
	testCase{"NameContains", func(t *testing.T, s normgraph.Store) {
		runListCases(t, s, []listCase{
			{"same name, id breaks the tie", normgraph.KindCountry, normgraph.Filter{NameContains: "congo"}, []string{"cod", "cog"}},
			{"case-insensitive", normgraph.KindCountry, normgraph.Filter{NameContains: "CoNgO"}, []string{"cod", "cog"}},
			{"matches an alias", normgraph.KindCountry, normgraph.Filter{NameContains: "britain"}, []string{"gbr"}},
			{"name or alias", normgraph.KindCountry, normgraph.Filter{NameContains: "united"}, []string{"gbr", "usa"}},
			{"substring", normgraph.KindCountry, normgraph.Filter{NameContains: "nige"}, []string{"ner", "nga"}},
			{"former name alias", normgraph.KindForum, normgraph.Filter{NameContains: "g8"}, []string{"g7"}},
			{"acronym alias", normgraph.KindForum, normgraph.Filter{NameContains: "Csce"}, []string{"osce"}},
			{"two fora", normgraph.KindForum, normgraph.Filter{NameContains: "EUROPE"}, []string{"coe", "osce"}},
			{"initiative alias", normgraph.KindInitiative, normgraph.Filter{NameContains: "budapest"}, []string{"budapest-convention"}},
			{"norm", normgraph.KindNorm, normgraph.Filter{NameContains: "Infrastructure"}, []string{"gge-13f"}},
			{"priority name not short name", normgraph.KindPriority, normgraph.Filter{NameContains: "internet"}, []string{"internet-governance"}},
			{"no match", normgraph.KindCountry, normgraph.Filter{NameContains: "atlantis"}, nil},
		})
	}},
	testCase{"TypeFrameworkRegion", func(t *testing.T, s normgraph.Store) {
		runListCases(t, s, []listCase{
			{"forum type", normgraph.KindForum, normgraph.Filter{Type: "alliance"}, []string{"nato"}},
			{"type is exact", normgraph.KindForum, normgraph.Filter{Type: "Alliance"}, nil},
			{"initiative type", normgraph.KindInitiative, normgraph.Filter{Type: "declaration"},
				[]string{"declaration-future-internet", "paris-call"}},
			{"framework", normgraph.KindNorm, normgraph.Filter{Framework: "UN GGE 2015"},
				[]string{"gge-13f", "gge-13a", "gge-13c", "gge-13j", "gge-13e"}},
			{"framework is exact", normgraph.KindNorm, normgraph.Filter{Framework: "un gge 2015"}, nil},
			{"region", normgraph.KindCountry, normgraph.Filter{Region: "Europe"}, []string{"est", "fra", "deu", "rus", "gbr"}},
			{"region any case", normgraph.KindCountry, normgraph.Filter{Region: "EUROPE"}, []string{"est", "fra", "deu", "rus", "gbr"}},
			{"subregion", normgraph.KindCountry, normgraph.Filter{Region: "western europe"}, []string{"fra", "deu"}},
			{"subregion 2", normgraph.KindCountry, normgraph.Filter{Region: "Eastern Asia"}, []string{"chn", "jpn"}},
			{"region is not a substring", normgraph.KindCountry, normgraph.Filter{Region: "Eastern"}, nil},
			{"africa", normgraph.KindCountry, normgraph.Filter{Region: "Africa"}, []string{"cod", "cog", "ken", "ner", "nga"}},
		})
	}},
	testCase{"AnyOfLists", func(t *testing.T, s normgraph.Store) {
		runListCases(t, s, []listCase{
			{"advances any of", normgraph.KindForum, normgraph.Filter{Advances: []string{"economy", "internet-freedom"}},
				[]string{"coe", "foc", "g7"}},
			{"advances initiatives", normgraph.KindInitiative, normgraph.Filter{Advances: []string{"law-enforcement"}},
				[]string{"budapest-convention", "counter-ransomware-initiative"}},
			{"supports any of", normgraph.KindNorm, normgraph.Filter{Supports: []string{"military", "internet-governance"}},
				[]string{"gge-13f", "gge-13a", "isc-multistakeholder"}},
			{"unknown ids ignored", normgraph.KindForum, normgraph.Filter{Advances: []string{"nope", "economy"}}, []string{"g7"}},
			{"only unknown ids", normgraph.KindForum, normgraph.Filter{Advances: []string{"nope"}}, nil},
		})
	}},
	testCase{"AllOfLists", func(t *testing.T, s normgraph.Store) {
		runListCases(t, s, []listCase{
			{"member of all", normgraph.KindCountry, normgraph.Filter{MemberOf: []string{"osce", "nato"}},
				[]string{"est", "fra", "deu", "gbr", "usa"}},
			{"member of, ended membership counts without asOf", normgraph.KindCountry, normgraph.Filter{MemberOf: []string{"g7"}},
				[]string{"fra", "deu", "jpn", "rus", "gbr", "usa"}},
			{"participates in all", normgraph.KindCountry, normgraph.Filter{ParticipatesIn: []string{"paris-call", "christchurch-call"}},
				[]string{"fra", "gbr", "usa"}},
			{"endorses all", normgraph.KindCountry, normgraph.Filter{Endorses: []string{"gge-13e", "gge-13f"}},
				[]string{"fra", "deu", "gbr", "usa"}},
			{"endorses all 2", normgraph.KindCountry, normgraph.Filter{Endorses: []string{"gge-13a", "gge-13c"}},
				[]string{"chn", "rus", "usa"}},
			{"has members all", normgraph.KindForum, normgraph.Filter{HasMembers: []string{"usa", "ken"}}, []string{"foc", "itu"}},
			{"has members", normgraph.KindForum, normgraph.Filter{HasMembers: []string{"rus"}}, []string{"coe", "g7", "itu", "osce"}},
			{"one unknown id fails all", normgraph.KindCountry, normgraph.Filter{MemberOf: []string{"osce", "nope"}}, nil},
			{"nobody is in every forum", normgraph.KindCountry, normgraph.Filter{MemberOf: allFora}, nil},
		})
	}},
	testCase{"AsOf", func(t *testing.T, s normgraph.Store) {
		g7 := []string{"g7"}
		runListCases(t, s, []listCase{
			{"member of g7 in 2015", normgraph.KindCountry, normgraph.Filter{MemberOf: g7, AsOf: date("2015-01-01")},
				[]string{"fra", "deu", "jpn", "gbr", "usa"}},
			{"member of g7 in 2000", normgraph.KindCountry, normgraph.Filter{MemberOf: g7, AsOf: date("2000")},
				[]string{"fra", "deu", "jpn", "rus", "gbr", "usa"}},
			{"foc month precision before", normgraph.KindCountry, normgraph.Filter{MemberOf: []string{"foc"}, AsOf: date("2011-11-30")}, nil},
			{"foc month precision on", normgraph.KindCountry, normgraph.Filter{MemberOf: []string{"foc"}, AsOf: date("2011-12")},
				[]string{"est", "fra", "ken", "gbr", "usa"}},
			{"participates in as of 2020", normgraph.KindCountry,
				normgraph.Filter{ParticipatesIn: []string{"paris-call", "christchurch-call"}, AsOf: date("2020-01-01")},
				[]string{"fra", "gbr"}},
			{"has members as of 2020", normgraph.KindForum, normgraph.Filter{HasMembers: []string{"rus"}, AsOf: date("2020-01-01")},
				[]string{"coe", "itu", "osce"}},
			{"has members as of 2023", normgraph.KindForum, normgraph.Filter{HasMembers: []string{"rus"}, AsOf: date("2023-01-01")},
				[]string{"itu", "osce"}},
			{"asOf does not apply to endorses", normgraph.KindCountry, normgraph.Filter{Endorses: []string{"gge-13a", "gge-13c"}, AsOf: date("1900")},
				[]string{"chn", "rus", "usa"}},
			{"asOf alone filters nothing", normgraph.KindCountry, normgraph.Filter{AsOf: date("1900")}, allCountries},
		})
	}},
	testCase{"AndOfSeveralFields", func(t *testing.T, s normgraph.Store) {
		runListCases(t, s, []listCase{
			{"region, member of, endorses", normgraph.KindCountry,
				normgraph.Filter{Region: "europe", MemberOf: []string{"coe"}, Endorses: []string{"gge-13j"}}, []string{"est", "fra"}},
			{"name and member of", normgraph.KindCountry, normgraph.Filter{NameContains: "united", MemberOf: []string{"coe"}}, []string{"gbr"}},
			{"advances and has members", normgraph.KindForum,
				normgraph.Filter{Advances: []string{"military"}, HasMembers: []string{"est"}}, []string{"nato", "osce"}},
			{"framework and supports", normgraph.KindNorm,
				normgraph.Filter{Framework: "International Strategy for Cyberspace 2011", Supports: []string{"internet-freedom"}},
				[]string{"isc-fundamental-freedoms"}},
			{"type and advances", normgraph.KindInitiative,
				normgraph.Filter{Type: "declaration", Advances: []string{"protecting-networks"}}, []string{"paris-call"}},
			{"contradiction", normgraph.KindCountry, normgraph.Filter{Region: "Asia", MemberOf: []string{"nato"}}, nil},
		})
	}},
	testCase{"InvalidArguments", func(t *testing.T, s normgraph.Store) {
		_, err := s.List(ctx(t), normgraph.KindCountry, normgraph.Filter{}, first(-2))
		wantInvalid(t, err, "first:")
		_, err = s.List(ctx(t), "PLANET", normgraph.Filter{}, first(1))
		wantInvalid(t, err, "kind:")
	}},
)

var _ = register("Paging",
	testCase{"FirstPage", func(t *testing.T, s normgraph.Store) {
		p := mustPage(t)(s.List(ctx(t), normgraph.KindCountry, normgraph.Filter{}, first(5)))
		equalIDs(t, "ids", ids(p), allCountries[:5])
		wantPageInfo(t, p, 13, true, false)
	}},
	testCase{"WalkVisitsEachOnce", func(t *testing.T, s normgraph.Store) {
		for _, size := range []int{1, 2, 5, 12, 13, 14, 100} {
			got, pages := walk(t, size, func(a normgraph.PageArgs) (*normgraph.Page, error) {
				return s.List(ctx(t), normgraph.KindCountry, normgraph.Filter{}, a)
			})
			equalIDs(t, fmt.Sprintf("walk by %d", size), got, allCountries)
			if want := (13 + size - 1) / size; pages != want {
				t.Errorf("walk by %d read %d pages, want %d", size, pages, want)
			}
		}
	}},
	testCase{"WalkFiltered", func(t *testing.T, s normgraph.Store) {
		got, pages := walk(t, 2, func(a normgraph.PageArgs) (*normgraph.Page, error) {
			return s.List(ctx(t), normgraph.KindCountry, normgraph.Filter{Region: "Europe"}, a)
		})
		equalIDs(t, "walk", got, []string{"est", "fra", "deu", "rus", "gbr"})
		if pages != 3 {
			t.Errorf("read %d pages, want 3", pages)
		}
	}},
	testCase{"LastPage", func(t *testing.T, s normgraph.Store) {
		p := mustPage(t)(s.List(ctx(t), normgraph.KindCountry, normgraph.Filter{}, first(10)))
		p = mustPage(t)(s.List(ctx(t), normgraph.KindCountry, normgraph.Filter{}, after(10, cursorAt(t, p.PageInfo.EndCursor))))
		equalIDs(t, "ids", ids(p), allCountries[10:])
		wantPageInfo(t, p, 13, false, true)
	}},
	testCase{"ExactMultiple", func(t *testing.T, s normgraph.Store) {
		p := mustPage(t)(s.List(ctx(t), normgraph.KindInitiative, normgraph.Filter{}, first(3)))
		equalIDs(t, "page 1", ids(p), allInits[:3])
		wantPageInfo(t, p, 6, true, false)
		p = mustPage(t)(s.List(ctx(t), normgraph.KindInitiative, normgraph.Filter{}, after(3, cursorAt(t, p.PageInfo.EndCursor))))
		equalIDs(t, "page 2", ids(p), allInits[3:])
		wantPageInfo(t, p, 6, false, true)
		p = mustPage(t)(s.List(ctx(t), normgraph.KindInitiative, normgraph.Filter{}, first(6)))
		equalIDs(t, "one full page", ids(p), allInits)
		wantPageInfo(t, p, 6, false, false)
	}},
	testCase{"EmptyResult", func(t *testing.T, s normgraph.Store) {
		p := mustPage(t)(s.List(ctx(t), normgraph.KindCountry, normgraph.Filter{NameContains: "atlantis"}, first(5)))
		equalIDs(t, "ids", ids(p), nil)
		wantPageInfo(t, p, 0, false, false)
		if p.Edges == nil {
			t.Error("edges of an empty page are nil, want an empty slice")
		}
	}},
	testCase{"FirstZeroCountsOnly", func(t *testing.T, s normgraph.Store) {
		p := mustPage(t)(s.List(ctx(t), normgraph.KindCountry, normgraph.Filter{Region: "Europe"}, first(0)))
		equalIDs(t, "ids", ids(p), nil)
		wantPageInfo(t, p, 5, true, false)
		p = mustPage(t)(s.List(ctx(t), normgraph.KindCountry, normgraph.Filter{}, first(0)))
		wantPageInfo(t, p, 13, true, false)
	}},
	testCase{"Unlimited", func(t *testing.T, s normgraph.Store) {
		p := mustPage(t)(s.List(ctx(t), normgraph.KindCountry, normgraph.Filter{},
			after(normgraph.Unlimited, &normgraph.Cursor{Key: "France", ID: "fra"})))
		equalIDs(t, "ids", ids(p), allCountries[5:])
		wantPageInfo(t, p, 13, false, true)
	}},
	testCase{"CursorRoundTrip", func(t *testing.T, s normgraph.Store) {
		p := mustPage(t)(s.List(ctx(t), normgraph.KindCountry, normgraph.Filter{}, first(3)))
		c := cursorAt(t, p.PageInfo.EndCursor)
		// The third country is the second "Congo": the cursor must carry the id.
		if c.Key != "Congo" || c.ID != "cog" {
			t.Errorf("end cursor = %+v, want Congo/cog", *c)
		}
		p = mustPage(t)(s.List(ctx(t), normgraph.KindCountry, normgraph.Filter{}, after(2, c)))
		equalIDs(t, "after cog", ids(p), []string{"est", "fra"})
		// Priorities page by their order, not their names.
		p = mustPage(t)(s.List(ctx(t), normgraph.KindPriority, normgraph.Filter{}, first(3)))
		p = mustPage(t)(s.List(ctx(t), normgraph.KindPriority, normgraph.Filter{}, after(2, cursorAt(t, p.PageInfo.EndCursor))))
		equalIDs(t, "priorities 4-5", ids(p), []string{"military", "internet-governance"})
	}},
	testCase{"CursorOfItemNotInList", func(t *testing.T, s normgraph.Store) {
		// Keyset paging: a cursor marks a position, so a cursor for an item
		// that is not (or no longer) in the list still works. jpn is not in
		// Europe; ita is not in the data at all, as if deleted.
		p := mustPage(t)(s.List(ctx(t), normgraph.KindCountry, normgraph.Filter{Region: "Europe"},
			after(10, &normgraph.Cursor{Key: "Japan", ID: "jpn"})))
		equalIDs(t, "after Japan", ids(p), []string{"rus", "gbr"})
		wantPageInfo(t, p, 5, false, true)
		p = mustPage(t)(s.List(ctx(t), normgraph.KindCountry, normgraph.Filter{},
			after(2, &normgraph.Cursor{Key: "Italy", ID: "ita"})))
		equalIDs(t, "after Italy", ids(p), []string{"jpn", "ken"})
		wantPageInfo(t, p, 13, true, true)
	}},
	testCase{"CursorPastTheEnd", func(t *testing.T, s normgraph.Store) {
		for _, c := range []*normgraph.Cursor{{Key: "United States", ID: "usa"}, {Key: "zzz", ID: "zzz"}} {
			p := mustPage(t)(s.List(ctx(t), normgraph.KindCountry, normgraph.Filter{}, after(5, c)))
			equalIDs(t, "after "+c.ID, ids(p), nil)
			wantPageInfo(t, p, 13, false, true)
		}
	}},
	testCase{"CursorBeforeTheStart", func(t *testing.T, s normgraph.Store) {
		p := mustPage(t)(s.List(ctx(t), normgraph.KindCountry, normgraph.Filter{}, after(2, &normgraph.Cursor{Key: "", ID: "a"})))
		equalIDs(t, "ids", ids(p), allCountries[:2])
		wantPageInfo(t, p, 13, true, false)
	}},
	testCase{"AgreesWithPageOf", func(t *testing.T, s normgraph.Store) {
		// Every backend pages exactly as normgraph.PageOf does over the full
		// list, for every cursor position and page size.
		lists := map[string]func(normgraph.PageArgs) (*normgraph.Page, error){
			"countries": func(a normgraph.PageArgs) (*normgraph.Page, error) {
				return s.List(ctx(t), normgraph.KindCountry, normgraph.Filter{}, a)
			},
			"priorities": func(a normgraph.PageArgs) (*normgraph.Page, error) {
				return s.List(ctx(t), normgraph.KindPriority, normgraph.Filter{}, a)
			},
			"european countries": func(a normgraph.PageArgs) (*normgraph.Page, error) {
				return s.List(ctx(t), normgraph.KindCountry, normgraph.Filter{Region: "europe"}, a)
			},
			"sources": func(a normgraph.PageArgs) (*normgraph.Page, error) { return s.ListSources(ctx(t), a) },
			"g7 members": func(a normgraph.PageArgs) (*normgraph.Page, error) {
				return relatedOne(t, s, "g7", normgraph.Traversal{Type: normgraph.RelMemberOf, Direction: normgraph.Incoming}, a)
			},
			"g7 members in 2020": func(a normgraph.PageArgs) (*normgraph.Page, error) {
				return relatedOne(t, s, "g7", normgraph.Traversal{Type: normgraph.RelMemberOf, Direction: normgraph.Incoming,
					AsOf: date("2020")}, a)
			},
		}
		for name, fetch := range lists {
			full := mustPage(t)(fetch(all()))
			var items []normgraph.Node
			var rels []*normgraph.Relation
			for _, e := range full.Edges {
				items = append(items, e.Node)
				rels = append(rels, e.Relation)
			}
			if slices.IndexFunc(rels, func(r *normgraph.Relation) bool { return r != nil }) < 0 {
				rels = nil
			}
			afters := []*normgraph.Cursor{nil, {Key: "", ID: "0"}, {Key: "zzz", ID: "zzz"}, {Key: "Japan", ID: "jpn"}}
			for _, n := range items {
				c := normgraph.CursorOf(n)
				afters = append(afters, &c)
			}
			for _, a := range afters {
				for _, f := range []int{0, 1, 2, 3, 5, normgraph.Unlimited} {
					args := normgraph.PageArgs{First: f, After: a}
					got := mustPage(t)(fetch(args))
					want := normgraph.PageOf(items, rels, args)
					if g, w := pageString(got), pageString(want); g != w {
						t.Errorf("%s, first %d after %+v:\n got  %s\n want %s", name, f, a, g, w)
					}
				}
			}
		}
	}},
)

// pageString renders a page completely: ids, cursors, relations, page info.
func pageString(p *normgraph.Page) string {
	s := pageInfo(p)
	for _, e := range p.Edges {
		s += fmt.Sprintf(" [%s %s", nodeID(e.Node), e.Cursor)
		if e.Relation != nil {
			s += " " + e.Relation.ID()
		}
		s += "]"
	}
	str := func(p *string) string {
		if p == nil {
			return "-"
		}
		return *p
	}
	return s + " start=" + str(p.PageInfo.StartCursor) + " end=" + str(p.PageInfo.EndCursor)
}

var _ = register("ListSources",
	testCase{"OrderByTitleThenID", func(t *testing.T, s normgraph.Store) {
		p := mustPage(t)(s.ListSources(ctx(t), all()))
		equalIDs(t, "ids", ids(p), allSources)
		wantPageInfo(t, p, 8, false, false)
		for _, e := range p.Edges {
			if _, ok := e.Node.(*normgraph.Source); !ok {
				t.Errorf("node %s is a %T, want *normgraph.Source", nodeID(e.Node), e.Node)
			}
		}
	}},
	testCase{"Paging", func(t *testing.T, s normgraph.Store) {
		got, pages := walk(t, 3, func(a normgraph.PageArgs) (*normgraph.Page, error) { return s.ListSources(ctx(t), a) })
		equalIDs(t, "walk", got, allSources)
		if pages != 3 {
			t.Errorf("read %d pages, want 3", pages)
		}
		// Two sources share the title "Member states": the id orders them.
		p := mustPage(t)(s.ListSources(ctx(t), after(1, &normgraph.Cursor{Key: "Member states", ID: "src-members-coe"})))
		equalIDs(t, "after the first Member states", ids(p), []string{"src-members-nato"})
		wantPageInfo(t, p, 8, true, true)
		p = mustPage(t)(s.ListSources(ctx(t), first(0)))
		wantPageInfo(t, p, 8, true, false)
	}},
	testCase{"InvalidFirst", func(t *testing.T, s normgraph.Store) {
		_, err := s.ListSources(ctx(t), first(-7))
		wantInvalid(t, err, "first:")
	}},
)
