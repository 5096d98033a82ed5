package systemtest_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/normgraph/normgraph/internal/dataset"
	"github.com/normgraph/normgraph/internal/normgraph"
	"github.com/normgraph/normgraph/internal/server"
	"github.com/normgraph/normgraph/internal/store/neo4jstore"
	"github.com/normgraph/normgraph/seed"
)

// moduleRoot is the repository root (where go.mod is): go test runs in the
// package directory, two levels below it.
func moduleRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found at %s: %v", root, err)
	}
	return root
}

// curated is the curated data compiled into the binary (seed/).
func curated(t testing.TB) *normgraph.Dataset {
	t.Helper()
	ds, err := dataset.Load(seed.FS)
	if err != nil {
		t.Fatalf("curated data: %v", err)
	}
	return ds
}

// neo4jRequired reports whether NORMGRAPH_REQUIRE_NEO4J asks Neo4j tests to
// fail rather than skip, with the same reading as neo4jstore.TestConfig.
func neo4jRequired() bool {
	v := os.Getenv("NORMGRAPH_REQUIRE_NEO4J")
	return v != "" && v != "0" && !strings.EqualFold(v, "false")
}

// seededNeo4j opens cfg's database, makes it hold the curated data and closes
// it when the test ends. The caller holds the server's test lock (TestConfig)
// or owns the server.
func seededNeo4j(t testing.TB, cfg neo4jstore.Config) *neo4jstore.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	s, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open Neo4j at %s: %v", cfg.URI, err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	rep, err := s.Seed(ctx, curated(t))
	if err != nil {
		t.Fatalf("seed Neo4j at %s: %v", cfg.URI, err)
	}
	t.Logf("seeded %s with the curated data: %d writes in %s", cfg.URI, rep.Writes, rep.Elapsed.Round(time.Millisecond))
	return s
}

// syncBuffer is an io.Writer that concurrent writers (a server's log, a
// child process's stderr) may share with a reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// jsonLines parses the JSON log lines written so far; other lines are skipped.
func (b *syncBuffer) jsonLines() []map[string]any {
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(b.String()))
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// startServer serves cfg (with its store) on a free loopback port until the
// test ends, and returns its base URL and its JSON log, from level up (Info
// includes the access log).
func startServer(t testing.TB, cfg server.Config, level zerolog.Level) (string, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	cfg.Logger = zerolog.New(logs).Level(level).With().Timestamp().Logger()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: server.New(cfg), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return "http://" + ln.Addr().String(), logs
}

// newClient is an HTTP client for loopback tests: no proxy, a request timeout
// far above anything a test asserts, so that a hung server fails a test
// instead of hanging it.
func newClient(timeout time.Duration) *http.Client {
	return &http.Client{
		Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 32, DisableCompression: true},
		Timeout:   timeout,
	}
}

// gqlError is one entry of a GraphQL response's errors.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

func (e gqlError) code() string {
	c, _ := e.Extensions["code"].(string)
	return c
}

// gqlResponse is a GraphQL response body.
type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// codes lists the errors' extensions.code values, for messages.
func (r gqlResponse) codes() []string {
	var cs []string
	for _, e := range r.Errors {
		cs = append(cs, e.code())
	}
	return cs
}

// ok reports whether the response has data and no errors.
func (r gqlResponse) ok() bool {
	return len(r.Errors) == 0 && len(r.Data) > 0 && string(r.Data) != "null"
}

// postGraphQL sends one GraphQL request and decodes the answer. err is set
// only when no HTTP response came back or its body is not a GraphQL response.
func postGraphQL(ctx context.Context, c *http.Client, url, query string, vars map[string]any) (int, gqlResponse, []byte, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return 0, gqlResponse{}, nil, err
	}
	return postBody(ctx, c, url, body, nil)
}

// postBody posts a ready-made GraphQL request body, with extra headers.
func postBody(ctx context.Context, c *http.Client, url string, body []byte, header http.Header) (int, gqlResponse, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/graphql", bytes.NewReader(body))
	if err != nil {
		return 0, gqlResponse{}, nil, err
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, gqlResponse{}, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, gqlResponse{}, b, fmt.Errorf("reading response: %w", err)
	}
	var r gqlResponse
	if err := json.Unmarshal(b, &r); err != nil {
		return resp.StatusCode, gqlResponse{}, b, fmt.Errorf("status %d, body is not a GraphQL response: %.300s", resp.StatusCode, b)
	}
	return resp.StatusCode, r, b, nil
}

// getStatus GETs url and returns the status code (0 and the error if none).
func getStatus(ctx context.Context, c *http.Client, url string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// childEnv is this process's environment without the variables drop
// matches, plus extra (NAME=value entries).
func childEnv(drop func(name string) bool, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if drop != nil && drop(name) {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}
