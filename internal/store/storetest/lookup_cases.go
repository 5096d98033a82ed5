package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// describe renders every field of an entity, dates at their precision, so
// two backends' values compare equal exactly when they hold the same data.
func describe(e normgraph.Entity) string {
	if e == nil {
		return "<nil>"
	}
	b := e.Base()
	s := fmt.Sprintf("%s kind=%s name=%q description=%q aliases=%q sources=%q",
		b.ID, b.Kind, b.Name, b.Description, b.Aliases, b.SourceIDs)
	switch v := e.(type) {
	case *normgraph.Priority:
		s += fmt.Sprintf(" shortName=%q order=%d", v.ShortName, v.Order)
	case *normgraph.Norm:
		s += fmt.Sprintf(" code=%q text=%q framework=%q", v.Code, v.Text, v.Framework)
	case *normgraph.Country:
		s += fmt.Sprintf(" iso2=%q iso3=%q region=%q subregion=%q", v.ISO2, v.ISO3, v.Region, v.Subregion)
	case *normgraph.Forum:
		s += fmt.Sprintf(" acronym=%q type=%q founded=%d url=%q", v.Acronym, v.Type, v.Founded, v.URL)
	case *normgraph.Initiative:
		s += fmt.Sprintf(" type=%q launched=%s url=%q", v.Type, dateString(v.Launched), v.URL)
	default:
		s += fmt.Sprintf(" unexpected type %T", e)
	}
	return s
}

func describeSource(s *normgraph.Source) string {
	if s == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%s title=%q publisher=%q published=%s asOf=%s url=%q",
		s.ID, s.Title, s.Publisher, dateString(s.Published), dateString(s.AsOf), s.URL)
}

func describeRelation(r *normgraph.Relation) string {
	if r == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%s since=%s until=%s role=%q note=%q sources=%q",
		r.ID(), dateString(r.Since), dateString(r.Until), r.Role, r.Note, r.SourceIDs)
}

var _ = register("Entities",
	testCase{"Found", func(t *testing.T, s normgraph.Store) {
		got, err := s.Entities(ctx(t), []string{"usa", "osce", "economy", "gge-13f", "paris-call"})
		if err != nil {
			t.Fatal(err)
		}
		equalIDs(t, "ids", entityIDs(got), []string{"usa", "osce", "economy", "gge-13f", "paris-call"})
		if c, ok := got[0].(*normgraph.Country); !ok || c.ISO2 != "US" || c.ISO3 != "USA" || c.Region != "Americas" {
			t.Errorf("usa = %s", describe(got[0]))
		}
		if f, ok := got[1].(*normgraph.Forum); !ok || f.Acronym != "OSCE" || f.Founded != 1975 {
			t.Errorf("osce = %s", describe(got[1]))
		}
		if p, ok := got[2].(*normgraph.Priority); !ok || p.Order != 1 || p.ShortName != "Economy" {
			t.Errorf("economy = %s", describe(got[2]))
		}
	}},
	testCase{"EveryFieldOfEveryEntity", func(t *testing.T, s normgraph.Store) {
		want := Fixture().Entities
		idList := make([]string, len(want))
		for i, e := range want {
			idList[i] = e.NodeID()
		}
		got, err := s.Entities(ctx(t), idList)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("got %d entities for %d ids", len(got), len(want))
		}
		for i := range want {
			if g, w := describe(got[i]), describe(want[i]); g != w {
				t.Errorf("entity %s:\n got  %s\n want %s", idList[i], g, w)
			}
		}
	}},
	testCase{"Unknown", func(t *testing.T, s normgraph.Store) {
		got, err := s.Entities(ctx(t), []string{"atlantis"})
		if err != nil {
			t.Fatal(err)
		}
		equalIDs(t, "ids", entityIDs(got), []string{"<nil>"})
	}},
	testCase{"MixedAligned", func(t *testing.T, s normgraph.Store) {
		got, err := s.Entities(ctx(t), []string{"usa", "atlantis", "src-gge-2015", "economy", "usa", ""})
		if err != nil {
			t.Fatal(err)
		}
		// A source id is a node but not an entity: nil.
		equalIDs(t, "ids", entityIDs(got), []string{"usa", "<nil>", "<nil>", "economy", "usa", "<nil>"})
	}},
	testCase{"Empty", func(t *testing.T, s normgraph.Store) {
		got, err := s.Entities(ctx(t), nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 {
			t.Errorf("got %d entities for no ids", len(got))
		}
	}},
)

var _ = register("Sources",
	testCase{"EveryFieldAligned", func(t *testing.T, s normgraph.Store) {
		want := Fixture().Sources
		idList := []string{"nope"}
		for _, src := range want {
			idList = append(idList, src.ID)
		}
		idList = append(idList, "usa")
		got, err := s.Sources(ctx(t), idList)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(idList) {
			t.Fatalf("got %d sources for %d ids", len(got), len(idList))
		}
		if got[0] != nil || got[len(got)-1] != nil {
			t.Errorf("unknown id or entity id gave a source: %s, %s", describeSource(got[0]), describeSource(got[len(got)-1]))
		}
		for i, w := range want {
			if g := describeSource(got[i+1]); g != describeSource(w) {
				t.Errorf("source %s:\n got  %s\n want %s", w.ID, g, describeSource(w))
			}
		}
	}},
)

