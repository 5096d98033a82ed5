package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/peterbourgon/ff/v3"
	"github.com/peterbourgon/ff/v3/ffcli"
	"github.com/rs/zerolog"

	"github.com/normgraph/normgraph/internal/dataset"
	"github.com/normgraph/normgraph/internal/loader"
	"github.com/normgraph/normgraph/internal/normgraph"
	"github.com/normgraph/normgraph/internal/server"
	"github.com/normgraph/normgraph/internal/store/memstore"
	"github.com/normgraph/normgraph/internal/store/neo4jstore"
	"github.com/normgraph/normgraph/seed"
)

type serveFlags struct {
	addr             string
	seed             bool
	playground       bool
	introspection    bool
	apq              bool
	persistedQueries string
	otlpEndpoint     string
	shutdown         time.Duration
	batchWait        time.Duration
	debugAddr        string
	limits           server.Limits
}

func newServeCmd(common *commonFlags, opts []ff.Option, stdout, stderr io.Writer) *ffcli.Command {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	common.register(fs)
	var sf serveFlags
	d := server.DefaultLimits
	fs.StringVar(&sf.addr, "addr", ":8080", "listen address")
	fs.BoolVar(&sf.seed, "seed", false, "with Neo4j: make the graph equal to the data files before serving")
	fs.BoolVar(&sf.playground, "playground", true, "serve the GraphiQL playground at /")
	fs.BoolVar(&sf.introspection, "introspection", true, "allow schema introspection")
	fs.BoolVar(&sf.apq, "apq", true, "accept automatic persisted queries (clients send a query's sha256 instead of its text once the server has seen it)")
	fs.StringVar(&sf.persistedQueries, "persisted-queries", "", "allowlist: run only these queries; a JSON file of sha256 hex -> query text, or a directory of .graphql files (replaces --apq)")
	fs.StringVar(&sf.otlpEndpoint, "otlp-endpoint", "", "send traces over OTLP/HTTP to this collector base URL, e.g. http://localhost:4318 (also OTEL_EXPORTER_OTLP_ENDPOINT; tracing is off when neither is set)")
	fs.DurationVar(&sf.shutdown, "shutdown-timeout", 30*time.Second, "how long a shutdown waits for requests in flight")
	fs.IntVar(&sf.limits.MaxFirst, "max-first", d.MaxFirst, "cap on `first` for connections")
	fs.Int64Var(&sf.limits.MaxBodyBytes, "max-body-bytes", d.MaxBodyBytes, "cap on a request body (larger: HTTP 413)")
	fs.DurationVar(&sf.limits.Timeout, "timeout", d.Timeout, "deadline of one request, carried down to the database")
	fs.IntVar(&sf.limits.MaxInFlight, "max-in-flight", d.MaxInFlight, "cap on GraphQL requests in flight (more: HTTP 503)")
	fs.IntVar(&sf.limits.MaxTokens, "max-tokens", d.MaxTokens, "cap on lexer tokens in one query")
	fs.IntVar(&sf.limits.MaxDepth, "max-depth", d.MaxDepth, "cap on field nesting")
	fs.IntVar(&sf.limits.MaxAliases, "max-aliases", d.MaxAliases, "cap on aliased fields per operation")
	fs.IntVar(&sf.limits.MaxRootFields, "max-root-fields", d.MaxRootFields, "cap on root fields per operation")
	fs.IntVar(&sf.limits.MaxComplexity, "max-complexity", d.MaxComplexity, "cap on estimated query cost (connections count first x children)")
	fs.DurationVar(&sf.batchWait, "batch-wait", 0, fmt.Sprintf("dataloader batching window per nesting level; 0 chooses %s with Neo4j and none for the embedded graph", loader.DefaultWait))
	fs.IntVar(&common.neo4j.maxConnections, "neo4j-max-connections", 0, "with Neo4j: cap on the driver's connection pool (0: the driver's default, 100); --neo4j-max-reads is lowered to it")
	fs.IntVar(&common.neo4j.maxReads, "neo4j-max-reads", 0, "with Neo4j: cap on read statements running at once; more wait in this process (0: twice GOMAXPROCS, at least 4, for a Neo4j on a loopback address, which shares this machine's cores, and no cap for any other; -1: no cap)")
	fs.StringVar(&sf.debugAddr, "debug-addr", "", "serve Go profiles (net/http/pprof) on this separate address, e.g. 127.0.0.1:6060; off when empty (never expose it publicly)")
	return &ffcli.Command{
		Name:       "serve",
		ShortUsage: "normgraph serve [--addr :8080] [--data DIR] [--neo4j-uri URI [--seed]]",
		ShortHelp:  "serve the GraphQL API (embedded graph, or Neo4j with --neo4j-uri)",
		FlagSet:    fs,
		Options:    opts,
		Exec: func(ctx context.Context, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("serve: unexpected arguments %q", args)
			}
			if n := common.neo4j.maxConnections; n < 0 {
				return fmt.Errorf("serve: --neo4j-max-connections %d is negative (0 keeps the driver's default)", n)
			}
			if n := common.neo4j.maxReads; n < -1 {
				return fmt.Errorf("serve: --neo4j-max-reads %d is invalid (0 picks a cap, -1 means none)", n)
			}
			log, err := common.logger(stderr)
			if err != nil {
				return err
			}
			return serve(ctx, log, common, sf)
		},
	}
}

