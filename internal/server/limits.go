package server

import (
	"context"
	"fmt"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/normgraph/normgraph/graph"
)

// Limits bound what one request may cost, so that no single client, honest
// or not, can take the server or its database down. The zero value of a field
// means its default (DefaultLimits). Every rejection carries an
// extensions.code, and the query limits also an extensions.limit naming the
// limit (the name of its `normgraph serve` flag), so that clients and
// dashboards can tell them apart; each message states the limit's value.
//
//	limit          flag               default  exceeded                                   extensions.code        extensions.limit
//	-------------  -----------------  -------  -----------------------------------------  ---------------------  ----------------
//	MaxBodyBytes   --max-body-bytes   1 MiB    HTTP 413, nothing parsed                   REQUEST_TOO_LARGE      max-body-bytes
//	MaxInFlight    --max-in-flight    256      HTTP 503 + Retry-After: 1, nothing parsed  SERVER_BUSY            max-in-flight
//	Timeout        --timeout          10s      unfinished fields fail                     TIMEOUT                -
//	MaxTokens      --max-tokens       15000    rejected before parsing completes          QUERY_TOO_COMPLEX      max-tokens
//	MaxDepth       --max-depth        15       rejected before execution                  QUERY_TOO_COMPLEX      max-depth
//	MaxAliases     --max-aliases      50       rejected before execution                  QUERY_TOO_COMPLEX      max-aliases
//	MaxRootFields  --max-root-fields  20       rejected before execution                  QUERY_TOO_COMPLEX      max-root-fields
//	MaxComplexity  --max-complexity   100000   rejected before execution                  QUERY_TOO_COMPLEX      max-complexity
//	(fixed)        -                  100000   selections after fragment expansion        QUERY_TOO_COMPLEX      max-selections
//	MaxFirst       --max-first        500      the field fails (`first` out of 0..max)    BAD_USER_INPUT         -
//	(none)         -                  -        `after` is not a cursor from this API      BAD_USER_INPUT         -
//
// Query-limit rejections are request errors: the response has no data and
// its HTTP status is 200 for application/json and 400 for
// application/graphql-response+json (the GraphQL-over-HTTP spec's rules).
// MaxFirst and cursor errors are field errors: the rest of the query still
// answers. Complexity is estimated by graph.Complexity: a connection costs
// `first` times its children, so MaxComplexity is what bounds breadth; depth,
// aliases and root fields catch what the estimate misses (thousands of cheap
// aliased fields), and the token limit keeps the parser's own work bounded.
type Limits struct {
	// MaxFirst caps `first` on connections.
	MaxFirst int
	// MaxBodyBytes caps a request body; larger bodies get HTTP 413.
	MaxBodyBytes int64
	// Timeout is the deadline of one request, carried down to the store.
	Timeout time.Duration
	// MaxInFlight caps concurrent GraphQL requests; more get HTTP 503 at
	// once rather than queueing work the server cannot finish in time.
	MaxInFlight int
	// MaxTokens caps the lexer tokens of one query document.
	MaxTokens int
	// MaxDepth caps the nesting of fields.
	MaxDepth int
	// MaxAliases caps aliased fields per operation.
	MaxAliases int
	// MaxRootFields caps root fields per operation.
	MaxRootFields int
	// MaxComplexity caps the estimated cost (see graph.Complexity).
	MaxComplexity int
}

// DefaultLimits are the documented defaults (see the table on Limits).
var DefaultLimits = Limits{
	MaxFirst:     graph.DefaultMaxFirst,
	MaxBodyBytes: 1 << 20,
	Timeout:      10 * time.Second,
	MaxInFlight:  256,
	MaxTokens:    15000,
	// A three-level traversal (priority > fora > members > memberships) is
	// depth 10 with Relay's edges/node levels; 15 leaves room for fragments.
	MaxDepth:      15,
	MaxAliases:    50,
	MaxRootFields: 20,
	MaxComplexity: 100_000,
}

// Names of the limits in extensions.limit: the flags that set them.
const (
	limitBodyBytes   = "max-body-bytes"
	limitMaxInFlight = "max-in-flight"
	limitTokens      = "max-tokens"
	limitDepth       = "max-depth"
	limitAliases     = "max-aliases"
	limitRootFields  = "max-root-fields"
	limitComplexity  = "max-complexity"
	limitSelections  = "max-selections"
)

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	d.MaxFirst = positiveOr(l.MaxFirst, d.MaxFirst)
	d.MaxBodyBytes = positiveOr(l.MaxBodyBytes, d.MaxBodyBytes)
	d.Timeout = positiveOr(l.Timeout, d.Timeout)
	d.MaxInFlight = positiveOr(l.MaxInFlight, d.MaxInFlight)
	d.MaxTokens = positiveOr(l.MaxTokens, d.MaxTokens)
	d.MaxDepth = positiveOr(l.MaxDepth, d.MaxDepth)
	d.MaxAliases = positiveOr(l.MaxAliases, d.MaxAliases)
	d.MaxRootFields = positiveOr(l.MaxRootFields, d.MaxRootFields)
	d.MaxComplexity = positiveOr(l.MaxComplexity, d.MaxComplexity)
	return d
}

