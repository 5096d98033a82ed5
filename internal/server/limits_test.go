package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/normgraph/normgraph/internal/normgraph"
	"github.com/normgraph/normgraph/internal/server"
)

// deepQuery nests priorities > fora > edges > node > priorities ... until
// the field chain is depth deep.
func deepQuery(depth int) string {
	var open, close strings.Builder
	cycle := []string{"priorities", "fora", "edges", "node"}
	for i := 0; i < depth-1; i++ {
		open.WriteString(cycle[i%len(cycle)] + " { ")
		close.WriteString(" }")
	}
	return "{ " + open.String() + "id" + close.String() + " }"
}

// aliasQuery asks for __typename n times under distinct aliases.
func aliasQuery(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " a%d: __typename", i)
	}
	b.WriteString(" }")
	return b.String()
}

// TestQueryLimitRejections checks that every query limit rejects with
// QUERY_TOO_COMPLEX, an extensions.limit naming the limit, a message
// stating its value, and no data; the request never reaches the store.
func TestQueryLimitRejections(t *testing.T) {
	var rootFields strings.Builder
	for range 21 {
		rootFields.WriteString(" stats { entities }")
	}
	tests := []struct {
		name   string
		limits server.Limits
		query  string
		limit  string
		msg    string
	}{
		{"50-level query", server.Limits{}, deepQuery(50), "max-depth", "query depth 50 exceeds the limit of 15"},
		{"10,000 aliases hit the token limit first", server.Limits{}, aliasQuery(10_000), "max-tokens", "token limit of 15000"},
		{"10,000 aliases", server.Limits{MaxTokens: 100_000}, aliasQuery(10_000), "max-aliases", "10000 aliases, more than the limit of 50"},
		{"root fields", server.Limits{}, "{" + rootFields.String() + " }", "max-root-fields", "21 root fields, more than the limit of 20"},
		{"complexity", server.Limits{}, `{ countries(first: 500) { edges { node { memberships(first: 500) { edges { node {
			members(first: 500) { totalCount } } } } } } } }`, "max-complexity", "exceeds the limit of 100000"},
		{"tokens", server.Limits{MaxTokens: 20}, `{ countries(first: 5) { edges { node { id name iso2 iso3 region } } } }`, "max-tokens", "token limit of 20"},
		{"fragment bomb", server.Limits{MaxDepth: 1000, MaxTokens: 100_000}, fragmentBomb(), "max-selections", "more than 100000 selections"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cs := &countingStore{Store: fixtureStore(t), calls: map[string]int{}}
			url := startServer(t, cs, server.Config{Limits: tc.limits})
			for _, accept := range []string{"application/json", "application/graphql-response+json"} {
				r := postJSON(t, url, map[string]any{"query": tc.query}, "Accept", accept)
				d := decode(t, r)
				e := d.onlyError(t)
				if e.Extensions["code"] != server.CodeQueryTooComplex || e.Extensions["limit"] != tc.limit {
					t.Errorf("%s: extensions %v, want code %s limit %s", accept, e.Extensions, server.CodeQueryTooComplex, tc.limit)
				}
				if !strings.Contains(e.Message, tc.msg) || !strings.Contains(e.Message, tc.limit) {
					t.Errorf("%s: message %q does not name the limit (%q, %s)", accept, e.Message, tc.msg, tc.limit)
				}
				if d.hasData() {
					t.Errorf("%s: a rejected request has a data entry: %s", accept, r.body)
				}
				wantStatus := map[string]int{"application/json": 200, "application/graphql-response+json": 400}[accept]
				if r.status != wantStatus {
					t.Errorf("%s: status %d, want %d", accept, r.status, wantStatus)
				}
			}
			if got := cs.reset(); len(got) != 0 {
				t.Errorf("a rejected query reached the store: %v", got)
			}
		})
	}
}

