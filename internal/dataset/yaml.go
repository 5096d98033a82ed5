package dataset

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// YAML tags, as yaml.Node.ShortTag reports them.
const (
	tagNull      = "!!null"
	tagBool      = "!!bool"
	tagStr       = "!!str"
	tagInt       = "!!int"
	tagFloat     = "!!float"
	tagTimestamp = "!!timestamp"
)

// values holds the fields of one YAML mapping, checked and converted.
type values struct {
	fields []fieldSpec
	nodes  []*yaml.Node // value node per field; nil when absent
	conv   []any        // converted value per field; nil when absent or invalid
	at     int32        // line of the mapping
}

// rawRef is one item of a relationship list.
type rawRef struct {
	to           string
	line         int32
	since, until *normgraph.Date
	role, note   string
	// hasSources says the item gives its own sources (then sources holds the
	// valid ones) rather than inheriting its owner's.
	hasSources bool
	sources    []idRef
}

func (v *values) index(name string) int {
	i := fieldIndex(v.fields, name)
	if i < 0 {
		panic("dataset: no field " + name) // a bug in the builders, not in the data
	}
	return i
}

// line is where the field's value is, or the mapping's line when absent.
func (v *values) line(name string) int32 {
	if n := v.nodes[v.index(name)]; n != nil {
		return int32(n.Line)
	}
	return v.at
}

func (v *values) str(name string) string {
	s, _ := v.conv[v.index(name)].(string)
	return s
}

func (v *values) integer(name string) int {
	n, _ := v.conv[v.index(name)].(int)
	return n
}

func (v *values) date(name string) *normgraph.Date {
	d, _ := v.conv[v.index(name)].(*normgraph.Date)
	return d
}

func (v *values) texts(name string) []string {
	s, _ := v.conv[v.index(name)].([]string)
	return s
}

func (v *values) ids(name string) []idRef {
	s, _ := v.conv[v.index(name)].([]idRef)
	return s
}

// cites reports whether the mapping has a non-empty sources list, which its
// relationships inherit.
func (v *values) cites() bool {
	n := v.nodes[v.index("sources")]
	return n != nil && n.Kind == yaml.SequenceNode && len(n.Content) > 0
}

// decode parses one YAML document. The parser is third-party code fed
// arbitrary bytes; a panic in it must become a problem, not a crash at
// server start-up.
func decode(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: the YAML parser failed: %v", r)
		}
	}()
	return dec.Decode(n)
}

// syntax reports a YAML parser error at the line it names.
func (l *loader) syntax(fid int32, err error, data []byte) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, m, ok := strings.Cut(rest, ": "); ok {
			if x, err := strconv.Atoi(n); err == nil {
				line, msg = x, m
				// The library numbers lines from 1 for scanner errors but
				// from 0 for parser errors (whose line is where the
				// enclosing block starts).
				if isParserError(msg) {
					line++
				}
			}
		}
	}
	if a, ok := strings.CutPrefix(msg, "unknown anchor '"); ok && line == 1 {
		// This one comes without a line: find the alias.
		if name, ok := strings.CutSuffix(a, "' referenced"); ok {
			if i := bytes.Index(data, []byte("*"+name)); i >= 0 {
				line = 1 + bytes.Count(data[:i], []byte("\n"))
			}
		}
	}
	l.problem(fid, int32(line), "YAML syntax error: %s", msg)
}

// isParserError tells go.yaml.in/yaml/v3's parser errors (a closed list in
// its parserc.go) from its scanner errors.
func isParserError(msg string) bool {
	switch msg {
	case "did not find expected <stream-start>",
		"did not find expected <document start>",
		"did not find expected node content",
		"did not find expected key",
		"did not find expected '-' indicator",
		"did not find expected ',' or ']'",
		"did not find expected ',' or '}'",
		"found undefined tag handle",
		"found duplicate %TAG directive",
		"found duplicate %YAML directive",
		"found incompatible YAML document":
		return true
	}
	return false
}

// kindOfFile is the kind a file name promises: "fora.yaml" and
// "fora-regional.yaml" hold fora. Other names hold whatever their key says.
func (l *loader) kindOfFile(name string) *kindSpec {
	stem := strings.TrimSuffix(path.Base(name), ".yaml")
	for _, s := range l.specs {
		if stem == s.key || strings.HasPrefix(stem, s.key+"-") {
			return s
		}
	}
	return nil
}

