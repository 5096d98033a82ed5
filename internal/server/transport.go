package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// The two response media types of the GraphQL-over-HTTP spec.
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// allowedMethods answers OPTIONS and 405s on /graphql.
const allowedMethods = "GET, POST, OPTIONS"

// graphqlTransport speaks the GraphQL-over-HTTP spec on /graphql, for GET and
// POST. gqlgen's own transports get the wire details slightly wrong for
// clients that follow the spec: 422 instead of 200 for validation errors
// under application/json, 200 without data (a MUST violation) for request
// errors under application/graphql-response+json, a "data": null entry on
// request errors, and error bodies without an extensions.code for malformed
// requests. The rules here, in one place:
//
//   - Accept picks the response type by q-value; without Accept, or through
//     */* or application/*, it is application/json; neither type acceptable
//     gives 406.
//   - A request that is not well formed (POST body not application/json in
//     UTF-8: 415; no query; parameters of the wrong JSON type) gets 400 with
//     BAD_REQUEST, whatever the response type.
//   - A request error (parse, validation, a query limit, persisted queries,
//     introspection) has no data entry; its status is 200 under
//     application/json and 400 under application/graphql-response+json
//     (500 if it is INTERNAL).
//   - An executed operation answers 200 with data, even when some fields
//     failed.
//   - GET runs queries only: another operation type gets 405 with Allow: POST.
//
// It also times, counts and traces every operation, because only here are
// the operation's name, its outcome and its request errors all known.
type graphqlTransport struct {
	metrics *metrics
	// tracer is nil when tracing is off, so that no span is even started.
	tracer trace.Tracer
}

var _ graphql.Transport = graphqlTransport{}

// Supports implements graphql.Transport: every request to /graphql is this
// transport's to answer, if only with a 405.
func (graphqlTransport) Supports(*http.Request) bool { return true }

// Do implements graphql.Transport.
func (t graphqlTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	start := time.Now()
	ctx := r.Context()
	w.Header().Add("Vary", "Accept")

	media, ok := negotiate(r.Header.Values("Accept"))
	if !ok {
		t.reject(ctx, w, mediaJSON, http.StatusNotAcceptable, CodeNotAcceptable, start,
			"none of the media types in Accept is served: accept %s or %s", mediaGraphQLResponse, mediaJSON)
		return
	}
	var (
		params *graphql.RawParams
		bad    *badRequest
	)
	switch r.Method {
	case http.MethodGet:
		params, bad = paramsFromURL(r)
	case http.MethodPost:
		params, bad = paramsFromBody(r)
	case http.MethodOptions:
		w.Header().Set("Allow", allowedMethods)
		w.WriteHeader(http.StatusNoContent)
		return
	default:
		w.Header().Set("Allow", allowedMethods)
		t.reject(ctx, w, media, http.StatusMethodNotAllowed, CodeMethodNotAllowed, start,
			"method %s is not allowed: send GraphQL requests with GET or POST", r.Method)
		return
	}
	if bad != nil {
		t.reject(ctx, w, media, bad.status, bad.code, start, "%s", bad.msg)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: graphql.GetStartTime(ctx), End: graphql.Now()}

	var span trace.Span
	if t.tracer != nil {
		ctx, span = t.tracer.Start(ctx, "GraphQL Operation", trace.WithSpanKind(trace.SpanKindInternal))
		defer span.End()
	}
	ob := observation{start: start, name: params.OperationName}
	defer func() { t.finish(ctx, span, ob) }()

	oc, errs := exec.CreateOperationContext(ctx, params)
	if oc != nil && oc.Operation != nil {
		ob.name, ob.kind = oc.Operation.Name, string(oc.Operation.Operation)
	}
	if oc != nil && span != nil {
		if cs := extension.GetComplexityStats(graphql.WithOperationContext(ctx, oc)); cs != nil {
			span.SetAttributes(attribute.Int("normgraph.graphql.complexity", cs.Complexity))
		}
	}
	if errs != nil {
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, oc), errs)
		ob.outcome, ob.errs = outcomeRejected, resp.Errors
		writeResponse(ctx, w, media, requestErrorStatus(media, resp.Errors), resp)
		return
	}
	if r.Method == http.MethodGet && oc.Operation.Operation != ast.Query {
		w.Header().Set("Allow", "POST")
		ob.outcome, ob.errs = outcomeRejected, codeOnly(CodeMethodNotAllowed)
		writeGraphQLError(w, media, http.StatusMethodNotAllowed, CodeMethodNotAllowed,
			"GET requests can only run queries: send a %s with POST", oc.Operation.Operation)
		return
	}

	responses, ctx := exec.DispatchOperation(ctx, oc)
	resp := responses(ctx)
	switch {
	case resp == nil:
		// The deadline passed before execution started.
		ob.outcome, ob.errs = outcomeError, codeOnly(CodeTimeout)
		writeGraphQLError(w, media, http.StatusServiceUnavailable, CodeTimeout, "request timed out")
	case len(resp.Data) == 0:
		// Errors raised before execution began: a request error too.
		ob.outcome, ob.errs = outcomeRejected, resp.Errors
		writeResponse(ctx, w, media, requestErrorStatus(media, resp.Errors), resp)
	default:
		ob.outcome, ob.errs = outcomeOK, resp.Errors
		if len(resp.Errors) > 0 {
			ob.outcome = outcomeError
		}
		writeResponse(ctx, w, media, http.StatusOK, resp)
	}
}

