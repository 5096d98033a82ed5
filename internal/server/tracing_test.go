package server_test

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/normgraph/normgraph/internal/server"
)

// TestTracing: one traced request gives a server span for HTTP, a child for
// the GraphQL operation (its name and complexity), and under that a span per
// Store call, all in the trace the client started.
func TestTracing(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	base := startServer(t, fixtureStore(t), server.Config{TracerProvider: tp})

	const clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
	r := postJSON(t, base, map[string]any{
		"query": `query ForaAndMembers { fora(first: 2) { edges { node { id members(first: 2) { totalCount } } } } }`,
	}, "traceparent", "00-"+clientTrace+"-00f067aa0ba902b7-01", "X-Request-Id", "trace-test-1")
	if r.status != 200 || len(decode(t, r).Errors) > 0 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}

	// The server span ends after the response is written: wait for it.
	var spans tracetest.SpanStubs
	deadline := time.Now().Add(5 * time.Second)
	for {
		spans = exp.GetSpans()
		if find(spans, "POST /graphql") != nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	httpSpan := find(spans, "POST /graphql")
	opSpan := find(spans, "query ForaAndMembers")
	if httpSpan == nil || opSpan == nil {
		t.Fatalf("missing spans; got %v", names(spans))
	}
	if httpSpan.SpanKind != trace.SpanKindServer || httpSpan.SpanContext.TraceID().String() != clientTrace {
		t.Errorf("HTTP span: kind %v, trace %s; want a server span in the client's trace", httpSpan.SpanKind, httpSpan.SpanContext.TraceID())
	}
	if attr(httpSpan, "normgraph.request_id") != "trace-test-1" || attr(httpSpan, "http.route") != "/graphql" {
		t.Errorf("HTTP span attributes: %v", httpSpan.Attributes)
	}
	if opSpan.Parent.SpanID() != httpSpan.SpanContext.SpanID() {
		t.Errorf("the operation span is not a child of the HTTP span")
	}
	if attr(opSpan, "graphql.operation.name") != "ForaAndMembers" || attr(opSpan, "graphql.operation.type") != "query" {
		t.Errorf("operation span attributes: %v", opSpan.Attributes)
	}
	if c, ok := attrValue(opSpan, "normgraph.graphql.complexity"); !ok || c.AsInt64() <= 0 {
		t.Errorf("operation span has no complexity: %v", opSpan.Attributes)
	}

	byID := map[trace.SpanID]tracetest.SpanStub{}
	for _, s := range spans {
		byID[s.SpanContext.SpanID()] = s
	}
	stores := map[string]bool{}
	for _, s := range spans {
		if len(s.Name) < 6 || s.Name[:6] != "Store." {
			continue
		}
		stores[s.Name] = true
		// Store calls run in resolvers and dataloaders, under the operation.
		under := false
		for p := s.Parent.SpanID(); p.IsValid(); p = byID[p].Parent.SpanID() {
			if p == opSpan.SpanContext.SpanID() {
				under = true
				break
			}
		}
		if !under || s.SpanContext.TraceID().String() != clientTrace {
			t.Errorf("%s is not under the operation span", s.Name)
		}
	}
	if !stores["Store.List"] || !stores["Store.Related"] {
		t.Errorf("store spans: %v, want Store.List and Store.Related", stores)
	}
}

func find(spans tracetest.SpanStubs, name string) *tracetest.SpanStub {
	for i := range spans {
		if spans[i].Name == name {
			return &spans[i]
		}
	}
	return nil
}

func names(spans tracetest.SpanStubs) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name)
	}
	return out
}

func attrValue(s *tracetest.SpanStub, key string) (attribute.Value, bool) {
	for _, a := range s.Attributes {
		if string(a.Key) == key {
			return a.Value, true
		}
	}
	return attribute.Value{}, false
}

func attr(s *tracetest.SpanStub, key string) string {
	v, _ := attrValue(s, key)
	return v.Emit()
}

// TestTracingOff: without a TracerProvider nothing is traced, and an
// incoming traceparent does not change the answer.
func TestTracingOff(t *testing.T) {
	base := startServer(t, fixtureStore(t), server.Config{})
	r := postJSON(t, base, map[string]any{"query": "{ __typename }"}, "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	if r.status != 200 || r.header.Get("traceparent") != "" {
		t.Errorf("status %d, headers %v", r.status, r.header)
	}
}
