package graph

import (
	"context"
	"errors"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/normgraph/normgraph/internal/loader"
	"github.com/normgraph/normgraph/internal/normgraph"
)

// DefaultMaxFirst caps `first` on every connection unless configured otherwise.
const DefaultMaxFirst = 500

// Resolver holds the dependencies of every resolver.
type Resolver struct {
	Store normgraph.Store
	// MaxFirst caps `first`; a larger value is a BAD_USER_INPUT error.
	MaxFirst int
}

// errNoLoaders means the HTTP layer did not install per-request loaders: a
// wiring bug, reported as an internal error rather than silently unbatched.
var errNoLoaders = errors.New("graph: no dataloaders in request context")

func loaders(ctx context.Context) (*loader.Loaders, error) {
	l := loader.For(ctx)
	if l == nil {
		return nil, errNoLoaders
	}
	return l, nil
}

// pageArgs decodes and checks `first` and `after`.
func (r *Resolver) pageArgs(first *int, after *string) (normgraph.PageArgs, error) {
	max := r.MaxFirst
	if max <= 0 {
		max = DefaultMaxFirst
	}
	p := normgraph.PageArgs{First: 50}
	if first != nil {
		p.First = *first
	}
	if p.First < 0 || p.First > max {
		return p, normgraph.Errorf(normgraph.EINVALID, "first: must be between 0 and %d, got %d", max, p.First)
	}
	if after != nil && *after != "" {
		c, err := normgraph.DecodeCursor(*after)
		if err != nil {
			return p, err
		}
		p.After = &c
	}
	return p, nil
}

// list answers a root list field.
func (r *Resolver) list(ctx context.Context, kind normgraph.EntityKind, filter *normgraph.Filter, first *int, after *string) (*normgraph.Page, error) {
	p, err := r.pageArgs(first, after)
	if err != nil {
		return nil, err
	}
	var f normgraph.Filter
	if filter != nil {
		f = *filter
	}
	page, err := r.Store.List(ctx, kind, f, p)
	if err == nil {
		// A kind's GraphQL type is named as its label.
		r.fetchAheadList(ctx, connectionField, kind.Label(), len(page.Edges), func(i int) normgraph.Entity {
			e, _ := page.Edges[i].Node.(normgraph.Entity)
			return e
		})
	}
	return page, err
}

// related answers a connection field that follows a relationship from id.
func (r *Resolver) related(ctx context.Context, id string, t normgraph.Traversal, first *int, after *string) (*normgraph.Page, error) {
	p, err := r.pageArgs(first, after)
	if err != nil {
		return nil, err
	}
	l, err := loaders(ctx)
	if err != nil {
		return nil, err
	}
	if onlyTotalCount(ctx) {
		// `x(first: n) { totalCount }` needs no items: asking for none lets
		// the store count without reading the far ends, and shares the
		// load with count fields such as memberCount.
		p.First = 0
	}
	var then []loader.Next
	var omit normgraph.PageFields
	var cite bool
	if p.First != 0 && l.Prefetches() {
		// Only a store that batches natively is told what to leave out,
		// as only it gets the lookahead that must agree with it.
		then, omit, cite = r.lookahead(ctx)
	}
	return l.Related(ctx, id, t, p, omit, cite, then)
}

// onlyTotalCount reports whether the connection field being resolved
// selects nothing but totalCount (and __typename).
func onlyTotalCount(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return false
	}
	return selectsOnlyTotalCount(collectFields(ctx, graphql.GetOperationContext(ctx), fc.Field.Selections, nil))
}

func selectsOnlyTotalCount(fields []graphql.CollectedField) bool {
	for _, f := range fields {
		if f.Name != "totalCount" && f.Name != "__typename" {
			return false
		}
	}
	return len(fields) > 0
}

// count answers a count field: the total of a relationship list.
func (r *Resolver) count(ctx context.Context, id string, t normgraph.Traversal) (int, error) {
	l, err := loaders(ctx)
	if err != nil {
		return 0, err
	}
	p, err := l.Related(ctx, id, t, normgraph.PageArgs{First: 0}, 0, false, nil)
	if err != nil {
		return 0, err
	}
	return p.TotalCount, nil
}

// relatedAll answers a plain list field (not a connection) that follows a
// relationship from id: every far end, in list order.
func relatedAll[T normgraph.Node](ctx context.Context, r *Resolver, id string, t normgraph.Traversal) ([]T, error) {
	l, err := loaders(ctx)
	if err != nil {
		return nil, err
	}
	var then []loader.Next
	var omit normgraph.PageFields
	var cite bool
	if l.Prefetches() {
		then, omit, cite = r.lookahead(ctx)
	}
	p, err := l.Related(ctx, id, t, normgraph.PageArgs{First: normgraph.Unlimited}, omit, cite, then)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(p.Edges))
	for _, e := range p.Edges {
		if v, ok := e.Node.(T); ok {
			out = append(out, v)
		}
	}
	return out, nil
}

