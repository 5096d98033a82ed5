package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "generated.go")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A plain string field, a nullable one read through an Edge accessor, and
// a list of objects (kept).
const fields = `func (ec *executionContext) _Country_name(ctx context.Context, field graphql.CollectedField, obj *normgraph.Country) (ret graphql.Marshaler) {
	return graphql.ResolveField(
		ctx,
		ec.OperationContext,
		field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return ec.fieldContext_Country_name(ctx, field)
		},
		func(ctx context.Context) (any, error) {
			return obj.Name, nil
		},
		nil,
		func(ctx context.Context, selections ast.SelectionSet, v string) graphql.Marshaler {
			return ec.marshalNString2string(ctx, selections, v)
		},
		true,
		true,
	)
}
func (ec *executionContext) _CountryEdge_since(ctx context.Context, field graphql.CollectedField, obj *normgraph.Edge) (ret graphql.Marshaler) {
	return graphql.ResolveField(
		ctx,
		ec.OperationContext,
		field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return ec.fieldContext_CountryEdge_since(ctx, field)
		},
		func(ctx context.Context) (any, error) {
			return obj.Since(), nil
		},
		nil,
		func(ctx context.Context, selections ast.SelectionSet, v *normgraph.Date) graphql.Marshaler {
			return ec.marshalODate2ᚖgithubᚗcomᚋnormgraphᚋnormgraphᚋinternalᚋnormgraphᚐDate(ctx, selections, v)
		},
		true,
		false,
	)
}
func (ec *executionContext) _CountryConnection_edges(ctx context.Context, field graphql.CollectedField, obj *normgraph.Page) (ret graphql.Marshaler) {
	return graphql.ResolveField(
		ctx,
		ec.OperationContext,
		field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return ec.fieldContext_CountryConnection_edges(ctx, field)
		},
		func(ctx context.Context) (any, error) {
			return obj.Edges, nil
		},
		nil,
		func(ctx context.Context, selections ast.SelectionSet, v []normgraph.Edge) graphql.Marshaler {
			return ec.marshalNCountryEdge2ᚕgithubᚗcomᚋnormgraphᚋnormgraphᚋinternalᚋnormgraphᚐEdgeᚄ(ctx, selections, v)
		},
		true,
		true,
	)
}
`

const generated = `func (ec *executionContext) _Forum(ctx context.Context, sel ast.SelectionSet, obj *normgraph.Forum) graphql.Marshaler {
	fields := graphql.CollectFields(ec.OperationContext, sel, forumImplementors)
	out := graphql.NewFieldSet(fields)
	deferred := graphql.NewDeferredGroup(ctx)
	ret := graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, f)
	ret2 := graphql.MarshalSliceConcurrently(ctx, len(w), 0, false, g)
	ec.ProcessDeferredGroup(deferred)

	return out
}
func (ec *executionContext) fieldContext_Forum_members(ctx context.Context, field graphql.CollectedField) (fc *graphql.FieldContext, err error) {
	if fc.Args, err = ec.field_Forum_members_args(ctx, field.ArgumentMap(ec.Variables)); err != nil {
		return fc, err
	}
	return fc, nil
}
` + fields

var patched = `func (ec *executionContext) _Forum(ctx context.Context, sel ast.SelectionSet, obj *normgraph.Forum) graphql.Marshaler {
	fields := collectFields(ctx, ec.OperationContext, sel, forumImplementors)
	out := graphql.NewFieldSet(fields)
	deferred := newDeferredGroup(ctx, fields)
	ret := marshalList(ctx, len(v), 0, false, f)
	ret2 := marshalList(ctx, len(w), 0, false, g)
	ec.ProcessDeferredGroup(withPath(deferred))

	return &object{fields, out}
}
func (ec *executionContext) fieldContext_Forum_members(ctx context.Context, field graphql.CollectedField) (fc *graphql.FieldContext, err error) {
	if fc.Args, err = fieldArgs(ctx, field, ec.Variables, "field_Forum_members_args", ec.field_Forum_members_args); err != nil {
		return fc, err
	}
	return fc, nil
}
` + `func (ec *executionContext) _Country_name(ctx context.Context, field graphql.CollectedField, obj *normgraph.Country) (ret graphql.Marshaler) {
	return ec.marshalNString2string(ctx, field.Selections, obj.Name)
}
func (ec *executionContext) _CountryEdge_since(ctx context.Context, field graphql.CollectedField, obj *normgraph.Edge) (ret graphql.Marshaler) {
	return ec.marshalODate2ᚖgithubᚗcomᚋnormgraphᚋnormgraphᚋinternalᚋnormgraphᚐDate(ctx, field.Selections, obj.Since())
}
` + fields[strings.Index(fields, "func (ec *executionContext) _CountryConnection_edges"):]

func TestPatchRewritesEveryCallOnce(t *testing.T) {
	path := write(t, generated)
	for range 2 { // a second run finds the stand-ins and changes nothing
		if err := patch(path); err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(path)
		if string(got) != patched {
			t.Fatalf("patched file:\n%s\nwant:\n%s", got, patched)
		}
	}
}

func TestPatchFailsWithoutPlainFields(t *testing.T) {
	src := generated[:strings.Index(generated, "func (ec *executionContext) _Country_name")]
	if err := patch(write(t, src)); err == nil || !strings.Contains(err.Error(), "plain field") {
		t.Fatalf("error %v, want one saying no plain field was found", err)
	}
}

func TestPatchFailsWhenACallIsMissing(t *testing.T) {
	src := strings.Replace(generated, "graphql.NewDeferredGroup(ctx)", "graphql.NewGroup(ctx)", 1)
	path := write(t, src)
	err := patch(path)
	if err == nil || !strings.Contains(err.Error(), "graphql.NewDeferredGroup(ctx)") {
		t.Fatalf("error %v, want one naming the call it could not find", err)
	}
	if got, _ := os.ReadFile(path); string(got) != src {
		t.Error("the file was changed although a rewrite failed")
	}
}

func TestPatchFailsWithoutFieldArguments(t *testing.T) {
	start := strings.Index(generated, "func (ec *executionContext) fieldContext_Forum_members")
	end := strings.Index(generated, "func (ec *executionContext) _Country_name")
	src := generated[:start] + generated[end:]
	if err := patch(write(t, src)); err == nil || !strings.Contains(err.Error(), "field arguments") {
		t.Fatalf("error %v, want one saying no field arguments were found", err)
	}
}
