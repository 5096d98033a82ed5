package loader_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/normgraph/normgraph/internal/loader"
	"github.com/normgraph/normgraph/internal/normgraph"
	"github.com/normgraph/normgraph/internal/store/memstore"
	"github.com/normgraph/normgraph/internal/store/storetest"
)

// countingStore counts Related calls and can fail them.
type countingStore struct {
	normgraph.Store
	related atomic.Int32
	fail    error
}

func (c *countingStore) Related(ctx context.Context, ids []string, t normgraph.Traversal, p normgraph.PageArgs) ([]*normgraph.Page, error) {
	c.related.Add(1)
	if c.fail != nil {
		return nil, c.fail
	}
	return c.Store.Related(ctx, ids, t, p)
}

func newStore(t testing.TB) *countingStore {
	t.Helper()
	mem, err := memstore.New(storetest.Fixture())
	if err != nil {
		t.Fatal(err)
	}
	return &countingStore{Store: mem}
}

var members = normgraph.Traversal{Type: normgraph.RelMemberOf, Direction: normgraph.Incoming}

// loadAll loads the members of every forum at once, as sibling resolvers do.
func loadAll(l *loader.Loaders, fora []string, ts []normgraph.Traversal) ([]*normgraph.Page, []error) {
	pages := make([]*normgraph.Page, len(fora))
	errs := make([]error, len(fora))
	var wg sync.WaitGroup
	for i, f := range fora {
		wg.Go(func() {
			pages[i], errs[i] = l.Related(context.Background(), f, ts[i%len(ts)], normgraph.PageArgs{First: 50}, 0, false, nil)
		})
	}
	wg.Wait()
	return pages, errs
}

func TestRelatedBatchesByArguments(t *testing.T) {
	s := newStore(t)
	fora := []string{"g7", "nato", "coe", "osce", "foc", "gfce", "atlantis"}
	asOf := members
	d := normgraph.MustParseDate("2010")
	asOf.AsOf = &d
	// Specs without filter, date or cursor get a hand-built key; these differ
	// in one field each and must not share a call.
	countriesOnly := members
	countriesOnly.Kind = normgraph.KindCountry
	outgoing := members
	outgoing.Direction = normgraph.Outgoing

	tests := []struct {
		name  string
		ts    []normgraph.Traversal
		calls int32
	}{
		{"same arguments: one call", []normgraph.Traversal{members}, 1},
		{"two sets of arguments: two calls", []normgraph.Traversal{members, asOf}, 2},
		{"kinds differ: two calls", []normgraph.Traversal{members, countriesOnly}, 2},
		{"directions differ: two calls", []normgraph.Traversal{members, outgoing}, 2},
		{"three sets of arguments: three calls", []normgraph.Traversal{members, countriesOnly, asOf}, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s.related.Store(0)
			l := loader.New(s, 50*time.Millisecond)
			pages, errs := loadAll(l, fora, tc.ts)
			if got := s.related.Load(); got != tc.calls {
				t.Errorf("Related called %d times, want %d", got, tc.calls)
			}
			for i, f := range fora {
				if errs[i] != nil {
					t.Fatalf("%s: %v", f, errs[i])
				}
				want, err := s.Store.Related(context.Background(), []string{f}, tc.ts[i%len(tc.ts)], normgraph.PageArgs{First: 50})
				if err != nil {
					t.Fatal(err)
				}
				if pages[i].TotalCount != want[0].TotalCount || len(pages[i].Edges) != len(want[0].Edges) {
					t.Errorf("%s: got %d of %d, want %d of %d", f, len(pages[i].Edges), pages[i].TotalCount,
						len(want[0].Edges), want[0].TotalCount)
				}
			}
		})
	}
}

func TestRelatedErrorReachesEveryKey(t *testing.T) {
	s := newStore(t)
	s.fail = errors.New("store down")
	_, errs := loadAll(loader.New(s, 50*time.Millisecond), []string{"g7", "nato", "coe"}, []normgraph.Traversal{members})
	for i, err := range errs {
		if err == nil || !errors.Is(err, s.fail) {
			t.Errorf("key %d: error %v, want %v", i, err, s.fail)
		}
	}
}

func BenchmarkRelatedBatch(b *testing.B) {
	s := newStore(b)
	fora := []string{"g7", "nato", "coe", "osce", "foc", "gfce"}
	for b.Loop() {
		loadAll(loader.New(s, 0), fora, []normgraph.Traversal{members})
	}
}

// batchStore answers batches natively (as Neo4j does) and records them.
type batchStore struct {
	*countingStore
	mu      sync.Mutex
	batches []normgraph.Batch
}

func (b *batchStore) Batch(ctx context.Context, req normgraph.Batch) (*normgraph.BatchResult, error) {
	b.mu.Lock()
	b.batches = append(b.batches, req)
	b.mu.Unlock()
	return normgraph.BatchEach(ctx, b.countingStore, req)
}