func (l *loader) allKeys() string {
	keys := make([]string, len(l.specs))
	for i, s := range l.specs {
		keys[i] = s.key
	}
	return strings.Join(keys, ", ")
}

// yamlFile is one YAML data file, decoded into nodes.
type yamlFile struct {
	name string
	fid  int32
	data []byte
	// doc is the first document; err its parse error (io.EOF: none).
	doc yaml.Node
	err error
	// extra is a second document, which a data file must not have.
	extra    yaml.Node
	extraErr error
}

// decodeAndParse decodes files concurrently but parses them in order as they
// come, dropping each tree once parsed: at most GOMAXPROCS trees are alive.
func (l *loader) decodeAndParse(files []*yamlFile) {
	done := make([]chan struct{}, len(files))
	for i := range done {
		done[i] = make(chan struct{})
	}
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	go func() {
		for i, f := range files {
			sem <- struct{}{}
			go func() {
				dec := yaml.NewDecoder(bytes.NewReader(f.data))
				if f.err = decode(dec, &f.doc); f.err == nil {
					f.extraErr = decode(dec, &f.extra)
				}
				close(done[i])
			}()
		}
	}()
	for i, f := range files {
		<-done[i]
		l.parseYAML(f)
		f.doc, f.extra, f.data = yaml.Node{}, yaml.Node{}, nil
		<-sem
	}
}

// parseYAML checks one decoded data file and registers its items.
func (l *loader) parseYAML(f *yamlFile) {
	fid, name, doc := f.fid, f.name, &f.doc
	if f.err != nil {
		if f.err == io.EOF {
			l.problem(fid, 1, "empty file: want a top-level key naming the kind, like %q", l.expectedKey(name)+":")
		} else {
			l.syntax(fid, f.err, f.data)
		}
		return
	}
	switch err := f.extraErr; {
	case err == io.EOF:
	case err != nil:
		l.syntax(fid, err, f.data)
	default:
		l.problem(fid, int32(f.extra.Line), "a data file holds one YAML document: remove this \"---\" and what follows, or move it to its own file")
	}
	root := doc
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		root = doc.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.ShortTag() == tagNull {
		l.problem(fid, 1, "empty file: want a top-level key naming the kind, like %q", l.expectedKey(name)+":")
		return
	}
	if root.Kind != yaml.MappingNode {
		l.problem(fid, int32(root.Line), "expected a mapping with one top-level key naming the kind, like %q, got %s", l.expectedKey(name)+":", describe(root))
		return
	}
	fileKind := l.kindOfFile(name)
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, val := root.Content[i], root.Content[i+1]
		spec := l.byKey[k.Value]
		if k.Kind != yaml.ScalarNode || spec == nil {
			l.problem(fid, int32(k.Line), "unknown top-level key %s (allowed: %s)", keyName(k), l.allKeys())
			continue
		}
		if first, dup := seen[k.Value]; dup {
			l.problem(fid, int32(k.Line), "duplicate top-level key %q (first at line %d)", k.Value, first)
			continue
		}
		seen[k.Value] = k.Line
		if fileKind == nil {
			fileKind = spec
		} else if spec != fileKind {
			l.problem(fid, int32(k.Line), "top-level key %q does not match the file's kind %q: one kind per file, named after it", k.Value, fileKind.key)
		}
		l.items(fid, spec, k, val)
	}
}

func (l *loader) expectedKey(name string) string {
	if s := l.kindOfFile(name); s != nil {
		return s.key
	}
	return keyFora
}

func keyName(k *yaml.Node) string {
	if k.Kind == yaml.ScalarNode {
		return strconv.Quote(k.Value)
	}
	return describe(k)
}

// items parses the list under a top-level key.
func (l *loader) items(fid int32, spec *kindSpec, key, list *yaml.Node) {
	if spec.key == keyPriorities && l.prioritiesAt == nil {
		l.prioritiesAt = &pos{fid, int32(key.Line)}
	}
	if list.Kind != yaml.SequenceNode {
		l.problem(fid, int32(list.Line), "%s: expected a list of %s, got %s", spec.key, spec.key, describe(list))
		return
	}
	for _, item := range list.Content {
		if item.Kind != yaml.MappingNode {
			l.problem(fid, int32(item.Line), "expected a %s (a mapping of %s), got %s", spec.one, spec.allowed, describe(item))
			continue
		}
		v := l.mapping(fid, item, spec.fields, spec.allowed)
		l.build(fid, spec, v)
	}
}

