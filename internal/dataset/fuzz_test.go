package dataset_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"testing/fstest"

	"github.com/normgraph/normgraph/internal/dataset"
)

var problemLine = regexp.MustCompile(`^[^:\n]+:[1-9][0-9]*: .+$`)

// checkLoad asserts the contract of Load on any input: no panic, and either
// a dataset or a *ValidationError whose problems are located and sorted.
func checkLoad(t *testing.T, fsys fstest.MapFS) {
	ds, err := dataset.Load(fsys)
	if err == nil {
		if ds == nil {
			t.Fatal("Load: nil dataset and nil error")
		}
		return
	}
	var verr *dataset.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Load: want a *ValidationError, got %T: %v", err, err)
	}
	if len(verr.Problems) == 0 {
		t.Fatal("Load: a ValidationError without problems")
	}
	for i, p := range verr.Problems {
		if p.File == "" || p.Line < 1 || !problemLine.MatchString(p.String()) {
			t.Fatalf("badly located problem %q", p.String())
		}
		if i > 0 {
			q := verr.Problems[i-1]
			if q.File > p.File || (q.File == p.File && q.Line > p.Line) {
				t.Fatalf("problems not sorted: %q before %q", q.String(), p.String())
			}
		}
	}
}

// FuzzLoad parses arbitrary bytes as each kind of YAML data file.
func FuzzLoad(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(validDir, "*.yaml"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		"", "---\n", "fora:\n", "fora: [\n", "a: &x [*x]\n", "fora:\n  - <<: {id: x}\n",
		"fora:\n  - {id: x, founded: 0x7d0, sources: [strategy-2011], advances: [{to: economy, since: !!timestamp 2011-01-01}]}\n",
		"countries:\n  - {id: nor, iso2: NO, iso3: NOR, since: 2011-05-16T00:00:00Z}\n",
		"fora: !!map {}\n", "? [a]\n: b\n", "fora:\n  - ? [x]\n    : y\n",
	} {
		f.Add([]byte(s))
	}
	base := mapFS(f, validDir, base, nil)
	kinds := dataset.SchemaKinds()
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, kind := range kinds {
			fsys := fstest.MapFS{}
			for k, v := range base {
				fsys[k] = v
			}
			fsys[kind+".yaml"] = &fstest.MapFile{Data: data}
			checkLoad(t, fsys)
		}
	})
}

// FuzzLoadCSV parses arbitrary bytes as a relations file next to the valid
// fixture.
func FuzzLoadCSV(f *testing.F) {
	b, err := os.ReadFile(filepath.Join(validDir, "relations", "budapest.csv"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte("from,type,to,since,until,role,sources,note\n\"a\nb\",MEMBER_OF,nato,,,,x,\n"))
	f.Add([]byte("\ufefffrom,type,to,since,until,role,sources,note\r\nusa,LEADS,budapest-convention,2001,,,coe-treaty-office,\r\n"))
	f.Add([]byte("from,type,to\n\"unterminated\n"))
	valid := mapFS(f, validDir, nil, nil)
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{}
		for k, v := range valid {
			fsys[k] = v
		}
		fsys["relations/fuzz.csv"] = &fstest.MapFile{Data: data}
		checkLoad(t, fsys)
	})
}
