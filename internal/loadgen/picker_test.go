package loadgen_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/normgraph/normgraph/internal/loadgen"
)

func TestPickerFollowsWeights(t *testing.T) {
	tests := []struct {
		name    string
		weights []int
	}{
		{"one", []int{5}},
		{"equal", []int{1, 1, 1, 1}},
		{"skewed", []int{1, 2, 7}},
		{"analyst-like", []int{6, 10, 6, 3, 8, 8, 5, 4, 4, 4, 12, 4, 5, 6, 2}},
		{"rare entry", []int{1000, 1}},
	}
	const n = 200000
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := loadgen.NewPicker(tt.weights)
			if err != nil {
				t.Fatal(err)
			}
			total := 0
			for _, w := range tt.weights {
				total += w
			}
			counts := make([]int, len(tt.weights))
			r := rand.New(rand.NewPCG(3, 4))
			for range n {
				counts[p.Pick(r)]++
			}
			for i, w := range tt.weights {
				want := float64(w) / float64(total)
				got := float64(counts[i]) / n
				// Five standard deviations of a binomial proportion.
				tol := 5 * math.Sqrt(want*(1-want)/n)
				if math.Abs(got-want) > tol+1e-9 {
					t.Errorf("entry %d (weight %d): frequency %.4f, want %.4f ± %.4f", i, w, got, want, tol)
				}
			}
		})
	}
}

func TestPickerIsDeterministicPerSeed(t *testing.T) {
	p, err := loadgen.NewPicker([]int{3, 1, 4, 1, 5})
	if err != nil {
		t.Fatal(err)
	}
	seq := func(seed, stream uint64) []int {
		r := rand.New(rand.NewPCG(seed, stream))
		out := make([]int, 100)
		for i := range out {
			out[i] = p.Pick(r)
		}
		return out
	}
	a, b, c := seq(9, 0), seq(9, 0), seq(10, 0)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed, different pick at %d", i)
		}
	}
	same := 0
	for i := range a {
		if a[i] == c[i] {
			same++
		}
	}
	if same == len(a) {
		t.Errorf("different seeds gave the same 100 picks")
	}
}

func TestPickerRejectsBadWeights(t *testing.T) {
	for _, w := range [][]int{nil, {}, {0}, {1, 0}, {2, -1}} {
		if _, err := loadgen.NewPicker(w); err == nil {
			t.Errorf("NewPicker(%v): want an error", w)
		}
	}
}
