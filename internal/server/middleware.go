package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/rs/zerolog"
)

// RequestIDHeader carries the request id: taken from the request when the
// client (or a proxy) sets it, generated otherwise, and echoed on the response.
const RequestIDHeader = "X-Request-Id"

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

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

// withRequestContext gives every request an id, a logger carrying it, a
// deadline, and one access-log line when it ends.
func withRequestContext(log zerolog.Logger, timeout time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get(RequestIDHeader)
		if id == "" || len(id) > 64 {
			id = newRequestID()
		}
		w.Header().Set(RequestIDHeader, id)
		l := log.With().Str("request_id", id).Logger()
		ctx, cancel := context.WithTimeout(l.WithContext(r.Context()), timeout)
		defer cancel()
		ctx = withOpInfo(ctx)
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(ctx))
		ev := l.Info()
		if sw.status >= 500 {
			ev = l.Warn()
		}
		ev.Str("method", r.Method).Str("path", r.URL.Path).Int("status", sw.status).
			Int("bytes", sw.bytes).Dur("duration", time.Since(start)).
			Str("operation", opInfoFrom(ctx).name).Str("remote", r.RemoteAddr).Msg("request")
	})
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// limitBody rejects bodies over max with 413 before the GraphQL layer reads them.
func limitBody(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			writeGraphQLError(w, http.StatusRequestEntityTooLarge, CodeRequestTooLarge,
				"request body too large: the limit is %d bytes", max)
			return
		}
		// Bodies without a Content-Length are read here in full (they are
		// small by then) so that an oversized one is a 413, not a decode error.
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				writeGraphQLError(w, http.StatusRequestEntityTooLarge, CodeRequestTooLarge,
					"request body too large: the limit is %d bytes", max)
				return
			}
			writeGraphQLError(w, http.StatusBadRequest, CodeBadUserInput, "cannot read request body")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// limitInFlight answers 503 at once when max requests are already running,
// rather than queueing work the server cannot finish in time.
func limitInFlight(max int, next http.Handler) http.Handler {
	slots := make(chan struct{}, max)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
			next.ServeHTTP(w, r)
		default:
			w.Header().Set("Retry-After", "1")
			writeGraphQLError(w, http.StatusServiceUnavailable, CodeServerBusy,
				"server busy: %d requests in flight, the limit; retry shortly", max)
		}
	})
}

// writeGraphQLError answers a request the GraphQL layer never saw, in the
// GraphQL response shape so clients handle every rejection alike.
func writeGraphQLError(w http.ResponseWriter, status int, code, format string, args ...any) {
	w.Header().Set("Content-Type", "application/graphql-response+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []any{map[string]any{
			"message":    fmt.Sprintf(format, args...),
			"extensions": map[string]any{"code": code},
		}},
	})
}

// opInfo carries what the GraphQL layer learns about a request (its operation
// name) back out to the access log and metrics.
type opInfo struct{ name string }

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