func serve(ctx context.Context, log zerolog.Logger, common *commonFlags, sf serveFlags) error {
	var allow server.PersistedQueries
	if sf.persistedQueries != "" {
		var err error
		if allow, err = server.LoadPersistedQueries(sf.persistedQueries); err != nil {
			return err
		}
		log.Info().Str("file", sf.persistedQueries).Int("queries", len(allow)).Msg("running allowlisted persisted queries only")
	}
	tp, shutdownTracing, err := server.NewTracerProvider(ctx, server.TracingConfig{Endpoint: sf.otlpEndpoint, ServiceVersion: version})
	if err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := shutdownTracing(sctx); err != nil {
			log.Warn().Err(err).Msg("flushing traces")
		}
	}()
	if tp != nil {
		log.Info().Msg("tracing over OTLP/HTTP")
	}

	store, closeStore, err := openStore(ctx, log, common, sf.seed)
	if err != nil {
		return err
	}
	defer closeStore()
	tuneGC(log)

	h := server.New(server.Config{
		Store:            store,
		Logger:           log,
		Limits:           sf.limits,
		Playground:       sf.playground,
		Introspection:    sf.introspection,
		BatchWait:        sf.batchWait,
		DisableAPQ:       !sf.apq,
		PersistedQueries: allow,
		TracerProvider:   tp,
	})
	ln, err := net.Listen("tcp", sf.addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	if sf.debugAddr != "" {
		stop, err := serveDebug(log, sf.debugAddr)
		if err != nil {
			ln.Close()
			return err
		}
		defer stop()
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return log.WithContext(context.Background()) },
	}
	log.Info().Str("addr", ln.Addr().String()).Str("version", version).
		Msgf("serving GraphQL at http://%s/graphql", displayAddr(ln.Addr()))

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info().Dur("timeout", sf.shutdown).Msg("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), sf.shutdown)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info().Msg("stopped")
	return nil
}

func displayAddr(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok && ta.IP.IsUnspecified() {
		return fmt.Sprintf("localhost:%d", ta.Port)
	}
	return a.String()
}

// dataFS is the data directory to use: --data, or the files compiled in.
func dataFS(dir string) (fs.FS, string) {
	if dir == "" {
		return seed.FS, "embedded"
	}
	return os.DirFS(dir), dir
}

// loadData validates the data files and reports every problem at once.
func loadData(log zerolog.Logger, dir string) (*normgraph.Dataset, error) {
	fsys, name := dataFS(dir)
	start := time.Now()
	ds, err := dataset.Load(fsys)
	if err != nil {
		return nil, fmt.Errorf("data files %s:\n%w", name, err)
	}
	log.Info().Str("data", name).Int("entities", len(ds.Entities)).Int("relations", len(ds.Relations)).
		Int("sources", len(ds.Sources)).Dur("elapsed", time.Since(start)).Msg("data loaded")
	return ds, nil
}

