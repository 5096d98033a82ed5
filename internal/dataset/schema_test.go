package dataset_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/normgraph/normgraph/internal/dataset"
)

var update = flag.Bool("update", false, "rewrite seed/schema/*.schema.json from the loader's field tables")

const (
	seedDir   = "../../seed"
	schemaDir = seedDir + "/schema"
)

// The checked-in schemas are generated: this keeps them equal to what the
// parser accepts.
func TestSchemaFilesUpToDate(t *testing.T) {
	for _, kind := range dataset.SchemaKinds() {
		want, err := dataset.JSONSchema(kind)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(schemaDir, kind+".schema.json")
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./internal/dataset -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is out of date: run go test ./internal/dataset -update", path)
		}
	}
	if _, err := dataset.JSONSchema("forums"); err == nil {
		t.Error(`JSONSchema("forums"): want an error`)
	}
}

// schemas compiles the checked-in schema of every kind.
func schemas(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	out := map[string]*jsonschema.Schema{}
	for _, kind := range dataset.SchemaKinds() {
		path, err := filepath.Abs(filepath.Join(schemaDir, kind+".schema.json"))
		if err != nil {
			t.Fatal(err)
		}
		s, err := c.Compile(path)
		if err != nil {
			t.Fatalf("compile %s: %v", path, err)
		}
		out[kind] = s
	}
	return out
}

// toJSON converts a YAML document to the values encoding/json would give
// for the same data, the way the YAML language server sees it: YAML 1.2, so
// an unquoted 2011-05-16 is a string.
func toJSON(n *yaml.Node) any {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return toJSON(n.Content[0])
	case yaml.AliasNode:
		return toJSON(n.Alias)
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = toJSON(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		s := make([]any, len(n.Content))
		for i, c := range n.Content {
			s[i] = toJSON(c)
		}
		return s
	}
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		return strings.EqualFold(n.Value, "true")
	case "!!int":
		if v, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			return v
		}
	case "!!float":
		if v, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return v
		}
	}
	return n.Value
}

func parseYAML(t *testing.T, data []byte) any {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		t.Fatal(err)
	}
	return toJSON(&n)
}

// kindOf is the kind a data file holds: its top-level key.
func kindOf(doc any) string {
	if m, ok := doc.(map[string]any); ok && len(m) == 1 {
		for k := range m {
			return k
		}
	}
	return ""
}

// Every seed file starts with the modeline that points editors at its
// schema, and passes it.
func TestSeedFilesMatchSchemas(t *testing.T) {
	sch := schemas(t)
	for _, dir := range []string{seedDir, validDir} {
		files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if dir == validDir && len(files) == 0 {
			t.Fatalf("no YAML files in %s", dir)
		}
		for _, path := range files {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			doc := parseYAML(t, data)
			kind := kindOf(doc)
			s, ok := sch[kind]
			if !ok {
				t.Errorf("%s: top-level key %q is not a kind of data file", path, kind)
				continue
			}
			rel, err := filepath.Rel(dir, filepath.Join(schemaDir, kind+".schema.json"))
			if err != nil {
				t.Fatal(err)
			}
			modeline := "# yaml-language-server: $schema=" + filepath.ToSlash(rel) + "\n"
			if !bytes.HasPrefix(data, []byte(modeline)) {
				t.Errorf("%s: want the first line %q", path, strings.TrimSpace(modeline))
			}
			if err := s.Validate(doc); err != nil {
				t.Errorf("%s: %v", path, err)
			}
		}
	}
}