var _ = register("CountriesByCode",
	testCase{"IdISO2ISO3AnyCase", func(t *testing.T, s normgraph.Store) {
		codes := []string{"usa", "US", "USA", "Us", "uSa", "gb", "GBR", "cod", "CG", "xx", "", "osce", "src-dig-watch", " usa"}
		got, err := s.CountriesByCode(ctx(t), codes)
		if err != nil {
			t.Fatal(err)
		}
		var gotIDs []string
		for _, c := range got {
			if c == nil {
				gotIDs = append(gotIDs, "<nil>")
			} else {
				gotIDs = append(gotIDs, c.ID)
			}
		}
		equalIDs(t, "countries", gotIDs, []string{"usa", "usa", "usa", "usa", "usa", "gbr", "gbr", "cod", "cog",
			"<nil>", "<nil>", "<nil>", "<nil>", "<nil>"})
		if got[0] != nil && (got[0].Name != "United States" || got[0].Subregion != "Northern America") {
			t.Errorf("usa = %s", describe(got[0]))
		}
	}},
)

var _ = register("Stats",
	testCase{"CountsAndVersion", func(t *testing.T, s normgraph.Store) {
		st, err := s.Stats(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		ds := Fixture()
		got := fmt.Sprintf("entities=%d relations=%d sources=%d byKind=%s byRelation=%s version=%s",
			st.Entities, st.Relations, st.Sources, kindCounts(st.ByKind), relationCounts(st.ByRelation), st.DatasetVersion)
		want := "entities=40 relations=147 sources=8" +
			" byKind=PRIORITY:7,NORM:7,COUNTRY:13,FORUM:7,INITIATIVE:6" +
			" byRelation=ADVANCES:19,SUPPORTS:8,AFFIRMS:11,PROMOTES:9,MEMBER_OF:41,PARTICIPATES_IN:32,ENDORSES:21,HOSTED_BY:2,LEADS:4" +
			" version=" + ds.Version()
		if got != want {
			t.Errorf("stats:\n got  %s\n want %s", got, want)
		}
		// The hand-written numbers and the dataset agree (guards the fixture).
		dst := ds.Stats()
		if kindCounts(dst.ByKind)+relationCounts(dst.ByRelation) != kindCounts(st.ByKind)+relationCounts(st.ByRelation) {
			t.Errorf("fixture counts %s %s differ from store counts", kindCounts(dst.ByKind), relationCounts(dst.ByRelation))
		}
	}},
)

var _ = register("Ping",
	testCase{"OK", func(t *testing.T, s normgraph.Store) {
		if err := s.Ping(ctx(t)); err != nil {
			t.Errorf("Ping = %v", err)
		}
	}},
)

func kindCounts(cs []normgraph.KindCount) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, fmt.Sprintf("%s:%d", c.Kind, c.Count))
	}
	return strings.Join(parts, ",")
}

func relationCounts(cs []normgraph.RelationCount) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, fmt.Sprintf("%s:%d", c.Type, c.Count))
	}
	return strings.Join(parts, ",")
}

// everyMethod calls each Store method once with valid arguments.
func everyMethod(c context.Context, s normgraph.Store) map[string]error {
	errs := map[string]error{}
	_, errs["Entities"] = s.Entities(c, []string{"usa"})
	_, errs["Sources"] = s.Sources(c, []string{"src-gge-2015"})
	_, errs["CountriesByCode"] = s.CountriesByCode(c, []string{"us"})
	_, errs["List"] = s.List(c, normgraph.KindCountry, normgraph.Filter{}, first(2))
	_, errs["ListSources"] = s.ListSources(c, first(2))
	_, errs["Related"] = s.Related(c, []string{"g7"}, normgraph.Traversal{Type: normgraph.RelMemberOf, Direction: normgraph.Incoming}, first(2))
	_, errs["Search"] = s.Search(c, normgraph.SearchQuery{Text: "europe", First: 5})
	_, errs["ShortestPath"] = s.ShortestPath(c, normgraph.PathQuery{From: "usa", To: "economy", MaxHops: 4})
	_, errs["Neighborhood"] = s.Neighborhood(c, normgraph.NeighborhoodQuery{ID: "g7", Depth: 1, Limit: 10})
	_, errs["Subgraph"] = s.Subgraph(c, normgraph.SubgraphQuery{Limit: 10})
	_, errs["Stats"] = s.Stats(c)
	errs["Ping"] = s.Ping(c)
	return errs
}

var _ = register("Context",
	testCase{"DeadlinePassedIsTimeout", func(t *testing.T, s normgraph.Store) {
		c, cancel := context.WithDeadline(ctx(t), time.Now().Add(-time.Second))
		defer cancel()
		for method, err := range everyMethod(c, s) {
			if code := normgraph.ErrorCode(err); code != normgraph.ETIMEOUT || !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("%s with an expired deadline: code %q (%v), want %q wrapping context.DeadlineExceeded",
					method, code, err, normgraph.ETIMEOUT)
			}
		}
	}},
	testCase{"CancelledFails", func(t *testing.T, s normgraph.Store) {
		c, cancel := context.WithCancel(ctx(t))
		cancel()
		for method, err := range everyMethod(c, s) {
			// The caller went away: no code is promised, but the cause must
			// stay visible so the server can tell it from a failure.
			if !errors.Is(err, context.Canceled) {
				t.Errorf("%s with a cancelled context: %v, want an error wrapping context.Canceled", method, err)
			}
		}
	}},
	testCase{"LiveContextSucceeds", func(t *testing.T, s normgraph.Store) {
		for method, err := range everyMethod(ctx(t), s) {
			if err != nil {
				t.Errorf("%s: %v", method, err)
			}
		}
	}},
)