// Outcomes of a GraphQL request, as the requests_total metric counts them.
const (
	outcomeOK       = "ok"       // executed, no errors
	outcomeError    = "error"    // executed, some fields failed
	outcomeRejected = "rejected" // not executed: a request error
)

// observation is what the transport learns about one operation, for metrics,
// the span and the access log.
type observation struct {
	start   time.Time
	name    string
	kind    string
	outcome string
	errs    gqlerror.List
}

// reject answers a request that never reached the GraphQL executor.
func (t graphqlTransport) reject(ctx context.Context, w http.ResponseWriter, media string, status int, code string, start time.Time, format string, args ...any) {
	writeGraphQLError(w, media, status, code, format, args...)
	t.finish(ctx, nil, observation{start: start, outcome: outcomeRejected, errs: codeOnly(code)})
}

// codeOnly stands for an error written directly, for the metrics that count
// errors by code.
func codeOnly(code string) gqlerror.List {
	return gqlerror.List{{Extensions: map[string]any{"code": code}}}
}

func (t graphqlTransport) finish(ctx context.Context, span trace.Span, ob observation) {
	name := t.metrics.observe(ob)
	info := opInfoFrom(ctx)
	info.name, info.outcome = truncate(ob.name, 128), ob.outcome
	if span == nil {
		return
	}
	spanName := "GraphQL Operation"
	if ob.kind != "" {
		spanName = ob.kind
		if ob.name != "" {
			spanName += " " + name
		}
	}
	span.SetName(spanName)
	if ob.name != "" {
		span.SetAttributes(attribute.String("graphql.operation.name", truncate(ob.name, 128)))
	}
	if ob.kind != "" {
		span.SetAttributes(attribute.String("graphql.operation.type", ob.kind))
	}
	span.SetAttributes(attribute.String("normgraph.graphql.outcome", ob.outcome))
	if len(ob.errs) > 0 {
		errCodes := make([]string, 0, len(ob.errs))
		for _, e := range ob.errs {
			errCodes = append(errCodes, codeOf(e))
		}
		span.SetAttributes(attribute.StringSlice("normgraph.graphql.error_codes", errCodes))
	}
	if ob.outcome != outcomeOK {
		span.SetStatus(codes.Error, ob.outcome)
	}
}

// requestErrorStatus is the status of a response without data.
func requestErrorStatus(media string, errs gqlerror.List) int {
	if media == mediaJSON {
		return http.StatusOK
	}
	for _, e := range errs {
		if codeOf(e) == CodeInternal {
			return http.StatusInternalServerError
		}
	}
	return http.StatusBadRequest
}

