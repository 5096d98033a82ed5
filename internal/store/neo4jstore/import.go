package neo4jstore

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// ImportConfig says where Import runs Neo4j's offline importer.
type ImportConfig struct {
	// Home is the Neo4j home directory: lib/ holds the jars, conf/ the
	// optional neo4j.conf, data/ the databases (scripts/neo4j/neo4j.sh's
	// NORMGRAPH_NEO4J_HOME).
	Home string
	// Database defaults to DefaultDatabase.
	Database string
	// Java is the java executable; empty means $JAVA_HOME/bin/java, else
	// java on PATH.
	Java string
	// JavaOptions go to the JVM before the class name (-Xmx..., -XX:...);
	// nil means DefaultImportJavaOptions.
	JavaOptions []string
	// Dir receives the CSV files, and keeps them. Empty means a temporary
	// directory, removed afterwards.
	Dir string
	// Output receives the importer's console output as it runs (progress
	// bars, then its summary); nil discards it. It is also written to
	// <Home>/logs/normgraph-import.log.
	Output io.Writer
}

// DefaultImportJavaOptions keep the JVM to its quick C1 compiler: on a
// small machine the optimizing compiler's threads cost the importer more
// CPU than its code saves (a third of the CPU time at a million
// relationships on two cores). Imports of many millions on large machines
// may do better without it.
var DefaultImportJavaOptions = []string{"-XX:TieredStopAtLevel=1"}

// ImportReport says what Import wrote and how long it took.
type ImportReport struct {
	Nodes         int
	Relationships int
	// DatasetVersion is the version recorded in the graph.
	DatasetVersion string
	// Files is the directory the CSV files were written to (removed
	// afterwards unless ImportConfig.Dir named it).
	Files string
	// Elapsed is the wall time of the whole run, importer included.
	Elapsed time.Duration
	// Phases times each step, in the order they ran.
	Phases []SeedPhase
	// ImporterCPU is the CPU time (user and system) the importer's JVM
	// used: on a shared machine a steadier measure than its wall time.
	ImporterCPU time.Duration
}

// ImportFiles are the importer's input for one dataset, as WriteImportFiles
// left them in Dir.
type ImportFiles struct {
	Dir string
	// Args are the importer's input options (--nodes, --relationships,
	// delimiters, ...), with file names relative to Dir: run the importer
	// in Dir.
	Args          []string
	Nodes         int
	Relationships int
	Version       string
	// Bytes is the size of all files.
	Bytes int64
}

// ErrDatabaseInUse is returned (wrapped) by Import when the database's
// files are locked by a running Neo4j server.
var ErrDatabaseInUse = errors.New("database in use")

