package seed_test

import (
	"io/fs"
	"testing"

	"github.com/normgraph/normgraph/seed"
)

// The embed patterns must pick up every kind of file the loader and editors
// need; a pattern typo would ship a binary without its data.
func TestFSHoldsDataAndSchemas(t *testing.T) {
	for _, pattern := range []string{"*.yaml", "relations/*.csv"} {
		m, err := fs.Glob(seed.FS, pattern)
		if err != nil {
			t.Fatal(err)
		}
		if len(m) == 0 {
			t.Errorf("no %s embedded", pattern)
		}
	}
	for _, kind := range []string{"sources", "priorities", "norms", "countries", "fora", "initiatives"} {
		if _, err := fs.Stat(seed.FS, "schema/"+kind+".schema.json"); err != nil {
			t.Errorf("schema of %s not embedded: %v", kind, err)
		}
	}
}
