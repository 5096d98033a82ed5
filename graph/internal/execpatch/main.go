// Command execpatch rewrites a few calls in gqlgen's generated executor to
// the graph package's stand-ins (graph/exec.go), which drop work the
// embedded graph does not need. It runs after gqlgen in go generate.
//
// Each rewrite must find its call, or the file must hold the stand-in
// already: a gqlgen upgrade that renames a call fails go generate here
// instead of silently bringing the cost back.
//
//	go run ./internal/execpatch generated.go
package main

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
)

type rewrite struct{ from, to string }

var rewrites = []rewrite{
	// A goroutine per list element only where batching needs it.
	{"graphql.MarshalSliceConcurrently(", "marshalList("},
	// A deferred group's path only when the group defers something, and its
	// field set and map only when the object has a deferred field.
	{"graphql.NewDeferredGroup(ctx)", "newDeferredGroup(ctx, fields)"},
	{"ec.ProcessDeferredGroup(deferred)", "ec.ProcessDeferredGroup(withPath(deferred))"},
	// An object's fields collected without hashing its type names.
	{"graphql.CollectFields(ec.OperationContext, sel, ", "collectFields(ctx, ec.OperationContext, sel, "},
	// An object's fields written without a map and a copy per field.
	{"\n\treturn out\n}\n", "\n\treturn &object{fields, out}\n}\n"},
}

// plainField matches the executor's resolution of a field read straight
// from a struct field of the parent (or through normgraph.Edge's accessors
// of its relationship, which are nil-safe), with no resolver, no directive and a
// scalar or enum type whose marshaller cannot fail: gqlgen gives it a field
// context, a context, a deferred recover, a pass through the field
// middleware and two boxings of the value, about six allocations for a
// string. Such a field is rewritten to a call of its marshaller, which
// writes the same JSON. What is lost is the field middleware for those
// fields, which normgraph does not install (graph/exec.go). Lists, objects
// and interfaces keep gqlgen's path: their elements and fields need it.
var plainField = regexp.MustCompile(`(?m)^\treturn graphql\.ResolveField\(
\t\tctx,
\t\tec\.OperationContext,
\t\tfield,
\t\tfunc\(ctx context\.Context, field graphql\.CollectedField\) \(\*graphql\.FieldContext, error\) \{
\t\t\treturn ec\.fieldContext_\w+\(ctx, field\)
\t\t\},
\t\tfunc\(ctx context\.Context\) \(any, error\) \{
\t\t\treturn (obj\.\w+|obj\.(?:Since|Until|Role|Note)\(\)), nil
\t\t\},
\t\tnil,
\t\tfunc\(ctx context\.Context, selections ast\.SelectionSet, v (?:string|int|bool|float64|\[\]string|\*string|\*normgraph\.Date|normgraph\.EntityKind|normgraph\.RelationType)\) graphql\.Marshaler \{
\t\t\treturn (ec\.marshal[^(\s]+)\(ctx, selections, v\)
\t\t\},
\t\ttrue,
\t\t(?:true|false),
\t\)$`)

// fieldArgsCall matches a field context's decoding of its arguments, which
// graph's fieldArgs does once per operation instead of once per parent.
var fieldArgsCall = regexp.MustCompile(`ec\.(field_\w+_args)\(ctx, field\.ArgumentMap\(ec\.Variables\)\)`)

// fieldArgsPatched is what fieldArgsCall's rewrite leaves.
var fieldArgsPatched = regexp.MustCompile(`fieldArgs\(ctx, field, ec\.Variables, "field_\w+_args", ec\.field_\w+_args\)`)

// plainFieldPatched is what plainField's rewrite leaves.
var plainFieldPatched = regexp.MustCompile(`(?m)^\treturn ec\.marshal[^(\s]+\(ctx, field\.Selections, obj\.\w+(?:\(\))?\)$`)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: execpatch FILE.go")
		os.Exit(2)
	}
	if err := patch(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "execpatch:", err)
		os.Exit(1)
	}
}

func patch(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	for _, r := range rewrites {
		from, to := []byte(r.from), []byte(r.to)
		if !bytes.Contains(src, from) && !bytes.Contains(src, to) {
			return fmt.Errorf("%s: found neither %q nor %q: has gqlgen changed its executor?", path, r.from, r.to)
		}
		src = bytes.ReplaceAll(src, from, to)
	}
	if !plainField.Match(src) && !plainFieldPatched.Match(src) {
		return fmt.Errorf("%s: found no plain field to rewrite, nor a rewritten one: has gqlgen changed its executor?", path)
	}
	src = plainField.ReplaceAll(src, []byte("\treturn ${2}(ctx, field.Selections, ${1})"))
	if !fieldArgsCall.Match(src) && !fieldArgsPatched.Match(src) {
		return fmt.Errorf("%s: found no field arguments to decode, nor a rewritten call: has gqlgen changed its executor?", path)
	}
	src = fieldArgsCall.ReplaceAll(src, []byte(`fieldArgs(ctx, field, ec.Variables, "${1}", ec.${1})`))
	return os.WriteFile(path, src, 0o644)
}
