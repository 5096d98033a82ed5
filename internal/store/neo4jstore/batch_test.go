package neo4jstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/rs/zerolog"

	"github.com/normgraph/normgraph/internal/normgraph"
	"github.com/normgraph/normgraph/internal/store/neo4jstore"
	"github.com/normgraph/normgraph/internal/store/storetest"
)

// A related request that leaves fields out gets entities without them and
// with everything else, and a batch's statement does not depend on the
// order its parts came in, even for parts that differ only in the fields
// they leave out: each order would be a statement Neo4j plans anew.
func TestBatchLeavesFieldsOut(t *testing.T) {
	var log bytes.Buffer
	cfg := neo4jstore.TestConfig(t)
	cfg.Logger = zerolog.New(&log).Level(zerolog.TraceLevel)
	ctx := context.Background()
	s := openStoreWith(t, cfg)
	seed(t, s, storetest.Fixture())

	members := normgraph.Traversal{Type: normgraph.RelMemberOf, Direction: normgraph.Incoming}
	whole, err := s.Related(ctx, []string{"osce"}, members, normgraph.PageArgs{First: 3})
	if err != nil {
		t.Fatal(err)
	}
	names := normgraph.RelatedRequest{IDs: []string{"osce"}, Traversal: members, Page: normgraph.PageArgs{First: 3},
		Omit: normgraph.AllPageFields}
	codes := names
	codes.Omit = normgraph.AllPageFields &^ (normgraph.FieldISO2 | normgraph.FieldSources | normgraph.FieldRelSources)

	var texts []string
	for _, parts := range [][]normgraph.RelatedRequest{{names, codes}, {codes, names}} {
		log.Reset()
		res, err := s.Batch(ctx, normgraph.Batch{Related: parts})
		if err != nil {
			t.Fatal(err)
		}
		for i, part := range parts {
			got, want := res.Related[i].Pages[0], whole[0]
			if len(got.Edges) != len(want.Edges) || got.TotalCount != want.TotalCount {
				t.Fatalf("part %d: %d of %d edges, want %d of %d", i, len(got.Edges), got.TotalCount, len(want.Edges), want.TotalCount)
			}
			for k, e := range got.Edges {
				c, w := e.Node.(*normgraph.Country), want.Edges[k].Node.(*normgraph.Country)
				if c.ID != w.ID || c.Name != w.Name || c.Kind != w.Kind || e.Cursor != want.Edges[k].Cursor {
					t.Errorf("part %d, edge %d: %s %q %s, want %s %q %s", i, k, c.ID, c.Name, c.Kind, w.ID, w.Name, w.Kind)
				}
				if wantRel := withoutFields(want.Edges[k].Relation, part.Omit); !reflect.DeepEqual(e.Relation, wantRel) {
					t.Errorf("part %d, edge %d: relation %+v, want %+v", i, k, e.Relation, wantRel)
				}
				wantISO2, wantSources := "", []string(nil)
				if part.Omit&normgraph.FieldISO2 == 0 {
					wantISO2, wantSources = w.ISO2, w.SourceIDs
				}
				if c.ISO2 != wantISO2 || !slices.Equal(c.SourceIDs, wantSources) || c.ISO3 != "" || c.Region != "" || c.Description != "" {
					t.Errorf("part %d (omit %#x), edge %d: %+v; want iso2 %q, sources %v and nothing else", i, part.Omit, k, c, wantISO2, wantSources)
				}
			}
		}
		for line := range bytes.Lines(log.Bytes()) {
			var l struct{ Cypher string }
			if json.Unmarshal(line, &l) == nil && l.Cypher != "" {
				texts = append(texts, l.Cypher)
			}
		}
	}
	if len(texts) != 2 || texts[0] != texts[1] {
		t.Errorf("statements for the two orders of the same parts:\n%s", texts)
	}
}

// withoutFields is r with the relation fields in omit left empty.
func withoutFields(r *normgraph.Relation, omit normgraph.PageFields) *normgraph.Relation {
	out := *r
	if omit&normgraph.FieldRelRole != 0 {
		out.Role = ""
	}
	if omit&normgraph.FieldRelNote != 0 {
		out.Note = ""
	}
	if omit&normgraph.FieldRelSources != 0 {
		out.SourceIDs = nil
	}
	return &out
}

// A related request that leaves relation fields out gets relations with
// their dates and the fields it reads, whatever else it leaves out.
func TestBatchLeavesRelationFieldsOut(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	seed(t, s, storetest.Fixture())

	cases := []struct {
		id string
		t  normgraph.Traversal
		p  normgraph.PageArgs
	}{
		// Russia's G8 membership has a note and an end.
		{"g7", normgraph.Traversal{Type: normgraph.RelMemberOf, Direction: normgraph.Incoming}, normgraph.PageArgs{First: normgraph.Unlimited}},
		{"osce-cbms", normgraph.Traversal{Type: normgraph.RelParticipatesIn, Direction: normgraph.Incoming}, normgraph.PageArgs{First: 3}},
	}
	omits := []normgraph.PageFields{
		normgraph.FieldRelRole,
		normgraph.FieldRelNote | normgraph.FieldRelSources,
		normgraph.FieldRelRole | normgraph.FieldRelNote | normgraph.FieldRelSources,
		normgraph.AllPageFields &^ normgraph.FieldRelNote,
	}
	var seen normgraph.Relation // a non-empty value of each field, so that leaving it out shows
	for _, c := range cases {
		whole, err := s.Related(ctx, []string{c.id}, c.t, c.p)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range whole[0].Edges {
			seen.Role += e.Relation.Role
			seen.Note += e.Relation.Note
			seen.SourceIDs = append(seen.SourceIDs, e.Relation.SourceIDs...)
			if e.Relation.Since == nil {
				t.Fatalf("%s: relation %s has no since; the case shows nothing of the dates", c.id, e.Relation.ID())
			}
		}
		for _, omit := range omits {
			res, err := s.Batch(ctx, normgraph.Batch{Related: []normgraph.RelatedRequest{{IDs: []string{c.id}, Traversal: c.t, Page: c.p, Omit: omit}}})
			if err != nil {
				t.Fatal(err)
			}
			got := res.Related[0].Pages[0]
			if len(got.Edges) != len(whole[0].Edges) || got.TotalCount != whole[0].TotalCount {
				t.Fatalf("%s, omit %#x: %d of %d edges, want %d of %d", c.id, omit, len(got.Edges), got.TotalCount, len(whole[0].Edges), whole[0].TotalCount)
			}
			for k, e := range got.Edges {
				if want := withoutFields(whole[0].Edges[k].Relation, omit); !reflect.DeepEqual(e.Relation, want) {
					t.Errorf("%s, omit %#x, edge %d: relation %+v, want %+v", c.id, omit, k, e.Relation, want)
				}
				if e.Node.NodeID() != whole[0].Edges[k].Node.NodeID() || e.Cursor != whole[0].Edges[k].Cursor {
					t.Errorf("%s, omit %#x, edge %d: node %s cursor %s, want %s %s", c.id, omit, k, e.Node.NodeID(), e.Cursor, whole[0].Edges[k].Node.NodeID(), whole[0].Edges[k].Cursor)
				}
			}
		}
	}
	if seen.Role == "" || seen.Note == "" || len(seen.SourceIDs) == 0 {
		t.Fatalf("the cases hold role %q, note %q, sources %v: each must be non-empty somewhere", seen.Role, seen.Note, seen.SourceIDs)
	}
}
