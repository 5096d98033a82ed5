package neo4jstore_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/normgraph/normgraph/internal/normgraph"
	"github.com/normgraph/normgraph/internal/store/neo4jstore"
	"github.com/normgraph/normgraph/internal/store/storetest"
)

// TestContract runs the backend-independent contract suite against a graph
// seeded with its fixture: the same answers, in the same order, as memstore.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, ds *normgraph.Dataset) normgraph.Store {
		s := openStore(t)
		seed(t, s, ds)
		return s
	})
}

// The contract fixture, seeded, is exactly the dataset, by every measure.
func TestSeedContractFixture(t *testing.T) {
	s := openStore(t)
	ds := storetest.Fixture()
	seed(t, s, ds)
	checkEqual(t, s, ds)
	if rep := seed(t, s, ds); rep.Writes != 0 {
		t.Errorf("reseed wrote %d", rep.Writes)
	}
}

// MaxConnections reaches the driver's pool, whose size the metrics report.
func TestMaxConnections(t *testing.T) {
	for _, c := range []struct{ set, want int }{{0, 100}, {4, 4}} {
		cfg := neo4jstore.TestConfig(t)
		cfg.MaxConnections = c.set
		s, err := neo4jstore.Open(context.Background(), cfg)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if _, _, size := s.PoolStats(); size != c.want {
			t.Errorf("MaxConnections %d: pool of %d, want %d", c.set, size, c.want)
		}
		s.Close(context.Background())
	}
}

// MaxReads bounds the reads in flight: zero picks DefaultMaxReads, a
// negative value none; never more than a pool of MaxConnections, so that
// reads never wait in the pool.
func TestMaxReads(t *testing.T) {
	auto := neo4jstore.DefaultMaxReads(neo4jstore.TestConfig(t).URI)
	for _, c := range []struct{ set, pool, want int }{
		{0, 0, auto}, {-1, 0, 0}, {3, 0, 3},
		{0, 2, min(auto, 2)}, {-1, 3, 3}, {5, 3, 3}, {2, 3, 2},
	} {
		cfg := neo4jstore.TestConfig(t)
		cfg.MaxReads, cfg.MaxConnections = c.set, c.pool
		s, err := neo4jstore.Open(context.Background(), cfg)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if _, got := s.ReadStats(); got != c.want {
			t.Errorf("MaxReads %d, MaxConnections %d: bound %d, want %d", c.set, c.pool, got, c.want)
		}
		s.Close(context.Background())
	}
}

func TestDefaultMaxReads(t *testing.T) {
	local := max(4, 2*runtime.GOMAXPROCS(0))
	for uri, want := range map[string]int{
		"bolt://127.0.0.1:7687":              local,
		"neo4j://localhost:7687":             local,
		"bolt://[::1]:7687":                  local,
		"bolt://127.0.0.2":                   local,
		"neo4j+s://abc123.databases.example": 0,
		"bolt://10.0.0.5:7687":               0,
		"bolt://localhost.example.com":       0,
		"::not a uri":                        0,
	} {
		if got := neo4jstore.DefaultMaxReads(uri); got != want {
			t.Errorf("DefaultMaxReads(%q) = %d, want %d", uri, got, want)
		}
	}
}

// With more concurrent readers than the bound, every read answers, and no
// more than the bound are in flight at once.
func TestMaxReadsBound(t *testing.T) {
	cfg := neo4jstore.TestConfig(t)
	cfg.MaxReads = 2
	s := openStoreWith(t, cfg)
	ds := storetest.Fixture()
	seed(t, s, ds)
	ids := make([]string, 0, len(ds.Entities))
	for _, e := range ds.Entities {
		ids = append(ids, e.Base().ID)
	}

	stop := make(chan struct{})
	peak := make(chan int)
	go func() {
		high := 0
		for {
			select {
			case <-stop:
				peak <- high
				return
			default:
			}
			if n, _, _ := s.PoolStats(); n > high {
				high = n
			}
			time.Sleep(100 * time.Microsecond)
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := range 16 {
		wg.Go(func() {
			for i := range 10 {
				id := ids[(w*10+i)%len(ids)]
				got, err := s.Entities(context.Background(), []string{id})
				if err != nil {
					errs <- err
					return
				}
				if len(got) != 1 || got[0] == nil || got[0].Base().ID != id {
					errs <- fmt.Errorf("Entities(%q) = %v", id, got)
					return
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	high := <-peak
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("peak reads in flight: %d", high)
	if high > 2 {
		t.Errorf("%d reads in flight at once, want at most MaxReads = 2", high)
	}
}
