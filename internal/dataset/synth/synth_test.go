package synth_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/normgraph/normgraph/internal/dataset"
	"github.com/normgraph/normgraph/internal/dataset/synth"
	"github.com/normgraph/normgraph/internal/normgraph"
	"github.com/normgraph/normgraph/internal/store/memstore"
)

func generate(t testing.TB, cfg synth.Config) *synth.Result {
	t.Helper()
	res, err := synth.Generate(cfg)
	if err != nil {
		t.Fatalf("Generate(%+v): %v", cfg, err)
	}
	return res
}

// load validates a generated dataset exactly as `normgraph validate` would.
func load(t testing.TB, res *synth.Result) *normgraph.Dataset {
	t.Helper()
	ds, err := dataset.Load(res.FS())
	if err != nil {
		var verr *dataset.ValidationError
		if errors.As(err, &verr) && len(verr.Problems) > 10 {
			verr.Problems = verr.Problems[:10]
		}
		t.Fatalf("Load(%+v): %v", res.Config, err)
	}
	return ds
}

func TestSameSeedSameBytes(t *testing.T) {
	cfg := synth.Config{Seed: 42, Relations: 30_000}
	a, b := generate(t, cfg), generate(t, cfg)
	if len(a.Files) != len(b.Files) {
		t.Fatalf("%d files, then %d", len(a.Files), len(b.Files))
	}
	for i := range a.Files {
		if a.Files[i].Name != b.Files[i].Name || !bytes.Equal(a.Files[i].Data, b.Files[i].Data) {
			t.Fatalf("file %d differs: %s vs %s", i, a.Files[i].Name, b.Files[i].Name)
		}
	}
	// And on disk: what WriteDir writes is what was generated.
	dirA, dirB := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	for _, w := range []struct {
		res *synth.Result
		dir string
	}{{a, dirA}, {b, dirB}} {
		if err := w.res.WriteDir(context.Background(), w.dir, false); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := readTree(t, dirA), readTree(t, dirB); !equalTrees(got, want) {
		t.Error("two runs with the same seed wrote different files")
	}
	if got := readTree(t, dirA); len(got) != len(a.Files) {
		t.Errorf("wrote %d files, generated %d", len(got), len(a.Files))
	}
}

func TestOtherSeedOtherData(t *testing.T) {
	a := generate(t, synth.Config{Seed: 1, Relations: 5_000})
	b := generate(t, synth.Config{Seed: 2, Relations: 5_000})
	for _, name := range []string{"countries.yaml", "fora.yaml", "norms.yaml", "sources.yaml"} {
		if bytes.Equal(file(t, a, name), file(t, b, name)) {
			t.Errorf("%s: same bytes for seeds 1 and 2", name)
		}
	}
}

func file(t *testing.T, res *synth.Result, name string) []byte {
	t.Helper()
	for _, f := range res.Files {
		if f.Name == name {
			return f.Data
		}
	}
	t.Fatalf("no file %s", name)
	return nil
}

// Every size and shape loads with zero problems, holds the target number of
// relationships (within 1%; the generator aims exactly) and every type.
func TestLoadsCleanly(t *testing.T) {
	cases := []struct {
		name string
		cfg  synth.Config
	}{
		{"smallest", synth.Config{Relations: synth.MinRelations}},
		{"scale 0.1", synth.Config{Relations: 1_000}},
		{"scale 1", synth.Config{Relations: synth.RelationsPerScale}},
		{"odd target", synth.Config{Seed: 9, Relations: 12_345}},
		// Few fora: MEMBER_OF overflows into the other types.
		{"few fora", synth.Config{Seed: 3, Relations: 500, Fora: 3, Initiatives: 3, Norms: 5, Countries: 40}},
		// The country cap: every two-letter code in use.
		{"all countries", synth.Config{Seed: 4, Relations: 20_000, Countries: synth.MaxCountries}},
		{"scale 10", synth.Config{Seed: 5, Relations: 10 * synth.RelationsPerScale}},
	}
	if !testing.Short() {
		cases = append(cases, struct {
			name string
			cfg  synth.Config
		}{"scale 50", synth.Config{Seed: 6, Relations: 50 * synth.RelationsPerScale}})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := generate(t, tc.cfg)
			ds := load(t, res)
			target := res.Config.Relations
			if got := len(ds.Relations); got < target*99/100 || got > target*101/100 {
				t.Errorf("%d relationships, want %d ± 1%%", got, target)
			}
			if got := res.TotalRelations(); got != len(ds.Relations) {
				t.Errorf("Result counts %d relationships, the files hold %d", got, len(ds.Relations))
			}
			st := ds.Stats()
			for _, rc := range st.ByRelation {
				if rc.Count == 0 {
					t.Errorf("no %s relationship", rc.Type)
				}
				if rc.Count != res.Relations[rc.Type] {
					t.Errorf("%s: Result says %d, files hold %d", rc.Type, res.Relations[rc.Type], rc.Count)
				}
			}
			for _, kc := range st.ByKind {
				if kc.Count != res.Entities[kc.Kind] {
					t.Errorf("%s: Result says %d, files hold %d", kc.Kind, res.Entities[kc.Kind], kc.Count)
				}
			}
			if st.Sources != res.Sources {
				t.Errorf("sources: Result says %d, files hold %d", res.Sources, st.Sources)
			}
		})
	}
}

