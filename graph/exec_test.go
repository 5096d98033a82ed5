package graph

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/normgraph/normgraph/internal/loader"
	"github.com/normgraph/normgraph/internal/store/memstore"
	"github.com/normgraph/normgraph/internal/store/storetest"
)

// listCtx is the context of a list field at path "fora", with the
// request's loaders made with opts.
func listCtx(t *testing.T, opts ...loader.Option) context.Context {
	t.Helper()
	store, err := memstore.New(storetest.Fixture())
	if err != nil {
		t.Fatal(err)
	}
	quiet := func(_ context.Context, err any) error { return fmt.Errorf("panic: %v", err) }
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, quiet)
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "fora"}}})
	return loader.With(ctx, loader.New(store, 0, opts...))
}

func TestMarshalListInOrderWithDirectLoaders(t *testing.T) {
	ctx := listCtx(t, loader.Direct())
	var active, most atomic.Int32
	var order []int
	ret := marshalList(ctx, 5, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		n := active.Add(1)
		defer active.Add(-1)
		if n > most.Load() {
			most.Store(n)
		}
		if got := *graphql.GetFieldContext(ctx).Index; got != i {
			t.Errorf("element %d marshalled with index %d in its context", i, got)
		}
		order = append(order, i)
		time.Sleep(time.Millisecond) // room for a concurrent element to start
		return graphql.MarshalInt(i)
	})
	if most.Load() != 1 {
		t.Errorf("%d elements marshalled at once, want 1", most.Load())
	}
	if len(ret) != 5 || !slices.Equal(order, []int{0, 1, 2, 3, 4}) {
		t.Errorf("marshalled %d elements in order %v, want 0 to 4 in order", len(ret), order)
	}
}

// Without direct loaders every element has its own goroutine, as gqlgen
// gives it, so that siblings reach the dataloader together: here all five
// must be running at once to pass the barrier.
func TestMarshalListConcurrentWithBatchingLoaders(t *testing.T) {
	ctx := listCtx(t)
	var barrier sync.WaitGroup
	barrier.Add(5)
	all := make(chan struct{})
	go func() { barrier.Wait(); close(all) }()
	ret := marshalList(ctx, 5, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		barrier.Done()
		select {
		case <-all:
			return graphql.MarshalInt(i)
		case <-time.After(10 * time.Second):
			t.Errorf("element %d: the other elements never ran beside it", i)
			return graphql.Null
		}
	})
	if len(ret) != 5 {
		t.Errorf("%d elements, want 5", len(ret))
	}
}

// A panicking element is null, with the panic reported on its path, and
// the others are marshalled.
func TestMarshalListRecoversEachElement(t *testing.T) {
	ctx := listCtx(t, loader.Direct())
	ret := marshalList(ctx, 3, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		if i == 1 {
			panic("element 1 broke")
		}
		return graphql.MarshalInt(i)
	})
	if ret[1] != graphql.Null || ret[0] == graphql.Null || ret[2] == graphql.Null {
		t.Errorf("elements %v: want only element 1 null", ret)
	}
	errs := graphql.GetErrors(ctx)
	if len(errs) != 1 || errs[0].Path.String() != "fora[1]" {
		t.Fatalf("errors %v, want one at fora[1]", errs)
	}
}

// newDeferredGroup and withPath give ProcessDeferredGroup the group
// graphql.NewDeferredGroup would have, path included, when it defers.
func TestDeferredGroupPathOnlyWhenDeferring(t *testing.T) {
	ctx := listCtx(t)
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "members"}}})
	want := graphql.NewDeferredGroup(ctx)
	plain := []graphql.CollectedField{{Field: &ast.Field{Alias: "id"}}}
	if g := newDeferredGroup(ctx, plain); g.FieldSet != nil || g.Defers != nil || g.Context != ctx {
		t.Fatalf("group %+v for an object without deferred fields: want only the context", g)
	}
	deferring := append(plain, graphql.CollectedField{Field: &ast.Field{Alias: "name"}, Deferrables: []*graphql.Deferrable{{Label: "later"}}})
	g := newDeferredGroup(ctx, deferring)
	if g.FieldSet == nil || g.Defers == nil || g.Context != ctx {
		t.Fatalf("group %+v: want a field set, a defers map and the context", g)
	}
	if p := withPath(g).Path; p != nil {
		t.Errorf("path %v for a group that defers nothing, want none computed", p)
	}
	g.Defers["later"] = g.FieldSet.NewView()
	if got := withPath(g).Path.String(); got != want.Path.String() || got != "fora.members" {
		t.Errorf("path %q, want %q (fora.members)", got, want.Path.String())
	}
}

// object writes what gqlgen's FieldSet writes: every field under its
// alias, in order, the first of a repeated alias only.
func TestObjectMarshalsAsFieldSet(t *testing.T) {
	fields := []graphql.CollectedField{
		{Field: &ast.Field{Alias: "id"}},
		{Field: &ast.Field{Alias: "name"}},
		{Field: &ast.Field{Alias: "id"}},
		{Field: &ast.Field{Alias: "members"}},
	}
	set := graphql.NewFieldSet(fields)
	set.Values[0] = graphql.MarshalString("fra")
	set.Values[1] = graphql.MarshalString(`France "FR"`)
	set.Values[2] = graphql.MarshalString("ignored")
	set.Values[3] = graphql.Array{graphql.MarshalInt(1), graphql.Null}
	var want, got strings.Builder
	set.MarshalGQL(&want)
	(&object{fields, set}).MarshalGQL(&got)
	if got.String() != want.String() || got.String() != `{"id":"fra","name":"France \"FR\"","members":[1,null]}` {
		t.Errorf("object wrote %s, FieldSet %s", got.String(), want.String())
	}
	got.Reset()
	(&object{nil, graphql.NewFieldSet(nil)}).MarshalGQL(&got)
	if got.String() != "{}" {
		t.Errorf("empty object wrote %s", got.String())
	}
}

