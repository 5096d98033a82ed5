package dataset_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/normgraph/normgraph/internal/dataset"
	"github.com/normgraph/normgraph/internal/normgraph"
)

func date(s string) *normgraph.Date {
	d := normgraph.MustParseDate(s)
	return &d
}

func TestLoadValid(t *testing.T) {
	ds, err := dataset.LoadDir(validDir)
	if err != nil {
		t.Fatal(err)
	}

	const (
		strategy = "strategy-2011"
		nato     = "nato-members"
		coe      = "coe-treaty-office"
	)
	rel := func(from string, typ normgraph.RelationType, to string, sources ...string) *normgraph.Relation {
		return &normgraph.Relation{From: from, Type: typ, To: to, SourceIDs: sources}
	}
	with := func(r *normgraph.Relation, f func(*normgraph.Relation)) *normgraph.Relation { f(r); return r }
	wantRels := []*normgraph.Relation{
		rel("budapest-convention", normgraph.RelAdvances, "law-enforcement", coe),
		rel("budapest-convention", normgraph.RelHostedBy, "coe", coe),
		rel("coe", normgraph.RelAdvances, "law-enforcement", coe),
		// A mapping without sources inherits the owner's; the year stays a year.
		with(rel("fra", normgraph.RelMemberOf, "coe", strategy, nato), func(r *normgraph.Relation) {
			r.Since, r.Role, r.Note = date("1949"), "founding member", "Treaty of London"
		}),
		// A plain id inherits the owner's sources.
		rel("fra", normgraph.RelMemberOf, "nato", strategy, nato),
		// CSV: a month, a quoted note with a comma, two sources.
		with(rel("fra", normgraph.RelParticipatesIn, "budapest-convention", coe, strategy), func(r *normgraph.Relation) {
			r.Since, r.Role, r.Note = date("2006-01"), "party", "ratified, with reservations"
		}),
		rel("gge-13f", normgraph.RelSupports, "military", strategy),
		rel("gge-13f", normgraph.RelSupports, "protecting-networks", strategy),
		rel("nato", normgraph.RelAdvances, "military", nato),
		with(rel("nato", normgraph.RelAffirms, "gge-13f", nato), func(r *normgraph.Relation) { r.Since = date("2016-07") }),
		with(rel("rus", normgraph.RelMemberOf, "coe", coe), func(r *normgraph.Relation) {
			r.Since, r.Until, r.Note = date("1996-02-28"), date("2022-03-16"), "expelled"
		}),
		rel("usa", normgraph.RelEndorses, "gge-13f", strategy),
		// Own sources replace the owner's; an unquoted timestamp keeps its day.
		with(rel("usa", normgraph.RelMemberOf, "nato", nato), func(r *normgraph.Relation) { r.Since = date("1949-08-24") }),
		with(rel("usa", normgraph.RelParticipatesIn, "budapest-convention", coe), func(r *normgraph.Relation) {
			r.Since, r.Role = date("2006-09-29"), "party"
		}),
	}
	if !reflect.DeepEqual(ds.Relations, wantRels) {
		for i := range max(len(ds.Relations), len(wantRels)) {
			var got, want *normgraph.Relation
			if i < len(ds.Relations) {
				got = ds.Relations[i]
			}
			if i < len(wantRels) {
				want = wantRels[i]
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("relation %d:\n got %+v\nwant %+v", i, got, want)
			}
		}
	}

	wantSources := []*normgraph.Source{
		{ID: coe, Title: "Chart of signatures and ratifications of Treaty 185", Publisher: "Council of Europe", URL: "https://example.org/coe", AsOf: date("2023-11")},
		{ID: nato, Title: "NATO member countries", Publisher: "NATO", Published: date("2024-03-07"), URL: "https://example.org/nato", AsOf: date("2024-03-07")},
		{ID: strategy, Title: "International Strategy for Cyberspace", Publisher: "The White House", Published: date("2011-05"), URL: "https://example.org/strategy"},
	}
	if !reflect.DeepEqual(ds.Sources, wantSources) {
		t.Errorf("sources:\n got %+v\nwant %+v", ds.Sources, wantSources)
	}

	var ids []string
	byID := map[string]normgraph.Entity{}
	for _, e := range ds.Entities {
		ids = append(ids, e.NodeID())
		byID[e.NodeID()] = e
	}
	wantIDs := "budapest-convention coe economy fra gge-13f international-development internet-freedom internet-governance law-enforcement military nato protecting-networks rus usa"
	if got := strings.Join(ids, " "); got != wantIDs {
		t.Errorf("entities:\n got %s\nwant %s", got, wantIDs)
	}
	wantEntities := []normgraph.Entity{
		&normgraph.Priority{EntityBase: normgraph.EntityBase{
			ID: "internet-governance", Kind: normgraph.KindPriority,
			Name:        "Promote effective and inclusive Internet governance structures",
			Description: "Multi-stakeholder governance of the Internet.",
			Aliases:     []string{"IG"}, SourceIDs: []string{strategy},
		}, ShortName: "Internet Governance", Order: 5},
		&normgraph.Norm{EntityBase: normgraph.EntityBase{
			ID: "gge-13f", Kind: normgraph.KindNorm, Name: "Do not damage critical infrastructure",
			SourceIDs: []string{strategy},
		}, Code: "A/70/174 13(f)", Framework: "un-gge-2015",
			Text: "A State should not conduct or knowingly support ICT activity that intentionally damages critical infrastructure."},
		&normgraph.Country{EntityBase: normgraph.EntityBase{
			ID: "usa", Kind: normgraph.KindCountry, Name: "United States",
			Aliases: []string{"United States of America"}, SourceIDs: []string{strategy},
		}, ISO2: "US", ISO3: "USA", Region: "Americas", Subregion: "Northern America"},
		&normgraph.Forum{EntityBase: normgraph.EntityBase{
			ID: "nato", Kind: normgraph.KindForum, Name: "North Atlantic Treaty Organization",
			SourceIDs: []string{nato},
		}, Acronym: "NATO", Type: "alliance", Founded: 1949, URL: "https://www.nato.int/"},
		&normgraph.Initiative{EntityBase: normgraph.EntityBase{
			ID: "budapest-convention", Kind: normgraph.KindInitiative, Name: "Convention on Cybercrime",
			Aliases: []string{"Budapest Convention", "ETS 185"}, SourceIDs: []string{coe},
		}, Type: "treaty", Launched: date("2001-11-23"), URL: "https://www.coe.int/en/web/cybercrime/the-budapest-convention"},
	}
	for _, want := range wantEntities {
		got := byID[want.NodeID()]
		if !reflect.DeepEqual(got, want) {
			t.Errorf("entity %s:\n got %+v\nwant %+v", want.NodeID(), got, want)
		}
	}
}

