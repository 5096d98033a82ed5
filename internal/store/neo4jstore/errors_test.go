package neo4jstore_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/normgraph/normgraph/internal/normgraph"
	"github.com/normgraph/normgraph/internal/store/neo4jstore"
)

// deadAddress is a loopback port nothing listens on.
func deadAddress(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestOpenFailsWithoutServer(t *testing.T) {
	_, err := neo4jstore.Open(context.Background(), neo4jstore.Config{
		URI: "bolt://" + deadAddress(t), Username: "neo4j", Password: "secret-password", ConnectTimeout: time.Second})
	if err == nil {
		t.Fatal("Open succeeded against a dead address")
	}
	if _, err := neo4jstore.Open(context.Background(), neo4jstore.Config{}); err == nil {
		t.Fatal("Open succeeded without a URI")
	}
}

func TestOpenRedactsCredentials(t *testing.T) {
	_, err := neo4jstore.Open(context.Background(), neo4jstore.Config{
		URI: "bolt://user:hunter22@" + deadAddress(t), ConnectTimeout: time.Second})
	if err == nil || strings.Contains(err.Error(), "hunter22") {
		t.Fatalf("error %v: want a failure that does not show the password", err)
	}
}

// A database that cannot be reached is DATABASE_UNAVAILABLE, for queries and
// for the readiness probe alike, whichever URI scheme is used.
func TestUnreachableIsUnavailable(t *testing.T) {
	for _, scheme := range []string{"bolt", "neo4j"} {
		t.Run(scheme, func(t *testing.T) {
			s, err := neo4jstore.OpenUnchecked(neo4jstore.Config{URI: scheme + "://" + deadAddress(t)})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close(context.Background())
			ctx := context.Background()
			checks := map[string]error{}
			_, checks["List"] = s.List(ctx, normgraph.KindCountry, normgraph.Filter{}, normgraph.PageArgs{First: 5})
			_, checks["Entities"] = s.Entities(ctx, []string{"usa"})
			checks["Ping"] = s.Ping(ctx)
			for what, err := range checks {
				if code := normgraph.ErrorCode(err); code != normgraph.EUNAVAILABLE {
					t.Errorf("%s: code %q (%v), want %q", what, code, err, normgraph.EUNAVAILABLE)
				}
				if msg := normgraph.ErrorMessage(err); msg != "database unavailable" {
					t.Errorf("%s: client message %q leaks detail", what, msg)
				}
			}
		})
	}
}

func TestErrorMapping(t *testing.T) {
	live := context.Background()
	expired, cancel := context.WithDeadline(live, time.Now().Add(-time.Second))
	defer cancel()
	cancelled, cancel2 := context.WithCancel(live)
	cancel2()
	s := &neo4jstore.Store{}
	for _, c := range []struct {
		name  string
		ctx   context.Context
		err   error
		code  string
		is    error
		inMsg string
	}{
		{"connectivity", live, &neo4j.ConnectivityError{Inner: errors.New("connection reset")}, normgraph.EUNAVAILABLE, nil, ""},
		{"refused while retrying past the deadline", expired, &neo4j.TransactionExecutionLimit{Cause: "deadline", Errors: []error{
			&neo4j.ConnectivityError{Inner: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}}}, normgraph.EUNAVAILABLE, nil, ""},
		{"database unavailable", live, &neo4j.Neo4jError{Code: "Neo.TransientError.General.DatabaseUnavailable"}, normgraph.EUNAVAILABLE, nil, ""},
		{"retries exhausted", live, &neo4j.TransactionExecutionLimit{Cause: "timeout", Errors: []error{&neo4j.ConnectivityError{Inner: errors.New("x")}}}, normgraph.EUNAVAILABLE, nil, ""},
		{"server-side timeout", live, &neo4j.Neo4jError{Code: "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"}, normgraph.ETIMEOUT, nil, ""},
		{"deadline passed", expired, &neo4j.ConnectivityError{Inner: errors.New("i/o timeout")}, normgraph.ETIMEOUT, context.DeadlineExceeded, ""},
		{"caller went away", cancelled, errors.New("reading canceled"), normgraph.EINTERNAL, context.Canceled, ""},
		{"syntax error", live, &neo4j.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError", Msg: "bad"}, normgraph.EINTERNAL, nil, "members of \"g7\""},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := neo4jstore.Fail(s, c.ctx, c.err, "members of %q", "g7")
			if got := normgraph.ErrorCode(err); got != c.code {
				t.Errorf("code %q, want %q (%v)", got, c.code, err)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("%v does not wrap %v", err, c.is)
			}
			if !errors.Is(err, c.err) {
				t.Errorf("%v lost the driver error for the log", err)
			}
			if !strings.Contains(err.Error(), "members of \"g7\"") {
				t.Errorf("%v lacks the operation", err)
			}
		})
	}
}

