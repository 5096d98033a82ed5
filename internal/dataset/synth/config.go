package synth

import (
	"errors"
	"fmt"
	"math"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// RelationsPerScale is what scale 1 means: `normgraph gen --scale N` asks for
// N × 10,000 relationships (10 ≈ 100,000, 100 ≈ 1,000,000). One knob that
// grows every part of the graph in step is what scale tests want; the finer
// Config fields are for shaping one part.
const RelationsPerScale = 10_000

// MaxCountries is the most countries a dataset can hold: the validator wants
// every country's ISO alpha-2 code unique and upper-case, and there are only
// 26² two-letter codes. (Alpha-3 codes would allow 17,576.) Past it, a larger
// graph grows through fora, initiatives and norms.
const MaxCountries = 26 * 26

// MaxRelations bounds one run. The generator holds the files in memory
// (about 100 bytes of files and 250 bytes of peak memory a relationship),
// and ten million relationships are far beyond what memstore is sized for.
const MaxRelations = 10_000_000

// MinRelations is the smallest target: enough for every relationship type to
// appear on a graph with at least one entity of each kind.
const MinRelations = 100

// Config sizes a synthetic dataset. Zero fields take defaults derived from
// Relations (see Resolve), so that Config{Relations: n} is a graph with the
// curated data's proportions at n relationships.
type Config struct {
	// Seed selects the dataset: the same Config always gives byte-identical
	// files.
	Seed uint64
	// Relations is the number of relationships; the generator produces
	// exactly this many unless the entity counts cannot hold them (then
	// Resolve fails). Default RelationsPerScale.
	Relations int
	// Entity counts. Countries is at most MaxCountries.
	Countries, Fora, Initiatives, Norms int
	// Sources is the number of provenance documents: a few hundred at most
	// by default, as the curated data cites 85 for 1,909 relationships.
	Sources int
}

// The curated data's proportions, per RelationsPerScale relationships: its
// 1,909 relationships link 200 countries, 23 fora, 23 initiatives and 50
// norms, and cite 85 sources.
const (
	countriesPerScale   = 200
	foraPerScale        = 120
	initiativesPerScale = 120
	normsPerScale       = 262
	sourcesPerScale     = 100
	maxDefaultSources   = 400
)

// relation type indices, in normgraph.RelationTypes order.
const (
	rAdvances = iota
	rSupports
	rAffirms
	rPromotes
	rMemberOf
	rParticipatesIn
	rEndorses
	rHostedBy
	rLeads
	numRels
)

// relWeight is how many relationships of each type the curated data has:
// the generator keeps these proportions.
var relWeight = [numRels]int{105, 72, 94, 90, 1195, 284, 47, 10, 12}

// Per owner, at most this many HOSTED_BY and LEADS relationships: an
// initiative has a host or two and a handful of lead countries, not dozens.
const (
	maxHosts   = 2
	maxLeaders = 3
)

// Resolve fills the zero fields of c with defaults and checks that the
// result can be generated: the counts are in range and the entities can hold
// the relationships (a pair of entities holds at most one relationship of a
// type).
func (c Config) Resolve() (Config, error) {
	if c.Relations < 0 || c.Countries < 0 || c.Fora < 0 || c.Initiatives < 0 || c.Norms < 0 || c.Sources < 0 {
		return c, errors.New("synth: sizes must not be negative")
	}
	if c.Relations == 0 {
		c.Relations = RelationsPerScale
	}
	if c.Relations < MinRelations || c.Relations > MaxRelations {
		return c, fmt.Errorf("synth: relations must be between %d and %d, got %d", MinRelations, MaxRelations, c.Relations)
	}
	s := float64(c.Relations) / RelationsPerScale
	// Countries grow with the square root: the real world has about 250, so
	// a graph ten times the curated one has ~3× its countries, and past
	// MaxCountries only the other kinds grow.
	def := func(v *int, x float64, lo, hi int) {
		if *v == 0 {
			*v = min(max(int(math.Round(x)), lo), hi)
		}
	}
	def(&c.Countries, countriesPerScale*math.Sqrt(s), 10, MaxCountries)
	def(&c.Fora, foraPerScale*s, 3, math.MaxInt32)
	def(&c.Initiatives, initiativesPerScale*s, 3, math.MaxInt32)
	def(&c.Norms, normsPerScale*s, 5, math.MaxInt32)
	def(&c.Sources, sourcesPerScale*math.Sqrt(s), 20, maxDefaultSources)
	if c.Countries > MaxCountries {
		return c, fmt.Errorf("synth: at most %d countries (the validator wants unique two-letter ISO codes), got %d: grow fora, initiatives or norms instead", MaxCountries, c.Countries)
	}
	const maxEntities = 1 << 22
	if c.Fora > maxEntities || c.Initiatives > maxEntities || c.Norms > maxEntities || c.Sources > maxEntities {
		return c, fmt.Errorf("synth: at most %d entities of a kind and %d sources", maxEntities, maxEntities)
	}
	if _, err := c.quotas(); err != nil {
		return c, err
	}
	return c, nil
}

// capacity is the most relationships of each type c's entities can hold.
func (c Config) capacity() [numRels]int {
	C, F, I, N := c.Countries, c.Fora, c.Initiatives, c.Norms
	return [numRels]int{
		rAdvances:       (F + I) * numPriorities,
		rSupports:       N * numPriorities,
		rAffirms:        F * N,
		rPromotes:       I * N,
		rMemberOf:       C * F,
		rParticipatesIn: C * I,
		rEndorses:       C * N,
		rHostedBy:       I * min(maxHosts, F),
		rLeads:          I * min(maxLeaders, C),
	}
}

// quotas splits c.Relations over the types in the curated proportions, every
// type at least once, moving what a type cannot hold to the types that can
// (in proportion again), so that the total is exact.
func (c Config) quotas() ([numRels]int, error) {
	var q [numRels]int
	capa := c.capacity()
	total := 0
	for _, w := range relWeight {
		total += w
	}
	left := c.Relations
	for t, w := range relWeight {
		q[t] = max(1, c.Relations*w/total)
		left -= q[t]
	}
	q[rMemberOf] += left
	over := 0
	for t := range q {
		if q[t] > capa[t] {
			over += q[t] - capa[t]
			q[t] = capa[t]
		}
	}
	for over > 0 {
		wsum := 0
		for t, w := range relWeight {
			if q[t] < capa[t] {
				wsum += w
			}
		}
		if wsum == 0 {
			sum := 0
			for _, n := range capa {
				sum += n
			}
			return q, fmt.Errorf("synth: %d countries, %d fora, %d initiatives and %d norms hold at most %d relationships, not %d: add entities or lower --relations",
				c.Countries, c.Fora, c.Initiatives, c.Norms, sum, c.Relations)
		}
		moved := 0
		for t, w := range relWeight {
			if q[t] >= capa[t] {
				continue
			}
			n := min(capa[t]-q[t], max(1, (over*w+wsum-1)/wsum), over-moved)
			q[t] += n
			moved += n
			if moved == over {
				break
			}
		}
		over -= moved
	}
	for t, n := range q {
		if n < 1 {
			return q, fmt.Errorf("synth: no room for any %s relationship", normgraph.RelationTypes[t])
		}
	}
	return q, nil
}
