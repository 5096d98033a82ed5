// Package dataset reads the curated data files into a normgraph.Dataset.
//
// The files are YAML, one top-level key naming the kind of its items
// (sources.yaml, priorities.yaml, norms.yaml, countries.yaml, fora.yaml,
// initiatives.yaml), with relationships listed on their owning ("from") side,
// plus relations/*.csv for long lists of relationships. Validation is strict
// and complete: Load collects every problem, each with its file and line, and
// returns them together so that a curator fixes a whole batch in one go and a
// server never starts on half-valid data.
package dataset

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// Problem is one thing wrong with the data files, located precisely enough
// for an editor to jump to it.
type Problem struct {
	// File is the path within the data directory, e.g. "fora.yaml" or
	// "relations/members.csv".
	File string
	// Line is 1-based.
	Line    int
	Message string
}

// String formats p the way compilers do, so editors and CI annotate the line.
func (p Problem) String() string {
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
}

// ValidationError is every problem found in the data files, sorted by file
// then line. Load returns nothing else when the data is invalid, so a caller
// can print them all and exit non-zero.
type ValidationError struct {
	Problems []Problem
}

// Error lists the problems one per line as file:line: message.
func (e *ValidationError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// LoadDir is Load on a directory of the local file system: `normgraph serve
// --data DIR` and `normgraph validate DIR` point it at a checkout of seed/.
func LoadDir(dir string) (*normgraph.Dataset, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("dataset: %s is not a directory", dir)
	}
	return Load(os.DirFS(dir))
}

// Load reads every *.yaml file at the root of fsys and every relations/*.csv
// file, validates all of it and returns the dataset in canonical order.
//
// When the data is invalid the error is a *ValidationError holding every
// problem; any other error means a file could not be read. The returned
// dataset shares memory between its values (dates, lists of source ids), so
// callers treat it as read-only.
func Load(fsys fs.FS) (*normgraph.Dataset, error) {
	var ds *normgraph.Dataset
	err := stream(fsys, func(l *loader) error {
		ds = l.dataset()
		return nil
	})
	return ds, err
}

// Stream is Load for a consumer that keeps its own copy of the data, such
// as the embedded store: it validates the files exactly as Load does and
// returns the same errors, and when they are valid calls consume once with
// the sources and entities (ds, in canonical order, Relations nil), the
// number of relationships and the relationships themselves in canonical
// order.
//
// rels may be ranged over once. Each *Relation it yields is valid only
// until the next: consume copies what it keeps (the strings, dates and
// source lists the Relation refers to are shared and read-only). What
// Stream saves is the Relations a Dataset holds, some 130 bytes each and
// all alive at once: at a million relationships, over a hundred
// megabytes of the peak memory of building a store.
//
// An error from consume is returned as is.
func Stream(fsys fs.FS, consume func(ds *normgraph.Dataset, n int, rels iter.Seq[*normgraph.Relation]) error) error {
	return stream(fsys, func(l *loader) error {
		ds := l.head()
		ds.Sort()
		return consume(ds, len(l.valid), l.relations())
	})
}

// stream loads and validates fsys, then hands the loader to done.
func stream(fsys fs.FS, done func(*loader) error) error {
	l := newLoader()
	if err := l.run(fsys); err != nil {
		return fmt.Errorf("dataset: %w", err)
	}
	if len(l.problems) > 0 {
		slices.SortStableFunc(l.problems, func(a, b Problem) int {
			return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
		})
		return &ValidationError{Problems: l.problems}
	}
	l.release()
	return done(l)
}

// run reads and checks everything, collecting problems; the error is for
// files that cannot be read.
func (l *loader) run(fsys fs.FS) error {
	yamlFiles, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return err
	}
	csvFiles, err := fs.Glob(fsys, "relations/*.csv")
	if err != nil {
		return err
	}
	// A .yml file would otherwise be skipped without a word and its data
	// silently missing from the graph.
	ymlFiles, err := fs.Glob(fsys, "*.yml")
	if err != nil {
		return err
	}
	for _, name := range ymlFiles {
		l.problem(l.file(name), 1, "data files end in .yaml: rename to %s.yaml", strings.TrimSuffix(path.Base(name), ".yml"))
	}
	files := make([]*yamlFile, len(yamlFiles))
	for i, name := range yamlFiles {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		files[i] = &yamlFile{name: name, fid: l.file(name), data: data}
	}
	l.decodeAndParse(files)
	l.index()
	l.rankEntities()
	l.checkEntities()
	// Growing the records of a million rows by appending copies them some
	// twenty times, and guessing the count from the files' sizes
	// over-allocates by half or more: count the lines (a row takes at
	// least one), which costs a fast extra read of the files.
	rows, err := countLines(fsys, csvFiles)
	if err != nil {
		return err
	}
	l.rels = make([]relRec, 0, len(l.pending)+rows)
	l.resolvePending()
	for _, name := range csvFiles {
		if err := l.readCSV(fsys, name); err != nil {
			return err
		}
	}
	l.sortRelations()
	return nil
}

// countLines bounds the number of CSV records in files: their line ends,
// plus one for a last line without one.
func countLines(fsys fs.FS, files []string) (int, error) {
	buf := make([]byte, 64<<10)
	n := len(files)
	for _, name := range files {
		f, err := fsys.Open(name)
		if err != nil {
			return 0, err
		}
		for {
			k, err := f.Read(buf)
			n += bytes.Count(buf[:k], []byte{'\n'})
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				f.Close()
				return 0, err
			}
		}
		f.Close()
	}
	return n, nil
}
