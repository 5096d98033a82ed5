// Package neo4jstore serves the normgraph Store contract from a Neo4j 5
// database and seeds that database from a Dataset. It is the only package that
// imports the Neo4j driver: driver values (int64, lists of any, temporal types)
// are converted to domain types here and never leak out.
//
// Reads run in read transactions routed to readers, so a neo4j:// cluster URI
// spreads them; labels and relationship types in Cypher only ever come from
// the constants of this package, every value is a query parameter.
package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"reflect"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
	"github.com/rs/zerolog"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// DefaultDatabase is used when Config.Database is empty. Naming the database
// saves the driver a home-database round trip on every query.
const DefaultDatabase = "neo4j"

// Config says how to reach Neo4j.
type Config struct {
	// URI is bolt://host:port for one server or neo4j://host:port for a
	// cluster (routing; reads go to readers).
	URI string
	// Username and Password authenticate with basic auth; both empty
	// means no authentication.
	Username string
	Password string
	// Database defaults to DefaultDatabase.
	Database string
	// Logger receives the driver's warnings and this package's debug lines.
	Logger zerolog.Logger
	// QueryTimeout bounds each read when the caller's context has no deadline;
	// zero means 30s. It becomes the server-side transaction timeout too, so
	// the server stops work nobody waits for.
	QueryTimeout time.Duration
	// ConnectTimeout bounds Open's connectivity check and each Ping; zero
	// means 10s and 2s respectively.
	ConnectTimeout time.Duration
	// MaxConnections caps the driver's connection pool; zero keeps the
	// driver's default (100).
	MaxConnections int
	// MaxReads bounds the reads in flight at once; a read beyond it waits in
	// this process, under its own deadline, and is sent away with
	// DATABASE_UNAVAILABLE as soon as a read in flight finds the database
	// down. Zero picks DefaultMaxReads(URI); a negative value means no bound.
	// It is never more than MaxConnections, when that is set.
	MaxReads int
	// RetryTime bounds how long a transaction retries transient failures;
	// zero means 500ms. The driver treats a refused connection as transient,
	// so a long budget makes every request wait out its deadline while Neo4j
	// is down; serving wants DATABASE_UNAVAILABLE at once. Seeding, which
	// may meet write conflicts, can afford the driver's 30s.
	RetryTime time.Duration
}

// Store is a normgraph.Store backed by Neo4j. It holds the process's one
// driver (a connection pool); it is safe for concurrent use.
type Store struct {
	driver         neo4j.DriverWithContext
	db             string
	log            zerolog.Logger
	queryTimeout   time.Duration
	connectTimeout time.Duration
	poolSize       int
	// gate bounds the reads in flight (nil: no bound).
	gate *gate
	// inFlight counts reads holding a connection, for PoolStats.
	inFlight atomic.Int64
	// reads counts the read queries sent, for ReadQueries.
	reads atomic.Int64
}

var (
	_ normgraph.Store = (*Store)(nil)
	_ normgraph.Graph = (*Store)(nil)
)

// Open creates the driver and checks that the server answers, so that a
// misconfigured URI or password fails at start-up rather than on the first
// request. Call Close when done.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.URI == "" {
		return nil, errors.New("neo4jstore: no URI configured")
	}
	auth := neo4j.NoAuth()
	if cfg.Username != "" || cfg.Password != "" {
		auth = neo4j.BasicAuth(cfg.Username, cfg.Password, "")
	}
	s := &Store{
		db:             cfg.Database,
		log:            cfg.Logger.With().Str("component", "neo4jstore").Logger(),
		queryTimeout:   cfg.QueryTimeout,
		connectTimeout: cfg.ConnectTimeout,
		poolSize:       cfg.MaxConnections,
	}
	reads := cfg.MaxReads
	if reads == 0 {
		reads = DefaultMaxReads(cfg.URI)
	}
	if pool := cfg.MaxConnections; pool > 0 && (reads <= 0 || reads > pool) {
		// Reads that wait must wait in the gate, which sends them away
		// when the database is down, never in the driver's pool, which
		// would keep them until their deadline (see gate).
		reads = pool
	}
	s.gate = newGate(reads)
	if s.db == "" {
		s.db = DefaultDatabase
	}
	if s.queryTimeout <= 0 {
		s.queryTimeout = 30 * time.Second
	}
	if s.connectTimeout <= 0 {
		s.connectTimeout = 10 * time.Second
	}
	drv, err := neo4j.NewDriverWithContext(cfg.URI, auth, func(c *config.Config) {
		c.Log = driverLogger{s.log}
		if cfg.MaxConnections > 0 {
			c.MaxConnectionPoolSize = cfg.MaxConnections
		}
		s.poolSize = c.MaxConnectionPoolSize
		c.SocketConnectTimeout = s.connectTimeout
		c.MaxTransactionRetryTime = cfg.RetryTime
		if c.MaxTransactionRetryTime <= 0 {
			c.MaxTransactionRetryTime = 500 * time.Millisecond
		}
		c.UserAgent = "normgraph"
	})
	if err != nil {
		return nil, fmt.Errorf("neo4jstore: driver for %s: %w", redactURI(cfg.URI), err)
	}
	s.driver = drv
	vctx, cancel := context.WithTimeout(ctx, s.connectTimeout)
	defer cancel()
	if err := drv.VerifyConnectivity(vctx); err != nil {
		_ = drv.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("neo4jstore: connect to %s: %w", redactURI(cfg.URI), err)
	}
	if info, err := drv.GetServerInfo(vctx); err == nil {
		s.log.Debug().Str("uri", redactURI(cfg.URI)).Str("server", info.Agent()).
			Str("database", s.db).Msg("connected to neo4j")
	}
	return s, nil
}

