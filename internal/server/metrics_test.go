package server_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/normgraph/normgraph/internal/normgraph"
	"github.com/normgraph/normgraph/internal/server"
)

// scrape reads /metrics into series (name{labels}) -> value.
func scrape(t *testing.T, base string) map[string]float64 {
	t.Helper()
	r := send(t, http.MethodGet, base+"/metrics", "")
	if r.status != http.StatusOK {
		t.Fatalf("/metrics: %d", r.status)
	}
	out := map[string]float64{}
	for _, line := range strings.Split(string(r.body), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("bad metrics line %q", line)
		}
		out[line[:i]] = v
	}
	return out
}

// series lists the label sets of one metric, as `{a="x",b="y"}` strings.
func series(m map[string]float64, name string) []string {
	var out []string
	for k := range m {
		if rest, ok := strings.CutPrefix(k, name+"{"); ok {
			out = append(out, "{"+rest)
		}
	}
	return out
}

func TestMetricsPerOperation(t *testing.T) {
	// A batching window, so that the three fora's members are one Store call
	// however the goroutines are scheduled (the embedded graph has none by default).
	base := startServer(t, fixtureStore(t), server.Config{BatchWait: 50 * time.Millisecond})
	query(t, base, `query Fora { fora(first: 3) { edges { node { id members(first: 2) { totalCount } } } } }`, nil)
	query(t, base, `query Fora { fora(first: 1) { totalCount } }`, nil)
	query(t, base, `query Stats { stats { entities } }`, nil)
	query(t, base, `{ __typename }`, nil)
	postJSON(t, base, map[string]any{"query": "query Broken {", "operationName": "Broken"})
	postJSON(t, base, map[string]any{"query": "{", "operationName": "no spaces allowed"})
	send(t, http.MethodGet, base+"/readyz", "")
	send(t, http.MethodGet, base+"/no/such/path", "")

	m := scrape(t, base)
	for k, want := range map[string]float64{
		`normgraph_graphql_request_duration_seconds_count{operation="Fora"}`:            2,
		`normgraph_graphql_request_duration_seconds_count{operation="Stats"}`:           1,
		`normgraph_graphql_request_duration_seconds_bucket{operation="Fora",le="+Inf"}`: 2,
		`normgraph_graphql_requests_total{operation="Fora",outcome="ok"}`:               2,
		`normgraph_graphql_requests_total{operation="Stats",outcome="ok"}`:              1,
		`normgraph_graphql_requests_total{operation="anonymous",outcome="ok"}`:          1,
		`normgraph_graphql_requests_total{operation="Broken",outcome="rejected"}`:       1,
		`normgraph_graphql_requests_total{operation="invalid",outcome="rejected"}`:      1,
		`normgraph_graphql_errors_total{code="GRAPHQL_PARSE_FAILED"}`:                   2,
		`normgraph_http_requests_total{path="/graphql",status="200"}`:                   6,
		`normgraph_http_requests_total{path="/readyz",status="200"}`:                    1,
		`normgraph_http_requests_total{path="unmatched",status="404"}`:                  1,
		`normgraph_store_calls_total{method="List",outcome="ok"}`:                       2,
		`normgraph_store_calls_total{method="Related",outcome="ok"}`:                    1,
		`normgraph_store_calls_total{method="Stats",outcome="ok"}`:                      1,
		`normgraph_store_calls_total{method="Ping",outcome="ok"}`:                       1,
		`normgraph_store_call_duration_seconds_count{method="List"}`:                    2,
		`normgraph_graphql_in_flight_requests`:                                          0,
	} {
		if got, ok := m[k]; !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, want)
		}
	}
	for _, k := range []string{"go_goroutines", "process_cpu_seconds_total", `normgraph_store_call_duration_seconds_count{method="ShortestPath"}`} {
		if _, ok := m[k]; !ok {
			t.Errorf("%s missing", k)
		}
	}
	for k := range m {
		if strings.Contains(k, "fora(") || strings.Contains(k, "stats {") {
			t.Errorf("query text leaked into a label: %s", k)
		}
	}
	if _, ok := m[`normgraph_neo4j_pool_max_connections`]; ok {
		t.Error("pool metrics from a store without a pool")
	}
}

// TestMetricsOperationCardinality: clients choose operation names, so the
// metrics keep at most 200 of them and fold the rest into "other".
func TestMetricsOperationCardinality(t *testing.T) {
	base := startServer(t, fixtureStore(t), server.Config{})
	const extra = 5
	for i := range 200 + extra {
		query(t, base, fmt.Sprintf("query Op%d { __typename }", i), nil)
	}
	query(t, base, "query Op0 { __typename }", nil) // already known: still counted as itself
	query(t, base, "query "+strings.Repeat("x", 65)+" { __typename }", nil)

	m := scrape(t, base)
	names := map[string]bool{}
	re := regexp.MustCompile(`operation="([^"]*)"`)
	for _, s := range series(m, "normgraph_graphql_requests_total") {
		names[re.FindStringSubmatch(s)[1]] = true
	}
	if len(names) != 200+2 { // 200 names, other, invalid
		t.Errorf("%d distinct operation labels, want 202", len(names))
	}
	for k, want := range map[string]float64{
		`normgraph_graphql_requests_total{operation="other",outcome="ok"}`:   extra,
		`normgraph_graphql_requests_total{operation="invalid",outcome="ok"}`: 1,
		`normgraph_graphql_requests_total{operation="Op0",outcome="ok"}`:     2,
		`normgraph_graphql_requests_total{operation="Op199",outcome="ok"}`:   1,
	} {
		if m[k] != want {
			t.Errorf("%s = %v, want %v", k, m[k], want)
		}
	}
	if _, ok := m[`normgraph_graphql_requests_total{operation="Op200",outcome="ok"}`]; ok {
		t.Error("the 201st name got a series of its own")
	}
}

