package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// RequestIDHeader carries the request id: taken from the request when the
// client (or a proxy) sets it, generated otherwise, and echoed on the response.
const RequestIDHeader = "X-Request-Id"

// statusWriter remembers the status and size of a response, for the access
// log and the HTTP metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

// WriteHeader records the first status: later calls are superfluous ones
// that net/http ignores too.
func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write counts the bytes sent; a write before WriteHeader means 200.
func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withRequestContext gives every request an id, a logger carrying it (and the
// trace id, when the request is traced, so that logs and traces join up), a
// deadline, and one access-log line when it ends.
func withRequestContext(log zerolog.Logger, timeout time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get(RequestIDHeader)
		if id == "" || len(id) > 64 || !printable(id) {
			id = newRequestID()
		}
		w.Header().Set(RequestIDHeader, id)
		lc := log.With().Str("request_id", id)
		if span := trace.SpanFromContext(r.Context()); span.SpanContext().IsValid() {
			span.SetAttributes(attribute.String("normgraph.request_id", id))
			lc = lc.Str("trace_id", span.SpanContext().TraceID().String())
		}
		l := lc.Logger()
		ctx, cancel := context.WithTimeout(l.WithContext(r.Context()), timeout)
		defer cancel()
		ctx = withOpInfo(ctx)
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(ctx))
		ev := l.Info()
		if sw.status >= 500 {
			ev = l.Warn()
		}
		info := opInfoFrom(ctx)
		ev.Str("method", r.Method).Str("path", r.URL.Path).Int("status", sw.status).
			Int("bytes", sw.bytes).Dur("duration", time.Since(start)).
			Str("operation", info.name).Str("outcome", info.outcome).Str("remote", r.RemoteAddr).Msg("request")
	})
}

// printable keeps client-chosen ids from smuggling control characters into
// logs and headers.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// routePath is the path of the mux pattern that serves r ("" if none): a
// label with the cardinality of the routes, not of what clients send.
func routePath(mux *http.ServeMux, r *http.Request) string {
	_, p := mux.Handler(r)
	if i := strings.IndexByte(p, ' '); i >= 0 {
		p = p[i+1:]
	}
	if p == "/{$}" {
		p = "/"
	}
	return p
}

// withHTTPMetrics counts and times every request by route and status.
func withHTTPMetrics(m *metrics, route func(*http.Request) string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		path := route(r)
		if path != "" {
			trace.SpanFromContext(r.Context()).SetAttributes(attribute.String("http.route", path))
		}
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		m.observeHTTP(path, sw.status, time.Since(start))
	})
}

// limitBody rejects bodies over max with 413 before the GraphQL layer reads them.
func limitBody(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			tooLarge(w, r, max)
			return
		}
		// Bodies without a Content-Length are read here in full (they are
		// small by then) so that an oversized one is a 413, not a decode error.
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				tooLarge(w, r, max)
				return
			}
			writeGraphQLError(w, responseMedia(r), http.StatusBadRequest, CodeBadRequest, "cannot read the request body")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

func tooLarge(w http.ResponseWriter, r *http.Request, max int64) {
	writeLimitError(w, responseMedia(r), http.StatusRequestEntityTooLarge, CodeRequestTooLarge, limitBodyBytes,
		"request body too large: the limit is %d bytes (%s)", max, limitBodyBytes)
}

// limitInFlight answers 503 at once when max requests are already running,
// rather than queueing work the server cannot finish in time.
func limitInFlight(max int, m *metrics, next http.Handler) http.Handler {
	slots := make(chan struct{}, max)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case slots <- struct{}{}:
			m.inFlight.Inc()
			defer func() {
				m.inFlight.Dec()
				<-slots
			}()
			next.ServeHTTP(w, r)
		default:
			w.Header().Set("Retry-After", "1")
			writeLimitError(w, responseMedia(r), http.StatusServiceUnavailable, CodeServerBusy, limitMaxInFlight,
				"server busy: %d requests in flight, the limit (%s); retry shortly", max, limitMaxInFlight)
		}
	})
}

// responseMedia is the media type to answer r in when the GraphQL layer is
// not involved: what the client accepts, application/json if nothing fits.
func responseMedia(r *http.Request) string {
	if media, ok := negotiate(r.Header.Values("Accept")); ok {
		return media
	}
	return mediaJSON
}

// opInfo carries what the GraphQL layer learns about a request (its
// operation name and outcome) back out to the access log.
type opInfo struct{ name, outcome string }

type opInfoKey struct{}

func withOpInfo(ctx context.Context) context.Context {
	return context.WithValue(ctx, opInfoKey{}, &opInfo{})
}

func opInfoFrom(ctx context.Context) *opInfo {
	if o, ok := ctx.Value(opInfoKey{}).(*opInfo); ok {
		return o
	}
	return &opInfo{}
}