// mapping checks the keys of a mapping against fields and converts each value.
func (l *loader) mapping(fid int32, n *yaml.Node, fields []fieldSpec, allowed string) *values {
	v := &values{
		fields: fields,
		nodes:  make([]*yaml.Node, len(fields)),
		conv:   make([]any, len(fields)),
		at:     int32(n.Line),
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		idx := -1
		if k.Kind == yaml.ScalarNode {
			idx = fieldIndex(fields, k.Value)
		}
		if idx < 0 {
			l.problem(fid, int32(k.Line), "unknown field %s (allowed: %s)", keyName(k), allowed)
			continue
		}
		if first := v.nodes[idx]; first != nil {
			l.problem(fid, int32(k.Line), "duplicate field %q (first at line %d)", k.Value, first.Line)
			continue
		}
		v.nodes[idx] = val
	}
	for i := range fields {
		f := &fields[i]
		if v.nodes[i] == nil {
			if f.required {
				l.problem(fid, v.at, "missing required field %q", f.name)
			}
			continue
		}
		v.conv[i] = l.convert(fid, f, v.nodes[i])
	}
	return v
}

// describe names what a node holds, for "expected X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.DocumentNode:
		return "a document"
	case yaml.ScalarNode:
		v := n.Value
		if len(v) > 40 {
			v = v[:40] + "…"
		}
		switch n.ShortTag() {
		case tagNull:
			return "nothing"
		case tagBool:
			return "the boolean " + v
		case tagInt:
			return "the integer " + v
		case tagFloat:
			return "the number " + v
		case tagTimestamp:
			return "the timestamp " + v
		case tagStr:
			return "the string " + strconv.Quote(v)
		default:
			return "a value tagged " + n.ShortTag()
		}
	}
	return "nothing"
}