// positiveOr is v when set (positive), else def: zero means "the default".
func positiveOr[T int | int64 | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// shapeLimit rejects operations that are too deep or use too many aliases or
// root fields, before any resolver runs. Cost (breadth) is the complexity
// limit's job; this catches what cost estimates miss, such as thousands of
// cheap aliased fields.
type shapeLimit struct {
	maxDepth, maxAliases, maxRootFields int
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = shapeLimit{}

// ExtensionName implements graphql.HandlerExtension.
func (shapeLimit) ExtensionName() string { return "ShapeLimit" }

// Validate implements graphql.HandlerExtension.
func (shapeLimit) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator.
func (l shapeLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	w := shapeWalker{fragments: oc.Doc.Fragments}
	roots := w.countFields(oc.Operation.SelectionSet, map[string]bool{})
	depth := w.depth(oc.Operation.SelectionSet, map[string]bool{})
	switch {
	case w.visits > maxVisits:
		return tooComplex(limitSelections, "query expands to more than %d selections", maxVisits)
	case depth > l.maxDepth:
		return tooComplex(limitDepth, "query depth %d exceeds the limit of %d", depth, l.maxDepth)
	case w.aliases > l.maxAliases:
		return tooComplex(limitAliases, "query uses %d aliases, more than the limit of %d", w.aliases, l.maxAliases)
	case roots > l.maxRootFields:
		return tooComplex(limitRootFields, "query asks for %d root fields, more than the limit of %d", roots, l.maxRootFields)
	}
	return nil
}

func tooComplex(limit, format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    fmt.Sprintf(format, args...) + " (" + limit + ")",
		Extensions: map[string]any{"code": CodeQueryTooComplex, "limit": limit},
	}
}

type shapeWalker struct {
	fragments ast.FragmentDefinitionList
	aliases   int
	// visits bounds the walk: fragments spread inside fragments can make a
	// small document expand exponentially.
	visits int
}

// maxVisits is far above any honest query and far below a fragment bomb.
const maxVisits = 100_000

// depth is the deepest chain of fields; fragments count at the level they are spread.
func (w *shapeWalker) depth(set ast.SelectionSet, inFragment map[string]bool) int {
	deepest := 0
	for _, sel := range set {
		if w.visits++; w.visits > maxVisits {
			return maxVisits
		}
		switch s := sel.(type) {
		case *ast.Field:
			if s.Alias != "" && s.Alias != s.Name {
				w.aliases++
			}
			deepest = max(deepest, 1+w.depth(s.SelectionSet, inFragment))
		case *ast.InlineFragment:
			deepest = max(deepest, w.depth(s.SelectionSet, inFragment))
		case *ast.FragmentSpread:
			if f := w.fragments.ForName(s.Name); f != nil && !inFragment[s.Name] {
				inFragment[s.Name] = true
				deepest = max(deepest, w.depth(f.SelectionSet, inFragment))
				delete(inFragment, s.Name)
			}
		}
	}
	return deepest
}

// countFields counts the fields of one level, looking through fragments.
func (w *shapeWalker) countFields(set ast.SelectionSet, inFragment map[string]bool) int {
	n := 0
	for _, sel := range set {
		if w.visits++; w.visits > maxVisits {
			return maxVisits
		}
		switch s := sel.(type) {
		case *ast.Field:
			n++
		case *ast.InlineFragment:
			n += w.countFields(s.SelectionSet, inFragment)
		case *ast.FragmentSpread:
			if f := w.fragments.ForName(s.Name); f != nil && !inFragment[s.Name] {
				inFragment[s.Name] = true
				n += w.countFields(f.SelectionSet, inFragment)
				delete(inFragment, s.Name)
			}
		}
	}
	return n
}

const introspectionDisabledMessage = "introspection is disabled on this server: __schema and __type cannot be queried (only __typename can)"

// introspectionGuard rejects, before execution, an operation that asks for
// __schema or __type while introspection is off. gqlgen alone would run the
// rest of the query and fail those fields with a bare "introspection
// disabled"; a request error with its own code tells tools such as GraphiQL
// clearly why the schema is not coming.
type introspectionGuard struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = introspectionGuard{}

// ExtensionName implements graphql.HandlerExtension.
func (introspectionGuard) ExtensionName() string { return "IntrospectionGuard" }

// Validate implements graphql.HandlerExtension.
func (introspectionGuard) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator.
func (introspectionGuard) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return nil
	}
	// __schema and __type exist only on the query root, so the root level
	// (through fragments) is all there is to look at.
	if name := introspectionField(oc.Doc.Fragments, oc.Operation.SelectionSet, map[string]bool{}); name != "" {
		return &gqlerror.Error{
			Message:    introspectionDisabledMessage,
			Extensions: map[string]any{"code": CodeIntrospectionDisabled, "field": name},
		}
	}
	return nil
}

func introspectionField(fragments ast.FragmentDefinitionList, set ast.SelectionSet, seen map[string]bool) string {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" {
				return s.Name
			}
		case *ast.InlineFragment:
			if n := introspectionField(fragments, s.SelectionSet, seen); n != "" {
				return n
			}
		case *ast.FragmentSpread:
			if f := fragments.ForName(s.Name); f != nil && !seen[s.Name] {
				seen[s.Name] = true
				if n := introspectionField(fragments, f.SelectionSet, seen); n != "" {
					return n
				}
			}
		}
	}
	return ""
}
