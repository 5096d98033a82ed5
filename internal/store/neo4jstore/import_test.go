package neo4jstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/normgraph/normgraph/internal/normgraph"
	"github.com/normgraph/normgraph/internal/store/neo4jstore"
	"github.com/normgraph/normgraph/internal/store/storetest"
)

// The importer's files for the contract fixture, with values that need
// CSV care: the dialect (quoting, array delimiter, multi-line fields) is
// what the offline importer reads back as the values Seed writes. That it
// does is checked against a real importer in internal/systemtest.
func TestWriteImportFiles(t *testing.T) {
	ds := storetest.Fixture()
	var pri *normgraph.Priority
	for _, e := range ds.Entities {
		if p, ok := e.(*normgraph.Priority); ok && p.ID == "economy" {
			pri = p
		}
		if c, ok := e.(*normgraph.Country); ok && c.ID == "usa" {
			c.Aliases = append(c.Aliases, "U;S") // ";" is taken: "|" delimits
		}
	}
	pri.Description = "Line \"one\",\nline two"
	dir := t.TempDir()
	f, err := neo4jstore.WriteImportFiles(ds, dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(ds.Entities) + len(ds.Sources) + 1; f.Nodes != want {
		t.Errorf("Nodes = %d, want %d (entities, sources, the meta node)", f.Nodes, want)
	}
	if f.Relationships != len(ds.Relations) {
		t.Errorf("Relationships = %d, want %d", f.Relationships, len(ds.Relations))
	}
	if f.Version != ds.Version() {
		t.Errorf("Version = %q, want %q", f.Version, ds.Version())
	}
	var nodeFiles, relFiles []string
	for _, arg := range f.Args {
		if l, ok := strings.CutPrefix(arg, "--nodes="); ok {
			nodeFiles = strings.Split(l, ",")
		}
		if l, ok := strings.CutPrefix(arg, "--relationships="); ok {
			relFiles = strings.Split(l, ",")
		}
	}
	for _, arg := range []string{"--id-type=actual", "--array-delimiter=U+007C", "--multiline-fields-format=v2"} {
		if !slices.Contains(f.Args, arg) {
			t.Errorf("args lack %s: %q", arg, f.Args)
		}
	}
	read := func(names []string) string {
		t.Helper()
		if len(names) == 0 {
			t.Fatalf("no files in %q", f.Args)
		}
		var b strings.Builder
		for _, name := range names {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			b.Write(data)
		}
		return b.String()
	}
	nodes, rels := read(nodeFiles), read(relFiles)

	// Only files with a line break in a value are declared multi-line: here
	// the one holding the priority.
	for _, arg := range f.Args {
		if l, ok := strings.CutPrefix(arg, "--multiline-fields="); ok {
			for _, name := range strings.Split(l, ",") {
				if !slices.Contains(nodeFiles, name) || !strings.Contains(read([]string{name}), "Entity|Priority") {
					t.Errorf("%s is declared multi-line", name)
				}
			}
		}
	}
	lines := strings.Split(strings.TrimSuffix(nodes, "\n"), "\n")
	if want := ":ID,:LABEL,acronym,adjHash:long,aliases:string[],asOf,code,description,founded:long,framework,hash:long,id,"; !strings.HasPrefix(lines[0], want) {
		t.Errorf("node header:\n%s\nwant it to start\n%s", lines[0], want)
	}
	for _, col := range []string{"names:string[]", "order:long", "sources:string[]", "version"} {
		if !slices.Contains(strings.Split(lines[0], ","), col) {
			t.Errorf("node header lacks %s: %s", col, lines[0])
		}
	}
	if got := strings.Count(nodes, ",Entity|") + strings.Count(nodes, ","+"NormgraphMeta,"); got != f.Nodes {
		t.Errorf("%d node rows, want %d", got, f.Nodes)
	}
	if want := fmt.Sprintf("\n%d,NormgraphMeta,", f.Nodes-1); !strings.Contains(nodes, want) ||
		!strings.Contains(nodes, `"dataset"`) || !strings.HasSuffix(nodes, `"`+f.Version+`"`+"\n") {
		t.Errorf("the meta node is not the last row, with id %q and version %q:\n%s", "dataset", f.Version, lines[len(lines)-1])
	}
	if !strings.Contains(nodes, `"Line ""one"",`+"\n"+`line two"`) {
		t.Errorf("the description is not quoted with its quotes doubled and its newline kept")
	}
	if !strings.Contains(nodes, `"United States of America|USA|U;S"`) {
		t.Errorf("aliases are not joined with |")
	}
	if !strings.HasPrefix(rels, ":START_ID,:END_ID,:TYPE,since,until,role,note,sources:string[]\n") {
		t.Errorf("relationship header: %.80s", rels)
	}
	if n := strings.Count(rels, "\n") - 1; n != len(ds.Relations) {
		t.Errorf("%d relationship rows, want %d", n, len(ds.Relations))
	}
	if n, want := strings.Count(rels, ",MEMBER_OF,"), countType(ds, normgraph.RelMemberOf); n != want {
		t.Errorf("%d MEMBER_OF rows, want %d", n, want)
	}
}

func countType(ds *normgraph.Dataset, t normgraph.RelationType) int {
	n := 0
	for _, r := range ds.Relations {
		if r.Type == t {
			n++
		}
	}
	return n
}

// What the importer cannot represent, or Seed would refuse, is an error
// before any file is used.
func TestWriteImportFilesRejects(t *testing.T) {
	for name, edit := range map[string]func(ds *normgraph.Dataset) string{
		"list of one empty string": func(ds *normgraph.Dataset) string {
			ds.Entities[0].Base().Aliases = []string{""}
			return "list of one empty string"
		},
		"relation to a missing node": func(ds *normgraph.Dataset) string {
			ds.Relations[0].To = "nowhere"
			return `no node "nowhere"`
		},
		"duplicate id": func(ds *normgraph.Dataset) string {
			ds.Sources = append(ds.Sources, &normgraph.Source{ID: ds.Sources[0].ID, Title: "again"})
			return "duplicate id"
		},
	} {
		t.Run(name, func(t *testing.T) {
			ds := storetest.Fixture()
			want := edit(ds)
			_, err := neo4jstore.WriteImportFiles(ds, t.TempDir())
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("err = %v, want one mentioning %q", err, want)
			}
		})
	}
	if _, err := neo4jstore.WriteImportFiles(nil, t.TempDir()); err == nil {
		t.Error("a nil dataset was accepted")
	}
}

// Import names what is wrong with its configuration before it runs
// anything.
func TestImportBadConfig(t *testing.T) {
	ds := storetest.Fixture()
	notHome := t.TempDir()
	for _, c := range []struct {
		cfg  neo4jstore.ImportConfig
		want string
	}{
		{neo4jstore.ImportConfig{}, "no Neo4j home"},
		{neo4jstore.ImportConfig{Home: notHome}, notHome + " is not a Neo4j home: it has no lib/neo4j-import-tool-*.jar"},
		{neo4jstore.ImportConfig{Home: filepath.Join(notHome, "missing")}, "missing is not a Neo4j home"},
		{neo4jstore.ImportConfig{Home: notHome, Database: "--verbose"}, `"--verbose" is not a Neo4j database name`},
	} {
		_, err := neo4jstore.Import(context.Background(), ds, c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Import(%+v) = %v, want an error containing %q", c.cfg, err, c.want)
		}
	}
}
