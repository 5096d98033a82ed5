package neo4jstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// Relationships are created between nodes found by element id (plan.eid),
// and only when the nodes' ids match too: an element id that names another
// node by the time the batch runs (another client changed the graph) must
// fail the batch and leave nothing of it behind, never link the wrong node.
func TestWriteRelsChecksElementIDs(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, TestConfig(t))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close(ctx)
	if err := s.Wipe(ctx); err != nil {
		t.Fatalf("Wipe: %v", err)
	}
	src := []string{"src"}
	ds := &normgraph.Dataset{Sources: []*normgraph.Source{{ID: "src", Title: "Source"}}}
	for _, c := range []struct{ id, iso2 string }{{"aaa", "AA"}, {"bbb", "BB"}} {
		ds.Entities = append(ds.Entities, &normgraph.Country{EntityBase: normgraph.EntityBase{
			ID: c.id, Kind: normgraph.KindCountry, Name: c.id, SourceIDs: src}, ISO2: c.iso2, ISO3: c.id})
	}
	ds.Entities = append(ds.Entities, &normgraph.Forum{EntityBase: normgraph.EntityBase{
		ID: "fff", Kind: normgraph.KindForum, Name: "Forum", SourceIDs: src}})
	ds.Sort()
	if _, err := s.Seed(ctx, ds); err != nil {
		t.Fatalf("Seed: %v", err)
	}

	next := *ds
	next.Relations = []*normgraph.Relation{
		{Type: normgraph.RelMemberOf, From: "aaa", To: "fff", SourceIDs: src},
		{Type: normgraph.RelMemberOf, From: "bbb", To: "fff", SourceIDs: src},
	}
	sd := &seeder{Store: s, cfg: seedConfig{nodeBatch: DefaultNodeBatch, relBatch: DefaultRelationshipBatch, writers: 1},
		rep: &SeedReport{}, start: time.Now()}
	sd.sess = sd.session(ctx)
	defer sd.sess.Close(ctx)
	p, err := newPlan(&next)
	if err != nil {
		t.Fatal(err)
	}
	if err := sd.readGraph(ctx, p); err != nil {
		t.Fatal(err)
	}
	a, b := p.nodeIndex["aaa"], p.nodeIndex["bbb"]
	if p.eid[a] == "" || p.eid[b] == "" || p.eid[a] == p.eid[b] {
		t.Fatalf("element ids read with the graph: %q, %q", p.eid[a], p.eid[b])
	}

	// aaa's element id now names bbb, and the other way round.
	p.eid[a], p.eid[b] = p.eid[b], p.eid[a]
	err = sd.writeRels(ctx, p)
	var short *shortBatch
	if !errors.As(err, &short) || short.found != 0 || short.n != 2 {
		t.Fatalf("writeRels with swapped element ids: %v, want 0 of 2 rows found", err)
	}
	if n, err := s.count(ctx, "MATCH ()-[r]->() RETURN count(r)"); err != nil || n != 0 {
		t.Fatalf("%d relationships after the failed batch (%v), want 0", n, err)
	}

	p.eid[a], p.eid[b] = p.eid[b], p.eid[a]
	if err := sd.writeRels(ctx, p); err != nil {
		t.Fatalf("writeRels: %v", err)
	}
	n, err := s.count(ctx, "MATCH (:Entity {id: 'aaa'})-[:MEMBER_OF]->(:Entity {id: 'fff'}) "+
		"MATCH (:Entity {id: 'bbb'})-[:MEMBER_OF]->(:Entity {id: 'fff'}) RETURN count(*)")
	if err != nil || n != 1 {
		t.Fatalf("memberships written: %d (%v), want both", n, err)
	}
}
