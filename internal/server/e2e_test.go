package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/normgraph/normgraph/internal/dataset"
	"github.com/normgraph/normgraph/internal/normgraph"
	"github.com/normgraph/normgraph/internal/server"
	"github.com/normgraph/normgraph/internal/store/memstore"
	"github.com/normgraph/normgraph/internal/store/neo4jstore"
	"github.com/normgraph/normgraph/seed"
)

var update = flag.Bool("update", false, "rewrite the golden files from the embedded backend's answers")

// backend is a running server over one store, reached over real HTTP.
type backend struct {
	name string
	url  string
}

// startServer serves store on a free loopback port until the test ends,
// discarding the server's log.
func startServer(t testing.TB, store normgraph.Store, cfg server.Config) string {
	t.Helper()
	url, _ := startLogged(t, store, cfg)
	return url
}

func curated(t testing.TB) *normgraph.Dataset {
	t.Helper()
	ds, err := dataset.Load(seed.FS)
	if err != nil {
		t.Fatalf("curated data: %v", err)
	}
	return ds
}

// openBackend starts a server over the named backend holding ds: the
// embedded graph, or Neo4j seeded with ds. The Neo4j case skips only when no
// server is configured and NORMGRAPH_REQUIRE_NEO4J is unset.
func openBackend(t *testing.T, name string, ds *normgraph.Dataset) string {
	t.Helper()
	if name == "memstore" {
		mem, err := memstore.New(ds)
		if err != nil {
			t.Fatal(err)
		}
		return startServer(t, mem, server.Config{})
	}
	return startServer(t, seededNeo4j(t, ds), server.Config{})
}

// seededNeo4j opens the test Neo4j (skipping as neo4jstore.TestConfig does)
// and makes its graph equal to ds.
func seededNeo4j(t *testing.T, ds *normgraph.Dataset) *neo4jstore.Store {
	t.Helper()
	ctx := context.Background()
	neo, err := neo4jstore.Open(ctx, neo4jstore.TestConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = neo.Close(context.Background()) })
	if _, err := neo.Seed(ctx, ds); err != nil {
		t.Fatal(err)
	}
	return neo
}

var backendNames = []string{"memstore", "neo4j"}

type gqlResponse struct {
	Data   json.RawMessage  `json:"data"`
	Errors []map[string]any `json:"errors"`
}

func post(t testing.TB, url, query string, vars map[string]any) (int, []byte) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post(url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

func query(t testing.TB, url, q string, vars map[string]any) map[string]any {
	t.Helper()
	status, b := post(t, url, q, vars)
	var r struct {
		Data   map[string]any   `json:"data"`
		Errors []map[string]any `json:"errors"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("status %d, body %s: %v", status, b, err)
	}
	if len(r.Errors) > 0 || status != http.StatusOK {
		t.Fatalf("query failed (status %d): %s", status, b)
	}
	return r.Data
}

func pretty(t testing.TB, b []byte) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %s", b)
	}
	out, _ := json.MarshalIndent(v, "", "  ")
	return append(out, '\n')
}

// TestGolden runs every testdata/e2e/*.graphql query against each backend and
// compares the whole response with its golden .json file: the same questions
// give the same answers, in the same order, from every backend.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/e2e/*.graphql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no queries in testdata/e2e: %v", err)
	}
	ds := curated(t)
	for _, name := range backendNames {
		t.Run(name, func(t *testing.T) {
			b := backend{name: name, url: openBackend(t, name, ds)}
			for _, f := range files {
				name := strings.TrimSuffix(filepath.Base(f), ".graphql")
				t.Run(name, func(t *testing.T) {
					q, err := os.ReadFile(f)
					if err != nil {
						t.Fatal(err)
					}
					_, body := post(t, b.url, string(q), nil)
					got := pretty(t, body)
					golden := strings.TrimSuffix(f, ".graphql") + ".json"
					if *update && b.name == "memstore" {
						if err := os.WriteFile(golden, got, 0o644); err != nil {
							t.Fatal(err)
						}
					}
					want, err := os.ReadFile(golden)
					if err != nil {
						t.Fatalf("%v (run with -update to create it)", err)
					}
					if !bytes.Equal(got, want) {
						t.Errorf("%s answered differently from %s:\n got: %s\nwant: %s", b.name, golden, got, want)
					}
				})
			}
		})
	}
}