// A query that outlives its deadline on the server is a TIMEOUT: the
// deadline becomes the transaction timeout, so the server stops too.
func TestSlowQueryTimesOut(t *testing.T) {
	s := openStore(t)
	seed(t, s, synthetic(300, 30, 10))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var ids []string
	for c := range 300 {
		ids = append(ids, fmt.Sprintf("country-%d", c))
	}
	// Expanding everything, again and again, outlasts 50ms; whether the
	// client or the server notices first, the answer is a timeout.
	var err error
	for start := time.Now(); err == nil && time.Since(start) < 10*time.Second; {
		_, err = s.Expand(ctx, ids, nil)
	}
	if code := normgraph.ErrorCode(err); code != normgraph.ETIMEOUT {
		t.Fatalf("code %q (%v), want %q", code, err, normgraph.ETIMEOUT)
	}
}

type fakeTB struct {
	skipped, failed bool
	cleanups        []func()
}

func (f *fakeTB) Helper()               {}
func (f *fakeTB) Log(...any)            {}
func (f *fakeTB) Logf(string, ...any)   {}
func (f *fakeTB) Skip(...any)           { f.skipped = true; panic(f) }
func (f *fakeTB) Fatalf(string, ...any) { f.failed = true; panic(f) }
func (f *fakeTB) Cleanup(fn func())     { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) run(fn func(neo4jstore.TB)) (ret *fakeTB) {
	ret = f
	defer func() {
		if r := recover(); r != nil && r != any(f) {
			panic(r)
		}
		for _, c := range f.cleanups {
			c()
		}
	}()
	fn(f)
	return
}

// TestConfig skips without a server unless one is required, then it fails.
func TestTestConfigGate(t *testing.T) {
	t.Setenv("NEO4J_URI", "")
	t.Setenv("NORMGRAPH_REQUIRE_NEO4J", "")
	f := (&fakeTB{}).run(func(tb neo4jstore.TB) { neo4jstore.TestConfig(tb) })
	if !f.skipped || f.failed {
		t.Errorf("without NEO4J_URI: skipped %t failed %t, want a skip", f.skipped, f.failed)
	}
	t.Setenv("NORMGRAPH_REQUIRE_NEO4J", "1")
	f = (&fakeTB{}).run(func(tb neo4jstore.TB) { neo4jstore.TestConfig(tb) })
	if !f.failed {
		t.Errorf("with NORMGRAPH_REQUIRE_NEO4J and no NEO4J_URI: skipped %t failed %t, want a failure", f.skipped, f.failed)
	}
	t.Setenv("NEO4J_URI", "bolt://127.0.0.1:1")
	t.Setenv("NEO4J_DATABASE", "")
	var cfg neo4jstore.Config
	f = (&fakeTB{}).run(func(tb neo4jstore.TB) { cfg = neo4jstore.TestConfig(tb) })
	if f.failed || f.skipped || cfg.URI != "bolt://127.0.0.1:1" || cfg.Database != "neo4j" {
		t.Errorf("with NEO4J_URI: %+v (skipped %t failed %t)", cfg, f.skipped, f.failed)
	}
}