// One window of mixed loads is one Batch; a related request that fails
// fails its own keys only.
func TestMixedLoadsShareOneBatch(t *testing.T) {
	s := &batchStore{countingStore: newStore(t)}
	s.fail = errors.New("related down")
	l := loader.New(s, 50*time.Millisecond)
	ctx := context.Background()
	var wg sync.WaitGroup
	var ent normgraph.Entity
	var country *normgraph.Country
	var node normgraph.Node
	var entErr, countryErr, nodeErr, relErr error
	wg.Go(func() { ent, entErr = l.Entity(ctx, "osce") })
	wg.Go(func() { country, countryErr = l.Country(ctx, "US") })
	wg.Go(func() { node, nodeErr = l.Node(ctx, "src-fact-sheet") })
	wg.Go(func() { _, relErr = l.Related(ctx, "osce", members, normgraph.PageArgs{First: 5}, 0, false, nil) })
	wg.Wait()
	if len(s.batches) != 1 {
		t.Fatalf("%d batches, want 1: %+v", len(s.batches), s.batches)
	}
	b := s.batches[0]
	if len(b.Entities) != 2 || len(b.Sources) != 1 || len(b.Countries) != 1 || len(b.Related) != 1 {
		t.Errorf("batch %+v: want 2 entity ids (osce, src-fact-sheet), 1 source, 1 country code, 1 related request", b)
	}
	checkLookups(t, ent, entErr, country, countryErr, node, nodeErr)
	if !errors.Is(relErr, s.fail) {
		t.Errorf("Related error %v, want %v", relErr, s.fail)
	}
}

// checkLookups checks the answers to Entity(osce), Country(US) and
// Node(src-fact-sheet) over the fixture.
func checkLookups(t *testing.T, ent normgraph.Entity, entErr error, country *normgraph.Country, countryErr error, node normgraph.Node, nodeErr error) {
	t.Helper()
	if entErr != nil || ent == nil || ent.NodeID() != "osce" {
		t.Errorf("Entity(osce) = %v, %v", ent, entErr)
	}
	if countryErr != nil || country == nil || country.ID != "usa" {
		t.Errorf("Country(US) = %v, %v", country, countryErr)
	}
	if _, ok := node.(*normgraph.Source); nodeErr != nil || !ok || node.NodeID() != "src-fact-sheet" {
		t.Errorf("Node(src-fact-sheet) = %v, %v; want the source", node, nodeErr)
	}
}

// failingBatcher is a store whose batches fail as a whole, as Neo4j's do
// when the database is down.
type failingBatcher struct {
	normgraph.Store
	err error
}

func (f failingBatcher) Batch(context.Context, normgraph.Batch) (*normgraph.BatchResult, error) {
	return nil, f.err
}

// A batch that fails as a whole gives its error to every key of it, so
// that the API can say what happened (the database is down) for each field.
func TestBatchErrorReachesEveryKey(t *testing.T) {
	s := failingBatcher{Store: newStore(t), err: errors.New("database down")}
	l := loader.New(s, 50*time.Millisecond, loader.Prefetching())
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 3)
	wg.Go(func() { _, errs[0] = l.Entity(ctx, "osce") })
	wg.Go(func() { _, errs[1] = l.Country(ctx, "US") })
	wg.Go(func() { _, errs[2] = l.Related(ctx, "osce", members, normgraph.PageArgs{First: 5}, 0, false, nil) })
	wg.Wait()
	for i, err := range errs {
		if !errors.Is(err, s.err) {
			t.Errorf("load %d: error %v, want %v", i, err, s.err)
		}
	}
}

// Direct loads call the store at once, never through Batch, cache what
// they got for the request, and do not cache a failure.
func TestDirectLoadsCacheAndRetry(t *testing.T) {
	s := &batchStore{countingStore: newStore(t)}
	// A window of an hour: a direct load that waited for it would hang the test.
	l := loader.New(s, time.Hour, loader.Direct())
	if !l.Direct() {
		t.Fatal("Direct() = false for loaders made with loader.Direct")
	}
	ctx := context.Background()
	page := normgraph.PageArgs{First: 5}

	s.fail = errors.New("store down")
	if _, err := l.Related(ctx, "osce", members, page, 0, false, nil); !errors.Is(err, s.fail) {
		t.Fatalf("Related with the store down: error %v, want %v", err, s.fail)
	}
	s.fail = nil
	first, err := l.Related(ctx, "osce", members, page, 0, false, nil)
	if err != nil || first == nil || len(first.Edges) != 5 {
		t.Fatalf("Related after the store came back = %+v, %v; want a page of 5", first, err)
	}
	again, err := l.Related(ctx, "osce", members, page, 0, false, nil)
	if err != nil || again != first {
		t.Errorf("second Related = %p, %v; want the cached page %p", again, err, first)
	}
	if n := s.related.Load(); n != 2 {
		t.Errorf("%d Related calls, want 2 (the failure, then one for both loads)", n)
	}

	ent, entErr := l.Entity(ctx, "osce")
	country, countryErr := l.Country(ctx, "US")
	node, nodeErr := l.Node(ctx, "src-fact-sheet")
	ents, entsErr := l.Entities(ctx, []string{"nato", "osce", "atlantis"})
	checkLookups(t, ent, entErr, country, countryErr, node, nodeErr)
	if entsErr != nil || len(ents) != 3 || ents[0].NodeID() != "nato" || ents[1] != ent || ents[2] != nil {
		t.Errorf("Entities(nato, osce, atlantis) = %v, %v; want nato, the cached osce, nil", ents, entsErr)
	}
	if len(s.batches) != 0 {
		t.Errorf("direct loads sent %d batches, want none", len(s.batches))
	}
	if loader.New(s, 0).Direct() {
		t.Error("Direct() = true without the option")
	}
	var none *loader.Loaders
	if none.Direct() {
		t.Error("Direct() = true on nil loaders")
	}
}

