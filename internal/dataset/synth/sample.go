package synth

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// zipfSizes splits total into n sizes of at most limit each, the i-th largest
// proportional to 1/(i+1)^alpha: membership of real bodies is that skewed (a
// few near-universal UN bodies, a long tail of small clubs). The sizes come
// largest first and sum exactly to total, which must be at most n*limit.
func zipfSizes(n, total, limit int, alpha float64) []int {
	sizes := make([]int, n)
	total = min(total, n*limit) // Config.quotas keeps it so; never loop forever
	if n == 0 || total <= 0 {
		return sizes
	}
	w := make([]float64, n)
	for i := range w {
		w[i] = math.Pow(float64(i+1), -alpha)
	}
	fill := func(k float64) float64 {
		s := 0.0
		for _, x := range w {
			s += math.Min(float64(limit), k*x)
		}
		return s
	}
	// Find the scale k whose capped curve holds total: fill is monotone in k.
	lo, hi := 0.0, float64(limit)*math.Pow(float64(n), alpha)+1
	for range 100 {
		mid := (lo + hi) / 2
		if fill(mid) < float64(total) {
			lo = mid
		} else {
			hi = mid
		}
		if hi-lo < 1e-9*hi {
			break
		}
	}
	sum := 0
	for i, x := range w {
		sizes[i] = min(limit, int(lo*x))
		sum += sizes[i]
	}
	// Flooring lost less than one per size; hand the rest out largest first.
	for sum < total {
		for i := range sizes {
			if sum == total {
				break
			}
			if sizes[i] < limit {
				sizes[i]++
				sum++
			}
		}
	}
	return sizes
}

// picker draws distinct items from a fixed set, each with its own weight.
type picker struct {
	cum   []float64 // cumulative weights
	inv   []float64 // cumulative inverse weights, to pick what to leave out
	stamp []uint32  // stamp[i] == cur: item i drawn in this call
	cur   uint32
}

func newPicker(weights []float64) *picker {
	p := &picker{
		cum:   make([]float64, len(weights)),
		inv:   make([]float64, len(weights)),
		stamp: make([]uint32, len(weights)),
	}
	var s, t float64
	for i, w := range weights {
		s += w
		t += 1 / w
		p.cum[i], p.inv[i] = s, t
	}
	return p
}

func (p *picker) n() int { return len(p.cum) }

// draw returns one item, with probability proportional to its weight in cum.
func draw(r *rand.Rand, cum []float64) int {
	u := r.Float64() * cum[len(cum)-1]
	i := sort.SearchFloat64s(cum, u)
	if i < len(cum) && cum[i] == u {
		i++ // SearchFloat64s finds cum[i] >= u; u falls in the next bucket
	}
	return min(i, len(cum)-1)
}

// pick appends k distinct items to dst, in increasing order. Drawing with
// rejection is cheap while at most half the items are wanted; beyond that it
// draws the items to leave out instead (the lightest most likely), so the
// rejection rate stays bounded whatever k is.
func (p *picker) pick(r *rand.Rand, k int, dst []int32) []int32 {
	n := p.n()
	k = min(k, n)
	p.cur++
	if p.cur == 0 { // wrapped: old stamps could match again
		clear(p.stamp)
		p.cur = 1
	}
	if k <= n/2 {
		start := len(dst)
		for len(dst)-start < k {
			i := draw(r, p.cum)
			if p.stamp[i] != p.cur {
				p.stamp[i] = p.cur
				dst = append(dst, int32(i))
			}
		}
		slices.Sort(dst[start:])
		return dst
	}
	for out := 0; out < n-k; {
		i := draw(r, p.inv)
		if p.stamp[i] != p.cur {
			p.stamp[i] = p.cur
			out++
		}
	}
	for i, s := range p.stamp {
		if s != p.cur {
			dst = append(dst, int32(i))
		}
	}
	return dst
}

// zipfWeights are weights 1/(rank+1)^alpha over n items in a random order:
// some countries join everything, some norms are affirmed everywhere.
func zipfWeights(r *rand.Rand, n int, alpha float64) []float64 {
	w := make([]float64, n)
	for rank, i := range r.Perm(n) {
		w[i] = math.Pow(float64(rank+1), -alpha)
	}
	return w
}

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// one returns a random element of list.
func one[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }
