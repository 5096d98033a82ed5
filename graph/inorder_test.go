package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/normgraph/normgraph/internal/loader"
	"github.com/normgraph/normgraph/internal/normgraph"
	"github.com/normgraph/normgraph/internal/store/memstore"
	"github.com/normgraph/normgraph/internal/store/storetest"
)

// batcher makes the embedded graph answer batches natively, fetching ahead
// as Neo4j does, so that the Neo4j read path's concurrency can be seen here.
type batcher struct{ normgraph.Store }

func (b batcher) Batch(ctx context.Context, req normgraph.Batch) (*normgraph.BatchResult, error) {
	return normgraph.BatchEach(ctx, b.Store, req)
}

// goroutineID is the id runtime.Stack prints for the calling goroutine.
func goroutineID() string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	return strings.Fields(string(buf))[1]
}

// nodeGoroutines runs query and returns how many goroutines resolved the
// `node` fields of its edges, and how many such fields there were.
func nodeGoroutines(t *testing.T, store normgraph.Store, query string, opts ...loader.Option) (goroutines, fields int) {
	t.Helper()
	srv := handler.New(NewExecutableSchema(Config{Resolvers: &Resolver{Store: store}}))
	srv.AddTransport(transport.POST{})
	var mu sync.Mutex
	ids := map[string]bool{}
	srv.AroundFields(func(ctx context.Context, next graphql.Resolver) (any, error) {
		if graphql.GetFieldContext(ctx).Field.Name == "node" {
			mu.Lock()
			ids[goroutineID()] = true
			fields++
			mu.Unlock()
		}
		return next(ctx)
	})
	body, _ := json.Marshal(map[string]string{"query": query})
	req := httptest.NewRequest("POST", "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req = req.WithContext(loader.With(req.Context(), loader.New(store, 5*time.Millisecond, opts...)))
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	var resp struct{ Errors []any }
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || len(resp.Errors) > 0 {
		t.Fatalf("query failed: %s", rec.Body.String())
	}
	return len(ids), fields
}

// The elements of a list are marshalled in the caller's goroutine where no
// batch can form below them: with direct loaders, and under a root lookup
// whose whole answer was fetched ahead. Elsewhere each element keeps its
// goroutine, so that siblings share the batch of their level.
func TestListsInOrderWhereNothingIsLeftToBatch(t *testing.T) {
	mem, err := memstore.New(storetest.Fixture())
	if err != nil {
		t.Fatal(err)
	}
	const covered = `{ forum(id: "osce") { members(first: 10) { edges { node { id
	    memberships(first: 5) { edges { node { id } } } } } } } }`
	// With a second resolver field beside sources, gqlgen's FieldSet.Dispatch
	// would run it in a goroutine of its own whatever the list does.
	// Edges' sources are left out: an edge's node is a resolver field too, and
	// gqlgen's FieldSet.Dispatch runs the second of an object's resolver
	// fields in a goroutine of its own, whatever the list does.
	const withSources = `{ forum(id: "osce") { members(first: 10) { edges { node { id
	    memberships(first: 5) { edges { node { id sources { id } } } } } } } } }`
	const byCode = `{ country(id: "US") { memberships(first: 10) { edges { node { id
	    members(first: 5) { edges { node { id } } } } } } } }`
	const byID = `{ country(id: "usa") { memberships(first: 10) { edges { node { id
	    members(first: 5) { edges { node { id } } } } } } } }`

	const rootList = `{ countries(first: 10) { edges { node { id
	    memberships(first: 5) { edges { node { id } } } } } } }`
	const rootListSources = `{ countries(first: 10) { edges { node { id sources { id } } } } }`

	tests := []struct {
		name    string
		store   normgraph.Store
		opts    []loader.Option
		query   string
		inOrder bool
	}{
		{"direct loaders", mem, []loader.Option{loader.Direct()}, covered, true},
		{"fetched ahead entirely", batcher{mem}, []loader.Option{loader.Prefetching()}, covered, true},
		{"fetched ahead entirely, by country id", batcher{mem}, []loader.Option{loader.Prefetching()}, byID, true},
		{"fetched ahead entirely, with sources", batcher{mem}, []loader.Option{loader.Prefetching()}, withSources, true},
		{"an ISO code is not an id", batcher{mem}, []loader.Option{loader.Prefetching()}, byCode, false},
		{"no prefetching", batcher{mem}, nil, covered, false},
		{"root list fetched ahead entirely", batcher{mem}, []loader.Option{loader.Prefetching()}, rootList, true},
		{"root list fetched ahead entirely, with sources", batcher{mem}, []loader.Option{loader.Prefetching()}, rootListSources, true},
		{"root list, no prefetching", batcher{mem}, nil, rootList, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			goroutines, fields := nodeGoroutines(t, tc.store, tc.query, tc.opts...)
			if fields < 10 {
				t.Fatalf("%d node fields resolved; the query should reach more", fields)
			}
			if tc.inOrder && goroutines != 1 {
				t.Errorf("%d node fields resolved in %d goroutines, want 1", fields, goroutines)
			}
			if !tc.inOrder && goroutines < fields/2 {
				t.Errorf("%d node fields resolved in %d goroutines, want about one each", fields, goroutines)
			}
		})
	}
}
