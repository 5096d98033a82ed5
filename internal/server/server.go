// Package server is normgraph's HTTP surface: the GraphQL endpoint with its
// limits, error presenter, persisted queries and per-request dataloaders, the
// playground, health checks, Prometheus metrics, tracing and the access log.
package server

import (
	"context"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/otel/trace"

	"github.com/normgraph/normgraph/graph"
	"github.com/normgraph/normgraph/internal/loader"
	"github.com/normgraph/normgraph/internal/normgraph"
)

// Config configures the HTTP surface. The zero value of every limit means its
// default; the zero Config serves the API with introspection and the
// playground off and automatic persisted queries on.
type Config struct {
	// Store answers every query. New wraps it to time, count and trace its
	// calls; a store that also implements PoolStatser gets pool metrics.
	Store normgraph.Store
	// Logger is the root of every request's logger (zerolog.Ctx), which
	// adds the request id and, when traced, the trace id.
	Logger zerolog.Logger
	// Limits bound what one request may cost (see Limits for the table).
	Limits Limits
	// Playground serves a GraphiQL page at / when true. It needs
	// Introspection to show the schema.
	Playground bool
	// Introspection allows schema introspection queries when true; when
	// false, an operation asking for __schema or __type is rejected with
	// INTROSPECTION_DISABLED.
	Introspection bool
	// BatchWait is the dataloaders' batching window. Zero chooses:
	// loader.DefaultWait for a store that answers a batch in one round trip
	// (a normgraph.Batcher: Neo4j), none for the others (the embedded
	// graph), where a batch saves nothing and the window only adds latency.
	// Negative means no window.
	BatchWait time.Duration
	// DisableAPQ turns automatic persisted queries off. They are on by
	// default: they cost a bounded cache and save clients upload.
	DisableAPQ bool
	// PersistedQueries, when non-nil, is an allowlist: only these documents
	// run, sent by hash or in full; anything else is rejected with
	// PERSISTED_QUERY_NOT_ALLOWED. It replaces automatic persisted queries,
	// which would let clients register new documents.
	PersistedQueries PersistedQueries
	// TracerProvider, when non-nil, traces every request: a span for the
	// HTTP request, one for the GraphQL operation and one per Store call.
	// nil means no tracing at all, not even no-op spans.
	TracerProvider trace.TracerProvider
}

// New returns the HTTP handler of the whole service.
func New(cfg Config) http.Handler {
	lim := cfg.Limits.withDefaults()
	log := cfg.Logger
	m := newMetrics(cfg.Store)
	var tracer trace.Tracer
	if cfg.TracerProvider != nil {
		tracer = cfg.TracerProvider.Tracer(tracerName)
	}
	store := &instrumentedStore{next: cfg.Store, metrics: m, tracer: tracer}

	gql := handler.New(graph.NewExecutableSchema(graph.Config{
		Resolvers:  &graph.Resolver{Store: store, MaxFirst: lim.MaxFirst},
		Complexity: graph.Complexity(lim.MaxFirst),
	}))
	gql.AddTransport(graphqlTransport{metrics: m, tracer: tracer})
	gql.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	gql.SetParserTokenLimit(lim.MaxTokens)
	switch {
	case cfg.PersistedQueries != nil:
		gql.Use(allowlist{queries: cfg.PersistedQueries})
	case cfg.DisableAPQ:
		gql.Use(noAPQ{})
	default:
		gql.Use(newAPQ())
	}
	if cfg.Introspection {
		gql.Use(extension.Introspection{})
	} else {
		gql.Use(introspectionGuard{})
	}
	gql.Use(shapeLimit{maxDepth: lim.MaxDepth, maxAliases: lim.MaxAliases, maxRootFields: lim.MaxRootFields})
	gql.Use(extension.FixedComplexityLimit(lim.MaxComplexity))
	gql.Use(graph.OperationCache{})
	gql.SetErrorPresenter(errorPresenter(lim))
	gql.SetRecoverFunc(recoverPanic)

	mux := http.NewServeMux()
	mux.Handle("/graphql", limitInFlight(lim.MaxInFlight, m,
		limitBody(lim.MaxBodyBytes, withLoaders(store, batchWait(cfg), loaderOptions(cfg), gql))))
	mux.HandleFunc("GET /livez", func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, http.StatusOK, "ok\n")
	})
	mux.HandleFunc("GET /readyz", readyz(store))
	mux.Handle("GET /metrics", m.handler())
	if cfg.Playground {
		mux.Handle("GET /{$}", playground.Handler("normgraph", "/graphql"))
	}
	route := func(r *http.Request) string { return routePath(mux, r) }
	var h http.Handler = withRequestContext(log, lim.Timeout, withHTTPMetrics(m, route, mux))
	if cfg.TracerProvider != nil {
		h = withHTTPSpan(cfg.TracerProvider, route, h)
	}
	return h
}

// batchWait resolves Config.BatchWait for cfg.Store.
func batchWait(cfg Config) time.Duration {
	switch {
	case cfg.BatchWait != 0:
		return cfg.BatchWait // negative: no window, as loader.New takes it
	case isBatcher(cfg.Store):
		return loader.DefaultWait
	default:
		return 0
	}
}

// loaderOptions: a store that batches natively is asked for the next
// levels of a nested query ahead, in the same round trip; one in memory is
// called at once, unless a batching window was asked for.
func loaderOptions(cfg Config) []loader.Option {
	switch {
	case isBatcher(cfg.Store):
		return []loader.Option{loader.Prefetching()}
	case batchWait(cfg) <= 0:
		return []loader.Option{loader.Direct()}
	default:
		return nil
	}
}

func isBatcher(s normgraph.Store) bool {
	_, ok := s.(normgraph.Batcher)
	return ok
}

// withLoaders installs fresh dataloaders in every request's context.
func withLoaders(store normgraph.Store, wait time.Duration, opts []loader.Option, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(loader.With(r.Context(), loader.New(store, wait, opts...))))
	})
}

func readyz(store normgraph.Store) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := store.Ping(ctx); err != nil {
			zerolog.Ctx(r.Context()).Warn().Err(err).Msg("not ready")
			writeText(w, http.StatusServiceUnavailable, "not ready: store unavailable\n")
			return
		}
		writeText(w, http.StatusOK, "ready\n")
	}
}

func writeText(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
