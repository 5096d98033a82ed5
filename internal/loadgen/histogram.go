package loadgen

import (
	"math"
	"math/bits"
	"time"
)

// The histogram is log-linear, like HdrHistogram: values below 2*subBuckets
// nanoseconds get a bucket each (exact), above that every power of two is
// split into subBuckets equal buckets. With 128 sub-buckets a bucket is at
// most 1/128 of its lower bound wide, and reporting its midpoint puts any
// percentile within 0.4% of the true sample, at a fixed cost per Record and
// a few kilobytes per histogram whatever the number of samples.
const (
	subBucketBits = 7
	subBuckets    = 1 << subBucketBits // 128
	linearLimit   = 2 * subBuckets     // values below this are exact
)

// Histogram records latencies with bounded relative error (< 0.4%) in
// constant memory, so that a long run at high request rates keeps every
// sample's contribution without keeping the samples. The zero value is an
// empty histogram ready to use. A Histogram is not safe for concurrent use:
// each worker records into its own and the results are merged at the end.
type Histogram struct {
	counts []uint64
	n      uint64
	sum    float64 // nanoseconds; float so that long runs cannot overflow
	min    uint64
	max    uint64
}

// bucketOf maps a value in nanoseconds to its bucket index.
func bucketOf(v uint64) int {
	if v < linearLimit {
		return int(v)
	}
	shift := bits.Len64(v) - (subBucketBits + 1) // >= 1
	mantissa := v >> uint(shift)                 // in [subBuckets, 2*subBuckets)
	return linearLimit + (shift-1)*subBuckets + int(mantissa-subBuckets)
}

// bucketBounds is the inverse of bucketOf: the smallest and largest value
// that fall into bucket i.
func bucketBounds(i int) (lo, hi uint64) {
	if i < linearLimit {
		return uint64(i), uint64(i)
	}
	j := i - linearLimit
	shift := uint(j/subBuckets + 1)
	mantissa := uint64(j%subBuckets + subBuckets)
	lo = mantissa << shift
	return lo, lo + (1 << shift) - 1
}

// Record adds one latency. Negative durations (a clock step) count as zero.
func (h *Histogram) Record(d time.Duration) {
	v := uint64(0)
	if d > 0 {
		v = uint64(d)
	}
	i := bucketOf(v)
	if i >= len(h.counts) {
		// Grow geometrically but never past the largest possible index.
		n := max(2*len(h.counts), i+1, linearLimit)
		grown := make([]uint64, n)
		copy(grown, h.counts)
		h.counts = grown
	}
	h.counts[i]++
	if h.n == 0 || v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
	h.n++
	h.sum += float64(v)
}

// Merge adds every sample of o to h.
func (h *Histogram) Merge(o *Histogram) {
	if o.n == 0 {
		return
	}
	if len(o.counts) > len(h.counts) {
		grown := make([]uint64, len(o.counts))
		copy(grown, h.counts)
		h.counts = grown
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	h.max = max(h.max, o.max)
	h.n += o.n
	h.sum += o.sum
}

// Count is the number of samples recorded.
func (h *Histogram) Count() uint64 { return h.n }

// Min is the smallest sample, exactly; zero when empty.
func (h *Histogram) Min() time.Duration { return time.Duration(h.min) }

// Max is the largest sample, exactly; zero when empty.
func (h *Histogram) Max() time.Duration { return time.Duration(h.max) }

// Mean is the exact arithmetic mean; zero when empty.
func (h *Histogram) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.sum / float64(h.n))
}

// Quantile returns the q-quantile (q in [0, 1]; 0.99 is p99) by the
// nearest-rank definition: the smallest sample such that at least q of all
// samples are at or below it. That is the definition a sorted slice gives
// with s[ceil(q*n)-1], so tests can check the histogram against it. The value
// is the midpoint of the sample's bucket, clamped to the exact min and max.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	if q <= 0 {
		return time.Duration(h.min)
	}
	if q >= 1 {
		return time.Duration(h.max)
	}
	// The epsilon keeps float error (0.07*100 = 7.000000000000001) from
	// pushing the rank one sample too far.
	rank := uint64(math.Ceil(q*float64(h.n) - 1e-9))
	rank = min(max(rank, 1), h.n)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			lo, hi := bucketBounds(i)
			mid := lo + (hi-lo)/2
			return time.Duration(min(max(mid, h.min), h.max))
		}
	}
	return time.Duration(h.max)
}