// requestErrorBody is a response without a data entry: the spec wants data
// absent, not null, when execution never started.
type requestErrorBody struct {
	Errors     gqlerror.List  `json:"errors"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

func writeResponse(ctx context.Context, w http.ResponseWriter, media string, status int, resp *graphql.Response) {
	if plainData(resp) {
		// The common answer: data and nothing else. gqlgen wrote Data as
		// compact JSON already; json.Marshal would scan and copy it again.
		w.Header().Set("Content-Type", media+"; charset=utf-8")
		w.WriteHeader(status)
		b := make([]byte, 0, len(`{"data":}`)+len(resp.Data))
		b = append(append(append(b, `{"data":`...), resp.Data...), '}')
		_, _ = w.Write(b)
		return
	}
	var v any = resp
	if len(resp.Data) == 0 {
		v = requestErrorBody{Errors: resp.Errors, Extensions: resp.Extensions}
	}
	b, err := json.Marshal(v)
	if err != nil {
		zerolog.Ctx(ctx).Error().Err(err).Msg("cannot encode GraphQL response")
		writeGraphQLError(w, media, http.StatusInternalServerError, CodeInternal, "internal error")
		return
	}
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// plainData reports whether resp carries data and nothing else.
func plainData(resp *graphql.Response) bool {
	return len(resp.Data) > 0 && len(resp.Errors) == 0 && len(resp.Extensions) == 0 &&
		resp.Label == "" && resp.Path == nil && resp.HasNext == nil
}

// writeGraphQLError answers a request with one error and no data, in the
// GraphQL response shape so clients handle every rejection alike.
func writeGraphQLError(w http.ResponseWriter, media string, status int, code, format string, args ...any) {
	writeErrorBody(w, media, status, map[string]any{"code": code}, fmt.Sprintf(format, args...))
}

// writeLimitError is writeGraphQLError for a limit, named in extensions.limit.
func writeLimitError(w http.ResponseWriter, media string, status int, code, limit, format string, args ...any) {
	writeErrorBody(w, media, status, map[string]any{"code": code, "limit": limit}, fmt.Sprintf(format, args...))
}

func writeErrorBody(w http.ResponseWriter, media string, status int, ext map[string]any, msg string) {
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(requestErrorBody{Errors: gqlerror.List{{Message: msg, Extensions: ext}}})
}

// negotiate picks the response media type from the Accept header values: the
// acceptable type with the highest q-value. A type named exactly beats one
// reached through a wildcard at the same q; wildcards and a missing header
// mean application/json, the type every client understands (as the spec
// asks until its watershed); an exact tie favours
// application/graphql-response+json, the spec's own. ok is false when
// neither type is acceptable.
func negotiate(accept []string) (media string, ok bool) {
	if len(accept) == 0 {
		return mediaJSON, true
	}
	type offer struct {
		q        float64
		exact    bool
		explicit bool // some range matched, even with q=0
	}
	var jsonOffer, gqlOffer offer
	consider := func(o *offer, q float64, exact bool) {
		// The most specific matching range decides (RFC 9110, 12.5.1).
		if !o.explicit || exact && !o.exact {
			*o = offer{q: q, exact: exact, explicit: true}
		}
	}
	empty := true
	for _, header := range accept {
		for part := range strings.SplitSeq(header, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			empty = false
			mt, params, err := mime.ParseMediaType(part)
			if err != nil {
				continue
			}
			q := 1.0
			if s, ok := params["q"]; ok {
				if v, err := strconv.ParseFloat(s, 64); err == nil && v >= 0 && v <= 1 {
					q = v
				}
			}
			switch mt {
			case mediaJSON:
				consider(&jsonOffer, q, true)
			case mediaGraphQLResponse:
				consider(&gqlOffer, q, true)
			case "application/*", "*/*":
				consider(&jsonOffer, q, false)
				consider(&gqlOffer, q, false)
			}
		}
	}
	if empty {
		return mediaJSON, true
	}
	switch {
	case jsonOffer.q <= 0 && gqlOffer.q <= 0:
		return "", false
	case gqlOffer.q > jsonOffer.q:
		return mediaGraphQLResponse, true
	case jsonOffer.q > gqlOffer.q:
		return mediaJSON, true
	case gqlOffer.exact && !jsonOffer.exact:
		return mediaGraphQLResponse, true
	case jsonOffer.exact && !gqlOffer.exact:
		return mediaJSON, true
	case gqlOffer.exact:
		return mediaGraphQLResponse, true
	default:
		return mediaJSON, true
	}
}

// badRequest is a request that is not GraphQL over HTTP at all.
type badRequest struct {
	status int
	code   string
	msg    string
}

func malformed(format string, args ...any) *badRequest {
	return &badRequest{status: http.StatusBadRequest, code: CodeBadRequest, msg: fmt.Sprintf(format, args...)}
}

// paramsFromURL reads a GET request's parameters: query, operationName, and
// variables and extensions as JSON text.
func paramsFromURL(r *http.Request) (*graphql.RawParams, *badRequest) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, malformed("the URL query string cannot be parsed: %v", err)
	}
	p := &graphql.RawParams{Query: q.Get("query"), OperationName: q.Get("operationName")}
	for name, dst := range map[string]*map[string]any{"variables": &p.Variables, "extensions": &p.Extensions} {
		if s := q.Get(name); s != "" {
			if bad := decodeObject(name, json.RawMessage(s), dst); bad != nil {
				return nil, bad
			}
		}
	}
	return p, needQuery(p)
}

// paramsFromBody reads a POST request's JSON body.
func paramsFromBody(r *http.Request) (*graphql.RawParams, *badRequest) {
	ct := r.Header.Get("Content-Type")
	mt, ctParams, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || mt != mediaJSON {
		return nil, &badRequest{http.StatusUnsupportedMediaType, CodeUnsupportedMediaType,
			fmt.Sprintf("POST requests must have Content-Type: %s (got %q)", mediaJSON, truncate(ct, 64))}
	}
	if cs, ok := ctParams["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return nil, &badRequest{http.StatusUnsupportedMediaType, CodeUnsupportedMediaType,
			fmt.Sprintf("request bodies must be UTF-8, not %q", truncate(cs, 32))}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, malformed("cannot read the request body")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, malformed("the request body is empty: send a JSON object with a query")
	}
	// One pass over the body: the query text can be most of it.
	var raw struct {
		Query         *string        `json:"query"`
		OperationName *string        `json:"operationName"`
		Variables     map[string]any `json:"variables"`
		Extensions    map[string]any `json:"extensions"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // gqlgen's variable coercion expects json.Number
	if err := dec.Decode(&raw); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			switch te.Field {
			case "query", "operationName":
				return nil, malformed("%s must be a string", te.Field)
			case "variables", "extensions":
				return nil, malformed("%s must be a JSON object", te.Field)
			}
		}
		return nil, malformed("the request body is not a JSON object: %v", err)
	}
	if rest := bytes.TrimSpace(body[dec.InputOffset():]); len(rest) > 0 {
		return nil, malformed("the request body is not a JSON object: unexpected data after the object")
	}
	p := &graphql.RawParams{Variables: raw.Variables, Extensions: raw.Extensions}
	if raw.Query != nil {
		p.Query = *raw.Query
	}
	if raw.OperationName != nil {
		p.OperationName = *raw.OperationName
	}
	return p, needQuery(p)
}

// needQuery insists on a query, unless a persisted query stands in for it.
func needQuery(p *graphql.RawParams) *badRequest {
	if p.Query == "" && p.Extensions["persistedQuery"] == nil {
		return malformed("the request has no query: send the query parameter (or a persisted query hash in extensions.persistedQuery)")
	}
	return nil
}

// jsonKind is the JSON type of a raw value, by its first byte: 'n' for null
// (or absent), '"' for a string, '{' for an object, and so on.
func jsonKind(raw json.RawMessage) byte {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0, string(raw) == "null":
		return 'n'
	case raw[0] == 'n':
		return '?' // not JSON at all
	default:
		return raw[0]
	}
}

// decodeObject decodes a JSON object, keeping numbers as json.Number the way
// gqlgen's variable coercion expects.
func decodeObject(name string, raw json.RawMessage, dst *map[string]any) *badRequest {
	switch jsonKind(raw) {
	case 'n':
		return nil
	case '{':
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(dst); err != nil {
			return malformed("%s is not a valid JSON object", name)
		}
		if dec.More() {
			return malformed("%s is not a valid JSON object", name)
		}
		return nil
	default:
		return malformed("%s must be a JSON object", name)
	}
}

// truncate keeps client-supplied text short in logs, spans and messages.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
