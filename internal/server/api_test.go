package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/normgraph/normgraph/internal/normgraph"
	"github.com/normgraph/normgraph/internal/server"
	"github.com/normgraph/normgraph/internal/store/memstore"
	"github.com/normgraph/normgraph/internal/store/storetest"
)

func fixtureServer(t *testing.T, wrap func(normgraph.Store) normgraph.Store) string {
	t.Helper()
	mem, err := memstore.New(storetest.Fixture())
	if err != nil {
		t.Fatal(err)
	}
	var s normgraph.Store = mem
	if wrap != nil {
		s = wrap(mem)
	}
	return startServer(t, s, server.Config{})
}

type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

func errorsOf(t *testing.T, body []byte) []gqlError {
	t.Helper()
	var r struct {
		Errors []gqlError `json:"errors"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("not a GraphQL response: %s", body)
	}
	return r.Errors
}

func TestErrorCodes(t *testing.T) {
	url := fixtureServer(t, nil)
	tests := []struct {
		name, query, code, msg string
	}{
		{"first over the cap", `{ countries(first: 100000) { totalCount } }`, "BAD_USER_INPUT", "first: must be between 0 and 500"},
		{"negative first", `{ norms(first: -1) { totalCount } }`, "BAD_USER_INPUT", "first: must be between 0 and 500"},
		{"bogus cursor", `{ countries(after: "bogus") { totalCount } }`, "BAD_USER_INPUT", "not a cursor"},
		{"bad date", `{ forum(id: "g7") { members(asOf: "2020-13-01") { totalCount } } }`, "BAD_USER_INPUT", "2020-13-01"},
		{"bad maxHops", `{ path(from: "usa", to: "economy", maxHops: 99) { length } }`, "BAD_USER_INPUT", "maxHops"},
		{"bad depth", `{ neighborhood(id: "usa", depth: 0) { truncated } }`, "BAD_USER_INPUT", "depth"},
		{"unknown field", `{ nope }`, "GRAPHQL_VALIDATION_FAILED", "nope"},
		{"syntax error", `{ countries(`, "GRAPHQL_PARSE_FAILED", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, body := post(t, url, tc.query, nil)
			errs := errorsOf(t, body)
			if len(errs) == 0 {
				t.Fatalf("no error: %s", body)
			}
			if got := errs[0].Extensions["code"]; got != tc.code {
				t.Errorf("code = %v, want %s (%s)", got, tc.code, body)
			}
			if !strings.Contains(errs[0].Message, tc.msg) {
				t.Errorf("message %q does not contain %q", errs[0].Message, tc.msg)
			}
		})
	}
}

// failingStore makes Stats fail in a chosen way.
type failingStore struct {
	normgraph.Store
	fail func() (*normgraph.Stats, error)
}

func (f failingStore) Stats(context.Context) (*normgraph.Stats, error) { return f.fail() }

func TestStoreFailures(t *testing.T) {
	tests := []struct {
		name string
		fail func() (*normgraph.Stats, error)
		code string
		msg  string
	}{
		{"internal", func() (*normgraph.Stats, error) {
			return nil, errors.New("neo4jstore: secret detail at bolt://10.0.0.1")
		}, "INTERNAL", "internal error"},
		{"panic", func() (*normgraph.Stats, error) { panic("boom with secret") }, "INTERNAL", "internal error"},
		{"unavailable", func() (*normgraph.Stats, error) {
			return nil, fmt.Errorf("stats: %w", normgraph.Errorf(normgraph.EUNAVAILABLE, "database unavailable"))
		}, "DATABASE_UNAVAILABLE", "database unavailable"},
		{"timeout", func() (*normgraph.Stats, error) {
			return nil, fmt.Errorf("stats: %w", context.DeadlineExceeded)
		}, "TIMEOUT", "request timed out"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			url := fixtureServer(t, func(s normgraph.Store) normgraph.Store { return failingStore{s, tc.fail} })
			_, body := post(t, url, `{ stats { entities } }`, nil)
			errs := errorsOf(t, body)
			if len(errs) != 1 || errs[0].Extensions["code"] != tc.code || errs[0].Message != tc.msg {
				t.Fatalf("got %s, want code %s message %q", body, tc.code, tc.msg)
			}
			if strings.Contains(string(body), "secret") {
				t.Errorf("internal details leaked: %s", body)
			}
		})
	}
}

func TestHTTP(t *testing.T) {
	base := fixtureServer(t, nil)

	t.Run("GET query", func(t *testing.T) {
		resp, err := http.Get(base + "/graphql?query=" + url.QueryEscape(`{ priority(id: "economy") { order } }`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r struct {
			Data struct {
				Priority struct{ Order int }
			}
		}
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || r.Data.Priority.Order != 1 {
			t.Fatalf("status %d, order %d, err %v", resp.StatusCode, r.Data.Priority.Order, err)
		}
		if resp.Header.Get("X-Request-Id") == "" {
			t.Error("no X-Request-Id on the response")
		}
	})

	t.Run("request id echoed", func(t *testing.T) {
		req, _ := http.NewRequest("GET", base+"/livez", nil)
		req.Header.Set("X-Request-Id", "abc123")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("X-Request-Id"); got != "abc123" {
			t.Errorf("X-Request-Id = %q", got)
		}
	})

	t.Run("body over 1 MiB", func(t *testing.T) {
		big := `{"query": "{ stats { entities } }", "pad": "` + strings.Repeat("x", 2<<20) + `"}`
		resp, err := http.Post(base+"/graphql", "application/json", strings.NewReader(big))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d, want 413", resp.StatusCode)
		}
	})

	for path, want := range map[string]int{"/livez": 200, "/readyz": 200} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}

// downStore fails Ping, as a store whose database is unreachable does.
type downStore struct{ normgraph.Store }

func (downStore) Ping(context.Context) error {
	return normgraph.Errorf(normgraph.EUNAVAILABLE, "database unavailable")
}

func TestReadyzWhenStoreDown(t *testing.T) {
	base := fixtureServer(t, func(s normgraph.Store) normgraph.Store { return downStore{s} })
	for path, want := range map[string]int{"/livez": 200, "/readyz": 503} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}

// TestPagingVisitsEveryCountryOnce walks countries two at a time.
func TestPagingVisitsEveryCountryOnce(t *testing.T) {
	base := fixtureServer(t, nil)
	const q = `query($after: String) { countries(first: 2, after: $after) {
	  totalCount pageInfo { hasNextPage endCursor } edges { node { id name } } } }`
	var after any
	seen := map[string]bool{}
	var names []string
	total := -1
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("paging does not end")
		}
		c := query(t, base, q, map[string]any{"after": after})["countries"].(map[string]any)
		total = int(c["totalCount"].(float64))
		for _, e := range c["edges"].([]any) {
			n := e.(map[string]any)["node"].(map[string]any)
			id := n["id"].(string)
			if seen[id] {
				t.Fatalf("%s visited twice", id)
			}
			seen[id] = true
			names = append(names, n["name"].(string))
		}
		pi := c["pageInfo"].(map[string]any)
		if !pi["hasNextPage"].(bool) {
			break
		}
		after = pi["endCursor"]
	}
	if len(seen) != total {
		t.Errorf("visited %d countries, totalCount %d", len(seen), total)
	}
	for i := 1; i < len(names); i++ {
		if names[i-1] > names[i] {
			t.Errorf("not ordered by name: %q before %q", names[i-1], names[i])
		}
	}
}
