package neo4jstore_test

import (
	"testing"

	"github.com/normgraph/normgraph/internal/normgraph"
	"github.com/normgraph/normgraph/internal/store/neo4jstore"
	"github.com/normgraph/normgraph/internal/store/storetest"
)

// TestContractHubWalk runs the contract suite with every related page that
// has a single far kind taken by walking that kind's sortKey index (the
// path hub parents of the 1M set take): it must give the answers the
// sorting path gives, cursors, filters, asOf and totals included.
func TestContractHubWalk(t *testing.T) {
	neo4jstore.WalkEveryHub(t)
	storetest.Run(t, func(t *testing.T, ds *normgraph.Dataset) normgraph.Store {
		s := openStore(t)
		seed(t, s, ds)
		return s
	})
}