// Import makes database cfg.Database of the Neo4j in cfg.Home hold exactly
// ds, as Seed would leave it, with Neo4j's offline importer (neo4j-admin
// database import full): the bulk path Neo4j recommends for a first load,
// many times faster than transactions because it writes the store files
// directly. The server must be stopped; the database's previous contents are
// replaced. The importer creates no constraints or indexes: once the server
// runs, EnsureSchema (or Seed, which finds nothing to write) creates them.
//
// The nodes and relationships carry exactly the labels, properties, content
// hashes, adjacency hashes and dataset version that Seed writes, so a Seed of
// ds afterwards reads them as equal and writes nothing.
func Import(ctx context.Context, ds *normgraph.Dataset, cfg ImportConfig) (*ImportReport, error) {
	start := time.Now()
	rep := &ImportReport{}
	last := start
	mark := func(name string, rows int) {
		now := time.Now()
		rep.Phases = append(rep.Phases, SeedPhase{Name: name, Rows: rows, Elapsed: now.Sub(last)})
		last = now
	}
	defer func() { rep.Elapsed = time.Since(start) }()

	if ds == nil {
		return rep, errors.New("neo4jstore: import: nil dataset")
	}
	db := cmp.Or(cfg.Database, DefaultDatabase)
	// Passed as an argument, a name starting with "-" would be an option.
	if !databaseName.MatchString(db) {
		return rep, fmt.Errorf("neo4jstore: import: %q is not a Neo4j database name", db)
	}
	if cfg.Home == "" {
		return rep, errors.New("neo4jstore: import: no Neo4j home given")
	}
	home, err := filepath.Abs(cfg.Home)
	if err != nil {
		return rep, fmt.Errorf("neo4jstore: import: %w", err)
	}
	if jars, _ := filepath.Glob(filepath.Join(home, "lib", "neo4j-import-tool-*.jar")); len(jars) == 0 {
		return rep, fmt.Errorf("neo4jstore: import: %s is not a Neo4j home: it has no lib/neo4j-import-tool-*.jar "+
			"(scripts/neo4j/neo4j.sh start puts the jars there)", home)
	}
	java, err := findJava(cfg.Java)
	if err != nil {
		return rep, err
	}
	// The importer would find out too, but only after the files are
	// written, which takes seconds at a million relationships.
	if err := checkNotInUse(home, db); err != nil {
		return rep, err
	}

	dir := cfg.Dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "normgraph-import-"); err != nil {
			return rep, fmt.Errorf("neo4jstore: import: %w", err)
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return rep, fmt.Errorf("neo4jstore: import: %w", err)
	}
	rep.Files = dir
	files, err := writeImportFiles(ds, dir, mark)
	if err != nil {
		return rep, err
	}
	rep.DatasetVersion = files.Version

	var clock importClock
	began := time.Now()
	rep.ImporterCPU, err = runImporter(ctx, java, home, db, files, cfg, &clock)
	ended := time.Now()
	if err != nil {
		mark("neo4j-admin database import (failed)", 0)
		return rep, err
	}
	rep.Nodes, rep.Relationships = files.Nodes, files.Relationships
	n := files.Nodes + files.Relationships
	// The importer's own stages tell its start-up from its work.
	if first, done := clock.times(); first.IsZero() || done.Before(first) {
		mark("neo4j-admin database import (JVM start included)", n)
	} else {
		rep.Phases = append(rep.Phases,
			SeedPhase{Name: "importer: JVM start, input sampling", Elapsed: first.Sub(began)},
			SeedPhase{Name: "importer: import", Rows: n, Elapsed: done.Sub(first)},
			SeedPhase{Name: "importer: exit", Elapsed: ended.Sub(done)})
	}
	return rep, nil
}

// WriteImportFiles writes the importer's CSV files for ds into dir, which
// must exist.
func WriteImportFiles(ds *normgraph.Dataset, dir string) (*ImportFiles, error) {
	if ds == nil {
		return nil, errors.New("neo4jstore: import: nil dataset")
	}
	return writeImportFiles(ds, dir, func(string, int) {})
}

