package neo4jstore_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/normgraph/normgraph/internal/dataset"
	"github.com/normgraph/normgraph/internal/normgraph"
	"github.com/normgraph/normgraph/internal/store/neo4jstore"
	seeddata "github.com/normgraph/normgraph/seed"
)

// curated loads the data files compiled into the binary.
func curated(tb testing.TB) *normgraph.Dataset {
	tb.Helper()
	ds, err := dataset.Load(seeddata.FS)
	if err != nil {
		tb.Fatalf("curated data: %v", err)
	}
	return ds
}

// BenchmarkSeedCurated times a load of the curated data into an empty graph
// (schema in place): what `normgraph seed` does on a fresh database.
func BenchmarkSeedCurated(b *testing.B) {
	s := openStore(b)
	ds := curated(b)
	ctx := context.Background()
	seed(b, s, ds)
	for b.Loop() {
		b.StopTimer()
		if err := s.Wipe(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		seed(b, s, ds)
	}
	b.ReportMetric(float64(len(ds.Sources)+len(ds.Entities)+len(ds.Relations)), "rows")
}

// BenchmarkSeedCuratedNoop times a Seed of the curated data that finds
// nothing to change.
func BenchmarkSeedCuratedNoop(b *testing.B) {
	s := openStore(b)
	ds := curated(b)
	seed(b, s, ds)
	for b.Loop() {
		if rep := seed(b, s, ds); rep.Writes != 0 {
			b.Fatalf("noop seed wrote %d", rep.Writes)
		}
	}
}

// BenchmarkSeedFixture times a load of the fixture into an empty graph
// (schema in place), the path `normgraph seed` takes on a fresh database.
func BenchmarkSeedFixture(b *testing.B) {
	s := openStore(b)
	ds := fixture()
	ctx := context.Background()
	seed(b, s, ds) // schema and query plans warm
	for b.Loop() {
		b.StopTimer()
		if err := s.Wipe(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		seed(b, s, ds)
	}
}

// BenchmarkSeedFixtureNoop times a Seed that finds nothing to change.
func BenchmarkSeedFixtureNoop(b *testing.B) {
	s := openStore(b)
	ds := fixture()
	seed(b, s, ds)
	for b.Loop() {
		if rep := seed(b, s, ds); rep.Writes != 0 {
			b.Fatalf("noop seed wrote %d", rep.Writes)
		}
	}
}

// BenchmarkSeedLarge loads NORMGRAPH_BENCH_RELS relationships (default one
// million) into an empty graph and reports relationships per second, then
// times the no-op reseed.
func BenchmarkSeedLarge(b *testing.B) {
	rels := 1_000_000
	if v := os.Getenv("NORMGRAPH_BENCH_RELS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatalf("NORMGRAPH_BENCH_RELS: %v", err)
		}
		rels = n
	}
	s := openStore(b)
	ctx := context.Background()
	const perCountry = 20
	ds := synthetic(rels/perCountry, 1000, perCountry)
	b.Logf("dataset: %d nodes, %d relationships", len(ds.Entities)+len(ds.Sources), len(ds.Relations))
	var load, noop time.Duration
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		if err := s.Wipe(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rep := seed(b, s, ds)
		load += rep.Elapsed
		for _, p := range rep.Phases {
			b.Logf("load %d: %-20s %8d rows %s", i, p.Name, p.Rows, p.Elapsed.Round(time.Millisecond))
		}
		b.StopTimer()
		rep = seed(b, s, ds)
		if rep.Writes != 0 {
			b.Fatalf("reseed wrote %d", rep.Writes)
		}
		noop += rep.Elapsed
		b.Logf("reseed %d: %s (%+v)", i, rep.Elapsed.Round(time.Millisecond), rep.Phases)
		b.StartTimer()
	}
	b.ReportMetric(float64(len(ds.Relations)*b.N)/load.Seconds(), "rels/s")
	b.ReportMetric(noop.Seconds()/float64(b.N), "noop-s")
}

// benchStore is a store holding a mid-sized synthetic graph plus the fixture
// entities, for read benchmarks.
func benchStore(b *testing.B) (*neo4jstore.Store, *normgraph.Dataset) {
	s := openStore(b)
	ds := synthetic(5000, 200, 10)
	seed(b, s, ds)
	return s, ds
}

func BenchmarkRelated(b *testing.B) {
	s, _ := benchStore(b)
	ctx := context.Background()
	var ids []string
	for f := range 50 {
		ids = append(ids, fmt.Sprintf("forum-%d", f))
	}
	asOf := normgraph.MustParseDate("2001")
	tr := normgraph.Traversal{Type: normgraph.RelMemberOf, Direction: normgraph.Incoming, AsOf: &asOf}
	for b.Loop() {
		pages, err := s.Related(ctx, ids, tr, normgraph.PageArgs{First: 10})
		if err != nil || len(pages) != len(ids) {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearch(b *testing.B) {
	s, _ := benchStore(b)
	ctx := context.Background()
	for b.Loop() {
		hits, err := s.Search(ctx, normgraph.SearchQuery{Text: "country 12", First: 20})
		if err != nil || len(hits) == 0 {
			b.Fatal(hits, err)
		}
	}
}

func BenchmarkEntities(b *testing.B) {
	s, _ := benchStore(b)
	ctx := context.Background()
	var ids []string
	for c := range 100 {
		ids = append(ids, fmt.Sprintf("country-%d", c*37))
	}
	for b.Loop() {
		ents, err := s.Entities(ctx, ids)
		if err != nil || ents[99] == nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkListFiltered(b *testing.B) {
	s, _ := benchStore(b)
	ctx := context.Background()
	f := normgraph.Filter{MemberOf: []string{"forum-7", "forum-20"}, NameContains: "1"}
	for b.Loop() {
		if _, err := s.List(ctx, normgraph.KindCountry, f, normgraph.PageArgs{First: 50}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBatchTraversal times the statement of the bench's
// forumMembersInitiatives query on the curated data (a forum's 30 first
// members, then ten initiatives of each), with whole far ends and
// relations, with only the entity fields that query reads, and with only
// the entity and relation fields it reads.
func BenchmarkBatchTraversal(b *testing.B) {
	s := openStore(b)
	seed(b, s, curated(b))
	ctx := context.Background()
	read := normgraph.FieldAcronym | normgraph.FieldType | normgraph.FieldRelRole
	for _, bc := range []struct {
		name string
		omit normgraph.PageFields
	}{
		{"whole", 0},
		{"entities-projected", normgraph.AllPageFields &^ read &^ (normgraph.FieldRelRole | normgraph.FieldRelNote | normgraph.FieldRelSources)},
		{"entities-and-relations-projected", normgraph.AllPageFields &^ read},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := normgraph.RelatedRequest{
				IDs:       []string{"osce"},
				Traversal: normgraph.Traversal{Type: normgraph.RelMemberOf, Direction: normgraph.Incoming},
				Page:      normgraph.PageArgs{First: 30},
				Omit:      bc.omit,
				Then: []normgraph.RelatedRequest{{
					Traversal: normgraph.Traversal{Type: normgraph.RelParticipatesIn, Direction: normgraph.Outgoing},
					Page:      normgraph.PageArgs{First: 10},
					Omit:      bc.omit,
				}},
			}
			for b.Loop() {
				res, err := s.Batch(ctx, normgraph.Batch{Related: []normgraph.RelatedRequest{req}})
				if err != nil || len(res.Related[0].Pages[0].Edges) != 30 {
					b.Fatal(err)
				}
			}
		})
	}
}
