package dataset_test

import (
	"strings"
	"testing"

	"github.com/normgraph/normgraph/internal/dataset"
	"github.com/normgraph/normgraph/internal/normgraph"
)

func TestReport(t *testing.T) {
	ds, err := dataset.LoadDir(validDir)
	if err != nil {
		t.Fatal(err)
	}
	r := dataset.Report(ds)
	want := `dataset ` + ds.Version() + `
sources: 3
entities: 14
  PRIORITY               7
  NORM                   1
  COUNTRY                3
  FORUM                  2
  INITIATIVE             1
relationships: 14
  ADVANCES               3
  SUPPORTS               2
  AFFIRMS                1
  PROMOTES               0
  MEMBER_OF              4
  PARTICIPATES_IN        2
  ENDORSES               1
  HOSTED_BY              1
  LEADS                  0
entities with sources: 14 of 14 (100.0%)
relationships with sources: 14 of 14 (100.0%)
lists with an as-of date (newest asOf of the sources they cite):
  ADVANCES law-enforcement: 2 relationships, as of 2023-11
  ADVANCES military: 1 relationship, as of 2024-03-07
  AFFIRMS gge-13f: 1 relationship, as of 2024-03-07
  MEMBER_OF coe: 2 relationships, as of 2024-03-07
  MEMBER_OF nato: 2 relationships, as of 2024-03-07
  PARTICIPATES_IN budapest-convention: 2 relationships, as of 2023-11
  HOSTED_BY coe: 1 relationship, as of 2023-11
`
	if got := r.String(); got != want {
		t.Errorf("report:\n%s\nwant:\n%s", got, want)
	}
	var b strings.Builder
	if n, err := r.WriteTo(&b); err != nil || int(n) != len(want) || b.String() != want {
		t.Errorf("WriteTo = %d, %v; want the same text", n, err)
	}
}

// A dataset from a store need not be fully sourced; shares say how much is.
func TestReportShares(t *testing.T) {
	d := func(s string) *normgraph.Date { v := normgraph.MustParseDate(s); return &v }
	ds := &normgraph.Dataset{
		Sources: []*normgraph.Source{
			{ID: "a", AsOf: d("2024")},
			{ID: "b", AsOf: d("2024-01-01")}, // same first day, more precise: wins
			{ID: "c"},
		},
		Entities: []normgraph.Entity{
			&normgraph.Forum{EntityBase: normgraph.EntityBase{ID: "f", Kind: normgraph.KindForum, SourceIDs: []string{"c"}}},
			&normgraph.Country{EntityBase: normgraph.EntityBase{ID: "usa", Kind: normgraph.KindCountry}},
			&normgraph.Country{EntityBase: normgraph.EntityBase{ID: "fra", Kind: normgraph.KindCountry}},
		},
		Relations: []*normgraph.Relation{
			{From: "usa", Type: normgraph.RelMemberOf, To: "f", SourceIDs: []string{"a"}},
			{From: "fra", Type: normgraph.RelMemberOf, To: "f", SourceIDs: []string{"c", "b"}},
			{From: "fra", Type: normgraph.RelLeads, To: "f"},
		},
	}
	r := dataset.Report(ds)
	if r.EntitiesWithSources != 1 || r.RelationsWithSources != 2 {
		t.Errorf("with sources: %d entities, %d relations; want 1, 2", r.EntitiesWithSources, r.RelationsWithSources)
	}
	if got := r.EntitySourceShare(); got < 33.3 || got > 33.4 {
		t.Errorf("EntitySourceShare = %v, want 33.3", got)
	}
	want := []dataset.ListAsOf{{Type: normgraph.RelMemberOf, To: "f", Relations: 2, AsOf: normgraph.MustParseDate("2024-01-01")}}
	if len(r.Lists) != 1 || r.Lists[0] != want[0] {
		t.Errorf("Lists = %+v, want %+v", r.Lists, want)
	}
	if !strings.Contains(r.String(), "entities with sources: 1 of 3 (33.3%)\nrelationships with sources: 2 of 3 (66.7%)\n") {
		t.Errorf("report:\n%s", r)
	}
	empty := dataset.Report(&normgraph.Dataset{})
	if empty.EntitySourceShare() != 100 || !strings.Contains(empty.String(), "lists with an as-of date: none\n") {
		t.Errorf("empty report:\n%s", empty)
	}
}
