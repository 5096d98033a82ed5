package neo4jstore_test

import (
	"context"
	"runtime"
	"testing"

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

// MaxConnections reaches the driver's pool, whose size the metrics report;
// zero picks DefaultMaxConnections, or the driver's 100 where that is 0.
func TestMaxConnections(t *testing.T) {
	auto := neo4jstore.DefaultMaxConnections(neo4jstore.TestConfig(t).URI)
	if auto == 0 {
		auto = 100
	}
	for _, c := range []struct{ set, want int }{{0, auto}, {4, 4}, {7, 7}} {
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

func TestDefaultMaxConnections(t *testing.T) {
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
		if got := neo4jstore.DefaultMaxConnections(uri); got != want {
			t.Errorf("DefaultMaxConnections(%q) = %d, want %d", uri, got, want)
		}
	}
}