// Close releases the driver's connections. The Store must not be used after.
func (s *Store) Close(ctx context.Context) error {
	return s.driver.Close(ctx)
}

// Ping reports whether the database answers, within a short timeout so that
// a readiness probe never hangs on a dead server.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.checkCtx(ctx); err != nil {
		return err
	}
	t := min(2*time.Second, s.connectTimeout)
	pctx, cancel := context.WithTimeout(ctx, t)
	defer cancel()
	if err := s.driver.VerifyConnectivity(pctx); err != nil {
		if ctx.Err() == nil {
			// Our own short timeout, not the caller's: the database did
			// not answer in time, which for a probe means unavailable.
			return &wrapped{code: normgraph.Errorf(normgraph.EUNAVAILABLE, "database unavailable"), detail: "ping", cause: err}
		}
		return s.fail(ctx, err, "ping")
	}
	return nil
}

// PoolStats reports the connection pool for metrics. The v5 driver does not
// publish its pool counters, so inUse counts the reads this store has in
// flight (each holds one connection), idle is unknown (-1) and max is the
// configured pool size.
func (s *Store) PoolStats() (inUse, idle, max int) {
	return int(s.inFlight.Load()), -1, s.poolSize
}

// ReadStats reports how many reads wait for one of the bound's slots, and
// the bound on reads in flight (0: none).
func (s *Store) ReadStats() (waiting, max int) {
	if s.gate == nil {
		return 0, 0
	}
	return int(s.gate.waiting.Load()), s.gate.size()
}

// ReadQueries returns how many read queries the store has sent since it was
// opened, failed ones included. Each is one Cypher statement in its own
// transaction, so the difference across an API request is the number of
// database round trips the request cost; tests check the batching with it.
func (s *Store) ReadQueries() int64 { return s.reads.Load() }

// Database is the name of the database the store reads and writes.
func (s *Store) Database() string { return s.db }

// ---------------------------------------------------------------- queries

// withDeadline makes sure every read has a deadline, so the server-side
// transaction timeout can be derived from it.
func (s *Store) withDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, s.queryTimeout)
}

// txTimeout turns ctx's deadline into a transaction timeout: the server then
// abandons work whose caller has given up. Neo4j counts whole milliseconds and
// treats 0 as "no timeout", so it rounds up and never goes below 1ms.
func txTimeout(ctx context.Context) []func(*neo4j.TransactionConfig) {
	d, ok := ctx.Deadline()
	if !ok {
		return nil
	}
	left := time.Until(d)
	if left < time.Millisecond {
		left = time.Millisecond
	}
	left = (left + time.Millisecond - 1).Truncate(time.Millisecond)
	return []func(*neo4j.TransactionConfig){neo4j.WithTxTimeout(left)}
}

// checkCtx fails fast on a finished context, before any work, so that an
// expired request gets TIMEOUT from every method, as from memstore, even
// from those that would answer without asking the database.
func (s *Store) checkCtx(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return s.fail(ctx, err, "request")
	}
	return nil
}

