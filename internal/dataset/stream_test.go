package dataset_test

import (
	"errors"
	"io/fs"
	"iter"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/normgraph/normgraph/internal/dataset"
	"github.com/normgraph/normgraph/internal/normgraph"
)

// streamAll runs Stream on fsys and returns what consume was given, the
// relationships copied out as they came.
func streamAll(t *testing.T, fsys fs.FS) (*normgraph.Dataset, int, error) {
	t.Helper()
	var got *normgraph.Dataset
	n := -1
	err := dataset.Stream(fsys, func(ds *normgraph.Dataset, count int, rels iter.Seq[*normgraph.Relation]) error {
		if ds.Relations != nil {
			t.Errorf("consume got %d relations in the dataset, want none", len(ds.Relations))
		}
		got, n = ds, count
		for r := range rels {
			c := *r // each is valid until the next only
			got.Relations = append(got.Relations, &c)
		}
		return nil
	})
	return got, n, err
}

// TestStreamMatchesLoad checks that Stream hands out exactly what Load
// returns, in the same order, for the curated fixture and a dataset mostly
// in CSV.
func TestStreamMatchesLoad(t *testing.T) {
	for name, fsys := range map[string]fs.FS{
		"valid":     os.DirFS(validDir),
		"synthetic": synthetic(t, 5_000),
	} {
		t.Run(name, func(t *testing.T) {
			want, err := dataset.Load(fsys)
			if err != nil {
				t.Fatal(err)
			}
			got, n, err := streamAll(t, fsys)
			if err != nil {
				t.Fatal(err)
			}
			if n != len(want.Relations) {
				t.Errorf("consume was told of %d relations, want %d", n, len(want.Relations))
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Stream and Load differ:\n stream %d sources, %d entities, %d relations\n load   %d, %d, %d",
					len(got.Sources), len(got.Entities), len(got.Relations),
					len(want.Sources), len(want.Entities), len(want.Relations))
				for i := range min(len(got.Relations), len(want.Relations)) {
					if !reflect.DeepEqual(got.Relations[i], want.Relations[i]) {
						t.Errorf("first difference at relation %d: %+v, want %+v", i, *got.Relations[i], *want.Relations[i])
						break
					}
				}
			}
			if got.Version() != want.Version() {
				t.Errorf("version %s, want %s", got.Version(), want.Version())
			}
		})
	}
}

// TestStreamErrors checks that invalid data gives Stream the same problems
// as Load without calling consume, and that consume's error and an early
// stop of the iteration come back as they are.
func TestStreamErrors(t *testing.T) {
	invalid := mapFS(t, validDir, nil, map[string]string{
		"relations/extra.csv": "from,type,to,since,until,role,sources,note\nfra,MEMBER_OF,atlantis,,,,strategy-2011,\nfra,MEMBER_OF,nato,,,,strategy-2011,\n",
	})
	_, loadErr := dataset.Load(invalid)
	var want *dataset.ValidationError
	if !errors.As(loadErr, &want) {
		t.Fatalf("Load: want a *ValidationError, got %v", loadErr)
	}
	err := dataset.Stream(invalid, func(*normgraph.Dataset, int, iter.Seq[*normgraph.Relation]) error {
		t.Error("consume called on invalid data")
		return nil
	})
	var got *dataset.ValidationError
	if !errors.As(err, &got) || !reflect.DeepEqual(got.Problems, want.Problems) {
		t.Errorf("Stream: %v\nwant: %v", err, loadErr)
	}

	errStop := errors.New("stop")
	seen := 0
	err = dataset.Stream(os.DirFS(validDir), func(_ *normgraph.Dataset, _ int, rels iter.Seq[*normgraph.Relation]) error {
		for range rels {
			seen++
			return errStop
		}
		return nil
	})
	if err != errStop {
		t.Errorf("Stream returned %v, want consume's error as is", err)
	}
	if seen != 1 {
		t.Errorf("consume saw %d relations before stopping, want 1", seen)
	}
}

// TestRowSourcesCheckedAfterInherited: a YAML relationship inherits its
// owner's source list unchecked (the owner's problem is reported once, on
// the owner), and the loader shares equal lists between relationships; a
// CSV row citing the same list must still be checked on its own.
func TestRowSourcesCheckedAfterInherited(t *testing.T) {
	fsys := mapFS(t, validDir, base, map[string]string{
		"fora.yaml": `fora:
  - id: osce
    name: Organization for Security and Co-operation in Europe
    type: regional-security-organisation
    founded: 1975
    sources: [strategy-2011, bogus]
    advances: [military]
`,
		"relations/osce.csv": "from,type,to,since,until,role,sources,note\nosce,ADVANCES,economy,,,,strategy-2011;bogus,\n",
	})
	got := problems(t, fsys)
	want := `relations/osce.csv:2: sources: unknown source "bogus"`
	if !slices.Contains(got, want) {
		t.Errorf("problems:\n%s\nwant among them:\n%s", strings.Join(got, "\n"), want)
	}
}
