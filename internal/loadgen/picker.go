package loadgen

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
)

// Picker chooses an index with probability proportional to its weight. It
// holds no random state so that one Picker serves every worker, each with
// its own seeded source: a run is then reproducible for a given --seed
// without the workers contending on a shared generator.
type Picker struct {
	cumulative []uint64 // cumulative[i] = sum of weights[0..i]
}

// NewPicker builds a Picker; every weight must be positive.
func NewPicker(weights []int) (*Picker, error) {
	if len(weights) == 0 {
		return nil, errors.New("loadgen: picker: no weights")
	}
	p := &Picker{cumulative: make([]uint64, len(weights))}
	var total uint64
	for i, w := range weights {
		if w <= 0 {
			return nil, fmt.Errorf("loadgen: picker: weight %d of entry %d is not positive", w, i)
		}
		total += uint64(w)
		p.cumulative[i] = total
	}
	return p, nil
}

// Pick returns an index in [0, len(weights)).
func (p *Picker) Pick(r *rand.Rand) int {
	x := r.Uint64N(p.cumulative[len(p.cumulative)-1])
	return sort.Search(len(p.cumulative), func(i int) bool { return p.cumulative[i] > x })
}
