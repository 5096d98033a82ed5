package dataset_test

import (
	"fmt"
	"iter"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/normgraph/normgraph/internal/dataset"
	"github.com/normgraph/normgraph/internal/normgraph"
)

// synthetic builds a valid dataset of about n relationships, almost all in
// CSV, the shape a generated scale-test dataset has.
func synthetic(tb testing.TB, n int) fstest.MapFS {
	tb.Helper()
	fsys := mapFS(tb, validDir, base, nil)
	// Countries are limited by unique ISO codes (26² alpha-2 codes), so the
	// rows spread over many fora and initiatives.
	countries := min(600, n)
	targets := (n/countries + 1) / 2
	var b strings.Builder
	b.WriteString("countries:\n")
	for i := range countries {
		iso2 := string([]byte{'A' + byte(i/26%26), 'A' + byte(i%26)})
		iso3 := iso2 + "X"
		fmt.Fprintf(&b, "  - {id: %s, name: Country %d, iso2: %s, iso3: %s, region: R, sources: [strategy-2011]}\n",
			strings.ToLower(iso3), i, iso2, iso3)
	}
	fsys["countries.yaml"] = &fstest.MapFile{Data: []byte(b.String())}
	b.Reset()
	b.WriteString("fora:\n")
	for i := range targets {
		fmt.Fprintf(&b, "  - {id: forum-%d, name: Forum %d, type: t, founded: 1999, sources: [strategy-2011], advances: [economy]}\n", i, i)
	}
	fsys["fora.yaml"] = &fstest.MapFile{Data: []byte(b.String())}
	b.Reset()
	b.WriteString("initiatives:\n")
	for i := range targets {
		fmt.Fprintf(&b, "  - {id: initiative-%d, name: Initiative %d, type: t, sources: [strategy-2011]}\n", i, i)
	}
	fsys["initiatives.yaml"] = &fstest.MapFile{Data: []byte(b.String())}
	b.Reset()
	b.WriteString("from,type,to,since,until,role,sources,note\n")
	rows := 0
	for t := 0; t < targets && rows < n; t++ {
		for c := 0; c < countries && rows < n; c++ {
			iso3 := strings.ToLower(string([]byte{'A' + byte(c/26%26), 'A' + byte(c%26), 'X'}))
			fmt.Fprintf(&b, "%s,MEMBER_OF,forum-%d,%d,,,strategy-2011;nato-members,\n", iso3, t, 1990+c%30)
			fmt.Fprintf(&b, "%s,PARTICIPATES_IN,initiative-%d,%d-%02d,,party,coe-treaty-office,\n", iso3, t, 2000+c%20, 1+c%12)
			rows += 2
		}
	}
	fsys["relations/generated.csv"] = &fstest.MapFile{Data: []byte(b.String())}
	return fsys
}

func benchmarkLoad(b *testing.B, n int) {
	fsys := synthetic(b, n)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ds, err := dataset.Load(fsys)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(ds.Relations)), "relations")
	}
}

func BenchmarkLoad10k(b *testing.B) { benchmarkLoad(b, 10_000) }
func BenchmarkLoad1M(b *testing.B)  { benchmarkLoad(b, 1_000_000) }

// BenchmarkStream1M is Load's work without the Dataset: what `serve`
// pays before the store copies each relationship.
func BenchmarkStream1M(b *testing.B) {
	fsys := synthetic(b, 1_000_000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n := 0
		err := dataset.Stream(fsys, func(_ *normgraph.Dataset, _ int, rels iter.Seq[*normgraph.Relation]) error {
			for range rels {
				n++
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(n), "relations")
	}
}

// A large synthetic dataset also loads in a test, so a quadratic step
// shows up as a timeout rather than only in a benchmark nobody runs.
func TestLoadSynthetic(t *testing.T) {
	n := 200_000
	if testing.Short() {
		n = 20_000
	}
	ds, err := dataset.Load(synthetic(t, n))
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Relations) < n {
		t.Errorf("got %d relations, want at least %d", len(ds.Relations), n)
	}
}
