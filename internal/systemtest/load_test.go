package systemtest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/normgraph/normgraph/bench"
	"github.com/normgraph/normgraph/internal/loadgen"
	"github.com/normgraph/normgraph/internal/normgraph"
	"github.com/normgraph/normgraph/internal/server"
	"github.com/normgraph/normgraph/internal/store/memstore"
	"github.com/normgraph/normgraph/internal/store/neo4jstore"
)

const (
	loadConcurrency = 8
	loadDuration    = 5 * time.Second
	loadWarmup      = 500 * time.Millisecond
)

// TestLoad proves that a bounded, realistic load is served without a single
// error by each backend: the server (server.New with default limits, over
// real loopback HTTP) gets the analyst mix of `normgraph bench`
// (internal/loadgen replaying bench/queries) from loadConcurrency clients for
// loadDuration, and every request must succeed. It asserts no latency: the
// throughput and percentile table is logged for humans, not checked, since
// timings on a shared CI machine prove nothing.
func TestLoad(t *testing.T) {
	suite, err := loadgen.LoadSuite(bench.Queries())
	if err != nil {
		t.Fatal(err)
	}
	mix, err := suite.Mix("analyst")
	if err != nil {
		t.Fatal(err)
	}
	for _, backend := range []string{"memstore", "neo4j"} {
		t.Run(backend, func(t *testing.T) {
			var store normgraph.Store
			if backend == "memstore" {
				if store, err = memstore.New(curated(t)); err != nil {
					t.Fatal(err)
				}
			} else {
				store = seededNeo4j(t, neo4jstore.TestConfig(t))
			}
			// Zero Limits are the defaults (server.DefaultLimits).
			url, logs := startServer(t, server.Config{Store: store}, zerolog.WarnLevel)
			ctx, cancel := context.WithTimeout(context.Background(), loadWarmup+loadDuration+2*time.Minute)
			defer cancel()
			rep, err := loadgen.Run(ctx, loadgen.Config{
				URL:            url + "/graphql",
				Mix:            mix,
				Concurrency:    loadConcurrency,
				Duration:       loadDuration,
				Warmup:         loadWarmup,
				Seed:           1,
				RequestTimeout: time.Minute,
			})
			if err != nil {
				t.Fatal(err)
			}
			var table strings.Builder
			if err := rep.WriteTable(&table); err != nil {
				t.Fatal(err)
			}
			t.Logf("%s backend, default limits:\n%s", backend, table.String())
			if rep.Interrupted {
				t.Errorf("the run was interrupted")
			}
			if rep.Total.Requests == 0 {
				t.Errorf("no requests measured")
			}
			if rep.Total.Errors > 0 {
				t.Errorf("%d of %d requests failed (samples in the table above); server warnings:\n%s",
					rep.Total.Errors, rep.Total.Requests, tail(logs.String(), 20))
			}
		})
	}
}
