package systemtest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/normgraph/normgraph/internal/dataset"
	"github.com/normgraph/normgraph/internal/dataset/synth"
	"github.com/normgraph/normgraph/internal/normgraph"
	"github.com/normgraph/normgraph/internal/store/memstore"
	"github.com/normgraph/normgraph/internal/store/neo4jstore"
	"github.com/normgraph/normgraph/internal/store/storetest"
)

// TestOfflineImport proves that Neo4j's offline importer, fed by
// neo4jstore.Import, builds the graph Seed builds: on a private Neo4j (the
// importer needs the server stopped), an online Seed of the same data right
// after the import writes nothing, the contract suite passes on the imported
// fixture, and reads of the imported curated and synthetic data (the latter
// through `scripts/neo4j/neo4j.sh import`, as a user runs it) answer as
// memstore does. An import while the server runs is refused, naming why,
// and leaves the graph alone.
func TestOfflineImport(t *testing.T) {
	neo := newPrivateNeo4j(t)
	ctx := context.Background()
	if jars, _ := filepath.Glob(filepath.Join(neo.home, "lib", "neo4j-import-tool-*.jar")); len(jars) == 0 {
		// No shared jars to link: a first start fetches them.
		neo.start(t)
		neo.stop(t)
	}

	// Into a home whose server never ran: the store is created by the
	// import, the system database by the first start.
	t.Run("contract", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T, ds *normgraph.Dataset) normgraph.Store {
			return importAndOpen(t, neo, ds)
		})
	})
	neo.stop(t)

	t.Run("curated with awkward values", func(t *testing.T) {
		ds := awkward(t, curated(t))
		s := importAndOpen(t, neo, ds)
		sameAnswers(t, s, ds)
		dump, err := s.Dump(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := dump.Version(), ds.Version(); got != want {
			t.Errorf("the imported graph reads back as version %s, want %s", got, want)
		}

		_, err = neo4jstore.Import(ctx, ds, neo4jstore.ImportConfig{Home: neo.home})
		if !errors.Is(err, neo4jstore.ErrDatabaseInUse) {
			t.Fatalf("Import with the server running: err = %v, want ErrDatabaseInUse", err)
		}
		for _, want := range []string{neo.home, "running Neo4j server", "neo4j.sh stop"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not mention %q", err, want)
			}
		}
		if st, err := s.Stats(ctx); err != nil || st.DatasetVersion != ds.Version() {
			t.Errorf("after the refused import: Stats = %+v, %v; want the graph untouched", st, err)
		}
	})
	neo.stop(t)

	t.Run("synthetic through neo4j.sh import", func(t *testing.T) {
		res, err := synth.Generate(synth.Config{Seed: 3, Relations: 5000})
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := res.WriteDir(ctx, dir, true); err != nil {
			t.Fatal(err)
		}
		ds, err := dataset.Load(os.DirFS(dir))
		if err != nil {
			t.Fatal(err)
		}
		out := neo.runScript(t, []string{"NORMGRAPH_BIN=" + buildBinary(t)}, "import", "--data", dir)
		if uri := exportedValue(out, "NEO4J_URI"); uri != neo.cfg.URI {
			t.Fatalf("neo4j.sh import exported NEO4J_URI=%q, want %q:\n%s", uri, neo.cfg.URI, out)
		}
		s, err := neo4jstore.Open(ctx, neo.cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close(context.Background()) })
		// neo4j.sh import ran the online seed already; this one checks
		// again, with a report.
		rep, err := s.Seed(ctx, ds)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Writes != 0 {
			t.Errorf("Seed after neo4j.sh import wrote %d: %+v", rep.Writes, rep)
		}
		sameAnswers(t, s, ds)
	})
}

// importAndOpen imports ds into the stopped private server, starts it and
// creates the schema, and checks that Seed finds nothing to write.
func importAndOpen(t *testing.T, neo *privateNeo4j, ds *normgraph.Dataset) *neo4jstore.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var out bytes.Buffer
	rep, err := neo4jstore.Import(ctx, ds, neo4jstore.ImportConfig{Home: neo.home, Output: &out})
	if err != nil {
		t.Fatalf("Import: %v\nimporter output:\n%s", err, out.String())
	}
	if rep.Nodes != len(ds.Entities)+len(ds.Sources)+1 || rep.Relationships != len(ds.Relations) {
		t.Errorf("Import reports %d nodes and %d relationships, want %d and %d",
			rep.Nodes, rep.Relationships, len(ds.Entities)+len(ds.Sources)+1, len(ds.Relations))
	}
	t.Logf("imported %d nodes, %d relationships in %s", rep.Nodes, rep.Relationships, rep.Elapsed.Round(time.Millisecond))
	neo.start(t)
	s, err := neo4jstore.Open(ctx, neo.cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	if err := s.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	seeded, err := s.Seed(ctx, ds)
	if err != nil {
		t.Fatal(err)
	}
	none := neo4jstore.SeedCounts{Unchanged: len(ds.Entities) + len(ds.Sources)}
	if seeded.Writes != 0 || seeded.Nodes != none || seeded.Relationships != (neo4jstore.SeedCounts{Unchanged: len(ds.Relations)}) {
		t.Errorf("Seed after Import changed something: %d writes, nodes %+v, relationships %+v",
			seeded.Writes, seeded.Nodes, seeded.Relationships)
	}
	if seeded.DatasetVersion != ds.Version() {
		t.Errorf("dataset version %q, want %q", seeded.DatasetVersion, ds.Version())
	}
	return s
}

