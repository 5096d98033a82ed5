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
)

type rewrite struct{ from, to string }

var rewrites = []rewrite{
	// A goroutine per list element only where batching needs it.
	{"graphql.MarshalSliceConcurrently(", "marshalList("},
	// The path of a deferred group only when the group defers something.
	{"graphql.NewDeferredGroup(ctx)", "newDeferredGroup(ctx)"},
	{"ec.ProcessDeferredGroup(deferred)", "ec.ProcessDeferredGroup(withPath(deferred))"},
}

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
	return os.WriteFile(path, src, 0o644)
}
