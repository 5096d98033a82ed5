package storetest

import (
	"strings"
	"testing"

	"github.com/normgraph/normgraph/internal/normgraph"
)

type searchCase struct {
	name string
	q    normgraph.SearchQuery
	want []string
}

// runSearchCases checks the hits in order and that every score is the
// domain's normgraph.Score, so backends cannot drift in how they rank.
func runSearchCases(t *testing.T, s normgraph.Store, cs []searchCase) {
	t.Helper()
	for _, c := range cs {
		t.Run(c.name, func(t *testing.T) {
			if c.q.First == 0 {
				c.q.First = 20
			}
			hits, err := s.Search(ctx(t), c.q)
			if err != nil {
				t.Fatal(err)
			}
			equalIDs(t, "hits", hitIDs(hits), c.want)
			toks := normgraph.Tokenize(c.q.Text)
			for i, h := range hits {
				if h.Node == nil {
					t.Fatalf("hit %d has no node", i)
				}
				if want := normgraph.Score(h.Node, toks); h.Score != want {
					t.Errorf("score of %s = %v, want %v", h.Node.NodeID(), h.Score, want)
				}
				if i > 0 && hits[i-1].Score < h.Score {
					t.Errorf("hit %d (%v) ranks above a better hit (%v)", i-1, hits[i-1].Score, h.Score)
				}
			}
		})
	}
}

var _ = register("Search",
	testCase{"ExactNameBeatsPrefix", func(t *testing.T, s normgraph.Store) {
		runSearchCases(t, s, []searchCase{
			{"niger", normgraph.SearchQuery{Text: "niger"}, []string{"ner", "nga"}},
			{"exact name of several words", normgraph.SearchQuery{Text: "Council of Europe"}, []string{"coe"}},
		})
		hits, err := s.Search(ctx(t), normgraph.SearchQuery{Text: "Niger", First: 5})
		if err != nil || len(hits) != 2 || !(hits[0].Score > hits[1].Score) {
			t.Errorf("Niger must score strictly above Nigeria: %v %v", hits, err)
		}
	}},
	testCase{"AcronymAndAlias", func(t *testing.T, s normgraph.Store) {
		runSearchCases(t, s, []searchCase{
			{"acronym", normgraph.SearchQuery{Text: "NATO"}, []string{"nato"}},
			{"former name", normgraph.SearchQuery{Text: "g8"}, []string{"g7"}},
			{"alias of two tokens", normgraph.SearchQuery{Text: "CETS 185"}, []string{"budapest-convention"}},
			{"short alias", normgraph.SearchQuery{Text: "paris call"}, []string{"paris-call"}},
			{"iso code", normgraph.SearchQuery{Text: "gbr"}, []string{"gbr"}},
		})
	}},
	testCase{"KindsFilter", func(t *testing.T, s normgraph.Store) {
		runSearchCases(t, s, []searchCase{
			{"all kinds", normgraph.SearchQuery{Text: "call"}, []string{"christchurch-call", "paris-call"}},
			{"initiatives", normgraph.SearchQuery{Text: "call", Kinds: []normgraph.EntityKind{normgraph.KindInitiative}},
				[]string{"christchurch-call", "paris-call"}},
			{"fora only", normgraph.SearchQuery{Text: "call", Kinds: []normgraph.EntityKind{normgraph.KindForum}}, nil},
			{"two kinds", normgraph.SearchQuery{Text: "freedom",
				Kinds: []normgraph.EntityKind{normgraph.KindNorm, normgraph.KindPriority}},
				[]string{"internet-freedom", "isc-fundamental-freedoms"}},
		})
	}},
	testCase{"MultiTokenAND", func(t *testing.T, s normgraph.Store) {
		runSearchCases(t, s, []searchCase{
			{"one token, ranked", normgraph.SearchQuery{Text: "freedom"},
				[]string{"foc", "internet-freedom", "isc-fundamental-freedoms"}},
			{"every token must match", normgraph.SearchQuery{Text: "freedom coalition"}, []string{"foc"}},
			{"prefixes of tokens", normgraph.SearchQuery{Text: "free onl"}, []string{"foc"}},
			{"one token matches nothing", normgraph.SearchQuery{Text: "freedom atlantis"}, nil},
		})
	}},
	testCase{"NoMatchAndEmptyQuery", func(t *testing.T, s normgraph.Store) {
		runSearchCases(t, s, []searchCase{
			{"no match", normgraph.SearchQuery{Text: "zzz"}, nil},
			{"empty", normgraph.SearchQuery{Text: ""}, nil},
			{"whitespace", normgraph.SearchQuery{Text: "   \t"}, nil},
			{"punctuation only", normgraph.SearchQuery{Text: "!?—"}, nil},
			{"sources are not searched", normgraph.SearchQuery{Text: "Digital Watch Observatory"}, nil},
		})
	}},
	testCase{"TiesByNameThenID", func(t *testing.T, s normgraph.Store) {
		// Five aliases hold "republic" and every name is one token: equal
		// scores, so list order decides (France before Germany though deu < fra).
		runSearchCases(t, s, []searchCase{
			{"republic", normgraph.SearchQuery{Text: "republic"}, []string{"chn", "cod", "cog", "fra", "deu"}},
			{"first limits", normgraph.SearchQuery{Text: "Republic", First: 2}, []string{"chn", "cod"}},
		})
		hits, err := s.Search(ctx(t), normgraph.SearchQuery{Text: "republic", First: 10})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if h.Score != hits[0].Score {
				t.Errorf("%s scores %v, %s %v: want a tie", h.Node.NodeID(), h.Score, hits[0].Node.NodeID(), hits[0].Score)
			}
		}
	}},
	testCase{"HitsAreFullEntities", func(t *testing.T, s normgraph.Store) {
		hits, err := s.Search(ctx(t), normgraph.SearchQuery{Text: "christchurch", First: 1})
		if err != nil || len(hits) != 1 {
			t.Fatalf("hits %v, %v", hits, err)
		}
		for _, w := range Fixture().Entities {
			if w.NodeID() == "christchurch-call" && describe(hits[0].Node) != describe(w) {
				t.Errorf("hit:\n got  %s\n want %s", describe(hits[0].Node), describe(w))
			}
		}
	}},
	testCase{"InvalidArguments", func(t *testing.T, s normgraph.Store) {
		for _, q := range []normgraph.SearchQuery{
			{Text: "europe", First: 0},
			{Text: "europe", First: -1},
			{Text: "europe", First: normgraph.MaxSearchResults + 1},
			{Text: strings.Repeat("a", 201), First: 5},
			{Text: "europe", First: 5, Kinds: []normgraph.EntityKind{"PLANET"}},
		} {
			_, err := s.Search(ctx(t), q)
			wantDomainError(t, err, q.Validate())
		}
		if _, err := s.Search(ctx(t), normgraph.SearchQuery{Text: "europe", First: normgraph.MaxSearchResults}); err != nil {
			t.Errorf("first = MaxSearchResults: %v", err)
		}
	}},
)
