package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/normgraph/normgraph/internal/normgraph"
	"github.com/normgraph/normgraph/internal/server"
	"github.com/normgraph/normgraph/internal/store/memstore"
	"github.com/normgraph/normgraph/internal/store/storetest"
)

// fixtureStore is the in-memory store over the contract suite's fixture.
func fixtureStore(t testing.TB) normgraph.Store {
	t.Helper()
	mem, err := memstore.New(storetest.Fixture())
	if err != nil {
		t.Fatal(err)
	}
	return mem
}

// logBuffer collects log lines from concurrent requests.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns the JSON log lines written so far.
func (b *logBuffer) lines(t testing.TB) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %s", l)
		}
		out = append(out, m)
	}
	return out
}

// startLogged is startServer with the server's log kept for inspection.
func startLogged(t testing.TB, store normgraph.Store, cfg server.Config) (string, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	cfg.Store = store
	cfg.Logger = zerolog.New(logs)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: server.New(cfg), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return "http://" + ln.Addr().String(), logs
}

// reply is one HTTP response, read in full.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// send makes one request; headers are name, value pairs.
func send(t testing.TB, method, url string, body string, headers ...string) reply {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{resp.StatusCode, resp.Header, b}
}

// postJSON posts a GraphQL request body built from v.
func postJSON(t testing.TB, url string, v any, headers ...string) reply {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return send(t, http.MethodPost, url+"/graphql", string(b), append([]string{"Content-Type", "application/json"}, headers...)...)
}

// decoded is a GraphQL response with the presence of data kept apart from
// its being null.
type decoded struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
	raw    map[string]json.RawMessage
}

func decode(t testing.TB, r reply) decoded {
	t.Helper()
	var d decoded
	if err := json.Unmarshal(r.body, &d); err != nil {
		t.Fatalf("status %d: not a GraphQL response: %s", r.status, r.body)
	}
	_ = json.Unmarshal(r.body, &d.raw)
	return d
}

// hasData says whether the response has a data entry at all.
func (d decoded) hasData() bool {
	_, ok := d.raw["data"]
	return ok
}

// onlyError insists on exactly one error and returns it.
func (d decoded) onlyError(t testing.TB) gqlError {
	t.Helper()
	if len(d.Errors) != 1 {
		t.Fatalf("want one error, got %d: %+v", len(d.Errors), d.Errors)
	}
	return d.Errors[0]
}

// readerOnly hides a reader's length so that the client sends it chunked.
type readerOnly struct{ io.Reader }

func (readerOnly) Close() error { return nil }

func readAll(t testing.TB, resp *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
