package graph

import (
	"context"
	"io"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/normgraph/normgraph/internal/loader"
)

// The functions here stand in for gqlgen calls in the generated executor:
// go generate rewrites those calls (graph/internal/execpatch). Each does
// what the call it replaces does, less work that a query paid for and did
// not use. execpatch also resolves plain scalar fields (read straight from
// the parent's struct) by calling their marshaller: such a field gets no
// field context and does not pass through gqlgen's field middleware, which
// normgraph does not use; whoever adds an AroundFields middleware will not
// see those fields. With loader.Direct these took the server CPU of a
// three-level traversal of the embedded graph from 2.7–4.0 to about
// 0.7 ms (bench/README.md, "Where the CPU goes").

// marshalList marshals a list's elements as graphql.MarshalSliceConcurrently
// does, in the caller's goroutine when the request's loaders are direct.
//
// gqlgen gives every element a goroutine of its own, so that sibling
// resolvers reach the dataloader together and share a batch: the right
// thing for Neo4j, where a batch saves round trips. The embedded graph
// answers each load at once (loader.Direct) and has nothing to batch; there
// the goroutines only cost: growing their stacks two or three times as they
// descended took a quarter to a third of a traversal's CPU.
//
// The same holds under a root field whose whole answer was fetched ahead
// with it (see lookaheadObject): every load below it is a cache hit.
func marshalList(ctx context.Context, n int, workerLimit int64, omitPanicHandler bool, marshal func(context.Context, int) graphql.Marshaler) graphql.Array {
	if n <= 1 || !inOrder(ctx) {
		return graphql.MarshalSliceConcurrently(ctx, n, workerLimit, omitPanicHandler, marshal)
	}
	ret := make(graphql.Array, n)
	// The elements' field contexts and indices, which their paths need,
	// allocated together rather than two allocations per element.
	fcs, idx := make([]graphql.FieldContext, n), make([]int, n)
	for i := range n {
		idx[i] = i
		fcs[i].Index = &idx[i]
		ret[i] = marshalElement(graphql.WithFieldContext(ctx, &fcs[i]), i, omitPanicHandler, marshal)
	}
	return ret
}

// inOrder reports whether the elements of the list being marshalled can be
// marshalled one after another without costing round trips.
func inOrder(ctx context.Context) bool {
	l := loader.For(ctx)
	if l.Direct() {
		return true
	}
	if l == nil || !l.Prefetches() {
		return false
	}
	root := rootField(graphql.GetFieldContext(ctx))
	return root != nil && l.FetchedAhead(root)
}

// rootField returns the root field fc belongs to: the field context whose
// parent is the one gqlgen makes for the Query object itself.
func rootField(fc *graphql.FieldContext) *graphql.FieldContext {
	for fc != nil && fc.Parent != nil && fc.Parent.Parent != nil {
		fc = fc.Parent
	}
	return fc
}

// marshalElement recovers a panic as gqlgen does for each element: the
// element is null and the panic an error on its path.
func marshalElement(ctx context.Context, i int, omitPanicHandler bool, marshal func(context.Context, int) graphql.Marshaler) (m graphql.Marshaler) {
	if !omitPanicHandler {
		defer func() {
			if r := recover(); r != nil {
				graphql.AddError(ctx, graphql.Recover(ctx, r))
				m = graphql.Null
			}
		}()
	}
	return marshal(ctx, i)
}

// newDeferredGroup is graphql.NewDeferredGroup without the group's path.
// gqlgen builds that path, a slice as long as the object's depth, for every
// object it marshals, and reads it only to label @defer payloads: withPath
// adds it to a group that has some, just before gqlgen processes them. It
// was about 13% of a traversal's CPU. The group's field set and map are
// only touched by fields under @defer (FieldSet.ResolveConcurrently), so an
// object without one gets neither.
func newDeferredGroup(ctx context.Context, fields []graphql.CollectedField) graphql.DeferredGroup {
	g := graphql.DeferredGroup{Context: ctx}
	for i := range fields {
		if fields[i].IsDeferred() {
			g.FieldSet = graphql.NewFieldSet(nil)
			g.Defers = make(map[string]*graphql.FieldSetView)
			break
		}
	}
	return g
}

// withPath completes a group from newDeferredGroup for ProcessDeferredGroup.
func withPath(g graphql.DeferredGroup) graphql.DeferredGroup {
	if len(g.Defers) > 0 {
		g.Path = graphql.GetPath(g.Context)
	}
	return g
}

// object is what an object's marshaller returns: its field set, which
// MarshalGQL writes as FieldSet.MarshalGQL does, without the map of the
// aliases written so far and the heap copy of every collected field that
// gqlgen's iterator makes (together about a fifth of a traversal's
// allocations).
type object struct {
	fields []graphql.CollectedField
	set    *graphql.FieldSet
}

