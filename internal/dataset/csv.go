package dataset

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// CSV columns, in csvHeader's order.
const (
	colFrom = iota
	colType
	colTo
	colSince
	colUntil
	colRole
	colSources
	colNote
	numCols
)

// readCSV streams one relations file: it is the bulk path (a generated
// dataset holds up to a million rows), so rows are resolved as they are read
// and nothing per row is kept beyond the relationship itself.
func (l *loader) readCSV(fsys fs.FS, name string) error {
	fid := l.file(name)
	f, err := fsys.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	// Big buffers pay off on big files only; a curated dataset has dozens
	// of small ones.
	size := 1 << 16
	if st, err := f.Stat(); err == nil && st.Size() < int64(size) {
		size = max(int(st.Size()), 512)
	}
	r := csv.NewReader(bufio.NewReaderSize(f, size))
	r.ReuseRecord = true
	r.FieldsPerRecord = -1 // counted below, to say which row and how

	header, err := r.Read()
	switch {
	case err == io.EOF:
		l.problem(fid, 1, "empty file: want the header %q", csvHeader)
		return nil
	case err != nil:
		var pe *csv.ParseError
		if !errors.As(err, &pe) {
			return err
		}
		l.problem(fid, 1, "header must be exactly %q: %v", csvHeader, pe.Err)
		return nil
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff") // spreadsheets write a BOM
	}
	if got := strings.Join(header, ","); got != csvHeader {
		l.problem(fid, 1, "header must be exactly %q, got %q", csvHeader, got)
		return nil // the columns mean nothing without it
	}
	types := map[string]normgraph.RelationType{}
	for _, t := range normgraph.RelationTypes {
		types[string(t)] = t
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return err
			}
			l.problem(fid, int32(pe.StartLine), "CSV syntax error at column %d: %v", pe.Column, pe.Err)
			continue
		}
		line, _ := r.FieldPos(0)
		if len(rec) != numCols {
			l.problem(fid, int32(line), "want %d fields (%s), got %d", numCols, csvHeader, len(rec))
			continue
		}
		l.row(pos{fid, int32(line)}, rec, types)
	}
}

// row resolves one CSV row into a relationship.
func (l *loader) row(at pos, rec []string, types map[string]normgraph.RelationType) {
	ok := true
	from := l.lookupEntity(at, "from", rec[colFrom])
	to := l.lookupEntity(at, "to", rec[colTo])
	t, known := types[rec[colType]]
	switch {
	case rec[colType] == "":
		l.problem(at.file, at.line, "missing required field \"type\"")
		ok = false
	case !known:
		l.problem(at.file, at.line, "type: unknown relationship type %q (allowed: %s)", rec[colType], relationTypeList())
		ok = false
	case from != nil && to != nil:
		if err := normgraph.CheckEndpoints(t, from.kind, to.kind); err != nil {
			l.problem(at.file, at.line, "%s %s -> %s %s: %v", from.spec.one, from.id, to.spec.one, to.id, err)
			ok = false
		}
	}
	if from == nil || to == nil {
		ok = false
	}
	since, good := l.csvDate(at, "since", rec[colSince])
	ok = ok && good
	until, good := l.csvDate(at, "until", rec[colUntil])
	ok = ok && good
	if since != nil && until != nil && until.Before(*since) {
		l.problem(at.file, at.line, "since %s is after until %s", since, until)
		ok = false
	}
	var role, note string
	if s := rec[colRole]; s != "" {
		if strings.TrimSpace(s) == "" {
			l.problem(at.file, at.line, "role: must not be blank")
			ok = false
		}
		role = l.intern(s)
	}
	srcs, good := l.csvSources(at, rec[colSources])
	ok = ok && good
	if !ok {
		return
	}
	if s := rec[colNote]; s != "" {
		note = l.intern(s)
	}
	props := l.prop(relProps{since: since, until: until, role: role, note: note})
	l.addRel(from, t, to, props, srcs, at)
}

func (l *loader) csvDate(at pos, label, s string) (*normgraph.Date, bool) {
	if s == "" {
		return nil, true
	}
	d, err := l.date(s)
	if err != nil {
		l.problem(at.file, at.line, "%s: %v", label, err)
		return nil, false
	}
	return d, true
}

// csvSources resolves a ";"-separated list of source ids into an index of
// loader.srcLists. Rows of a long list usually cite the same sources, so
// each distinct list is resolved once and shared.
func (l *loader) csvSources(at pos, s string) (uint32, bool) {
	if i, ok := l.csvSrcIdx[s]; ok {
		return i, true
	}
	if s == "" {
		l.problem(at.file, at.line, "missing required field \"sources\"")
		return 0, false
	}
	parts := strings.Split(s, ";")
	ids := make([]string, 0, len(parts))
	ok := true
	for i, p := range parts {
		switch {
		case p == "":
			l.problem(at.file, at.line, "sources: empty source id in %q", s)
			ok = false
			continue
		case containsStr(parts[:i], p):
			l.problem(at.file, at.line, "sources: duplicate source %q", p)
			ok = false
			continue
		}
		src := l.lookupSource(at, "sources", p)
		if src == nil {
			ok = false
			continue
		}
		ids = append(ids, src.id)
	}
	if !ok {
		return 0, false
	}
	i := uint32(len(l.srcLists))
	l.srcLists = append(l.srcLists, ids)
	l.csvSrcIdx[strings.Clone(s)] = i
	return i, true
}

func containsStr(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func relationTypeList() string {
	var b strings.Builder
	for i, t := range normgraph.RelationTypes {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, t)
	}
	return b.String()
}
