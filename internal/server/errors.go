package server

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// GraphQL error codes (extensions.code). Clients branch on these, never on
// messages, so they are part of the API contract: add codes, change none.
const (
	// CodeBadUserInput: an argument is wrong (first over its cap, a bogus
	// cursor, a bad date); the message says which and why.
	CodeBadUserInput = "BAD_USER_INPUT"
	// CodeQueryTooComplex: the operation exceeds a query limit (tokens,
	// depth, aliases, root fields, complexity); extensions.limit names it.
	CodeQueryTooComplex = "QUERY_TOO_COMPLEX"
	// CodeTimeout: the request's deadline (Limits.Timeout) passed.
	CodeTimeout = "TIMEOUT"
	// CodeDatabaseUnavailable: the store cannot reach its database.
	CodeDatabaseUnavailable = "DATABASE_UNAVAILABLE"
	// CodeInternal: anything else; the message is "internal error" and the
	// details are only in the log, under the same request id.
	CodeInternal = "INTERNAL"

	// CodeRequestTooLarge: the body exceeds Limits.MaxBodyBytes (HTTP 413).
	CodeRequestTooLarge = "REQUEST_TOO_LARGE"
	// CodeServerBusy: Limits.MaxInFlight requests are already running (HTTP 503).
	CodeServerBusy = "SERVER_BUSY"
	// CodeBadRequest: the HTTP request is not a GraphQL-over-HTTP request
	// (no query, a body that is not a JSON object, a parameter of the wrong
	// type); HTTP 400.
	CodeBadRequest = "BAD_REQUEST"
	// CodeNotAcceptable: the Accept header admits neither
	// application/graphql-response+json nor application/json (HTTP 406).
	CodeNotAcceptable = "NOT_ACCEPTABLE"
	// CodeUnsupportedMediaType: a POST body that is not application/json in
	// UTF-8 (HTTP 415).
	CodeUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
	// CodeMethodNotAllowed: a method other than GET and POST, or a mutation
	// sent with GET (HTTP 405).
	CodeMethodNotAllowed = "METHOD_NOT_ALLOWED"
	// CodeIntrospectionDisabled: the server runs with introspection off and
	// the operation asks for __schema or __type.
	CodeIntrospectionDisabled = "INTROSPECTION_DISABLED"
	// CodePersistedQueryNotFound: an automatic persisted query hash the
	// server has not seen (or has evicted); the client resends the query with
	// its hash. The message is "PersistedQueryNotFound", which Apollo-style
	// clients match on.
	CodePersistedQueryNotFound = "PERSISTED_QUERY_NOT_FOUND"
	// CodePersistedQueryNotSupported: a hash-only request to a server with
	// automatic persisted queries off; the message is
	// "PersistedQueryNotSupported", on which such clients stop sending hashes.
	CodePersistedQueryNotSupported = "PERSISTED_QUERY_NOT_SUPPORTED"
	// CodePersistedQueryNotAllowed: the server runs an allowlist of persisted
	// queries and this operation is not on it.
	CodePersistedQueryNotAllowed = "PERSISTED_QUERY_NOT_ALLOWED"
)

var extensionCodes = map[string]string{
	normgraph.EINVALID:     CodeBadUserInput,
	normgraph.ETOOCOMPLEX:  CodeQueryTooComplex,
	normgraph.ETIMEOUT:     CodeTimeout,
	normgraph.EUNAVAILABLE: CodeDatabaseUnavailable,
	normgraph.EINTERNAL:    CodeInternal,
}

// errIntrospectionDisabled is what gqlgen itself answers when an
// introspection field slips past introspectionGuard; it has no code of its own.
const errIntrospectionDisabled = "introspection disabled"

// errorPresenter gives every error an extensions.code and keeps internals out
// of responses: anything not a domain error or a GraphQL parse/validation
// error is logged and shown as "internal error". It knows the limits so that
// gqlgen's own limit errors can name theirs.
func errorPresenter(lim Limits) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		var de *normgraph.Error
		switch {
		case errors.As(err, &de) && de.Code != normgraph.EINTERNAL:
			gqlErr.Message = de.Message
			setCode(gqlErr, extensionCodes[de.Code])
		case errors.Is(err, context.DeadlineExceeded):
			gqlErr.Message = "request timed out"
			setCode(gqlErr, CodeTimeout)
		case gqlErr.Extensions["code"] == "COMPLEXITY_LIMIT_EXCEEDED":
			gqlErr.Message += " (" + limitComplexity + ")"
			setCode(gqlErr, CodeQueryTooComplex)
			gqlErr.Extensions["limit"] = limitComplexity
		case strings.Contains(gqlErr.Message, "exceeded token limit"):
			gqlErr.Message = fmt.Sprintf("query exceeds the token limit of %d (max-tokens)", lim.MaxTokens)
			setCode(gqlErr, CodeQueryTooComplex)
			gqlErr.Extensions["limit"] = limitTokens
		case gqlErr.Message == errIntrospectionDisabled:
			gqlErr.Message = introspectionDisabledMessage
			setCode(gqlErr, CodeIntrospectionDisabled)
		case hasCode(gqlErr):
			// gqlgen's own parse and validation errors, and ours: already
			// specific and safe.
		default:
			zerolog.Ctx(ctx).Error().Err(err).Str("path", gqlErr.Path.String()).Msg("internal error")
			gqlErr.Message = "internal error"
			setCode(gqlErr, CodeInternal)
		}
		return gqlErr
	}
}

func hasCode(e *gqlerror.Error) bool {
	_, ok := e.Extensions["code"]
	return ok
}

func setCode(e *gqlerror.Error, code string) {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions["code"] = code
}

// codeOf is the extensions.code of e, "" if none.
func codeOf(e *gqlerror.Error) string {
	c, _ := e.Extensions["code"].(string)
	return c
}

// recoverPanic turns a resolver panic into an INTERNAL error, logged with its
// stack: the stack is the only way to find the bug, the client gets nothing.
func recoverPanic(ctx context.Context, p any) error {
	zerolog.Ctx(ctx).Error().Str("panic", fmt.Sprint(p)).Bytes("stack", debug.Stack()).Msg("panic in resolver")
	return &gqlerror.Error{Message: "internal error", Extensions: map[string]any{"code": CodeInternal}}
}