// buildEmbedded validates the data files and builds the embedded graph
// from them as they stream out of the loader, rather than from a loaded
// Dataset: the store then never coexists with a *normgraph.Relation per
// relationship, which at a million relationships were most of the peak
// memory of start-up (VmHWM 310-330 MB that way, 165-180 MB this way).
func buildEmbedded(ctx context.Context, log zerolog.Logger, dir string) (*memstore.Store, error) {
	fsys, name := dataFS(dir)
	start := time.Now()
	var b *memstore.Builder
	var buildErr error // the store's, reported with its own prefix
	err := dataset.Stream(fsys, func(ds *normgraph.Dataset, n int, rels iter.Seq[*normgraph.Relation]) error {
		log.Info().Str("data", name).Int("entities", len(ds.Entities)).Int("relations", n).
			Int("sources", len(ds.Sources)).Dur("elapsed", time.Since(start)).Msg("data loaded")
		// The loader's garbage (parse trees, CSV rows) goes, and its pages
		// back to the OS, before the store's memory adds to what it keeps.
		debug.FreeOSMemory()
		start = time.Now()
		if b, buildErr = memstore.NewBuilder(ds.Sources, ds.Entities, n); buildErr != nil {
			return buildErr
		}
		for r := range rels {
			if buildErr = b.Add(r); buildErr != nil {
				return buildErr
			}
		}
		return nil
	})
	if buildErr != nil {
		return nil, buildErr
	}
	if err != nil {
		return nil, fmt.Errorf("data files %s:\n%w", name, err)
	}
	// Indexing happens here, once the loader and the dataset are garbage:
	// collect them first, so that they do not add up with the indexes.
	runtime.GC()
	s, err := b.Finish()
	if err != nil {
		return nil, err
	}
	ev := log.Info().Dur("elapsed", time.Since(start))
	if st, err := s.Stats(ctx); err == nil {
		ev = ev.Str("version", st.DatasetVersion)
	}
	ev.Msg("embedded graph ready")
	return s, nil
}

// The Neo4j store reports its pool and its bound on reads to /metrics.
var _ server.PoolStatser = (*neo4jstore.Store)(nil)
var _ server.ReadStatser = (*neo4jstore.Store)(nil)

// openStore chooses the backend: Neo4j when a URI is configured, otherwise the
// embedded in-memory graph built from the data files.
func openStore(ctx context.Context, log zerolog.Logger, common *commonFlags, seedFirst bool) (normgraph.Store, func(), error) {
	if common.neo4j.uri == "" {
		if _, set := os.LookupEnv("GOGC"); !set {
			// Loading and indexing make garbage as fast as they keep data:
			// collect it early so the peak stays nearer the live heap (1M
			// relationships: VmHWM 165-180 MB, against 195 at GOGC=50 and
			// 230-270 at 100, for ~1.5 s more CPU than at 100).
			defer debug.SetGCPercent(debug.SetGCPercent(startupGCPercent))
		}
		s, err := buildEmbedded(ctx, log, common.data)
		if err != nil {
			return nil, nil, err
		}
		return s, func() {}, nil
	}
	var ds *normgraph.Dataset
	if seedFirst {
		var err error
		if ds, err = loadData(log, common.data); err != nil {
			return nil, nil, err
		}
	}
	s, err := openNeo4j(ctx, log, common, 0)
	if err != nil {
		return nil, nil, err
	}
	closeFn := func() { _ = s.Close(context.Background()) }
	if ds == nil {
		// Seed ensures the schema itself; without it, serve still needs the
		// indexes its queries rely on.
		if err := s.EnsureSchema(ctx); err != nil {
			closeFn()
			return nil, nil, err
		}
		return s, closeFn, nil
	}
	rep, err := s.Seed(ctx, ds)
	if err != nil {
		closeFn()
		return nil, nil, err
	}
	log.Info().Int("writes", rep.Writes).Str("version", rep.DatasetVersion).Dur("elapsed", rep.Elapsed).Msg("seeded")
	return s, closeFn, nil
}

// openNeo4j connects; retry bounds how long transactions retry transient
// failures (0: the store's fail-fast default for serving).
func openNeo4j(ctx context.Context, log zerolog.Logger, common *commonFlags, retry time.Duration) (*neo4jstore.Store, error) {
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{
		URI:            common.neo4j.uri,
		Username:       common.neo4j.username,
		Password:       common.neo4j.password,
		Database:       common.neo4j.database,
		Logger:         log,
		RetryTime:      retry,
		MaxConnections: common.neo4j.maxConnections,
		MaxReads:       common.neo4j.maxReads,
	})
	if err != nil {
		return nil, fmt.Errorf("neo4j at %s: %w", common.neo4j.uri, err)
	}
	_, maxReads := s.ReadStats()
	log.Info().Str("uri", common.neo4j.uri).Str("database", common.neo4j.database).
		Int("max_reads", maxReads).Msg("connected to Neo4j")
	return s, nil
}