// The real data's shape: a few near-universal fora and a long tail, so the
// largest forum is many times the median one.
func TestMembershipSkew(t *testing.T) {
	res := generate(t, synth.Config{Seed: 11, Relations: 100_000})
	ds := load(t, res)
	members := map[string]int{}
	for _, r := range ds.Relations {
		if r.Type == normgraph.RelMemberOf {
			members[r.To]++
		}
	}
	var sizes []int
	for _, n := range members {
		sizes = append(sizes, n)
	}
	for range res.Entities[normgraph.KindForum] - len(sizes) {
		sizes = append(sizes, 0) // fora without members count too
	}
	slices.Sort(sizes)
	largest, median := sizes[len(sizes)-1], sizes[len(sizes)/2]
	if largest < 8*median {
		t.Errorf("largest forum %d members, median %d: want largest ≥ 8 × median", largest, median)
	}
	if largest < res.Config.Countries*9/10 {
		t.Errorf("largest forum has %d of %d countries: want a near-universal body", largest, res.Config.Countries)
	}
}

// asOf must select something: memberships start at different dates, some
// have ended, some are undated.
func TestDatedMemberships(t *testing.T) {
	ds := load(t, generate(t, synth.Config{Seed: 12, Relations: 20_000}))
	var total, since, until, in2005, in2025 int
	for _, r := range ds.Relations {
		if r.Type != normgraph.RelMemberOf {
			continue
		}
		total++
		if r.Since != nil {
			since++
		}
		if r.Until != nil {
			until++
		}
		if r.InForce(new(normgraph.MustParseDate("2005"))) {
			in2005++
		}
		if r.InForce(new(normgraph.MustParseDate("2025-12-31"))) {
			in2025++
		}
	}
	t.Logf("%d memberships: %d with since, %d with until; in force 2005: %d, 2025: %d", total, since, until, in2005, in2025)
	if since < total/3 || since > total*9/10 {
		t.Errorf("%d of %d memberships dated: want between a third and 90%%", since, total)
	}
	if until == 0 || until > total/10 {
		t.Errorf("%d of %d memberships ended: want a few", until, total)
	}
	if in2005 >= in2025 || in2005 == 0 {
		t.Errorf("in force 2005: %d, 2025: %d: want growth over time", in2005, in2025)
	}
}

// Curators' editors check the YAML against the schemas the modeline names;
// generated files pass them too.
func TestMatchesSchemas(t *testing.T) {
	res := generate(t, synth.Config{Seed: 13, Relations: 5_000})
	dir := filepath.Join(t.TempDir(), "data")
	if err := res.WriteDir(context.Background(), dir, false); err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if len(files) < 6 {
		t.Fatalf("%d YAML files", len(files))
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		first, _, _ := bytes.Cut(data, []byte("\n"))
		ref, ok := strings.CutPrefix(string(first), "# yaml-language-server: $schema=")
		if !ok {
			t.Errorf("%s: no yaml-language-server modeline", path)
			continue
		}
		s, err := c.Compile(filepath.Join(dir, ref))
		if err != nil {
			t.Fatal(err)
		}
		var n yaml.Node
		if err := yaml.Unmarshal(data, &n); err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(toJSON(&n)); err != nil {
			t.Errorf("%s: %v", filepath.Base(path), err)
		}
	}
}