// Known-bad documents fail both the schema (as an editor shows) and Load.
func TestBadDocsRejected(t *testing.T) {
	sch := schemas(t)
	const src = "sources: [strategy-2011]"
	tests := []struct {
		name, kind, doc string
	}{
		{"unknown top-level key", "fora", "forums: []\n"},
		{"empty file", "fora", ""},
		{"list is null", "fora", "fora:\n"},
		{"unknown field", "fora", "fora:\n  - {id: x, name: X, type: t, founded: 1999, acronm: X, " + src + "}\n"},
		{"missing field", "norms", "norms:\n  - {id: x, name: X, framework: f, " + src + "}\n"},
		{"founded not an integer", "fora", "fora:\n  - {id: x, name: X, type: t, founded: \"1999\", " + src + "}\n"},
		{"founded not a year", "fora", "fora:\n  - {id: x, name: X, type: t, founded: 99, " + src + "}\n"},
		{"bad id", "fora", "fora:\n  - {id: X_1, name: X, type: t, founded: 1999, " + src + "}\n"},
		{"type not kebab-case", "fora", "fora:\n  - {id: x, name: X, type: Regional Body, founded: 1999, " + src + "}\n"},
		{"blank name", "fora", "fora:\n  - {id: x, name: \" \", type: t, founded: 1999, " + src + "}\n"},
		{"bad url", "sources", "sources:\n  - {id: s, title: T, publisher: P, url: \"ftp://x.org/\"}\n"},
		{"url without scheme", "sources", "sources:\n  - {id: s, title: T, publisher: P, url: www.x.org}\n"},
		{"bad date", "initiatives", "initiatives:\n  - {id: x, name: X, type: t, launched: 2001/11, " + src + "}\n"},
		{"bad month", "initiatives", "initiatives:\n  - {id: x, name: X, type: t, launched: 2001-13, " + src + "}\n"},
		{"date as boolean", "initiatives", "initiatives:\n  - {id: x, name: X, type: t, launched: true, " + src + "}\n"},
		{"no sources", "fora", "fora:\n  - {id: x, name: X, type: t, founded: 1999, sources: []}\n"},
		{"duplicate source", "fora", "fora:\n  - {id: x, name: X, type: t, founded: 1999, sources: [strategy-2011, strategy-2011]}\n"},
		{"duplicate alias", "fora", "fora:\n  - {id: x, name: X, type: t, founded: 1999, aliases: [A, A], " + src + "}\n"},
		{"iso2 lowercase", "countries", "countries:\n  - {id: usa, name: U, iso2: us, iso3: USA, region: R, " + src + "}\n"},
		{"iso3 too long", "countries", "countries:\n  - {id: usa, name: U, iso2: US, iso3: USAA, region: R, " + src + "}\n"},
		{"unknown priority", "priorities", "priorities:\n  - {id: cyber, name: C, shortName: C, order: 1, " + src + "}\n"},
		{"order out of range", "priorities", "priorities:\n  - {id: economy, name: E, shortName: E, order: 8, " + src + "}\n"},
		{"ref field unknown", "fora", "fora:\n  - {id: x, name: X, type: t, founded: 1999, " + src + ", advances: [{to: economy, from: 2011}]}\n"},
		{"ref without to", "fora", "fora:\n  - {id: x, name: X, type: t, founded: 1999, " + src + ", advances: [{since: 2011}]}\n"},
		{"ref with empty sources", "fora", "fora:\n  - {id: x, name: X, type: t, founded: 1999, " + src + ", advances: [{to: economy, sources: []}]}\n"},
		{"ref not an id", "fora", "fora:\n  - {id: x, name: X, type: t, founded: 1999, " + src + ", advances: [Economy]}\n"},
		{"refs not a list", "fora", "fora:\n  - {id: x, name: X, type: t, founded: 1999, " + src + ", advances: economy}\n"},
		{"relationship key of another kind", "fora", "fora:\n  - {id: x, name: X, type: t, founded: 1999, " + src + ", memberOf: [economy]}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n yaml.Node
			var doc any
			if err := yaml.Unmarshal([]byte(tt.doc), &n); err == nil {
				doc = toJSON(&n)
			}
			if err := sch[tt.kind].Validate(doc); err == nil {
				t.Errorf("schema %s accepts:\n%s", tt.kind, tt.doc)
			}
			file := tt.kind + ".yaml"
			got := problems(t, mapFS(t, validDir, base, map[string]string{file: tt.doc}))
			if !hasProblemIn(got, file) {
				t.Errorf("Load accepts:\n%s\nproblems: %q", tt.doc, got)
			}
		})
	}
}

func hasProblemIn(problems []string, file string) bool {
	for _, p := range problems {
		if strings.HasPrefix(p, file+":") {
			return true
		}
	}
	return false
}

// The good side of the same coin: entries that use every optional feature
// pass both.
func TestGoodDocsAccepted(t *testing.T) {
	sch := schemas(t)
	docs := map[string]string{
		"fora": `fora:
  - id: x
    name: X
    acronym: X
    type: t
    founded: 1999
    url: https://x.org/a?b=c#d
    description: d
    aliases: [A, B]
    sources: [strategy-2011]
    advances: [economy, {to: military, since: 2011, until: 2012-05, role: r, note: n, sources: [nato-members]}]
`,
		"initiatives": `initiatives:
  - {id: i, name: I, type: t, launched: 2001-11-23, sources: [strategy-2011]}
  - {id: j, name: J, type: t, launched: 2001, sources: [strategy-2011]}
  - {id: k, name: K, type: t, launched: "2001-11", sources: [strategy-2011], hostedBy: [x]}
`,
	}
	fsys := mapFS(t, validDir, base, map[string]string{})
	for kind, doc := range docs {
		if err := sch[kind].Validate(parseYAML(t, []byte(doc))); err != nil {
			t.Errorf("schema %s rejects:\n%s\n%v", kind, doc, err)
		}
		fsys[kind+".yaml"] = &fstest.MapFile{Data: []byte(doc)}
	}
	if got := problems(t, fsys); got != nil {
		t.Errorf("Load: %s", strings.Join(got, "\n"))
	}
}
