package server_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/normgraph/normgraph/internal/normgraph"
	"github.com/normgraph/normgraph/internal/server"
)

// panickingStore panics inside Stats, as a buggy store would.
type panickingStore struct{ normgraph.Store }

func (panickingStore) Stats(context.Context) (*normgraph.Stats, error) {
	panic("boom with secret")
}

// TestPanicLoggedWithStack: the client sees INTERNAL and nothing else; the
// log has the panic, the stack down to the panicking frame, and the request
// id the client was given.
func TestPanicLoggedWithStack(t *testing.T) {
	base, logs := startLogged(t, panickingStore{fixtureStore(t)}, server.Config{})
	r := postJSON(t, base, map[string]any{"query": "{ stats { entities } }"})
	e := decode(t, r).onlyError(t)
	if e.Extensions["code"] != server.CodeInternal || e.Message != "internal error" || strings.Contains(string(r.body), "secret") {
		t.Fatalf("client saw %s", r.body)
	}
	id := r.header.Get(server.RequestIDHeader)
	var found bool
	for _, l := range logs.lines(t) {
		if l["message"] != "panic in resolver" {
			continue
		}
		found = true
		stack, _ := l["stack"].(string)
		if l["panic"] != "boom with secret" || !strings.Contains(stack, "panickingStore.Stats") {
			t.Errorf("panic log without the panic or its stack: %v", l)
		}
		if l["request_id"] != id {
			t.Errorf("panic log request_id %v, response X-Request-Id %q", l["request_id"], id)
		}
	}
	if !found {
		t.Fatal("no panic log line")
	}
}

// TestRequestIDOnEveryLogLine: the logger in the request context, with the
// request id, is the one resolvers' errors are logged with, and the access
// log line carries it too.
func TestRequestIDOnEveryLogLine(t *testing.T) {
	fail := func() (*normgraph.Stats, error) { return nil, errors.New("neo4jstore: detail") }
	base, logs := startLogged(t, failingStore{fixtureStore(t), fail}, server.Config{})
	r := postJSON(t, base, map[string]any{"query": "query S { stats { entities } }"}, server.RequestIDHeader, "client-chosen-id")
	if r.header.Get(server.RequestIDHeader) != "client-chosen-id" {
		t.Fatalf("X-Request-Id %q", r.header.Get(server.RequestIDHeader))
	}
	var msgs []string
	for _, l := range logs.lines(t) {
		msgs = append(msgs, l["message"].(string))
		if l["request_id"] != "client-chosen-id" {
			t.Errorf("log line without the request id: %v", l)
		}
		if l["message"] == "request" && (l["operation"] != "S" || l["outcome"] != "error") {
			t.Errorf("access log: %v", l)
		}
	}
	if strings.Join(msgs, ",") != "internal error,request" {
		t.Errorf("log lines %v, want the resolver's internal error then the access log", msgs)
	}

	// An id a client could use to forge log lines is replaced.
	r = postJSON(t, base, map[string]any{"query": "{ __typename }"}, server.RequestIDHeader, "forged id\tlevel=error")
	if got := r.header.Get(server.RequestIDHeader); got == "" || strings.ContainsAny(got, " \t") {
		t.Errorf("X-Request-Id %q", got)
	}
}

// TestTraceIDInLogs: when a request is traced, its log lines carry the trace
// id, so that a log line leads to its trace.
func TestTraceIDInLogs(t *testing.T) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(tracetest.NewInMemoryExporter()))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	base, logs := startLogged(t, fixtureStore(t), server.Config{TracerProvider: tp})
	const trace = "4bf92f3577b34da6a3ce929d0e0e4736"
	postJSON(t, base, map[string]any{"query": "{ __typename }"}, "traceparent", "00-"+trace+"-00f067aa0ba902b7-01")
	lines := logs.lines(t)
	if len(lines) == 0 || lines[len(lines)-1]["trace_id"] != trace {
		t.Errorf("access log %v has no trace_id %s", lines, trace)
	}
}