// toJSON converts YAML to what the YAML language server validates: quoted
// dates stay strings, integers are numbers.
func toJSON(n *yaml.Node) any {
	switch n.Kind {
	case yaml.DocumentNode:
		return toJSON(n.Content[0])
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
	if n.ShortTag() == "!!int" {
		if v, err := strconv.ParseInt(n.Value, 10, 64); err == nil {
			return v
		}
	}
	return n.Value
}

func TestResolve(t *testing.T) {
	got, err := synth.Config{}.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	if got.Relations != synth.RelationsPerScale || got.Countries != 200 || got.Fora != 120 || got.Norms != 262 {
		t.Errorf("defaults: %+v", got)
	}
	big, err := synth.Config{Relations: 100 * synth.RelationsPerScale}.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	if big.Countries != synth.MaxCountries || big.Sources > 400 || big.Fora != 12_000 {
		t.Errorf("scale 100: %+v", big)
	}
	for _, bad := range []synth.Config{
		{Relations: synth.MinRelations - 1},
		{Relations: synth.MaxRelations + 1},
		{Countries: synth.MaxCountries + 1},
		{Fora: -1},
		{Relations: 1_000_000, Countries: 10, Fora: 3, Initiatives: 3, Norms: 5}, // cannot hold them
	} {
		if _, err := bad.Resolve(); err == nil {
			t.Errorf("Resolve(%+v): want an error", bad)
		}
		if _, err := synth.Generate(bad); err == nil {
			t.Errorf("Generate(%+v): want an error", bad)
		}
	}
}

func TestWriteDir(t *testing.T) {
	ctx := context.Background()
	res := generate(t, synth.Config{Relations: 1_000})
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")

	// An existing empty directory is fine.
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := res.WriteDir(ctx, dir, false); err != nil {
		t.Fatal(err)
	}
	if _, err := dataset.LoadDir(dir); err != nil {
		t.Fatal(err)
	}

	// A non-empty one needs force, and is left alone without it.
	other := generate(t, synth.Config{Seed: 2, Relations: 1_000})
	before := readTree(t, dir)
	if err := other.WriteDir(ctx, dir, false); !errors.Is(err, synth.ErrNotEmpty) {
		t.Fatalf("WriteDir over a dataset without force: %v, want ErrNotEmpty", err)
	}
	if !equalTrees(before, readTree(t, dir)) {
		t.Fatal("a refused WriteDir changed the directory")
	}
	if err := other.WriteDir(ctx, dir, true); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readTree(t, dir)["countries.yaml"], file(t, other, "countries.yaml")) {
		t.Error("force did not replace the dataset")
	}

	// Force replaces datasets only, never a directory with other things in it.
	home := filepath.Join(parent, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "thesis.tex"), []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := res.WriteDir(ctx, home, true); err == nil {
		t.Error("WriteDir --force over a non-dataset directory: want an error")
	}
	if b, err := os.ReadFile(filepath.Join(home, "thesis.tex")); err != nil || string(b) != "precious" {
		t.Errorf("thesis.tex: %q, %v", b, err)
	}

	// A failed run leaves nothing: no output, no temporary directory.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := res.WriteDir(cctx, filepath.Join(parent, "cancelled"), false); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled WriteDir: %v, want context.Canceled", err)
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"home", "out"}; !slices.Equal(names, want) {
		t.Errorf("parent holds %q, want %q: a temporary or partial directory was left behind", names, want)
	}

	// A file in the way is an error, not something to delete.
	f := filepath.Join(parent, "file")
	if err := os.WriteFile(f, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := res.WriteDir(ctx, f, true); err == nil {
		t.Error("WriteDir onto a file: want an error")
	}
}

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func equalTrees(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !bytes.Equal(v, w) {
			return false
		}
	}
	return true
}

// BenchmarkGenerate measures generation alone (no disk), the part of
// `normgraph gen` that grows with the size.
func BenchmarkGenerate(b *testing.B) {
	for _, scale := range []int{1, 10, 100} {
		b.Run("scale="+strconv.Itoa(scale), func(b *testing.B) {
			cfg := synth.Config{Seed: 1, Relations: scale * synth.RelationsPerScale}
			b.ReportAllocs()
			var res *synth.Result
			for b.Loop() {
				var err error
				if res, err = synth.Generate(cfg); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(res.TotalRelations())*float64(b.N)/b.Elapsed().Seconds(), "relations/s")
			b.ReportMetric(float64(res.Size())/1e6, "MB")
		})
	}
}

// BenchmarkLoadGenerated is what `normgraph serve --data` does with a
// generated dataset before it listens: validate and load it, then index it in
// memstore. heap-MB is the live heap the server keeps afterwards.
func BenchmarkLoadGenerated(b *testing.B) {
	for _, scale := range []int{1, 10, 100} {
		b.Run("scale="+strconv.Itoa(scale), func(b *testing.B) {
			res, err := synth.Generate(synth.Config{Seed: 1, Relations: scale * synth.RelationsPerScale})
			if err != nil {
				b.Fatal(err)
			}
			fsys := res.FS()
			var store *memstore.Store
			b.ReportAllocs()
			for b.Loop() {
				store = nil
				ds, err := dataset.Load(fsys)
				if err != nil {
					b.Fatal(err)
				}
				if store, err = memstore.New(ds); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			res, fsys = nil, nil // only the store stays
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			b.ReportMetric(float64(m.HeapAlloc)/1e6, "heap-MB")
			runtime.KeepAlive(store)
		})
	}
}
