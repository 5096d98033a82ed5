package dataset_test

import (
	"errors"
	"testing"

	"github.com/normgraph/normgraph/internal/dataset"
	"github.com/normgraph/normgraph/seed"
)

// The data compiled into the binary must load: this is the guard that keeps
// the curated files valid. On failure it prints every problem, file:line.
func TestSeedLoads(t *testing.T) {
	ds, err := dataset.Load(seed.FS)
	var verr *dataset.ValidationError
	if errors.As(err, &verr) {
		t.Fatalf("seed data has %d problem(s):\n%v", len(verr.Problems), verr)
	}
	if err != nil {
		t.Fatal(err)
	}
	r := dataset.Report(ds)
	t.Logf("seed report:\n%s", r)
	st := r.Stats
	for _, k := range st.ByKind {
		if k.Count == 0 {
			t.Errorf("seed has no %s entities", k.Kind)
		}
	}
}

func BenchmarkLoadSeed(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := dataset.Load(seed.FS); err != nil {
			b.Fatal(err)
		}
	}
}