var databaseName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.\-]*$`)

// importIDType is how the CSV files name nodes: node i of the plan has
// import id i, the meta node the next one. The entity ids themselves are
// an ordinary property: numbering the nodes in Go spares the importer
// sorting and looking up a million strings.
const importIDType = "actual"

// arrayDelimiters are tried in order: the importer splits array values
// (and the labels column) on one character, which no element may contain.
var arrayDelimiters = []rune{';', '|', '\x1f', '\x1e'}

// column is one CSV column of the node files.
type column struct {
	key, typ string // typ: "" (string), "long", "string[]"
}

// The importer's input is one group of node files and one of relationship
// files, each with a labels or type column: the importer samples every
// group before it starts, and a few large groups import faster (by a fifth
// at a million relationships) than a group per label and type. Each group
// is cut into files written in parallel; only the first has the header.
func writeImportFiles(ds *normgraph.Dataset, dir string, mark func(string, int)) (*ImportFiles, error) {
	version := make(chan string, 1)
	go func() { version <- ds.Version() }()
	p, err := newPlan(ds)
	if err != nil {
		return nil, err
	}
	mark("plan dataset (rows, hashes)", len(p.nodes)+len(p.rels))

	// Which delimiters occur in array elements, and arrays the importer
	// cannot represent: a single empty element reads back as no property.
	var used [4]bool
	see := func(what string, l []string) error {
		if len(l) == 1 && l[0] == "" {
			return fmt.Errorf("neo4jstore: import: %s is a list of one empty string, which the offline importer cannot represent (use the online seed)", what)
		}
		for _, s := range l {
			for i, d := range arrayDelimiters {
				used[i] = used[i] || strings.ContainsRune(s, d)
			}
		}
		return nil
	}
	types := map[string]string{"version": ""} // the meta node's
	for i, n := range p.nodes {
		for k, v := range p.createdProps(i) {
			var typ string
			switch v := v.(type) {
			case string:
			case int64:
				typ = "long"
			case []string:
				typ = "string[]"
				if err := see(fmt.Sprintf("property %s of %s", k, n.id), v); err != nil {
					return nil, err
				}
			default:
				return nil, fmt.Errorf("neo4jstore: import: property %s of %s has type %T", k, n.id, v)
			}
			if old, ok := types[k]; ok && old != typ {
				return nil, fmt.Errorf("neo4jstore: import: property %s has two types", k)
			}
			types[k] = typ
		}
	}
	for _, r := range p.rels {
		if err := see("the sources of relation "+r.ID(), r.SourceIDs); err != nil {
			return nil, err
		}
	}
	delim := rune(-1)
	for i, d := range arrayDelimiters {
		if !used[i] {
			delim = d
			break
		}
	}
	if delim < 0 {
		return nil, errors.New("neo4jstore: import: list values contain every array delimiter the importer could use (; | U+001F U+001E)")
	}
	var header []column
	for _, k := range slices.Sorted(maps.Keys(types)) {
		header = append(header, column{k, types[k]})
	}
	labels := make(map[string]string, len(entityLabel)+1) // kind label -> labels field
	for _, l := range append(slices.Clone(entityLabel), labelSource) {
		labels[l] = labelEntity + string(delim) + l
	}

	f := &ImportFiles{Dir: dir, Nodes: len(p.nodes) + 1, Relationships: len(p.rels)}
	v := <-version
	f.Version = v
	mark("hash dataset (version)", 1)

	parts := max(1, runtime.GOMAXPROCS(0))
	var (
		jobs                []func() (*csvFile, error)
		nodeFiles, relFiles []string
	)
	for k := range parts {
		lo, hi := k*len(p.nodes)/parts, (k+1)*len(p.nodes)/parts
		name := fmt.Sprintf("nodes-%d.csv", k+1)
		nodeFiles = append(nodeFiles, name)
		jobs = append(jobs, func() (*csvFile, error) {
			return writeCSV(filepath.Join(dir, name), func(w *csvFile) {
				if k == 0 {
					w.b = append(w.b, ":ID,:LABEL"...)
					for _, c := range header {
						w.b = append(w.b, ',')
						w.b = append(w.b, c.key...)
						if c.typ != "" {
							w.b = append(w.b, ':')
							w.b = append(w.b, c.typ...)
						}
					}
					w.endRow()
				}
				for i := lo; i < hi; i++ {
					props := p.createdProps(i)
					w.b = strconv.AppendInt(w.b, int64(i), 10)
					w.b = append(w.b, ',')
					w.b = append(w.b, labels[p.nodes[i].label]...)
					for _, col := range header {
						w.b = append(w.b, ',')
						switch v := props[col.key].(type) {
						case string:
							w.str(v)
						case int64:
							w.b = strconv.AppendInt(w.b, v, 10)
						case []string:
							w.strs(v, delim)
						}
					}
					w.endRow()
				}
				if k == parts-1 {
					// The meta node, with the version Seed records last.
					w.b = strconv.AppendInt(w.b, int64(len(p.nodes)), 10)
					w.b = append(w.b, ',')
					w.b = append(w.b, labelMeta...)
					for _, col := range header {
						w.b = append(w.b, ',')
						switch col.key {
						case propID:
							w.str(metaID)
						case "version":
							w.str(v)
						}
					}
					w.endRow()
				}
			})
		})
	}
	// Relationships go in the order of their start nodes, which the
	// importer links fastest; each file gets a share of the nodes with
	// about as many relationships as the others.
	from := 0
	for k := range parts {
		to := from
		for to < len(p.nodes) && int(p.outStart[to]) < (k+1)*len(p.rels)/parts {
			to++
		}
		if k == parts-1 {
			to = len(p.nodes)
		}
		lo, hi := from, to
		from = to
		name := fmt.Sprintf("relationships-%d.csv", k+1)
		relFiles = append(relFiles, name)
		jobs = append(jobs, func() (*csvFile, error) {
			return writeCSV(filepath.Join(dir, name), func(w *csvFile) {
				if k == 0 {
					// The properties of relProps: absent ones stay empty
					// (no property), as relProps leaves them out.
					w.b = append(w.b, ":START_ID,:END_ID,:TYPE,"+
						propSince+","+propUntil+","+propRole+","+propNote+","+propSources+":string[]\n"...)
				}
				for i := lo; i < hi; i++ {
					for _, ri := range p.out[p.outStart[i]:p.outStart[i+1]] {
						r := p.rels[ri]
						w.b = strconv.AppendInt(w.b, int64(i), 10)
						w.b = append(w.b, ',')
						w.b = strconv.AppendInt(w.b, int64(p.nodeIndex[r.To]), 10)
						w.b = append(w.b, ',')
						w.b = append(w.b, relType[r.Type]...)
						w.b = append(w.b, ',')
						if r.Since != nil && !r.Since.IsZero() {
							w.str(r.Since.String())
						}
						w.b = append(w.b, ',')
						if r.Until != nil && !r.Until.IsZero() {
							w.str(r.Until.String())
						}
						w.b = append(w.b, ',')
						if r.Role != "" {
							w.str(r.Role)
						}
						w.b = append(w.b, ',')
						if r.Note != "" {
							w.str(r.Note)
						}
						w.b = append(w.b, ',')
						if len(r.SourceIDs) > 0 {
							w.strs(r.SourceIDs, delim)
						}
						w.endRow()
					}
				}
			})
		})
	}

	written := make([]*csvFile, len(jobs))
	errs := make([]error, len(jobs))
	spreadJobs(len(jobs), func(i int) { written[i], errs[i] = jobs[i]() })
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("neo4jstore: import: write CSV files: %w", err)
	}
	var multiline []string
	maxField := 0
	for _, w := range written {
		f.Bytes += w.size
		if w.multiline {
			multiline = append(multiline, filepath.Base(w.path))
		}
		maxField = max(maxField, w.maxField)
	}
	f.Args = append(f.Args, "--id-type="+importIDType, fmt.Sprintf("--array-delimiter=U+%04X", delim))
	// Fields spanning lines cost the importer its parallel parsing, so only
	// the files that have them are declared.
	if len(multiline) > 0 {
		f.Args = append(f.Args, "--multiline-fields-format=v2", "--multiline-fields="+strings.Join(multiline, ","))
	}
	// The read buffer must hold the longest value (default 4 MiB).
	if maxField > 2<<20 {
		f.Args = append(f.Args, fmt.Sprintf("--read-buffer-size=%d", 2*maxField+1<<20))
	}
	f.Args = append(f.Args, "--nodes="+strings.Join(nodeFiles, ","))
	if len(p.rels) > 0 {
		f.Args = append(f.Args, "--relationships="+strings.Join(relFiles, ","))
	}
	mark("write CSV files ("+strconv.FormatInt(f.Bytes>>20, 10)+" MiB)", f.Nodes+f.Relationships)
	return f, nil
}

// spreadJobs runs fn(0..n-1) on as many goroutines as there are cores.
func spreadJobs(n int, fn func(int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// csvFile writes one CSV file in the importer's dialect: every string is
// quoted (an unquoted empty field is no property, a quoted one the empty
// string), quotes are doubled, nothing is escaped with backslashes.
type csvFile struct {
	path      string
	w         *bufio.Writer
	b         []byte // the current row
	size      int64
	multiline bool
	maxField  int
}

func writeCSV(path string, fill func(*csvFile)) (*csvFile, error) {
	fh, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	w := &csvFile{path: path, w: bufio.NewWriterSize(fh, 1<<20)}
	fill(w)
	w.flushRow()
	err = w.w.Flush()
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return w, nil
}

func (w *csvFile) str(s string) {
	w.b = append(w.b, '"')
	w.text(s)
	w.b = append(w.b, '"')
	w.maxField = max(w.maxField, len(s))
}

func (w *csvFile) strs(l []string, delim rune) {
	w.b = append(w.b, '"')
	n := 0
	for i, s := range l {
		if i > 0 {
			w.b = append(w.b, string(delim)...)
		}
		w.text(s)
		n += len(s) + 1
	}
	w.b = append(w.b, '"')
	w.maxField = max(w.maxField, n)
}

func (w *csvFile) text(s string) {
	if strings.ContainsAny(s, "\r\n") {
		w.multiline = true
	}
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			w.b = append(w.b, s...)
			return
		}
		w.b = append(w.b, s[:i+1]...)
		w.b = append(w.b, '"')
		s = s[i+1:]
	}
}

func (w *csvFile) endRow() {
	w.b = append(w.b, '\n')
	if len(w.b) >= 64<<10 {
		w.flushRow()
	}
}

func (w *csvFile) flushRow() {
	n, _ := w.w.Write(w.b) // the error sticks to the writer: Flush reports it
	w.size += int64(n)
	w.b = w.b[:0]
}

// findJava finds the java executable as scripts/neo4j/neo4j.sh does.
func findJava(java string) (string, error) {
	if java != "" {
		return java, nil
	}
	if jh := os.Getenv("JAVA_HOME"); jh != "" {
		if p := filepath.Join(jh, "bin", "java"); isExecutable(p) {
			return p, nil
		}
	}
	p, err := exec.LookPath("java")
	if err != nil {
		return "", errors.New("neo4jstore: import: java not found: the Neo4j importer needs Java 17 or 21 on PATH or in JAVA_HOME")
	}
	return p, nil
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// runImporter runs neo4j-admin database import full from the jars of home,
// as the official neo4j-admin launcher would, with files' directory as its
// working directory. Its output goes to cfg.Output and to a log file in
// home/logs, and a failure is explained from it.
func runImporter(ctx context.Context, java, home, db string, files *ImportFiles, cfg ImportConfig, clock *importClock) (time.Duration, error) {
	logs := filepath.Join(home, "logs")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		return 0, fmt.Errorf("neo4jstore: import: %w", err)
	}
	logPath := filepath.Join(logs, "normgraph-import.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return 0, fmt.Errorf("neo4jstore: import: %w", err)
	}
	defer logFile.Close()

	opts := cfg.JavaOptions
	if opts == nil {
		opts = DefaultImportJavaOptions
	}
	args := append(slices.Clone(opts), "-cp", filepath.Join(home, "lib", "*"),
		"org.neo4j.cli.AdminTool", "database", "import", "full", db,
		// Verbose: without it a failure says only "Error importing csv
		// file", not why.
		"--verbose",
		"--overwrite-destination",
		"--report-file="+filepath.Join(files.Dir, "import.report"))
	args = append(args, files.Args...)
	cmd := exec.CommandContext(ctx, java, args...)
	cmd.Dir = files.Dir
	cmd.Env = append(os.Environ(), "NEO4J_HOME="+home)
	if conf := filepath.Join(home, "conf"); isDir(conf) {
		cmd.Env = append(cmd.Env, "NEO4J_CONF="+conf)
	}
	var tail tailBuffer
	out := []io.Writer{logFile, &tail, clock}
	if cfg.Output != nil {
		out = append(out, cfg.Output)
	}
	cmd.Stdout = io.MultiWriter(out...)
	cmd.Stderr = cmd.Stdout
	cmd.WaitDelay = 10 * time.Second
	fmt.Fprintf(logFile, "# %s %s\n# in %s\n", java, strings.Join(args, " "), files.Dir)
	err = cmd.Run()
	var cpu time.Duration
	if ps := cmd.ProcessState; ps != nil {
		cpu = ps.UserTime() + ps.SystemTime()
	}
	if err == nil {
		return cpu, nil
	}
	if ctx.Err() != nil {
		return cpu, fmt.Errorf("neo4jstore: import: interrupted; the database %q in %s is left unusable: import again: %w", db, home, ctx.Err())
	}
	return cpu, importFailure(err, tail.String(), db, home, logPath)
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// importFailure explains a failed importer run from the end of its output.
func importFailure(err error, out, db, home, logPath string) error {
	if strings.Contains(out, "The database is in use") {
		return fmt.Errorf("neo4jstore: import: the database %q in %s is in use by a running Neo4j server: stop it first "+
			"(scripts/neo4j/neo4j.sh stop): %w", db, home, ErrDatabaseInUse)
	}
	// The root cause is the last "Caused by:" line; without one, the last
	// line that is neither a stack frame nor advice.
	var cause string
	for line := range strings.SplitSeq(out, "\n") {
		if c, ok := strings.CutPrefix(strings.TrimSpace(line), "Caused by: "); ok {
			cause = c
		}
	}
	if cause == "" {
		lines := strings.Split(strings.TrimSpace(out), "\n")
		for i := len(lines) - 1; i >= 0; i-- {
			l := strings.TrimSpace(lines[i])
			if l != "" && !strings.HasPrefix(l, "at ") && !strings.HasPrefix(l, "...") && !strings.HasPrefix(l, "Run with") {
				cause = l
				break
			}
		}
	}
	if cause == "" {
		cause = "no output"
	}
	msg := fmt.Sprintf("neo4jstore: import: neo4j-admin database import failed (%v): %s", err, cause)
	if strings.Contains(out, "Import failed.") {
		msg += fmt.Sprintf("; the database %q in %s is left unusable: import again", db, home)
	}
	return fmt.Errorf("%s (full output in %s)", msg, logPath)
}

// tailBuffer keeps the last 64 KiB written to it.
type tailBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b.Write(p)
	if t.b.Len() > 128<<10 {
		keep := slices.Clone(t.b.Bytes()[t.b.Len()-64<<10:])
		t.b.Reset()
		t.b.Write(keep)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.b.String()
}

// importClock notes when the importer's first stage starts ("Nodes,
// started 2026-...") and when it reports "IMPORT DONE".
type importClock struct {
	mu          sync.Mutex
	line        []byte
	first, done time.Time
}

func (c *importClock) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	for _, b := range p {
		if b != '\n' {
			if len(c.line) < 256 {
				c.line = append(c.line, b)
			}
			continue
		}
		switch {
		case c.first.IsZero() && bytes.Contains(c.line, []byte(", started ")):
			c.first = now
		case bytes.HasPrefix(c.line, []byte("IMPORT DONE")):
			c.done = now
		}
		c.line = c.line[:0]
	}
	return len(p), nil
}

func (c *importClock) times() (first, done time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.first, c.done
}
