package neo4jstore_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/normgraph/normgraph/internal/normgraph"
	"github.com/normgraph/normgraph/internal/store/neo4jstore"
)

// openStore connects to the test server (or skips) and empties it.
func openStore(t testing.TB) *neo4jstore.Store {
	t.Helper()
	return openStoreWith(t, neo4jstore.TestConfig(t))
}

// openStoreWith is openStore with a configuration of the test's own.
func openStoreWith(t testing.TB, cfg neo4jstore.Config) *neo4jstore.Store {
	t.Helper()
	ctx := context.Background()
	s, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	if err := s.Wipe(ctx); err != nil {
		t.Fatalf("Wipe: %v", err)
	}
	return s
}

func seed(t testing.TB, s *neo4jstore.Store, ds *normgraph.Dataset, opts ...neo4jstore.SeedOption) *neo4jstore.SeedReport {
	t.Helper()
	rep, err := s.Seed(context.Background(), ds, opts...)
	if err != nil {
		t.Fatalf("Seed: %v", err)
	}
	return rep
}

// clone copies a dataset deeply enough that tests may edit entities and
// relations without touching the original.
func clone(ds *normgraph.Dataset) *normgraph.Dataset {
	c := &normgraph.Dataset{}
	for _, s := range ds.Sources {
		v := *s
		c.Sources = append(c.Sources, &v)
	}
	for _, e := range ds.Entities {
		var n normgraph.Entity
		switch v := e.(type) {
		case *normgraph.Priority:
			x := *v
			n = &x
		case *normgraph.Norm:
			x := *v
			n = &x
		case *normgraph.Country:
			x := *v
			n = &x
		case *normgraph.Forum:
			x := *v
			n = &x
		case *normgraph.Initiative:
			x := *v
			n = &x
		}
		n.Base().Aliases = slices.Clone(n.Base().Aliases)
		c.Entities = append(c.Entities, n)
	}
	for _, r := range ds.Relations {
		v := *r
		c.Relations = append(c.Relations, &v)
	}
	return c
}

// checkEqual asserts that the graph holds exactly ds: value by value
// (Dump), through Stats, and by plain Cypher counts per label and type.
func checkEqual(t *testing.T, s *neo4jstore.Store, ds *normgraph.Dataset) {
	t.Helper()
	ctx := context.Background()
	want := clone(ds)
	want.Sort()
	got, err := s.Dump(ctx)
	if err != nil {
		t.Fatalf("Dump: %v", err)
	}
	if len(got.Sources) != len(want.Sources) || len(got.Entities) != len(want.Entities) || len(got.Relations) != len(want.Relations) {
		t.Fatalf("Dump: %d sources, %d entities, %d relations; want %d, %d, %d",
			len(got.Sources), len(got.Entities), len(got.Relations), len(want.Sources), len(want.Entities), len(want.Relations))
	}
	for i := range want.Sources {
		if !reflect.DeepEqual(got.Sources[i], want.Sources[i]) {
			t.Errorf("source %d:\n got %+v\nwant %+v", i, got.Sources[i], want.Sources[i])
		}
	}
	for i := range want.Entities {
		if !reflect.DeepEqual(got.Entities[i], want.Entities[i]) {
			t.Errorf("entity %d:\n got %#v\nwant %#v", i, got.Entities[i], want.Entities[i])
		}
	}
	for i := range want.Relations {
		if !reflect.DeepEqual(got.Relations[i], want.Relations[i]) {
			t.Errorf("relation %d:\n got %+v\nwant %+v", i, got.Relations[i], want.Relations[i])
		}
	}
	if got.Version() != ds.Version() {
		t.Errorf("dumped version %s, want %s", got.Version(), ds.Version())
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	if wantSt := ds.Stats(); !reflect.DeepEqual(st, wantSt) {
		t.Errorf("Stats:\n got %+v\nwant %+v", st, wantSt)
	}
	wst := ds.Stats()
	for _, kc := range wst.ByKind {
		n, err := neo4jstore.Count(ctx, s, fmt.Sprintf("MATCH (n:%s) RETURN count(n)", kc.Kind.Label()))
		if err != nil {
			t.Fatal(err)
		}
		if n != kc.Count {
			t.Errorf("%s nodes: %d, want %d", kc.Kind.Label(), n, kc.Count)
		}
	}
	for _, rc := range wst.ByRelation {
		n, err := neo4jstore.Count(ctx, s, fmt.Sprintf("MATCH ()-[r:%s]->() RETURN count(r)", rc.Type))
		if err != nil {
			t.Fatal(err)
		}
		if n != rc.Count {
			t.Errorf("%s relationships: %d, want %d", rc.Type, n, rc.Count)
		}
	}
	for q, want := range map[string]int{
		"MATCH (n) WHERE NOT n:NormgraphMeta RETURN count(n)": wst.Entities + wst.Sources,
		"MATCH (n:Entity) RETURN count(n)":                    wst.Entities + wst.Sources,
		"MATCH (n:Source) RETURN count(n)":                    wst.Sources,
		"MATCH ()-[r]->() RETURN count(r)":                    wst.Relations,
		"MATCH (n:NormgraphMeta) RETURN count(n)":             1,
	} {
		n, err := neo4jstore.Count(ctx, s, q)
		if err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("%s: %d, want %d", q, n, want)
		}
	}
}

