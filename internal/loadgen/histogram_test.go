package loadgen_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/normgraph/normgraph/internal/loadgen"
)

// exactQuantile is the nearest-rank percentile of sorted samples, the
// definition Histogram.Quantile documents.
func exactQuantile(sorted []time.Duration, q float64) time.Duration {
	if q >= 1 {
		return sorted[len(sorted)-1]
	}
	rank := int(math.Ceil(q*float64(len(sorted)) - 1e-9))
	return sorted[max(rank, 1)-1]
}

func TestHistogramQuantiles(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 7))
	tests := []struct {
		name string
		n    int
		gen  func() time.Duration
	}{
		{"single sample", 1, func() time.Duration { return 1234567 * time.Nanosecond }},
		{"two samples", 2, func() time.Duration { return time.Duration(r.IntN(2)+1) * time.Millisecond }},
		{"constant", 1000, func() time.Duration { return 3 * time.Millisecond }},
		{"tiny exact values", 5000, func() time.Duration { return time.Duration(r.IntN(256)) }},
		{"zero", 10, func() time.Duration { return 0 }},
		{"uniform 100us-50ms", 100000, func() time.Duration {
			return 100*time.Microsecond + time.Duration(r.Int64N(int64(50*time.Millisecond)))
		}},
		{"log-normal around 2ms", 200000, func() time.Duration {
			return time.Duration(2e6 * math.Exp(0.8*r.NormFloat64()))
		}},
		{"bimodal with slow tail", 100000, func() time.Duration {
			if r.IntN(100) < 3 {
				return time.Duration(r.Int64N(int64(2*time.Second))) + 200*time.Millisecond
			}
			return 300*time.Microsecond + time.Duration(r.Int64N(int64(time.Millisecond)))
		}},
		{"spanning ns to minutes", 50000, func() time.Duration {
			return time.Duration(math.Exp(r.Float64() * math.Log(float64(10*time.Minute))))
		}},
	}
	quantiles := []float64{0, 0.001, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h loadgen.Histogram
			samples := make([]time.Duration, tt.n)
			for i := range samples {
				samples[i] = tt.gen()
				h.Record(samples[i])
			}
			slices.Sort(samples)
			if got := h.Count(); got != uint64(tt.n) {
				t.Fatalf("Count = %d, want %d", got, tt.n)
			}
			if h.Min() != samples[0] || h.Max() != samples[len(samples)-1] {
				t.Errorf("Min, Max = %v, %v, want exactly %v, %v", h.Min(), h.Max(), samples[0], samples[len(samples)-1])
			}
			for _, q := range quantiles {
				want := exactQuantile(samples, q)
				got := h.Quantile(q)
				if relErr(got, want) > 0.01 {
					t.Errorf("Quantile(%v) = %v, want %v within 1%% (off by %.3f%%)", q, got, want, 100*relErr(got, want))
				}
				if want < 256 && got != want {
					t.Errorf("Quantile(%v) = %v, want exactly %v below 256ns", q, got, want)
				}
			}
			var sum float64
			for _, s := range samples {
				sum += float64(s)
			}
			if want := time.Duration(sum / float64(tt.n)); relErr(h.Mean(), want) > 1e-9 && h.Mean()-want > 1 {
				t.Errorf("Mean = %v, want %v", h.Mean(), want)
			}
		})
	}
}

func relErr(got, want time.Duration) float64 {
	if want == 0 {
		if got == 0 {
			return 0
		}
		return math.Inf(1)
	}
	return math.Abs(float64(got-want)) / float64(want)
}

func TestHistogramMergeEqualsOne(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var all, a, b loadgen.Histogram
	for i := range 20000 {
		d := time.Duration(r.Int64N(int64(100 * time.Millisecond)))
		all.Record(d)
		if i%3 == 0 {
			a.Record(d)
		} else {
			b.Record(d)
		}
	}
	var merged loadgen.Histogram
	merged.Merge(&b) // into an empty one first: grows and takes min
	merged.Merge(&a)
	merged.Merge(&loadgen.Histogram{})
	for _, q := range []float64{0, 0.5, 0.95, 0.99, 1} {
		if got, want := merged.Quantile(q), all.Quantile(q); got != want {
			t.Errorf("merged Quantile(%v) = %v, want %v", q, got, want)
		}
	}
	if merged.Count() != all.Count() || merged.Min() != all.Min() || merged.Max() != all.Max() || merged.Mean() != all.Mean() {
		t.Errorf("merged count/min/max/mean = %d %v %v %v, want %d %v %v %v",
			merged.Count(), merged.Min(), merged.Max(), merged.Mean(), all.Count(), all.Min(), all.Max(), all.Mean())
	}
}

func TestHistogramEmptyAndNegative(t *testing.T) {
	var h loadgen.Histogram
	if h.Quantile(0.5) != 0 || h.Mean() != 0 || h.Max() != 0 || h.Count() != 0 {
		t.Fatalf("empty histogram: want zeros")
	}
	h.Record(-time.Second)
	if h.Count() != 1 || h.Max() != 0 {
		t.Fatalf("negative duration: count %d max %v, want 1 and 0", h.Count(), h.Max())
	}
}
