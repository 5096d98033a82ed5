package neo4jstore_test

import (
	"context"
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