func total(ds *normgraph.Dataset) (nodes, rels int) {
	return len(ds.Sources) + len(ds.Entities), len(ds.Relations)
}

func TestSeedFreshThenNoop(t *testing.T) {
	s := openStore(t)
	ds := fixture()
	nodes, rels := total(ds)

	rep := seed(t, s, ds)
	t.Logf("first seed: %+v in %s", rep.Nodes, rep.Elapsed)
	if want := (neo4jstore.SeedCounts{Created: nodes}); rep.Nodes != want {
		t.Errorf("first seed nodes %+v, want %+v", rep.Nodes, want)
	}
	if want := (neo4jstore.SeedCounts{Created: rels}); rep.Relationships != want {
		t.Errorf("first seed relationships %+v, want %+v", rep.Relationships, want)
	}
	if rep.Writes == 0 || rep.DatasetVersion != ds.Version() {
		t.Errorf("first seed: writes %d, version %q (want > 0, %q)", rep.Writes, rep.DatasetVersion, ds.Version())
	}
	checkEqual(t, s, ds)

	rep = seed(t, s, ds)
	if rep.Writes != 0 {
		t.Errorf("second seed wrote %d changes, want 0", rep.Writes)
	}
	if want := (neo4jstore.SeedCounts{Unchanged: nodes}); rep.Nodes != want {
		t.Errorf("second seed nodes %+v, want %+v", rep.Nodes, want)
	}
	if want := (neo4jstore.SeedCounts{Unchanged: rels}); rep.Relationships != want {
		t.Errorf("second seed relationships %+v, want %+v", rep.Relationships, want)
	}
	checkEqual(t, s, ds)
}

func find(ds *normgraph.Dataset, id string) normgraph.Entity {
	for _, e := range ds.Entities {
		if e.NodeID() == id {
			return e
		}
	}
	panic(id)
}

