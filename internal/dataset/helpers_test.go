package dataset_test

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/normgraph/normgraph/internal/dataset"
)

// validDir holds a small dataset that loads without problems.
const validDir = "testdata/valid"

// mapFS reads the files of dir (a fixture) into a MapFS, keeping only those
// named in keep (all when keep is empty), then applies overrides.
func mapFS(t testing.TB, dir string, keep []string, overrides map[string]string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if len(keep) > 0 && !contains(keep, p) {
			return nil
		}
		b, err := fs.ReadFile(os.DirFS(dir), p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range overrides {
		m[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return m
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// problems loads fsys and returns the problems one per line; it fails the
// test on any error that is not a *ValidationError.
func problems(t testing.TB, fsys fs.FS) []string {
	t.Helper()
	_, err := dataset.Load(fsys)
	if err == nil {
		return nil
	}
	var verr *dataset.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Load: want a *ValidationError, got %T: %v", err, err)
	}
	return strings.Split(verr.Error(), "\n")
}
