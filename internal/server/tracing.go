package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// tracerName is the instrumentation scope of the server's own spans.
const tracerName = "github.com/normgraph/normgraph/internal/server"

// TracingConfig says where traces go.
type TracingConfig struct {
	// Endpoint is the base URL of an OTLP/HTTP collector, such as
	// http://localhost:4318; traces go to its /v1/traces, as with
	// OTEL_EXPORTER_OTLP_ENDPOINT. Empty falls back to the standard
	// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT and OTEL_EXPORTER_OTLP_ENDPOINT
	// variables; with none of the three set, tracing is off.
	Endpoint string
	// ServiceVersion is reported as service.version.
	ServiceVersion string
}

// NewTracerProvider builds the tracer provider for Config.TracerProvider:
// spans batched and exported over OTLP/HTTP (protobuf). It returns a nil
// provider and a no-op shutdown when tracing is off (no endpoint configured,
// or OTEL_SDK_DISABLED=true), so that an untraced server pays nothing. The
// standard OTEL_* variables for headers, timeouts, sampling
// (OTEL_TRACES_SAMPLER) and resource attributes (OTEL_SERVICE_NAME,
// OTEL_RESOURCE_ATTRIBUTES) apply. The caller must call shutdown on exit:
// it flushes the spans still buffered.
func NewTracerProvider(ctx context.Context, cfg TracingConfig) (tp trace.TracerProvider, shutdown func(context.Context) error, err error) {
	noop := func(context.Context) error { return nil }
	if strings.EqualFold(os.Getenv("OTEL_SDK_DISABLED"), "true") {
		return nil, noop, nil
	}
	var opts []otlptracehttp.Option
	switch {
	case cfg.Endpoint != "":
		u, err := url.Parse(cfg.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, noop, fmt.Errorf("otlp endpoint %q: want an http:// or https:// URL such as http://localhost:4318", cfg.Endpoint)
		}
		if !strings.HasSuffix(u.Path, "/v1/traces") {
			u.Path = strings.TrimSuffix(u.Path, "/") + "/v1/traces"
		}
		opts = append(opts, otlptracehttp.WithEndpointURL(u.String()))
	case os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != "", os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "":
		// The exporter reads them itself.
	default:
		return nil, noop, nil
	}
	exp, err := otlptracehttp.New(ctx, opts...)
	if err != nil {
		return nil, noop, fmt.Errorf("otlp exporter: %w", err)
	}
	attrs := []attribute.KeyValue{attribute.String("service.name", "normgraph")}
	if cfg.ServiceVersion != "" {
		attrs = append(attrs, attribute.String("service.version", cfg.ServiceVersion))
	}
	// Later options win: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES
	// override the defaults above.
	res, err := resource.New(ctx, resource.WithAttributes(attrs...), resource.WithTelemetrySDK(), resource.WithFromEnv())
	if err != nil {
		return nil, noop, fmt.Errorf("otel resource: %w", err)
	}
	sdk := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	return sdk, sdk.Shutdown, nil
}

// propagator reads W3C trace context and baggage from incoming requests, so
// that a traced client's spans and ours form one trace. It is the server's
// own, not otel's global, which stays the caller's business.
var propagator = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

// withHTTPSpan opens the server span of every request. Its name is the
// method and the route (never the raw path, whose cardinality clients
// control).
func withHTTPSpan(tp trace.TracerProvider, route func(*http.Request) string, next http.Handler) http.Handler {
	return otelhttp.NewHandler(next, "http.server",
		otelhttp.WithTracerProvider(tp),
		otelhttp.WithPropagators(propagator),
		// Metrics are Prometheus's job here; keep otelhttp's off the global provider.
		otelhttp.WithMeterProvider(metricnoop.NewMeterProvider()),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {
			if p := route(r); p != "" {
				return r.Method + " " + p
			}
			return r.Method
		}),
	)
}