func (o *object) MarshalGQL(w io.Writer) {
	io.WriteString(w, "{")
	first := true
	for i := range o.fields {
		alias := o.fields[i].Alias
		if o.written(i, alias) {
			continue
		}
		if !first {
			io.WriteString(w, ",")
		}
		first = false
		// An alias is a GraphQL name ([_A-Za-z][_0-9A-Za-z]*): nothing
		// to escape.
		io.WriteString(w, `"`)
		io.WriteString(w, alias)
		io.WriteString(w, `":`)
		o.set.Values[i].MarshalGQL(w)
	}
	io.WriteString(w, "}")
}

// written reports whether a field before the i-th has the same alias: the
// first one wins, as in gqlgen. Objects have a handful of fields, so a scan
// costs less than a map.
func (o *object) written(i int, alias string) bool {
	for j := range i {
		if o.fields[j].Alias == alias {
			return true
		}
	}
	return false
}

// fieldArgs stands in for a field context's ec.field_X_args(ctx,
// field.ArgumentMap(vars)). A field's arguments depend only on the query's
// text and variables, so under a list they are the same for every element:
// with OperationCache installed they are decoded once per operation and the
// field contexts of all the elements share the map, which resolvers only
// read. Decoding them cost three allocations and a map per element (about
// a tenth of a traversal's allocations). A failed decoding is not kept, so
// that every element reports its error as gqlgen would. The entry is also
// keyed by the decoder's name (field_Type_name_args): a field of a fragment
// on an interface is one node of the document for every implementing type,
// and each type's decoder fills in the defaults of its own arguments.
func fieldArgs(ctx context.Context, field graphql.CollectedField, vars map[string]any, decoder string,
	decode func(context.Context, map[string]any) (map[string]any, error)) (map[string]any, error) {
	c := opCacheFrom(ctx)
	if c == nil {
		return decode(ctx, field.ArgumentMap(vars))
	}
	return remember(&c.mu, c.args, argsKey{field.Field, decoder}, func() (map[string]any, error) {
		return decode(ctx, field.ArgumentMap(vars))
	})
}

type argsKey struct {
	field   *ast.Field
	decoder string
}

// collectFields stands in for an object marshaller's
// graphql.CollectFields(oc, sel, satisfies), which gqlgen caches per
// operation under a key it hashes from the type names, allocating on
// every call (every object of a list). Here the key is the selection set's
// and the type list's addresses: the selection sets belong to the
// operation's parsed document and each type list is a variable of the
// generated code (or nil, for any type).
func collectFields(ctx context.Context, oc *graphql.OperationContext, sel ast.SelectionSet, satisfies []string) []graphql.CollectedField {
	c := opCacheFrom(ctx)
	if c == nil || len(sel) == 0 {
		return graphql.CollectFields(oc, sel, satisfies)
	}
	k := fieldsKey{sel: &sel[0], n: len(sel)}
	if len(satisfies) > 0 {
		k.satisfies = &satisfies[0]
	}
	fields, _ := remember(&c.mu, c.fields, k, func() ([]graphql.CollectedField, error) {
		return graphql.CollectFields(oc, sel, satisfies), nil
	})
	return fields
}

// remember returns m's value for k, computing it on a miss and keeping it
// unless compute fails. Two goroutines that miss together both compute;
// the values are equal.
func remember[K comparable, V any](mu *sync.Mutex, m map[K]V, k K, compute func() (V, error)) (V, error) {
	mu.Lock()
	v, ok := m[k]
	mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := compute()
	if err == nil {
		mu.Lock()
		m[k] = v
		mu.Unlock()
	}
	return v, err
}

type fieldsKey struct {
	sel       *ast.Selection
	n         int
	satisfies *string
}

type opCacheKey struct{}

// opCache holds what an operation computes once for all the objects it
// marshals: decoded field arguments by field of the query document and
// decoder (fields merged by CollectFields keep the first one's node, and
// validation requires merged fields to have equal arguments), and collected
// fields.
type opCache struct {
	mu     sync.Mutex
	args   map[argsKey]map[string]any
	fields map[fieldsKey][]graphql.CollectedField
}

func opCacheFrom(ctx context.Context) *opCache {
	c, _ := ctx.Value(opCacheKey{}).(*opCache)
	return c
}

// OperationCache is a handler extension that gives each operation the
// cache that fieldArgs and collectFields use.
type OperationCache struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = OperationCache{}

func (OperationCache) ExtensionName() string                          { return "OperationCache" }
func (OperationCache) Validate(schema graphql.ExecutableSchema) error { return nil }

func (OperationCache) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	return next(context.WithValue(ctx, opCacheKey{}, &opCache{
		args:   map[argsKey]map[string]any{},
		fields: map[fieldsKey][]graphql.CollectedField{},
	}))
}