// awkward edits ds so that its values need every CSV care: quotes, the
// array delimiters, line breaks of all kinds, surrounding spaces, an empty
// string, non-ASCII text.
func awkward(t *testing.T, ds *normgraph.Dataset) *normgraph.Dataset {
	t.Helper()
	var country *normgraph.Country
	for _, e := range ds.Entities {
		if c, ok := e.(*normgraph.Country); ok {
			country = c
			break
		}
	}
	country.Description = "  Line \"one\", with a comma;\nline two\r\nline three\rend  "
	country.Aliases = append(country.Aliases, "semi;colon", "pipe|bar", `back\slash "q"`)
	country.Name = "Çountry ünïcödé — “curly”"
	ds.Relations[0].Note = "note with \"quotes\",\nand a newline"
	ds.Sources[0].Title = ""
	return ds
}

// sameAnswers checks a few reads of s against memstore's answers for ds:
// Stats, entities by id, a page of relationships and its next page, a
// search.
func sameAnswers(t *testing.T, s normgraph.Store, ds *normgraph.Dataset) {
	t.Helper()
	ctx := context.Background()
	mem, err := memstore.New(ds)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := mem.Stats(ctx)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Stats = %+v, want %+v", got, want)
	}

	var ids []string
	for i := 0; i < len(ds.Entities); i += max(1, len(ds.Entities)/7) {
		ids = append(ids, ds.Entities[i].NodeID())
	}
	ids = append(ids, "no-such-entity")
	ge, err := s.Entities(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	we, _ := mem.Entities(ctx, ids)
	if g, w := entitiesVersion(ge), entitiesVersion(we); g != w {
		t.Errorf("Entities(%q): content differs from memstore's (%s vs %s)", ids, g, w)
	}

	// The node with the most incoming relationships of one type: a page of
	// them and the next page.
	hub, typ, n := "", normgraph.RelationType(""), 0
	count := map[[2]string]int{}
	for _, r := range ds.Relations {
		k := [2]string{r.To, string(r.Type)}
		count[k]++
		if count[k] > n {
			hub, typ, n = r.To, r.Type, count[k]
		}
	}
	tr := normgraph.Traversal{Type: typ, Direction: normgraph.Incoming}
	gp, wp := relatedPage(t, s, hub, tr, nil), relatedPage(t, mem, hub, tr, nil)
	if g, w := describePage(gp), describePage(wp); g != w {
		t.Errorf("Related(%s, %s in), first page:\n got %s\nwant %s", hub, typ, g, w)
	}
	if gp.PageInfo.HasNextPage && wp.PageInfo.HasNextPage {
		g := describePage(relatedPage(t, s, hub, tr, gp.PageInfo.EndCursor))
		w := describePage(relatedPage(t, mem, hub, tr, wp.PageInfo.EndCursor))
		if g != w {
			t.Errorf("Related(%s, %s in), second page:\n got %s\nwant %s", hub, typ, g, w)
		}
	}

	q := normgraph.SearchQuery{Text: ds.Entities[len(ds.Entities)/2].Base().Name, First: 10}
	gh, err := s.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	wh, _ := mem.Search(ctx, q)
	if g, w := hitIDs(gh), hitIDs(wh); g != w || g == "" {
		t.Errorf("Search(%q) = %s, want %s", q.Text, g, w)
	}
}

func relatedPage(t *testing.T, s normgraph.Store, id string, tr normgraph.Traversal, after *string) *normgraph.Page {
	t.Helper()
	page := normgraph.PageArgs{First: 20}
	if after != nil {
		c, err := normgraph.DecodeCursor(*after)
		if err != nil {
			t.Fatal(err)
		}
		page.After = &c
	}
	ps, err := s.Related(context.Background(), []string{id}, tr, page)
	if err != nil || len(ps) != 1 {
		t.Fatalf("Related(%s): %v (%d pages)", id, err, len(ps))
	}
	return ps[0]
}

// describePage is a page's content: total, whether more follow, and each
// edge's node and relationship with all its properties.
func describePage(p *normgraph.Page) string {
	var b strings.Builder
	fmt.Fprintf(&b, "total %d, more %t:", p.TotalCount, p.PageInfo.HasNextPage)
	for _, e := range p.Edges {
		fmt.Fprintf(&b, " %s", e.Node.NodeID())
		if r := e.Relation; r != nil {
			fmt.Fprintf(&b, "[%s since=%s until=%s role=%q note=%q sources=%q]", r.ID(), r.Since, r.Until, r.Role, r.Note, r.SourceIDs)
		}
	}
	return b.String()
}

// entitiesVersion identifies entities' content, by the dataset hash.
func entitiesVersion(es []normgraph.Entity) string {
	var ds normgraph.Dataset
	for _, e := range es {
		if e != nil {
			ds.Entities = append(ds.Entities, e)
		}
	}
	return fmt.Sprintf("%d entities, version %s", len(ds.Entities), ds.Version())
}

func hitIDs(hs []normgraph.SearchHit) string {
	var ids []string
	for _, h := range hs {
		ids = append(ids, h.Node.NodeID())
	}
	return strings.Join(ids, ",")
}

// runScript runs scripts/neo4j/neo4j.sh with args against the private home,
// with extra environment, and returns its standard output.
func (n *privateNeo4j) runScript(t *testing.T, env []string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", append([]string{n.script}, args...)...)
	cmd.Env = append(append([]string(nil), n.env...), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Run(); err != nil {
		t.Fatalf("neo4j.sh %s (home %s): %v\n%s", strings.Join(args, " "), n.home, err, stderr.String())
	}
	t.Logf("neo4j.sh %s:\n%s", strings.Join(args, " "), stderr.String())
	return stdout.String()
}
