package server_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/normgraph/normgraph/internal/normgraph"
	"github.com/normgraph/normgraph/internal/server"
	"github.com/normgraph/normgraph/internal/store/memstore"
	"github.com/normgraph/normgraph/internal/store/storetest"
)

// countingStore counts the Store calls a request makes.
type countingStore struct {
	normgraph.Store
	mu    sync.Mutex
	calls map[string]int
}

func (c *countingStore) inc(m string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[m]++
}

func (c *countingStore) reset() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	got := c.calls
	c.calls = map[string]int{}
	return got
}

func (c *countingStore) Entities(ctx context.Context, ids []string) ([]normgraph.Entity, error) {
	c.inc("Entities")
	return c.Store.Entities(ctx, ids)
}

func (c *countingStore) Sources(ctx context.Context, ids []string) ([]*normgraph.Source, error) {
	c.inc("Sources")
	return c.Store.Sources(ctx, ids)
}

func (c *countingStore) List(ctx context.Context, k normgraph.EntityKind, f normgraph.Filter, p normgraph.PageArgs) (*normgraph.Page, error) {
	c.inc("List")
	return c.Store.List(ctx, k, f, p)
}

func (c *countingStore) Related(ctx context.Context, ids []string, t normgraph.Traversal, p normgraph.PageArgs) ([]*normgraph.Page, error) {
	c.inc("Related")
	return c.Store.Related(ctx, ids, t, p)
}

// TestBatching proves the dataloaders: a nested query makes one Store call per
// field per nesting level, whatever the number of parents at that level. The
// batching window is widened so that a busy test machine cannot make a level
// straggle past it; the production window trades that margin for latency.
func TestBatching(t *testing.T) {
	mem, err := memstore.New(storetest.Fixture())
	if err != nil {
		t.Fatal(err)
	}
	cs := &countingStore{Store: mem, calls: map[string]int{}}
	url := startServer(t, cs, server.Config{BatchWait: 50 * time.Millisecond})

	const q = `query($n: Int) {
	  fora(first: $n) { edges { node { id sources { id }
	    members(first: 10) { totalCount edges { node { id
	      memberships(first: 10) { edges { node { id priorities { id } } } } } } } } } } }`
	want := map[string]int{"List": 1, "Sources": 1, "Related": 3}
	for _, n := range []int{1, 2, 50} {
		cs.reset()
		data := query(t, url, q, map[string]any{"n": n})
		parents := len(data["fora"].(map[string]any)["edges"].([]any))
		got := cs.reset()
		for m, w := range want {
			if got[m] != w {
				t.Errorf("with %d fora: %s called %d times, want %d (all calls: %v)", parents, m, got[m], w, got)
			}
		}
		if n == 50 && parents < 3 {
			t.Fatalf("fixture has only %d fora: the test needs several parents per level", parents)
		}
	}
}