func TestLoadDirErrors(t *testing.T) {
	if _, err := dataset.LoadDir("testdata/no-such-dir"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing dir: want fs.ErrNotExist, got %v", err)
	}
	if _, err := dataset.LoadDir(filepath.Join(validDir, "sources.yaml")); err == nil {
		t.Error("a file as dir: want an error")
	}
	// An empty directory is a dataset without its seven priorities.
	got := problems(t, os.DirFS(t.TempDir()))
	if len(got) != 7 || !strings.HasPrefix(got[0], `priorities.yaml:1: missing priority "economy"`) {
		t.Errorf("empty dir: got %q", got)
	}
}

func TestValidationErrorFormat(t *testing.T) {
	err := &dataset.ValidationError{Problems: []dataset.Problem{
		{File: "fora.yaml", Line: 3, Message: "a"},
		{File: "relations/x.csv", Line: 12, Message: "b"},
	}}
	if got, want := err.Error(), "fora.yaml:3: a\nrelations/x.csv:12: b"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// Problems come sorted by file then line whatever order they are found in
// (files are checked in several passes).
func TestProblemsSorted(t *testing.T) {
	fsys := mapFS(t, validDir, base, map[string]string{
		"relations/a.csv": "from,type,to,since,until,role,sources,note\nx,ADVANCES,economy,,,,strategy-2011,\n",
		"fora.yaml":       "fora:\n  - {id: f, name: F, type: t, founded: 1999, sources: [nope], advances: [nope]}\n  - {id: Bad}\n",
	})
	_, err := dataset.Load(fsys)
	var verr *dataset.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("want a *ValidationError, got %v", err)
	}
	for i := 1; i < len(verr.Problems); i++ {
		a, b := verr.Problems[i-1], verr.Problems[i]
		if a.File > b.File || (a.File == b.File && a.Line > b.Line) {
			t.Errorf("not sorted: %v before %v", a, b)
		}
	}
}

// Load sorts relationships by number (see rankEntities); that order must be
// the order of their ids, including ids that are prefixes of others.
func TestLoadOrderIsCanonical(t *testing.T) {
	ids := []string{"a", "a-b", "a-b-c", "ab", "a0", "a9", "b", "z", "g7", "g20", "g2-0"}
	var fora, inits, csv strings.Builder
	fora.WriteString("fora:\n")
	inits.WriteString("initiatives:\n")
	csv.WriteString("from,type,to,since,until,role,sources,note\n")
	for _, id := range ids {
		fmt.Fprintf(&fora, "  - {id: f%s, name: F, type: t, founded: 1999, sources: [strategy-2011], advances: [economy, law-enforcement]}\n", id)
		fmt.Fprintf(&inits, "  - {id: i%s, name: I, type: t, sources: [strategy-2011], advances: [economy]}\n", id)
		for _, to := range ids {
			fmt.Fprintf(&csv, "i%s,HOSTED_BY,f%s,,,,strategy-2011,\n", id, to)
		}
	}
	fsys := mapFS(t, validDir, base, map[string]string{
		"fora.yaml": fora.String(), "initiatives.yaml": inits.String(), "relations/r.csv": csv.String(),
	})
	got, err := dataset.LoadOrder(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.IsSorted(got) {
		t.Errorf("load order is not the id order:\n%s", strings.Join(got, "\n"))
	}
	if want := len(ids) * (3 + len(ids)); len(got) != want {
		t.Errorf("got %d relationships, want %d", len(got), want)
	}
}