func TestSeedAppliesChanges(t *testing.T) {
	s := openStore(t)
	ds := fixture()
	seed(t, s, ds)

	next := clone(ds)
	// Delete an entity and, with it, its relations.
	next.Entities = slices.DeleteFunc(next.Entities, func(e normgraph.Entity) bool { return e.NodeID() == "sgp" })
	dropped := 0
	next.Relations = slices.DeleteFunc(next.Relations, func(r *normgraph.Relation) bool {
		gone := r.From == "sgp" || r.To == "sgp" ||
			(r.Type == normgraph.RelMemberOf && r.From == "civ" && r.To == "un-oewg") // one more relation
		if gone {
			dropped++
		}
		return gone
	})
	// Change properties: a name (and so sortKey, label, searchText), drop
	// aliases and a field, change a date's precision, a role, the sources.
	find(next, "gbr").Base().Name = "United Kingdom of Great Britain and Northern Ireland"
	find(next, "usa").Base().Aliases = nil
	find(next, "igf").(*normgraph.Forum).Acronym = ""
	find(next, "paris-call").(*normgraph.Initiative).Launched = date("2018-11-12")
	for _, r := range next.Relations {
		if r.Type == normgraph.RelParticipatesIn && r.From == "civ" {
			r.Role, r.Since = "party", date("2023-05")
		}
		if r.Type == normgraph.RelMemberOf && r.From == "aaa" {
			r.Until = nil
		}
	}
	next.Sources[0].Publisher = "US Department of State"
	// Add an entity and a relation.
	next.Entities = append(next.Entities, &normgraph.Country{EntityBase: normgraph.EntityBase{
		ID: "deu", Kind: normgraph.KindCountry, Name: "Germany", SourceIDs: []string{"fact-sheet"}}, ISO2: "DE", ISO3: "DEU", Region: "Europe"})
	next.Relations = append(next.Relations, &normgraph.Relation{Type: normgraph.RelMemberOf, From: "deu", To: "osce", Since: date("1973"), SourceIDs: []string{"fact-sheet"}})
	next.Sort()

	rep := seed(t, s, next)
	nodes, rels := total(next)
	if want := (neo4jstore.SeedCounts{Created: 1, Updated: 5, Deleted: 1, Unchanged: nodes - 6}); rep.Nodes != want {
		t.Errorf("nodes %+v, want %+v", rep.Nodes, want)
	}
	if want := (neo4jstore.SeedCounts{Created: 1, Updated: 2, Deleted: dropped, Unchanged: rels - 3}); rep.Relationships != want {
		t.Errorf("relationships %+v, want %+v", rep.Relationships, want)
	}
	checkEqual(t, s, next)

	// Search and lists see the new derived properties.
	hits, err := s.Search(context.Background(), normgraph.SearchQuery{Text: "northern ireland", First: 5})
	if err != nil || len(hits) != 1 || hits[0].Node.NodeID() != "gbr" {
		t.Errorf("search after rename: %v, %v", hits, err)
	}
	if rep := seed(t, s, next); rep.Writes != 0 {
		t.Errorf("reseed wrote %d", rep.Writes)
	}
}

// An entity may change kind under the same id; its old label must go.
func TestSeedKindChange(t *testing.T) {
	s := openStore(t)
	ds := fixture()
	seed(t, s, ds)
	next := clone(ds)
	for i, e := range next.Entities {
		if e.NodeID() == "igf" {
			next.Entities[i] = &normgraph.Initiative{EntityBase: *e.Base(), Type: "process"}
			next.Entities[i].Base().Kind = normgraph.KindInitiative
		}
	}
	next.Relations = slices.DeleteFunc(next.Relations, func(r *normgraph.Relation) bool { return r.From == "igf" || r.To == "igf" })
	rep := seed(t, s, next)
	if rep.Nodes.Updated != 1 {
		t.Errorf("nodes %+v, want 1 updated", rep.Nodes)
	}
	checkEqual(t, s, next)
}

// A load cancelled between batches leaves a graph without a version that
// the next Seed completes exactly; so does an interrupted update.
func TestSeedInterrupted(t *testing.T) {
	s := openStore(t)
	ds := fixture()

	interrupted := func(ds *normgraph.Dataset) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		batches := 0
		_, err := s.Seed(ctx, ds, neo4jstore.WithBatchSize(4), neo4jstore.WithProgress(func(p neo4jstore.SeedProgress) {
			batches++
			if batches == 2 {
				cancel()
			}
		}))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted Seed: %v, want context.Canceled", err)
		}
		st, err := s.Stats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if st.DatasetVersion != "" {
			t.Errorf("version after an interrupted load: %q, want none", st.DatasetVersion)
		}
	}

	interrupted(ds)
	rep := seed(t, s, ds)
	if rep.Nodes.Created == 0 || rep.Nodes.Unchanged == 0 {
		t.Errorf("resumed load: %+v, want some nodes created and some already there", rep.Nodes)
	}
	checkEqual(t, s, ds)

	next := clone(ds)
	next.Relations = next.Relations[:len(next.Relations)/2]
	for _, e := range next.Entities {
		e.Base().Description += " Revised."
	}
	interrupted(next)
	seed(t, s, next)
	checkEqual(t, s, next)
}

