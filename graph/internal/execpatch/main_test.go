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

const generated = `	deferred := graphql.NewDeferredGroup(ctx)
	ret := graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, f)
	ret2 := graphql.MarshalSliceConcurrently(ctx, len(w), 0, false, g)
	ec.ProcessDeferredGroup(deferred)
`

const patched = `	deferred := newDeferredGroup(ctx)
	ret := marshalList(ctx, len(v), 0, false, f)
	ret2 := marshalList(ctx, len(w), 0, false, g)
	ec.ProcessDeferredGroup(withPath(deferred))
`

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