// Concurrent direct loads of one key give every caller the same value.
func TestDirectConcurrentLoadsAgree(t *testing.T) {
	l := loader.New(newStore(t), 0, loader.Direct())
	pages := make([]*normgraph.Page, 8)
	var wg sync.WaitGroup
	for i := range pages {
		wg.Go(func() {
			pages[i], _ = l.Related(context.Background(), "nato", members, normgraph.PageArgs{First: 3}, 0, false, nil)
		})
	}
	wg.Wait()
	for i, p := range pages {
		if p == nil || p != pages[0] {
			t.Fatalf("load %d got page %p, load 0 got %p: want one value per key", i, p, pages[0])
		}
	}
}

// A page is loaded apart for each set of fields its callers leave out, so
// that a page with fewer fields never answers a load that reads more; a
// page of no items is one load whatever its callers would leave out.
func TestRelatedKeyedByOmittedFields(t *testing.T) {
	s := &batchStore{countingStore: newStore(t)}
	l := loader.New(s, 50*time.Millisecond)
	ctx := context.Background()
	few := normgraph.AllPageFields
	some := normgraph.AllPageFields &^ normgraph.FieldISO2
	var wg sync.WaitGroup
	pages := make([]*normgraph.Page, 6)
	for i, omit := range []normgraph.PageFields{few, some, few, 0} {
		wg.Go(func() {
			var err error
			if pages[i], err = l.Related(ctx, "osce", members, normgraph.PageArgs{First: 5}, omit, false, nil); err != nil {
				t.Error(err)
			}
		})
	}
	for i, omit := range []normgraph.PageFields{few, 0} {
		wg.Go(func() {
			var err error
			if pages[4+i], err = l.Related(ctx, "osce", members, normgraph.PageArgs{First: 0}, omit, false, nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if len(s.batches) != 1 {
		t.Fatalf("%d batches, want 1", len(s.batches))
	}
	got := map[normgraph.PageFields]int{}
	for _, r := range s.batches[0].Related {
		if r.Page.First == 0 {
			if r.Omit != 0 {
				t.Errorf("a page of no items asks to leave out %#x", r.Omit)
			}
			got[1<<31]++
			continue
		}
		got[r.Omit]++
	}
	want := map[normgraph.PageFields]int{few: 1, some: 1, 0: 1, 1 << 31: 1}
	if len(got) != len(want) || got[few] != 1 || got[some] != 1 || got[0] != 1 || got[1<<31] != 1 {
		t.Errorf("related requests by fields left out %v, want one each of %v", got, want)
	}
	if pages[0] != pages[2] {
		t.Error("two loads leaving out the same fields got different pages")
	}
	if pages[4] != pages[5] {
		t.Error("two counts got different pages")
	}
}

// The sources of a lookup asked for ahead come in the lookup's batch, and
// reading them afterwards asks the store nothing more.
func TestAheadCitedPrimesSources(t *testing.T) {
	s := &batchStore{countingStore: newStore(t)}
	l := loader.New(s, 50*time.Millisecond, loader.Prefetching())
	ctx := context.Background()
	l.AheadCited(ctx, "military")
	e, err := l.Entity(ctx, "military")
	if err != nil || e == nil {
		t.Fatalf("Entity(military) = %v, %v", e, err)
	}
	ids := e.Base().SourceIDs
	srcs, err := l.Sources(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) < 2 || len(srcs) != len(ids) {
		t.Fatalf("%d sources for %v", len(srcs), ids)
	}
	for i, src := range srcs {
		if src.ID != ids[i] || src.Title == "" {
			t.Errorf("source %d: %+v, want %s with its title", i, src, ids[i])
		}
	}
	if len(s.batches) != 1 {
		t.Fatalf("%d batches, want 1: %+v", len(s.batches), s.batches)
	}
	if b := s.batches[0]; len(b.CitedBy) != 1 || b.CitedBy[0] != "military" || len(b.Entities) != 1 {
		t.Errorf("batch %+v: want the entity and its sources", b)
	}
}