// Seed removes what it did not write: nodes without :Entity, relationships
// of unknown types, duplicate relationships, stray labels.
func TestSeedRemovesForeignData(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	ds := fixture()
	seed(t, s, ds)
	for _, q := range []string{
		"CREATE (:Scratch {id: 'x'})-[:LIKES]->(:Scratch)",
		"MATCH (a:Entity {id: 'usa'}), (b:Entity {id: 'osce'}) CREATE (a)-[:MEMBER_OF {hash: 'bogus'}]->(b)",
		"MATCH (a:Entity {id: 'fra'}), (b:Entity {id: 'jpn'}) CREATE (a)-[:KNOWS]->(b)",
		"MATCH (n:Entity {id: 'jpn'}) SET n:Forum",
		"MATCH (n:Entity {id: 'civ'}) SET n:Scratch",
		"CREATE (:Entity:Country {id: 'zzz', name: 'Nowhere'})",
	} {
		if err := neo4jstore.Exec(ctx, s, q, nil); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	rep := seed(t, s, ds)
	t.Logf("repair: nodes %+v relationships %+v", rep.Nodes, rep.Relationships)
	checkEqual(t, s, ds)
	if rep := seed(t, s, ds); rep.Writes != 0 {
		t.Errorf("reseed wrote %d", rep.Writes)
	}
}

func TestSeedRejectsDanglingRelation(t *testing.T) {
	s := openStore(t)
	ds := clone(fixture())
	ds.Relations = append(ds.Relations, &normgraph.Relation{Type: normgraph.RelLeads, From: "usa", To: "nowhere", SourceIDs: []string{"fact-sheet"}})
	_, err := s.Seed(context.Background(), ds)
	if err == nil {
		t.Fatal("Seed with a dangling relation succeeded")
	}
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.DatasetVersion != "" {
		t.Errorf("version %q recorded for a failed load", st.DatasetVersion)
	}
}

func TestEnsureSchemaIdempotent(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	for range 2 {
		if err := s.EnsureSchema(ctx); err != nil {
			t.Fatal(err)
		}
	}
	n, err := neo4jstore.Count(ctx, s, "SHOW INDEXES YIELD name WHERE name STARTS WITH 'normgraph_' AND NOT name ENDS WITH '_id' RETURN count(*)")
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 {
		t.Errorf("%d normgraph indexes, want the sort key, code, type and full-text indexes", n)
	}
	n, err = neo4jstore.Count(ctx, s, "SHOW CONSTRAINTS YIELD name WHERE name STARTS WITH 'normgraph_' RETURN count(*)")
	if err != nil {
		t.Fatal(err)
	}
	if n != 8 {
		t.Errorf("%d normgraph constraints, want 8 (Entity, five kinds, Source, meta)", n)
	}
	n, err = neo4jstore.Count(ctx, s, "SHOW INDEXES YIELD state WHERE state <> 'ONLINE' RETURN count(*)")
	if err != nil || n != 0 {
		t.Errorf("%d indexes not online (%v)", n, err)
	}
}

func TestSeedMidSize(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	s := openStore(t)
	ds := synthetic(2000, 100, 10)
	start := time.Now()
	rep := seed(t, s, ds)
	t.Logf("seeded %d nodes, %d relationships in %s; phases %+v", len(ds.Entities)+len(ds.Sources), len(ds.Relations), time.Since(start), rep.Phases)
	checkEqual(t, s, ds)
}

// Seed trusts a node's recorded adjacency hash instead of reading its
// relationships. An update interrupted while rewriting relationships must
// not leave a hash that a later Seed of the old data would trust: here the
// old data comes back after a half-applied change to the same nodes.
func TestSeedInterruptedThenReverted(t *testing.T) {
	s := openStore(t)
	ds := synthetic(200, 20, 5)
	seed(t, s, ds)

	next := clone(ds)
	// Re-date many memberships: relationship counts stay the same, so only
	// the adjacency hashes can tell which nodes the interrupted run touched.
	for i, r := range next.Relations {
		if r.Type == normgraph.RelMemberOf && i%3 == 0 {
			r.Since = date("2001-02")
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	relBatches := 0
	_, err := s.Seed(ctx, next, neo4jstore.WithBatchSize(10), neo4jstore.WithProgress(func(p neo4jstore.SeedProgress) {
		if p.Step == "relationships" {
			relBatches++
			if relBatches == 3 {
				cancel()
			}
		}
	}))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted Seed: %v", err)
	}
	rep := seed(t, s, ds)
	t.Logf("revert: nodes %+v relationships %+v", rep.Nodes, rep.Relationships)
	checkEqual(t, s, ds)
	if rep.Relationships.Updated == 0 {
		t.Errorf("revert updated no relationships: the interrupted run's changes were not seen")
	}
	if rep := seed(t, s, ds); rep.Writes != 0 {
		t.Errorf("reseed wrote %d", rep.Writes)
	}
}

// A no-op reseed reads nodes only; damage behind Seed's back that changes
// relationship counts makes it read everything and repair.
func TestSeedReadsOnlyWhatChanged(t *testing.T) {
	s := openStore(t)
	ds := fixture()
	seed(t, s, ds)
	rep := seed(t, s, ds)
	for _, p := range rep.Phases {
		if p.Name == "read graph (all relationships)" {
			t.Errorf("no-op reseed read every relationship")
		}
	}
	if err := neo4jstore.Exec(context.Background(), s,
		"MATCH (a:Entity {id: 'usa'}), (b:Entity {id: 'igf'}) CREATE (a)-[:MEMBER_OF]->(b)", nil); err != nil {
		t.Fatal(err)
	}
	rep = seed(t, s, ds)
	full := false
	for _, p := range rep.Phases {
		full = full || p.Name == "read graph (all relationships)"
	}
	if !full || rep.Relationships.Deleted != 1 {
		t.Errorf("after an extra relationship: full read %t, deleted %d; want a full read deleting 1", full, rep.Relationships.Deleted)
	}
	checkEqual(t, s, ds)
}

// The curated data seeds exactly, fast, and a second time not at all.
func TestSeedCurated(t *testing.T) {
	s := openStore(t)
	ds := curated(t)
	rep := seed(t, s, ds)
	t.Logf("curated: %d sources, %d entities, %d relations seeded in %s",
		len(ds.Sources), len(ds.Entities), len(ds.Relations), rep.Elapsed.Round(time.Millisecond))
	for _, p := range rep.Phases {
		t.Logf("  %-52s %5d rows %s", p.Name, p.Rows, p.Elapsed.Round(time.Millisecond))
	}
	checkEqual(t, s, ds)
	rep = seed(t, s, ds)
	if rep.Writes != 0 {
		t.Errorf("reseed wrote %d", rep.Writes)
	}
	t.Logf("curated reseed: %s", rep.Elapsed.Round(time.Millisecond))
}

// Into an empty graph without a schema, Seed creates the constraints before
// the nodes and the other indexes after them; all are online when it
// returns, and a search finds what it wrote.
func TestSeedCreatesSchemaOnEmptyGraph(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	constraints, indexes := neo4jstore.SchemaNames()
	for _, n := range constraints {
		if err := neo4jstore.Exec(ctx, s, "DROP CONSTRAINT "+n+" IF EXISTS", nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range indexes {
		if err := neo4jstore.Exec(ctx, s, "DROP INDEX "+n+" IF EXISTS", nil); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := neo4jstore.Count(ctx, s, "SHOW INDEXES YIELD name WHERE name STARTS WITH 'normgraph_' RETURN count(*)"); err != nil || n != 0 {
		t.Fatalf("%d normgraph indexes left after dropping them (%v)", n, err)
	}
	ds := fixture()
	rep := seed(t, s, ds)
	var phases []string
	for _, p := range rep.Phases {
		phases = append(phases, p.Name)
	}
	t.Logf("phases %v", phases)
	n, err := neo4jstore.Count(ctx, s, "SHOW INDEXES YIELD name, state WHERE name STARTS WITH 'normgraph_' AND state = 'ONLINE' RETURN count(*)")
	if err != nil || n != len(constraints)+len(indexes) {
		t.Errorf("%d normgraph indexes online after Seed, want %d (%v)", n, len(constraints)+len(indexes), err)
	}
	checkEqual(t, s, ds)
	hits, err := s.Search(ctx, normgraph.SearchQuery{Text: "france", First: 5})
	if err != nil {
		t.Fatalf("search right after Seed: %v", err)
	}
	if len(hits) == 0 {
		t.Errorf("search right after Seed found nothing for %q", "france")
	}
	if rep := seed(t, s, ds); rep.Writes != 0 {
		t.Errorf("reseed wrote %d", rep.Writes)
	}
}

// Relationships store no hash: a graph written by an older layout (a hash
// property on every relationship, adjacency hashes of another kind) is
// read in full once and its relationships are rewritten without it.
func TestSeedRewritesOldRelationshipLayout(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	ds := fixture()
	seed(t, s, ds)
	for _, q := range []string{
		"MATCH ()-[r]->() SET r.hash = 42",
		"MATCH (n:Entity) WHERE n.adjHash IS NOT NULL SET n.adjHash = n.adjHash + 1",
	} {
		if err := neo4jstore.Exec(ctx, s, q, nil); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	rep := seed(t, s, ds)
	if rep.Relationships.Updated != len(ds.Relations) || rep.Nodes.Updated != 0 {
		t.Errorf("old layout: relationships %+v, nodes %+v; want every relationship updated, no node", rep.Relationships, rep.Nodes)
	}
	if n, err := neo4jstore.Count(ctx, s, "MATCH ()-[r]->() WHERE r.hash IS NOT NULL RETURN count(*)"); err != nil || n != 0 {
		t.Errorf("%d relationships still have a hash (%v)", n, err)
	}
	checkEqual(t, s, ds)
	if rep := seed(t, s, ds); rep.Writes != 0 {
		t.Errorf("reseed after the rewrite wrote %d", rep.Writes)
	}
}

// Removed nodes lose their relationships a relationship batch at a time,
// however many each node has: a transaction that deleted a batch of hubs
// with all their relationships at once ran out of the server's
// transaction memory on the 1M set.
func TestSeedDeletesHubsInBatches(t *testing.T) {
	s := openStore(t)
	ds := synthetic(40, 3, 2) // three fora of about 27 members each
	seed(t, s, ds)

	// Every country and forum goes, so no node that stays holds their
	// relationships: they go with the nodes.
	next := clone(ds)
	removed := func(id string) bool { return strings.HasPrefix(id, "forum-") || strings.HasPrefix(id, "country-") }
	next.Entities = slices.DeleteFunc(next.Entities, func(e normgraph.Entity) bool { return removed(e.NodeID()) })
	dropped := 0
	next.Relations = slices.DeleteFunc(next.Relations, func(r *normgraph.Relation) bool {
		gone := removed(r.From) || removed(r.To)
		if gone {
			dropped++
		}
		return gone
	})
	const batch = 5
	var steps []neo4jstore.SeedProgress
	rep, err := s.Seed(context.Background(), next, neo4jstore.WithBatchSize(batch), neo4jstore.WithProgress(func(p neo4jstore.SeedProgress) {
		if p.Step == "delete nodes: relationships" {
			steps = append(steps, p)
		}
	}))
	if err != nil {
		t.Fatalf("Seed: %v", err)
	}
	if rep.Nodes.Deleted != 43 || rep.Relationships.Deleted != dropped {
		t.Errorf("deleted %d nodes and %d relationships, want 43 and %d", rep.Nodes.Deleted, rep.Relationships.Deleted, dropped)
	}
	if len(steps) < dropped/batch {
		t.Errorf("relationships of removed nodes deleted in %d transactions, want at least %d", len(steps), dropped/batch)
	}
	prev := 0
	for _, p := range steps {
		if p.Done-prev > batch || p.Done <= prev {
			t.Errorf("a transaction deleted %d relationships, want 1 to %d: %+v", p.Done-prev, batch, steps)
			break
		}
		prev = p.Done
	}
	checkEqual(t, s, next)
}