// read runs one read query in a read transaction routed to readers.
func (s *Store) read(ctx context.Context, name, cypher string, params map[string]any) (*neo4j.EagerResult, error) {
	ctx, cancel := s.withDeadline(ctx)
	defer cancel()
	if err := ctx.Err(); err != nil {
		return nil, s.fail(ctx, err, "%s", name)
	}
	if err := s.gate.enter(ctx); err != nil {
		return nil, s.fail(ctx, err, "%s: waiting for a read slot", name)
	}
	defer s.gate.leave()
	start := time.Now()
	s.reads.Add(1)
	s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	res, err := neo4j.ExecuteQuery(ctx, s.driver, cypher, params, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithReadersRouting(),
		neo4j.ExecuteQueryWithDatabase(s.db),
		neo4j.ExecuteQueryWithTransactionConfig(txTimeout(ctx)...))
	if err != nil {
		err = s.fail(ctx, err, "%s", name)
		if normgraph.ErrorCode(err) == normgraph.EUNAVAILABLE {
			// Before the deferred leave, so that the slot freed here
			// goes to a later read, not to a waiter that would only
			// queue for the same failure.
			s.gate.unavailable()
		}
		return nil, err
	}
	if e := s.log.Debug(); e.Enabled() {
		e.Str("query", name).Int("records", len(res.Records)).Dur("elapsed", time.Since(start)).Msg("neo4j read")
	}
	if e := s.log.Trace(); e.Enabled() {
		// The text only: parameters may hold what clients sent.
		e.Str("query", name).Str("cypher", cypher).Msg("neo4j cypher")
	}
	return res, nil
}

// fail maps a driver error to a domain error: an unreachable database and a
// passed deadline have their own codes so the API can say so; anything else
// keeps its detail for the log and becomes INTERNAL at the API.
func (s *Store) fail(ctx context.Context, err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	var de *normgraph.Error
	if errors.As(err, &de) {
		return err
	}
	what := fmt.Sprintf(format, args...)
	switch {
	case couldNotConnect(err):
		// The driver retries a refused connection until the deadline, so
		// this often arrives as a timeout: the database being down is the
		// useful answer.
		return &wrapped{code: normgraph.Errorf(normgraph.EUNAVAILABLE, "database unavailable"), detail: what,
			cause: err, ctxErr: ctx.Err()}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(ctx.Err(), context.DeadlineExceeded):
		// The driver often reports a passed deadline as a connection or
		// read timeout: keep DeadlineExceeded in the chain either way.
		return &wrapped{code: normgraph.Errorf(normgraph.ETIMEOUT, "the request timed out"), detail: what,
			cause: err, ctxErr: context.DeadlineExceeded}
	case isServerTimeout(err):
		return &wrapped{code: normgraph.Errorf(normgraph.ETIMEOUT, "the request timed out"), detail: what, cause: err}
	case errors.Is(err, context.Canceled), errors.Is(ctx.Err(), context.Canceled):
		// The caller went away: keep context.Canceled visible to errors.Is.
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("neo4jstore: %s: %w", what, err)
		}
		return fmt.Errorf("neo4jstore: %s: %w: %w", what, context.Canceled, err)
	case isUnavailable(err):
		return &wrapped{code: normgraph.Errorf(normgraph.EUNAVAILABLE, "database unavailable"), detail: what, cause: err}
	}
	return fmt.Errorf("neo4jstore: %s: %w", what, err)
}

// wrapped is a domain error that still carries the driver error for the log:
// errors.As finds the *normgraph.Error, Error() tells the whole story.
type wrapped struct {
	code   *normgraph.Error
	detail string
	cause  error
	ctxErr error // the context's error, when that is what ended the request
}

func (w *wrapped) Error() string {
	return fmt.Sprintf("neo4jstore: %s: %s: %v", w.detail, w.code.Message, w.cause)
}

func (w *wrapped) Unwrap() []error {
	if w.ctxErr != nil && w.ctxErr != w.cause {
		return []error{w.code, w.cause, w.ctxErr}
	}
	return []error{w.code, w.cause}
}

func isServerTimeout(err error) bool {
	var ne *neo4j.Neo4jError
	if errors.As(err, &ne) {
		return strings.HasPrefix(ne.Code, "Neo.ClientError.Transaction.TransactionTimedOut") ||
			ne.Code == "Neo.TransientError.Transaction.LockAcquisitionTimeout"
	}
	var lim *neo4j.TransactionExecutionLimit
	if errors.As(err, &lim) && len(lim.Errors) > 0 {
		return isServerTimeout(lim.Errors[len(lim.Errors)-1])
	}
	return false
}

