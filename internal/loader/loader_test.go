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
			pages[i], errs[i] = l.Related(context.Background(), f, ts[i%len(ts)], normgraph.PageArgs{First: 50})
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

	tests := []struct {
		name  string
		ts    []normgraph.Traversal
		calls int32
	}{
		{"same arguments: one call", []normgraph.Traversal{members}, 1},
		{"two sets of arguments: two calls", []normgraph.Traversal{members, asOf}, 2},
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
