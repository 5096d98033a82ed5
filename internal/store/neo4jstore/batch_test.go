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
		Omit: normgraph.AllEntityFields}
	codes := names
	codes.Omit = normgraph.AllEntityFields &^ (normgraph.FieldISO2 | normgraph.FieldSources)

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
				if !reflect.DeepEqual(e.Relation, want.Edges[k].Relation) {
					t.Errorf("part %d, edge %d: relation %+v, want %+v", i, k, e.Relation, want.Edges[k].Relation)
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