// fieldArgs decodes a field's arguments once per operation when OperationCache
// is installed, never keeps a failed decoding, and decodes every time
// without it.
func TestFieldArgsDecodedOncePerOperation(t *testing.T) {
	members := graphql.CollectedField{Field: &ast.Field{Alias: "members"}}
	memberships := graphql.CollectedField{Field: &ast.Field{Alias: "memberships"}}
	calls := map[string]int{}
	fail := false
	decode := func(ctx context.Context, raw map[string]any) (map[string]any, error) {
		alias := graphql.GetFieldContext(ctx).Field.Alias
		calls[alias]++
		if fail {
			return nil, fmt.Errorf("bad argument")
		}
		return map[string]any{"alias": alias}, nil
	}
	run := func(ctx context.Context, f graphql.CollectedField) (map[string]any, error) {
		return fieldArgs(graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: f}), f, nil, "field_Forum_"+f.Alias+"_args", decode)
	}

	var ctx context.Context
	OperationCache{}.InterceptResponse(context.Background(), func(c context.Context) *graphql.Response {
		ctx = c
		return nil
	})
	first, _ := run(ctx, members)
	for range 3 {
		if args, err := run(ctx, members); err != nil || fmt.Sprintf("%p", args) != fmt.Sprintf("%p", first) {
			t.Fatalf("args %v (%v), want the first decoding's map", args, err)
		}
	}
	fail = true
	for range 2 {
		if _, err := run(ctx, memberships); err == nil {
			t.Fatal("a failed decoding was not reported")
		}
	}
	if calls["members"] != 1 || calls["memberships"] != 2 {
		t.Errorf("decodings %v, want members once and the failing memberships every time", calls)
	}
	// The same field of the document under another type's decoder (a
	// fragment on an interface) is decoded for that type.
	fail = false
	other, _ := fieldArgs(graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: members}), members, nil, "field_Country_members_args", decode)
	if calls["members"] != 2 || fmt.Sprintf("%p", other) == fmt.Sprintf("%p", first) {
		t.Errorf("another decoder got the first decoder's arguments (%d decodings)", calls["members"])
	}

	fail, calls = false, map[string]int{}
	for range 2 {
		run(context.Background(), members)
	}
	if calls["members"] != 2 {
		t.Errorf("without OperationCache: %d decodings, want 2", calls["members"])
	}
}

// collectFields gives what graphql.CollectFields gives, computed once per
// operation for a selection set and a type.
func TestCollectFieldsOncePerOperation(t *testing.T) {
	doc, err := gqlparser.LoadQuery(NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema(),
		`{ country(id: "fra") { id name ... on Country { iso3 } } }`)
	if err != nil {
		t.Fatal(err)
	}
	sel := doc.Operations[0].SelectionSet[0].(*ast.Field).SelectionSet
	newOC := func() *graphql.OperationContext {
		return &graphql.OperationContext{Doc: doc, Operation: doc.Operations[0], Variables: map[string]any{}}
	}
	var ctx context.Context
	OperationCache{}.InterceptResponse(context.Background(), func(c context.Context) *graphql.Response {
		ctx = c
		return nil
	})
	oc := newOC()
	want := graphql.CollectFields(newOC(), sel, countryImplementors)
	got := collectFields(ctx, oc, sel, countryImplementors)
	aliases := func(fs []graphql.CollectedField) (out []string) {
		for _, f := range fs {
			out = append(out, f.Alias)
		}
		return out
	}
	if !slices.Equal(aliases(got), aliases(want)) || !slices.Equal(aliases(got), []string{"id", "name", "iso3"}) {
		t.Fatalf("fields %v, want %v (id, name, iso3)", aliases(got), aliases(want))
	}
	// Another operation context, the same operation: the cached slice.
	if again := collectFields(ctx, newOC(), sel, countryImplementors); &again[0] != &got[0] {
		t.Error("fields collected again for the same selection set and type")
	}
	if other := collectFields(ctx, oc, sel, forumImplementors); len(other) != 2 {
		t.Errorf("fields for Forum %v, want id and name only", aliases(other))
	}
	any, want := collectFields(ctx, oc, sel, nil), graphql.CollectFields(newOC(), sel, nil)
	if !slices.Equal(aliases(any), aliases(want)) || len(any) != 3 {
		t.Errorf("fields for any type %v, want %v (all three)", aliases(any), aliases(want))
	}
}

// go generate must have run execpatch over gqlgen's output.
func TestGeneratedExecutorPatched(t *testing.T) {
	src, err := os.ReadFile("generated.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range []string{"graphql.MarshalSliceConcurrently(", "graphql.NewDeferredGroup(", "ec.ProcessDeferredGroup(deferred)", "\n\treturn out\n}"} {
		if strings.Contains(string(src), call) {
			t.Errorf("generated.go calls %s: run go generate ./graph (execpatch rewrites it)", call)
		}
	}
	if !strings.Contains(string(src), "return &object{fields, out}") {
		t.Error("generated.go never returns an object")
	}
	if !strings.Contains(string(src), "marshalList(") {
		t.Error("generated.go never calls marshalList")
	}
	if !strings.Contains(string(src), "(ctx, field.Selections, obj.") {
		t.Error("generated.go resolves no plain field by its marshaller alone")
	}
}