// rootEntity answers a root field that looks an entity up by id. With a
// store that batches natively, the relationship fields selected on it are
// fetched with it, in the same round trip (see lookahead).
func rootEntity[T normgraph.Entity](ctx context.Context, r *Resolver, id string) (T, error) {
	l := loader.For(ctx)
	if l == nil || !l.Prefetches() {
		return entity[T](ctx, id)
	}
	found := r.fetchAhead(ctx, l, id)
	v, err := entity[T](ctx, id)
	if err == nil {
		found(id)
	}
	return v, err
}

// fetchAhead starts loading, with the lookup of id by the root field being
// resolved, the relationship fields selected on its node (see lookahead).
// Call found with the id of the node the lookup found: if it is id and
// nothing below the field was left out, the field is marked as fetched
// ahead entirely, so that its lists need not form batches (inOrder).
func (r *Resolver) fetchAhead(ctx context.Context, l *loader.Loaders, id string) (found func(string)) {
	then, complete := r.lookaheadObject(ctx)
	l.Ahead(ctx, id, then)
	if readsSources(ctx) {
		l.AheadCited(ctx, id)
	}
	return func(got string) {
		if complete && got == id {
			l.MarkFetchedAhead(rootField(graphql.GetFieldContext(ctx)))
		}
	}
}

// fetchAheadList is fetchAhead for a root list whose n nodes (the i-th's
// id is id(i), of the GraphQL type node) the store has just returned: the relationship fields
// selected on them are registered here, one after another, in the batch
// being collected. Left to the elements' resolvers, which gqlgen runs in
// goroutines of their own, some of those loads miss the batching window
// when the machine is busy, and the batch goes out as two statements whose
// texts Neo4j may not have planned yet, a second's stall under load
// (bench/README.md, "Rare statement texts stalled for a second").
func (r *Resolver) fetchAheadList(ctx context.Context, shape fieldShape, node string, n int, entity func(i int) normgraph.Entity) {
	l := loader.For(ctx)
	fc := graphql.GetFieldContext(ctx)
	if l == nil || !l.Prefetches() || n == 0 || fc == nil || fc.Field.Field == nil || node == "" {
		return
	}
	op := graphql.GetOperationContext(ctx)
	f := relField{shape: shape, node: node}
	then, complete := r.below(ctx, op, fc.Field.Selections, f)
	_, sources := reads(ctx, op, fc.Field.Selections, f)
	for i := range n {
		e := entity(i)
		if e == nil {
			continue
		}
		l.Ahead(ctx, e.NodeID(), then)
		if sources {
			l.AheadSources(ctx, e.Base().SourceIDs)
		}
	}
	if complete {
		l.MarkFetchedAhead(rootField(fc))
	}
}

// rootCountry is rootEntity for country(id:), which also takes ISO codes.
func rootCountry(ctx context.Context, r *Resolver, id string) (*normgraph.Country, error) {
	l, err := loaders(ctx)
	if err != nil {
		return nil, err
	}
	if !l.Prefetches() {
		return l.Country(ctx, id)
	}
	// An id matches before any ISO code does, and ids are lowercase: if a
	// country has this id, it is the one the lookup finds, and its
	// relationship fields can be fetched with it. Given a code, the pages
	// fetched ahead match no country and cost an index seek.
	found := r.fetchAhead(ctx, l, strings.ToLower(id))
	c, err := l.Country(ctx, id)
	if err == nil && c != nil {
		found(c.ID)
	}
	return c, err
}

// entity loads one entity of the Go type T by id; nil when unknown or of another kind.
func entity[T normgraph.Entity](ctx context.Context, id string) (T, error) {
	var zero T
	l, err := loaders(ctx)
	if err != nil {
		return zero, err
	}
	e, err := l.Entity(ctx, id)
	if err != nil || e == nil {
		return zero, err
	}
	v, _ := e.(T)
	return v, nil
}

// sources loads the sources cited by ids.
func loadSources(ctx context.Context, ids []string) ([]*normgraph.Source, error) {
	if len(ids) == 0 {
		return []*normgraph.Source{}, nil
	}
	l, err := loaders(ctx)
	if err != nil {
		return nil, err
	}
	return l.Sources(ctx, ids)
}

// edgeSources loads the sources of the relationship an edge follows.
func edgeSources(ctx context.Context, e *normgraph.Edge) ([]*normgraph.Source, error) {
	if e.Relation == nil {
		return []*normgraph.Source{}, nil
	}
	return loadSources(ctx, e.Relation.SourceIDs)
}

// edgeNode returns the node of an edge as the Go type its connection holds.
func edgeNode[T normgraph.Node](e *normgraph.Edge) (T, error) {
	v, ok := e.Node.(T)
	if !ok {
		return v, errors.New("graph: edge node of unexpected type")
	}
	return v, nil
}

func out(t normgraph.RelationType) normgraph.Traversal {
	return normgraph.Traversal{Type: t, Direction: normgraph.Outgoing}
}

func in(t normgraph.RelationType) normgraph.Traversal {
	return normgraph.Traversal{Type: t, Direction: normgraph.Incoming}
}

func orEmpty(f *normgraph.Filter) normgraph.Filter {
	if f == nil {
		return normgraph.Filter{}
	}
	return *f
}

func intOr(v *int, def int) int {
	if v == nil {
		return def
	}
	return *v
}
