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

// GraphQL error codes (extensions.code), one per domain error code.
const (
	CodeBadUserInput        = "BAD_USER_INPUT"
	CodeQueryTooComplex     = "QUERY_TOO_COMPLEX"
	CodeTimeout             = "TIMEOUT"
	CodeDatabaseUnavailable = "DATABASE_UNAVAILABLE"
	CodeInternal            = "INTERNAL"
	// HTTP-level rejections, before any GraphQL is parsed.
	CodeRequestTooLarge = "REQUEST_TOO_LARGE"
	CodeServerBusy      = "SERVER_BUSY"
)

var extensionCodes = map[string]string{
	normgraph.EINVALID:     CodeBadUserInput,
	normgraph.ETOOCOMPLEX:  CodeQueryTooComplex,
	normgraph.ETIMEOUT:     CodeTimeout,
	normgraph.EUNAVAILABLE: CodeDatabaseUnavailable,
	normgraph.EINTERNAL:    CodeInternal,
}

// presentError gives every error an extensions.code and keeps internals out
// of responses: anything not a domain error or a GraphQL parse/validation
// error is logged and shown as "internal error".
func presentError(ctx context.Context, err error) *gqlerror.Error {
	gqlErr := graphql.DefaultErrorPresenter(ctx, err)
	var de *normgraph.Error
	switch {
	case errors.As(err, &de) && de.Code != normgraph.EINTERNAL:
		gqlErr.Message = de.Message
		setCode(gqlErr, extensionCodes[de.Code])
	case errors.Is(err, context.DeadlineExceeded):
		gqlErr.Message = "request timed out"
		setCode(gqlErr, CodeTimeout)
	case gqlErr.Extensions["code"] == "COMPLEXITY_LIMIT_EXCEEDED",
		strings.Contains(gqlErr.Message, "exceeded token limit"):
		setCode(gqlErr, CodeQueryTooComplex)
	case hasCode(gqlErr):
		// gqlgen's own parse and validation errors: already specific and safe.
	default:
		zerolog.Ctx(ctx).Error().Err(err).Str("path", gqlErr.Path.String()).Msg("internal error")
		gqlErr.Message = "internal error"
		setCode(gqlErr, CodeInternal)
	}
	return gqlErr
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

// recoverPanic turns a resolver panic into an INTERNAL error, logged with its stack.
func recoverPanic(ctx context.Context, p any) error {
	zerolog.Ctx(ctx).Error().Str("panic", fmt.Sprint(p)).Bytes("stack", debug.Stack()).Msg("panic in resolver")
	return &gqlerror.Error{Message: "internal error", Extensions: map[string]any{"code": CodeInternal}}
}
