package memstore

import (
	"context"
	"strings"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// Entities looks each id up in the id index; sources and unknown ids give nil.
func (s *Store) Entities(ctx context.Context, ids []string) ([]normgraph.Entity, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	out := make([]normgraph.Entity, len(ids))
	for j, id := range ids {
		if i, ok := s.byID[id]; ok {
			out[j] = s.ents[i].e
		}
	}
	return out, nil
}

// Sources looks each id up; unknown ids give nil.
func (s *Store) Sources(ctx context.Context, ids []string) ([]*normgraph.Source, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	out := make([]*normgraph.Source, len(ids))
	for j, id := range ids {
		out[j] = s.sources[id]
	}
	return out, nil
}

// CountriesByCode resolves ids and ISO codes in any case through one map
// built by New.
func (s *Store) CountriesByCode(ctx context.Context, codes []string) ([]*normgraph.Country, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	out := make([]*normgraph.Country, len(codes))
	for j, code := range codes {
		if i, ok := s.codes[strings.ToLower(code)]; ok {
			out[j] = s.ents[i].e.(*normgraph.Country)
		}
	}
	return out, nil
}

// GraphNodes implements normgraph.Graph.
func (s *Store) GraphNodes(ctx context.Context, ids []string) ([]*normgraph.GraphNode, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	out := make([]*normgraph.GraphNode, len(ids))
	for j, id := range ids {
		if i, ok := s.byID[id]; ok {
			n := s.graphNode(i)
			out[j] = &n
		}
	}
	return out, nil
}

// Expand implements normgraph.Graph: it reads the (node, type) buckets in
// both directions, so its cost is the degree of the nodes asked about. The
// relations are built for this answer, in one slab per call.
func (s *Store) Expand(ctx context.Context, ids []string, relations []normgraph.RelationType) (map[string][]normgraph.Adjacency, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	types, err := relTypes(relations)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]normgraph.Adjacency, len(ids))
	nodes := make([]int32, 0, len(ids))
	total := 0
	for _, id := range ids {
		i, ok := s.byID[id]
		if !ok {
			continue
		}
		if _, done := out[id]; done {
			continue
		}
		out[id] = nil
		nodes = append(nodes, i)
		total += s.degreeOf(i, types)
	}
	adjs := make([]normgraph.Adjacency, total)
	rels := make([]normgraph.Relation, total)
	k := 0
	for _, i := range nodes {
		first := k
		s.eachHalf(i, types, func(h half) {
			s.relation(h.rel, &rels[k])
			adjs[k] = normgraph.Adjacency{Rel: &rels[k], Other: s.graphNode(h.other)}
			k++
		})
		// Capped, so that a caller appending to one list cannot overwrite
		// the next.
		out[s.ents[i].id] = adjs[first:k:k]
	}
	return out, nil
}

var allRelTypes = func() []int {
	ts := make([]int, numRels)
	for t := range ts {
		ts[t] = t
	}
	return ts
}()

// relTypes turns a relations argument into bucket indices; empty means all.
func relTypes(relations []normgraph.RelationType) ([]int, error) {
	if len(relations) == 0 {
		return allRelTypes, nil
	}
	ts := make([]int, 0, len(relations))
	var seen [numRels]bool
	for _, r := range relations {
		t := relIndex(r)
		if t < 0 {
			return nil, normgraph.Errorf(normgraph.EINVALID, "relations: unknown relationship type %q", r)
		}
		if !seen[t] {
			seen[t] = true
			ts = append(ts, t)
		}
	}
	return ts, nil
}
