package memstore

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// tokenIndex maps every search token to the entities that have it. Tokens
// are sorted, so the tokens that start with a query token form one range, and
// their postings one contiguous run of post: a prefix lookup is two binary
// searches and no scan of the entities.
type tokenIndex struct {
	dict []string
	off  []int32 // postings of dict[t] are post[off[t]:off[t+1]]
	post []int32 // entity indices
}

// buildTokenIndex tokenizes every entity exactly as normgraph.Score will, so
// the candidates it finds are exactly the entities Score rates above zero.
func buildTokenIndex(ents []entry) tokenIndex {
	ids := map[string]int32{}
	var dict []string
	perEnt := make([][]int32, len(ents))
	var total int
	var tids []int32
	for i := range ents {
		name, aliases, body := normgraph.SearchFields(ents[i].e)
		toks := normgraph.Tokenize(name)
		for _, a := range aliases {
			toks = append(toks, normgraph.Tokenize(a)...)
		}
		toks = append(toks, normgraph.Tokenize(body)...)
		tids = tids[:0]
		for _, t := range toks {
			id, ok := ids[t]
			if !ok {
				id = int32(len(dict))
				ids[t] = id
				dict = append(dict, t)
			}
			tids = append(tids, id)
		}
		slices.Sort(tids)
		tids = slices.Compact(tids)
		// Exactly sized: these are kept, as the entity's toks.
		perEnt[i] = slices.Clone(tids)
		total += len(tids)
	}

	// Renumber tokens in sorted order.
	order := make([]int32, len(dict))
	for t := range order {
		order[t] = int32(t)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(dict[a], dict[b]) })
	renum := make([]int32, len(dict))
	sorted := make([]string, len(dict))
	for pos, t := range order {
		renum[t] = int32(pos)
		sorted[pos] = dict[t]
	}

	ix := tokenIndex{dict: sorted, off: make([]int32, len(dict)+1), post: make([]int32, total)}
	for _, tids := range perEnt {
		for _, t := range tids {
			ix.off[renum[t]+1]++
		}
	}
	for t := 1; t < len(ix.off); t++ {
		ix.off[t] += ix.off[t-1]
	}
	next := slices.Clone(ix.off[:len(dict)])
	for i, tids := range perEnt {
		for j, t := range tids {
			r := renum[t]
			ix.post[next[r]] = int32(i)
			next[r]++
			tids[j] = r
		}
		slices.Sort(tids)
		ents[i].toks = tids
	}
	return ix
}

// prefixRange returns the tokens that start with q, as the range [lo, hi)
// of token numbers (the dictionary is sorted, so they are contiguous).
func (ix *tokenIndex) prefixRange(q string) (lo, hi int32) {
	l := sort.SearchStrings(ix.dict, q)
	h := l + sort.Search(len(ix.dict)-l, func(j int) bool { return !strings.HasPrefix(ix.dict[l+j], q) })
	return int32(l), int32(h)
}

// postings returns the entities that have a token in [lo, hi).
func (ix *tokenIndex) postings(lo, hi int32) []int32 {
	return ix.post[ix.off[lo]:ix.off[hi]]
}

// hasToken reports whether the sorted token numbers toks hold one in
// [lo, hi): whether the entity has a token starting with that query token.
func hasToken(toks []int32, lo, hi int32) bool {
	j, _ := slices.BinarySearch(toks, lo)
	return j < len(toks) && toks[j] < hi
}

// Search narrows the entities to those holding every query token as a token
// prefix (through the token index, starting from the rarest query token) and
// lets normgraph.SearchAmong score and rank them, so the answer is the one
// SearchAmong gives over every entity.
func (s *Store) Search(ctx context.Context, q normgraph.SearchQuery) ([]normgraph.SearchHit, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	toks := normgraph.Tokenize(q.Text)
	if len(toks) == 0 {
		return []normgraph.SearchHit{}, nil
	}
	var rarest []int32
	ranges := make([][2]int32, len(toks))
	for j, t := range toks {
		lo, hi := s.search.prefixRange(t)
		ranges[j] = [2]int32{lo, hi}
		if p := s.search.postings(lo, hi); j == 0 || len(p) < len(rarest) {
			rarest = p
		}
	}
	seen := slices.Clone(rarest)
	slices.Sort(seen)
	var cands []normgraph.Entity
	for _, i := range slices.Compact(seen) {
		en := &s.ents[i]
		if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, en.kind) {
			continue
		}
		if !allTokens(en.toks, ranges) {
			continue
		}
		cands = append(cands, en.e)
	}
	return normgraph.SearchAmong(cands, q), nil
}

func allTokens(have []int32, want [][2]int32) bool {
	for _, r := range want {
		if !hasToken(have, r[0], r[1]) {
			return false
		}
	}
	return true
}
