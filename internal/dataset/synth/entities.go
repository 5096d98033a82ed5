package synth

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// lastYear bounds every generated date. It is a constant, not the clock, so
// that a seed means the same dataset next year.
const lastYear = 2025

// date is a YYYY, YYYY-MM or YYYY-MM-DD date: m == 0 is a year, d == 0 a
// month. Days stop at 28 so that every generated date exists.
type date struct {
	y    uint16
	m, d uint8
}

func (d date) isZero() bool { return d.y == 0 }

func (d date) appendTo(b []byte) []byte {
	if d.y == 0 {
		return b
	}
	b = strconv.AppendInt(b, int64(d.y), 10)
	if d.m > 0 {
		b = append(b, '-', '0'+d.m/10, '0'+d.m%10)
		if d.d > 0 {
			b = append(b, '-', '0'+d.d/10, '0'+d.d%10)
		}
	}
	return b
}

// randomDate is a date in year y at a random precision: most curated dates
// are full, many only a year.
func randomDate(r *rand.Rand, y int) date {
	d := date{y: uint16(y)}
	switch x := r.IntN(100); {
	case x < 45:
		d.m, d.d = uint8(1+r.IntN(12)), uint8(1+r.IntN(28))
	case x < 65:
		d.m = uint8(1 + r.IntN(12))
	}
	return d
}

// between is a random year in [lo, hi].
func between(r *rand.Rand, lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

// ref is one relationship as the owner's YAML lists it.
type ref struct {
	to    int32 // index into the far end's kind
	since date
	role  string
	srcs  []int32 // nil: the relationship inherits its owner's sources
}

type source struct {
	id, title, publisher, url string
	published, asOf           date
}

type country struct {
	id, name, iso2, iso3, region, subregion, desc string
	aliases                                       []string
	srcs                                          []int32
	leads                                         []ref // to initiatives
	degree                                        int
}

type forum struct {
	id, name, acronym, typ, url, desc string
	founded                           int
	aliases                           []string
	srcs                              []int32
	topic                             int
	advances, affirms                 []ref
	members                           int
	region                            int // index into regions; -1: global
}

type initiative struct {
	id, name, typ, url, desc string
	launched                 date
	aliases                  []string
	srcs                     []int32
	topic                    int
	kind                     int // index into initiativeKinds
	advances, promotes, host []ref
	participants             int
}

type framework struct {
	id   string
	year int
	// code is the UN document symbol its norms cite, like "A/70/174"; ""
	// for frameworks that number principles instead.
	code  string
	size  int
	title string
}

type norm struct {
	id, name, code, text, desc string
	fw                         int
	num                        int
	aliases                    []string
	srcs                       []int32
	object                     int
	supports                   []ref
}

// slug turns a name into an id: lowercase words of letters and digits joined
// by "-", at most 100 characters (the validator allows 128; a suffix may follow).
func slug(s string) string {
	b := make([]byte, 0, len(s))
	dash := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
			fallthrough
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			if dash && len(b) > 0 {
				b = append(b, '-')
			}
			dash = false
			b = append(b, c)
		default:
			dash = true
		}
	}
	if len(b) > 100 {
		b = b[:100]
		if i := strings.LastIndexByte(string(b), '-'); i > 0 {
			b = b[:i]
		}
	}
	return string(b)
}

// ids hands out graph ids, unique across every kind and the sources.
type ids map[string]struct{}

func (u ids) take(base string) string {
	id := base
	for n := 2; ; n++ {
		if _, dup := u[id]; !dup {
			u[id] = struct{}{}
			return id
		}
		id = base + "-" + strconv.Itoa(n)
	}
}

// names keeps names unique within a kind, so that search and sorting by name
// behave as on curated data; after a few collisions it numbers the name.
type names map[string]struct{}

func (u names) take(gen func() string) string {
	var s string
	for range 8 {
		if s = gen(); !u.has(s) {
			u[s] = struct{}{}
			return s
		}
	}
	base := s
	for n := 2; ; n++ {
		s = base + " " + strconv.Itoa(n)
		if !u.has(s) {
			u[s] = struct{}{}
			return s
		}
	}
}

func (u names) has(s string) bool { _, ok := u[s]; return ok }

// acronym is the initials of the capitalised words of name: "Pacific Cyber
// Resilience Council" is "PCRC".
func acronym(name string) string {
	var b []byte
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return r == ' ' || r == '-' }) {
		if c := w[0]; c >= 'A' && c <= 'Z' {
			b = append(b, c)
		}
	}
	return string(b)
}

// pickSources is 1..max distinct source indices, ascending.
func pickSources(r *rand.Rand, n, most int) []int32 {
	k := 1 + r.IntN(most)
	out := make([]int32, 0, k)
	for len(out) < k && len(out) < n {
		s := int32(r.IntN(n))
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// lower lower-cases a name to put it inside a sentence, keeping acronyms
// (ICT) and the capitalised Internet as curators write them.
func lower(s string) string {
	words := strings.Split(s, " ")
	for i, w := range words {
		if w == "Internet" || len(w) < 2 || (w[1] >= 'A' && w[1] <= 'Z') {
			continue
		}
		words[i] = strings.ToLower(w)
	}
	return strings.Join(words, " ")
}