func isUnavailable(err error) bool {
	if errors.Is(err, errGateDown) {
		return true // a read in flight found the database down
	}
	var ce *neo4j.ConnectivityError
	if errors.As(err, &ce) {
		return true
	}
	var ue *neo4j.UsageError
	if errors.As(err, &ue) && strings.Contains(ue.Message, "closed") {
		return true // the driver was closed under us: nothing can answer
	}
	var ae *neo4j.InvalidAuthenticationError
	if errors.As(err, &ae) {
		return true
	}
	var ne *neo4j.Neo4jError
	if errors.As(err, &ne) {
		switch {
		case ne.Code == "Neo.TransientError.General.DatabaseUnavailable",
			ne.Code == "Neo.ClientError.Database.DatabaseNotFound",
			ne.Code == "Neo.ClientError.Cluster.NotALeader",
			ne.Code == "Neo.ClientError.General.ForbiddenOnReadOnlyDatabase",
			strings.HasPrefix(ne.Code, "Neo.ClientError.Security."):
			return true
		}
	}
	var lim *neo4j.TransactionExecutionLimit
	if errors.As(err, &lim) && len(lim.Errors) > 0 {
		return isUnavailable(lim.Errors[len(lim.Errors)-1])
	}
	return false
}

// couldNotConnect reports whether err says no connection could be made at
// all (refused, unreachable, unknown host), as opposed to a connection that
// failed or was too slow once made.
func couldNotConnect(err error) bool {
	found := false
	walkCauses(err, 0, func(e error) bool {
		var op *net.OpError
		var dns *net.DNSError
		if (errors.As(e, &op) && op.Op == "dial") || errors.As(e, &dns) || errors.Is(e, syscall.ECONNREFUSED) {
			found = true
		}
		return !found
	})
	return found
}

// walkCauses visits err and its causes. The driver's error types carry
// their cause in a field without an Unwrap method (ConnectivityError.Inner,
// TransactionExecutionLimit.Errors, and Err or Inner fields of internal
// types), so besides errors.Unwrap it follows those fields.
func walkCauses(err error, depth int, visit func(error) bool) bool {
	if err == nil || depth > 16 {
		return true
	}
	if !visit(err) {
		return false
	}
	var next []error
	switch e := err.(type) {
	case interface{ Unwrap() error }:
		next = append(next, e.Unwrap())
	case interface{ Unwrap() []error }:
		next = append(next, e.Unwrap()...)
	}
	switch e := err.(type) {
	case *neo4j.ConnectivityError:
		next = append(next, e.Inner)
	case *neo4j.TransactionExecutionLimit:
		next = append(next, e.Errors...)
	default:
		v := reflect.ValueOf(err)
		if v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct {
			for _, name := range []string{"Err", "Inner"} {
				f := v.Elem().FieldByName(name)
				if f.IsValid() && f.CanInterface() {
					if inner, ok := f.Interface().(error); ok {
						next = append(next, inner)
					}
				}
			}
		}
	}
	for _, n := range next {
		if !walkCauses(n, depth+1, visit) {
			return false
		}
	}
	return true
}

// redactURI drops any credentials embedded in a URI before it is logged.
func redactURI(uri string) string {
	if i := strings.Index(uri, "://"); i >= 0 {
		if at := strings.LastIndex(uri[i+3:], "@"); at >= 0 {
			return uri[:i+3] + "***@" + uri[i+3+at+1:]
		}
	}
	return uri
}

// driverLogger forwards the driver's own log lines to zerolog; its Info and
// Debug chatter (per connection) goes to Debug and Trace.
type driverLogger struct{ log zerolog.Logger }

func (l driverLogger) Error(name, id string, err error) {
	l.log.Warn().Str("driver", name).Str("id", id).Err(err).Msg("neo4j driver error")
}

func (l driverLogger) Warnf(name, id, msg string, args ...any) {
	l.log.Warn().Str("driver", name).Str("id", id).Msgf(msg, args...)
}

func (l driverLogger) Infof(name, id, msg string, args ...any) {
	l.log.Debug().Str("driver", name).Str("id", id).Msgf(msg, args...)
}

func (l driverLogger) Debugf(name, id, msg string, args ...any) {
	l.log.Trace().Str("driver", name).Str("id", id).Msgf(msg, args...)
}

// limitParam turns a page size into a Cypher LIMIT value; Unlimited becomes
// a limit no list reaches.
func limitParam(first int) int64 {
	if first == normgraph.Unlimited || first < 0 {
		return math.MaxInt32
	}
	return int64(first)
}