// text returns a scalar string value, reporting anything else.
func (l *loader) text(fid int32, label string, n *yaml.Node) (string, bool) {
	if n.Kind == yaml.AliasNode {
		l.problem(fid, int32(n.Line), "%s: YAML aliases are not supported: write the value out", label)
		return "", false
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != tagStr {
		l.problem(fid, int32(n.Line), "%s: expected a string, got %s", label, describe(n))
		return "", false
	}
	if strings.TrimSpace(n.Value) == "" {
		l.problem(fid, int32(n.Line), "%s: must not be blank", label)
		return "", false
	}
	if strings.ContainsRune(n.Value, 0) {
		// Neo4j orders entities by their name and id joined by a NUL.
		l.problem(fid, int32(n.Line), "%s: must not contain a NUL character (\\0)", label)
		return "", false
	}
	return n.Value, true
}

// id returns a scalar id, reporting anything else.
func (l *loader) id(fid int32, label string, n *yaml.Node) (string, bool) {
	s, ok := l.text(fid, label, n)
	if ok && !normgraph.ValidID(s) {
		l.problem(fid, int32(n.Line), "%s: %s", label, badID(s))
		return "", false
	}
	return s, ok
}

// list returns the items of a sequence, reporting anything else.
func (l *loader) list(fid int32, label, of string, n *yaml.Node) ([]*yaml.Node, bool) {
	if n.Kind == yaml.AliasNode {
		l.problem(fid, int32(n.Line), "%s: YAML aliases are not supported: write the value out", label)
		return nil, false
	}
	if n.Kind != yaml.SequenceNode {
		l.problem(fid, int32(n.Line), "%s: expected a list of %s, got %s", label, of, describe(n))
		return nil, false
	}
	return n.Content, true
}

// convert checks a field's value and converts it; nil means invalid (and
// reported).
func (l *loader) convert(fid int32, f *fieldSpec, n *yaml.Node) any {
	line := int32(n.Line)
	switch f.typ {
	case vText:
		if s, ok := l.text(fid, f.name, n); ok {
			return s
		}
	case vID:
		if s, ok := l.id(fid, f.name, n); ok {
			return s
		}
	case vKebab:
		if s, ok := l.text(fid, f.name, n); ok {
			if normgraph.ValidID(s) {
				return s
			}
			l.problem(fid, line, "%s: %q is not kebab-case (lowercase words joined by \"-\", like \"regional-organisation\")", f.name, s)
		}
	case vInt:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != tagInt {
			l.problem(fid, line, "%s: expected an integer, got %s", f.name, describe(n))
			return nil
		}
		x, err := strconv.ParseInt(n.Value, 0, 64)
		if err != nil || x < int64(f.min) || x > int64(f.max) {
			l.problem(fid, line, "%s: must be between %d and %d, got %s", f.name, f.min, f.max, n.Value)
			return nil
		}
		return int(x)
	case vDate:
		return l.dateValue(fid, f.name, n)
	case vURL:
		if s, ok := l.text(fid, f.name, n); ok {
			if validURL(s) {
				return s
			}
			l.problem(fid, line, "%s: %q is not an absolute http(s) URL", f.name, s)
		}
	case vISO2:
		if s, ok := l.text(fid, f.name, n); ok {
			if iso2Pattern.MatchString(s) {
				return s
			}
			l.problem(fid, line, "%s: %q must be two upper-case letters (ISO 3166-1 alpha-2)", f.name, s)
		}
	case vISO3:
		if s, ok := l.text(fid, f.name, n); ok {
			if iso3Pattern.MatchString(s) {
				return s
			}
			l.problem(fid, line, "%s: %q must be three upper-case letters (ISO 3166-1 alpha-3)", f.name, s)
		}
	case vTexts:
		items, ok := l.list(fid, f.name, "strings", n)
		if !ok {
			return nil
		}
		out := make([]string, 0, len(items))
		for _, it := range items {
			s, ok := l.text(fid, f.name, it)
			if !ok {
				continue
			}
			if slices.Contains(out, s) {
				l.problem(fid, int32(it.Line), "%s: duplicate %q", f.name, s)
				continue
			}
			out = append(out, s)
		}
		return out
	case vSourceIDs:
		items, ok := l.list(fid, f.name, "source ids", n)
		if !ok {
			return nil
		}
		if len(items) == 0 {
			l.problem(fid, line, "%s: must cite at least one source", f.name)
		}
		out := make([]idRef, 0, len(items))
		for _, it := range items {
			s, ok := l.id(fid, f.name, it)
			if !ok {
				continue
			}
			if slices.ContainsFunc(out, func(r idRef) bool { return r.id == s }) {
				l.problem(fid, int32(it.Line), "%s: duplicate source %q", f.name, s)
				continue
			}
			out = append(out, idRef{id: s, line: int32(it.Line)})
		}
		return out
	case vRefs:
		items, ok := l.list(fid, f.name, "ids or mappings with \"to\"", n)
		if !ok {
			return nil
		}
		out := make([]rawRef, 0, len(items))
		for _, it := range items {
			if r, ok := l.ref(fid, f, it); ok {
				out = append(out, r)
			}
		}
		return out
	}
	return nil
}

// dateValue reads a date from its literal text: YAML resolves an unquoted
// 2011 to an integer and 2011-05-16 to a timestamp, but the curator's
// precision is in the text.
func (l *loader) dateValue(fid int32, label string, n *yaml.Node) *normgraph.Date {
	if n.Kind != yaml.ScalarNode {
		l.problem(fid, int32(n.Line), "%s: expected a date YYYY, YYYY-MM or YYYY-MM-DD, got %s", label, describe(n))
		return nil
	}
	switch n.ShortTag() {
	case tagStr, tagInt, tagTimestamp:
	default:
		l.problem(fid, int32(n.Line), "%s: expected a date YYYY, YYYY-MM or YYYY-MM-DD, got %s", label, describe(n))
		return nil
	}
	d, err := l.date(n.Value)
	if err != nil {
		l.problem(fid, int32(n.Line), "%s: %v", label, err)
		return nil
	}
	return d
}

// validURL accepts what the schema's pattern accepts and net/url can parse.
func validURL(s string) bool {
	if !urlPattern.MatchString(s) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Host != ""
}

// ref parses one item of a relationship list: an id, or a mapping.
func (l *loader) ref(fid int32, f *fieldSpec, n *yaml.Node) (rawRef, bool) {
	switch n.Kind {
	case yaml.ScalarNode, yaml.AliasNode:
		s, ok := l.id(fid, f.name, n)
		return rawRef{to: s, line: int32(n.Line)}, ok
	case yaml.MappingNode:
		fields := refFields()
		v := l.mapping(fid, n, fields, joinNames(fields))
		r := rawRef{
			to:    v.str("to"),
			line:  v.at,
			since: v.date("since"),
			until: v.date("until"),
			role:  v.str("role"),
			note:  v.str("note"),
		}
		if r.since != nil && r.until != nil && r.until.Before(*r.since) {
			l.problem(fid, v.line("until"), "since %s is after until %s", r.since, r.until)
		}
		if v.nodes[v.index("sources")] != nil {
			r.hasSources = true
			r.sources = v.ids("sources")
		}
		return r, r.to != ""
	}
	l.problem(fid, int32(n.Line), "%s: expected an id or a mapping with \"to\", got %s", f.name, describe(n))
	return rawRef{}, false
}

// build turns a checked mapping into a source or an entity and its
// relationships.
func (l *loader) build(fid int32, spec *kindSpec, v *values) {
	id := v.str("id")
	if id == "" {
		return // missing or malformed: reported, and nothing can refer to it
	}
	e := &entry{id: id, kind: spec.kind, spec: spec, at: pos{fid, v.line("id")}}
	switch spec.key {
	case keyCountries:
		e.iso2Line, e.iso3Line = v.line("iso2"), v.line("iso3")
	case keyPriorities:
		e.orderLine = v.line("order")
	}
	if spec.key == keySources {
		e.node = &normgraph.Source{
			ID:        id,
			Title:     v.str("title"),
			Publisher: v.str("publisher"),
			Published: v.date("published"),
			URL:       v.str("url"),
			AsOf:      v.date("asOf"),
		}
		l.register(e)
		return
	}
	e.sources = v.ids("sources")
	srcIDs := make([]string, len(e.sources))
	for i, s := range e.sources {
		srcIDs[i] = s.id
	}
	base := normgraph.EntityBase{
		ID:        id,
		Kind:      spec.kind,
		Name:      v.str("name"),
		Aliases:   v.texts("aliases"),
		SourceIDs: srcIDs,
	}
	if spec.field("description") >= 0 {
		base.Description = v.str("description")
	}
	switch spec.key {
	case keyPriorities:
		e.node = &normgraph.Priority{EntityBase: base, ShortName: v.str("shortName"), Order: v.integer("order")}
	case keyNorms:
		e.node = &normgraph.Norm{EntityBase: base, Code: v.str("code"), Text: v.str("text"), Framework: v.str("framework")}
	case keyCountries:
		e.node = &normgraph.Country{EntityBase: base, ISO2: v.str("iso2"), ISO3: v.str("iso3"), Region: v.str("region"), Subregion: v.str("subregion")}
	case keyFora:
		e.node = &normgraph.Forum{EntityBase: base, Acronym: v.str("acronym"), Type: v.str("type"), Founded: v.integer("founded"), URL: v.str("url")}
	case keyInitiatives:
		e.node = &normgraph.Initiative{EntityBase: base, Type: v.str("type"), Launched: v.date("launched"), URL: v.str("url")}
	}
	l.register(e)

	// Relationships inherit the owner's sources; the slice is shared, so it
	// is clipped to make an append copy it rather than write into it.
	inherited := slices.Clip(srcIDs)
	cites := v.cites()
	for i := range spec.fields {
		f := &spec.fields[i]
		if f.typ != vRefs {
			continue
		}
		refs, _ := v.conv[i].([]rawRef)
		for _, ref := range refs {
			p := pendingRel{
				owner: e, to: ref.to, typ: f.rel, field: f.name, at: pos{fid, ref.line},
				props: l.prop(relProps{since: ref.since, until: ref.until, role: l.intern(ref.role), note: l.intern(ref.note)}),
			}
			if ref.hasSources {
				p.own = ref.sources
				if p.own == nil {
					p.own = []idRef{} // given but invalid: reported already
				}
			} else {
				p.inherited = inherited
				p.orphan = !cites
			}
			l.pending = append(l.pending, p)
		}
	}
}
