package bench_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/normgraph/normgraph/bench"
	"github.com/normgraph/normgraph/internal/dataset"
	"github.com/normgraph/normgraph/internal/loadgen"
	"github.com/normgraph/normgraph/internal/normgraph"
)

// The mixes `normgraph bench --help` and bench/README.md promise.
var documentedMixes = []string{"analyst", "graph", "hop1", "lookup", "search", "traversal"}

func loadSuite(t *testing.T) *loadgen.Suite {
	t.Helper()
	s, err := loadgen.LoadSuite(bench.Queries())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMixes(t *testing.T) {
	s := loadSuite(t)
	if got := s.MixNames(); !slices.Equal(got, documentedMixes) {
		t.Errorf("mixes = %v, want %v", got, documentedMixes)
	}
	inMix := func(mix string) map[string]bool {
		m, err := s.Mix(mix)
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]bool{}
		for _, e := range m.Entries {
			names[e.Query.Name] = true
		}
		return names
	}
	analyst := inMix("analyst")
	for _, q := range s.Queries {
		if !analyst[q.Name] {
			t.Errorf("%s is not in the analyst mix, which blends every query", q.Name)
		}
	}
	for _, mix := range documentedMixes {
		for name := range inMix(mix) {
			if !analyst[name] {
				t.Errorf("mix %s: %s is not in analyst", mix, name)
			}
		}
	}
}

// TestQueriesMatchSchema validates every query, and every set of variable
// values it will send, against the GraphQL contract, so a schema change that
// breaks the benchmark fails here rather than as a wall of errors in a run.
func TestQueriesMatchSchema(t *testing.T) {
	files, err := filepath.Glob("../schema/*.graphqls")
	if err != nil || len(files) == 0 {
		t.Fatalf("no schema files: %v", err)
	}
	var sources []*ast.Source
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, &ast.Source{Name: f, Input: string(b)})
	}
	schema, err := gqlparser.LoadSchema(sources...)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range loadSuite(t).Queries {
		doc, errs := gqlparser.LoadQuery(schema, q.Document)
		if len(errs) > 0 {
			t.Errorf("%s: %v", q.Name, errs)
			continue
		}
		op := doc.Operations.ForName(q.Name)
		if op == nil {
			t.Errorf("%s: no operation of that name", q.Name)
			continue
		}
		for _, body := range q.Bodies() {
			var req struct {
				Variables map[string]any `json:"variables"`
			}
			if err := json.Unmarshal(body, &req); err != nil {
				t.Fatal(err)
			}
			if _, err := validator.VariableValues(schema, op, req.Variables); err != nil {
				t.Errorf("%s with %v: %v", q.Name, req.Variables, err)
			}
		}
	}
}

// TestValuesExistInSeed checks the values the queries cycle through against
// the curated data, so that lookups measure finding something, not a miss.
func TestValuesExistInSeed(t *testing.T) {
	ds, err := dataset.LoadDir("../seed")
	if err != nil {
		// Whether the data loads is validate's business; this test is only
		// about the benchmark's ids.
		t.Skipf("curated data does not load: %.300v", err)
	}
	ids := map[string]bool{}
	countryKeys := map[string]bool{}
	regions := map[string]bool{}
	frameworks := map[string]bool{}
	for _, e := range ds.Entities {
		ids[e.NodeID()] = true
		switch v := e.(type) {
		case *normgraph.Country:
			for _, k := range []string{v.ID, v.ISO2, v.ISO3} {
				countryKeys[strings.ToLower(k)] = true
			}
			regions[strings.ToLower(v.Region)] = true
			regions[strings.ToLower(v.Subregion)] = true
		case *normgraph.Norm:
			frameworks[v.Framework] = true
		}
	}
	// Which set each variable's values must come from; search terms are free.
	checks := map[string]func(string) bool{
		"id":        func(s string) bool { return ids[s] },
		"from":      func(s string) bool { return ids[s] },
		"to":        func(s string) bool { return ids[s] },
		"priority":  func(s string) bool { return ids[s] && slices.Contains(normgraph.PriorityIDs, s) },
		"forum":     func(s string) bool { return ids[s] },
		"country":   func(s string) bool { return countryKeys[strings.ToLower(s)] },
		"region":    func(s string) bool { return regions[strings.ToLower(s)] },
		"framework": func(s string) bool { return frameworks[s] },
		"term":      func(string) bool { return true },
	}
	for _, q := range loadSuite(t).Queries {
		for _, v := range q.Variables {
			check, ok := checks[v]
			if !ok {
				t.Errorf("%s: $%s: no rule for checking its values; add one here", q.Name, v)
				continue
			}
			for _, raw := range q.Values[v] {
				var s string
				if err := json.Unmarshal(raw, &s); err != nil {
					t.Errorf("%s: $%s: value %s is not a string", q.Name, v, raw)
					continue
				}
				if !check(s) {
					t.Errorf("%s: $%s: %q is not in the curated data", q.Name, v, s)
				}
			}
		}
	}
}
