package memstore_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/normgraph/normgraph/internal/normgraph"
	"github.com/normgraph/normgraph/internal/store/memstore"
	"github.com/normgraph/normgraph/internal/store/storetest"
)

// build makes a store the way `serve` does from dataset.Stream: relations
// in canonical order, each passed in the same Relation, which the caller
// overwrites as soon as Add returns.
func build(t *testing.T, ds *normgraph.Dataset) *memstore.Store {
	t.Helper()
	rels := slices.Clone(ds.Relations)
	slices.SortFunc(rels, normgraph.CompareRelations)
	b, err := memstore.NewBuilder(ds.Sources, ds.Entities, len(rels))
	if err != nil {
		t.Fatal(err)
	}
	var scratch normgraph.Relation
	for _, r := range rels {
		scratch = *r
		if err := b.Add(&scratch); err != nil {
			t.Fatal(err)
		}
		scratch = normgraph.Relation{Type: "garbage", From: "x", To: "y", Role: "overwritten", SourceIDs: []string{"z"}}
	}
	s, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestBuilderContract runs the contract suite on a store built by a
// Builder from one reused Relation: the builder must copy everything.
func TestBuilderContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, ds *normgraph.Dataset) normgraph.Store { return build(t, ds) })
}

func TestBuilderVersion(t *testing.T) {
	ds := storetest.Fixture()
	st, err := build(t, ds).Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if want := ds.Version(); st.DatasetVersion != want {
		t.Errorf("version %s, want the dataset's %s", st.DatasetVersion, want)
	}
}

func TestBuilderRejects(t *testing.T) {
	ds := storetest.Fixture()
	ds.Sort()
	r0, r1 := ds.Relations[0], ds.Relations[1]
	cases := map[string][]*normgraph.Relation{
		"out of order": {r1, r0},
		"duplicate":    {r0, r1, r1},
		"nil":          {r0, nil},
		"dangling":     {{Type: normgraph.RelMemberOf, From: "usa", To: "atlantis"}},
		"unknown type": {{Type: "OWNS", From: "usa", To: "nato"}},
	}
	for name, rels := range cases {
		t.Run(name, func(t *testing.T) {
			b, err := memstore.NewBuilder(ds.Sources, ds.Entities, len(rels))
			if err != nil {
				t.Fatal(err)
			}
			var first error
			for _, r := range rels {
				if first = b.Add(r); first != nil {
					break
				}
			}
			if first == nil {
				t.Fatal("Add accepted every relation")
			}
			if !strings.HasPrefix(first.Error(), "memstore: ") {
				t.Errorf("error %q lacks the package prefix", first)
			}
			// The builder is done after an error.
			if err := b.Add(r0); err != first {
				t.Errorf("Add after an error: %v, want %v again", err, first)
			}
			if _, err := b.Finish(); err != first {
				t.Errorf("Finish after an error: %v, want %v", err, first)
			}
		})
	}
	b, err := memstore.NewBuilder(ds.Sources, ds.Entities, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Finish(); err != nil {
		t.Fatalf("Finish without relations: %v", err)
	}
	if _, err := b.Finish(); err == nil {
		t.Error("a second Finish succeeded")
	}
	if _, err := memstore.NewBuilder(ds.Sources, append(ds.Entities, ds.Entities[0]), 0); err == nil {
		t.Error("NewBuilder accepted a duplicate entity")
	}
}