// TestStoreMetricsEveryMethod reaches every Store method through the API and
// sees each counted.
func TestStoreMetricsEveryMethod(t *testing.T) {
	base := startServer(t, fixtureStore(t), server.Config{})
	query(t, base, `{
	  node(id: "economy") { id }
	  country(id: "US") { id }
	  countries(first: 1) { edges { node { id sources { id } memberships(first: 1) { totalCount } } } }
	  sources(first: 1) { totalCount }
	  search(query: "cyber") { score }
	  path(from: "usa", to: "economy") { length }
	  neighborhood(id: "usa") { truncated }
	  subgraph(limit: 5) { truncated }
	  stats { entities }
	}`, nil)
	send(t, http.MethodGet, base+"/readyz", "")
	m := scrape(t, base)
	for _, method := range []string{"Entities", "Sources", "CountriesByCode", "List", "ListSources", "Related",
		"Search", "ShortestPath", "Neighborhood", "Subgraph", "Stats", "Ping"} {
		if m[fmt.Sprintf(`normgraph_store_calls_total{method=%q,outcome="ok"}`, method)] < 1 {
			t.Errorf("%s was not counted", method)
		}
	}
}

// poolStore reports pool figures as a store with a connection pool does.
type poolStore struct {
	normgraph.Store
	inUse, idle, max int
}

func (p poolStore) PoolStats() (inUse, idle, max int) { return p.inUse, p.idle, p.max }

var _ server.PoolStatser = poolStore{}

func TestMetricsPool(t *testing.T) {
	base := startServer(t, poolStore{fixtureStore(t), 3, 7, 100}, server.Config{})
	m := scrape(t, base)
	for k, want := range map[string]float64{
		`normgraph_neo4j_pool_connections{state="in_use"}`: 3,
		`normgraph_neo4j_pool_connections{state="idle"}`:   7,
		`normgraph_neo4j_pool_max_connections`:             100,
	} {
		if got, ok := m[k]; !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, want)
		}
	}

	// Figures the store cannot know are left out, not reported as zero.
	m = scrape(t, startServer(t, poolStore{fixtureStore(t), -1, -1, 100}, server.Config{}))
	if _, ok := m[`normgraph_neo4j_pool_connections{state="in_use"}`]; ok {
		t.Error("an unknown in-use count was reported")
	}
	if m[`normgraph_neo4j_pool_max_connections`] != 100 {
		t.Error("the known maximum was not reported")
	}
}

// readStore reports a read bound as the Neo4j store does.
type readStore struct {
	normgraph.Store
	waiting, max int
}

func (r readStore) ReadStats() (waiting, max int) { return r.waiting, r.max }

var _ server.ReadStatser = readStore{}

func TestMetricsReads(t *testing.T) {
	m := scrape(t, startServer(t, readStore{fixtureStore(t), 5, 4}, server.Config{}))
	for k, want := range map[string]float64{
		`normgraph_neo4j_reads_waiting`: 5,
		`normgraph_neo4j_reads_max`:     4,
	} {
		if got, ok := m[k]; !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, want)
		}
	}
	// A store without a bound on reads reports none of it.
	m = scrape(t, startServer(t, fixtureStore(t), server.Config{}))
	if _, ok := m[`normgraph_neo4j_reads_max`]; ok {
		t.Error("a store without ReadStats reported a read bound")
	}
}

// TestStoreMetricsOutcome: failing store calls are counted by what failed.
func TestStoreMetricsOutcome(t *testing.T) {
	fail := func() (*normgraph.Stats, error) {
		return nil, fmt.Errorf("stats: %w", normgraph.Errorf(normgraph.EUNAVAILABLE, "database unavailable"))
	}
	base := startServer(t, failingStore{fixtureStore(t), fail}, server.Config{})
	postJSON(t, base, map[string]any{"query": "query S { stats { entities } }"})
	m := scrape(t, base)
	for k, want := range map[string]float64{
		`normgraph_store_calls_total{method="Stats",outcome="unavailable"}`: 1,
		`normgraph_graphql_requests_total{operation="S",outcome="error"}`:   1,
		`normgraph_graphql_errors_total{code="DATABASE_UNAVAILABLE"}`:       1,
	} {
		if m[k] != want {
			t.Errorf("%s = %v, want %v", k, m[k], want)
		}
	}
}
