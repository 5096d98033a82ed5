// Package server is normgraph's HTTP surface: the GraphQL endpoint with its
// limits, error presenter and per-request dataloaders, the playground, health
// checks, metrics and the access log.
package server

import (
	"context"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/normgraph/normgraph/graph"
	"github.com/normgraph/normgraph/internal/loader"
	"github.com/normgraph/normgraph/internal/normgraph"
)

// Config configures the HTTP surface. The zero value of every limit means its default.
type Config struct {
	Store  normgraph.Store
	Logger zerolog.Logger
	Limits Limits
	// Playground serves a GraphiQL page at / when true.
	Playground bool
	// Introspection allows schema introspection queries when true.
	Introspection bool
	// BatchWait is the dataloaders' batching window (loader.DefaultWait when zero).
	BatchWait time.Duration
}

// Limits bound what one request may cost. See DefaultLimits for the defaults.
type Limits struct {
	// MaxFirst caps `first` on connections.
	MaxFirst int
	// MaxBodyBytes caps a request body; larger bodies get HTTP 413.
	MaxBodyBytes int64
	// Timeout is the deadline of one request, carried down to the store.
	Timeout time.Duration
	// MaxInFlight caps concurrent GraphQL requests; more get HTTP 503.
	MaxInFlight int
	// MaxTokens caps the lexer tokens of one query document.
	MaxTokens int
	// MaxDepth caps the nesting of fields.
	MaxDepth int
	// MaxAliases caps aliased fields per operation.
	MaxAliases int
	// MaxRootFields caps root fields per operation.
	MaxRootFields int
	// MaxComplexity caps the estimated cost (see graph.Complexity).
	MaxComplexity int
}

// DefaultLimits are the documented defaults.
var DefaultLimits = Limits{
	MaxFirst:     graph.DefaultMaxFirst,
	MaxBodyBytes: 1 << 20,
	Timeout:      10 * time.Second,
	MaxInFlight:  256,
	MaxTokens:    15000,
	// A three-level traversal (priority > fora > members > memberships) is
	// depth 10 with Relay's edges/node levels; 15 leaves room for fragments.
	MaxDepth:      15,
	MaxAliases:    50,
	MaxRootFields: 20,
	MaxComplexity: 100_000,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxFirst > 0 {
		d.MaxFirst = l.MaxFirst
	}
	if l.MaxBodyBytes > 0 {
		d.MaxBodyBytes = l.MaxBodyBytes
	}
	if l.Timeout > 0 {
		d.Timeout = l.Timeout
	}
	if l.MaxInFlight > 0 {
		d.MaxInFlight = l.MaxInFlight
	}
	if l.MaxTokens > 0 {
		d.MaxTokens = l.MaxTokens
	}
	if l.MaxDepth > 0 {
		d.MaxDepth = l.MaxDepth
	}
	if l.MaxAliases > 0 {
		d.MaxAliases = l.MaxAliases
	}
	if l.MaxRootFields > 0 {
		d.MaxRootFields = l.MaxRootFields
	}
	if l.MaxComplexity > 0 {
		d.MaxComplexity = l.MaxComplexity
	}
	return d
}

// New returns the HTTP handler of the whole service.
func New(cfg Config) http.Handler {
	lim := cfg.Limits.withDefaults()
	log := cfg.Logger

	gql := handler.New(graph.NewExecutableSchema(graph.Config{
		Resolvers:  &graph.Resolver{Store: cfg.Store, MaxFirst: lim.MaxFirst},
		Complexity: graph.Complexity(lim.MaxFirst),
	}))
	gql.AddTransport(transport.Options{})
	gql.AddTransport(transport.GET{})
	gql.AddTransport(transport.POST{})
	gql.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	gql.SetParserTokenLimit(lim.MaxTokens)
	if cfg.Introspection {
		gql.Use(extension.Introspection{})
	}
	gql.Use(shapeLimit{maxDepth: lim.MaxDepth, maxAliases: lim.MaxAliases, maxRootFields: lim.MaxRootFields})
	gql.Use(extension.FixedComplexityLimit(lim.MaxComplexity))
	gql.SetErrorPresenter(presentError)
	gql.SetRecoverFunc(recoverPanic)
	gql.AroundOperations(recordOperation)

	mux := http.NewServeMux()
	mux.Handle("/graphql", limitInFlight(lim.MaxInFlight,
		limitBody(lim.MaxBodyBytes, withLoaders(cfg.Store, cfg.BatchWait, gql))))
	mux.HandleFunc("GET /livez", func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, http.StatusOK, "ok\n")
	})
	mux.HandleFunc("GET /readyz", readyz(cfg.Store))
	if cfg.Playground {
		mux.Handle("GET /{$}", playground.Handler("normgraph", "/graphql"))
	}
	return withRequestContext(log, lim.Timeout, mux)
}

// withLoaders installs fresh dataloaders in every request's context.
func withLoaders(store normgraph.Store, wait time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(loader.With(r.Context(), loader.New(store, wait))))
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

// recordOperation stores the operation name for the access log.
func recordOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if oc := graphql.GetOperationContext(ctx); oc != nil {
		opInfoFrom(ctx).name = oc.OperationName
	}
	return next(ctx)
}