// fragmentBomb doubles its selections at each of 20 fragment levels.
func fragmentBomb() string {
	var b strings.Builder
	b.WriteString("{ ...F0 }\n")
	for i := range 20 {
		fmt.Fprintf(&b, "fragment F%d on Query { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	b.WriteString("fragment F20 on Query { __typename }\n")
	return b.String()
}

// TestArgumentRejections: the caps that apply to arguments fail their field
// with BAD_USER_INPUT and a message naming the bound. They are field errors:
// the operation ran, so the response has a data entry (null here, as the
// connection fields are non-null) and status 200 under either media type.
func TestArgumentRejections(t *testing.T) {
	url := startServer(t, fixtureStore(t), server.Config{})
	for _, tc := range []struct{ name, query, msg string }{
		{"first cap", `{ stats { entities } countries(first: 501) { totalCount } }`, "first: must be between 0 and 500, got 501"},
		{"bogus cursor", `{ stats { entities } countries(after: "bogus") { totalCount } }`, `after: "bogus" is not a cursor`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := postJSON(t, url, map[string]any{"query": tc.query}, "Accept", "application/graphql-response+json")
			d := decode(t, r)
			e := d.onlyError(t)
			if e.Extensions["code"] != server.CodeBadUserInput || !strings.Contains(e.Message, tc.msg) {
				t.Errorf("got %+v, want BAD_USER_INPUT with %q", e, tc.msg)
			}
			if !d.hasData() || r.status != http.StatusOK {
				t.Errorf("status %d, body %s: want 200 with a data entry", r.status, r.body)
			}
		})
	}
}

func TestBodyTooLarge(t *testing.T) {
	url := startServer(t, fixtureStore(t), server.Config{Limits: server.Limits{MaxBodyBytes: 1000}})
	for name, chunked := range map[string]bool{"with Content-Length": false, "chunked": true} {
		t.Run(name, func(t *testing.T) {
			body := `{"query": "{ stats { entities } }", "pad": "` + strings.Repeat("x", 2000) + `"}`
			req, _ := http.NewRequest(http.MethodPost, url+"/graphql", strings.NewReader(body))
			if chunked {
				req.ContentLength = -1
				req.Body = readerOnly{strings.NewReader(body)}
			}
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var r reply
			r.status = resp.StatusCode
			r.body = readAll(t, resp)
			e := decode(t, r).onlyError(t)
			if r.status != http.StatusRequestEntityTooLarge || e.Extensions["code"] != server.CodeRequestTooLarge ||
				e.Extensions["limit"] != "max-body-bytes" ||
				!strings.Contains(e.Message, "the limit is 1000 bytes (max-body-bytes)") {
				t.Errorf("status %d, %+v", r.status, e)
			}
		})
	}
}

// blockingStore holds every Stats call until released.
type blockingStore struct {
	normgraph.Store
	entered chan struct{}
	release chan struct{}
}

func (b blockingStore) Stats(ctx context.Context) (*normgraph.Stats, error) {
	b.entered <- struct{}{}
	select {
	case <-b.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return b.Store.Stats(ctx)
}

// TestServerBusy saturates MaxInFlight with a slow request: the next one is
// refused at once with 503, Retry-After and SERVER_BUSY, and the slow one
// still completes.
func TestServerBusy(t *testing.T) {
	bs := blockingStore{Store: fixtureStore(t), entered: make(chan struct{}, 1), release: make(chan struct{})}
	url := startServer(t, bs, server.Config{Limits: server.Limits{MaxInFlight: 1}})
	first := make(chan reply, 1)
	go func() { first <- postJSON(t, url, map[string]any{"query": "{ stats { entities } }"}) }()
	select {
	case <-bs.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the first request never reached the store")
	}

	start := time.Now()
	r := postJSON(t, url, map[string]any{"query": "{ __typename }"}, "Accept", "application/graphql-response+json")
	if waited := time.Since(start); waited > 2*time.Second {
		t.Errorf("the refusal took %v: it must not queue", waited)
	}
	e := decode(t, r).onlyError(t)
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" {
		t.Errorf("status %d, Retry-After %q; want 503 with Retry-After", r.status, r.header.Get("Retry-After"))
	}
	if e.Extensions["code"] != server.CodeServerBusy || e.Extensions["limit"] != "max-in-flight" || !strings.Contains(e.Message, "1 requests in flight, the limit (max-in-flight)") {
		t.Errorf("got %+v", e)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/graphql-response+json") {
		t.Errorf("Content-Type %q does not follow Accept", ct)
	}

	close(bs.release)
	if r := <-first; r.status != http.StatusOK || len(decode(t, r).Errors) != 0 {
		t.Errorf("the slow request failed: %d %s", r.status, r.body)
	}
	// The slot is free again.
	if r := postJSON(t, url, map[string]any{"query": "{ __typename }"}); r.status != http.StatusOK {
		t.Errorf("after the slow request: status %d", r.status)
	}
}
