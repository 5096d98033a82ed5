package loadgen

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
)

// MixesFile is the file, next to the queries, that groups them into weighted
// mixes: {"mix name": {"queryName": weight, ...}, ...}. Without it every
// query forms one mix, DefaultMixWithoutFile, with weight 1 each.
const MixesFile = "mixes.json"

// DefaultMixWithoutFile names the implicit mix of a query directory that has
// no mixes.json, so that a scratch directory of .graphql files runs as is.
const DefaultMixWithoutFile = "all"

// varsPrefix starts the comment line that lists a query's variable values.
const varsPrefix = "# vars:"

// maxBodies bounds the request bodies pre-rendered per query: enough to
// cover every combination of a few short value lists, small enough that a
// synthetic --vars file with thousands of ids cannot blow up memory (the
// lists are then walked in lockstep instead of in every combination).
const maxBodies = 4096

// Query is one operation of the benchmark, read from NAME.graphql.
type Query struct {
	// Name is the file name without .graphql and also the operation name,
	// so that server logs and metrics keyed by operation match the report.
	Name string
	// Document is the file's text, sent as is.
	Document string
	// Variables are the variables the operation declares, in order.
	Variables []string
	// Values lists, per variable, the JSON values the generator cycles
	// through so that lookups hit different ids.
	Values map[string][]json.RawMessage

	bodies [][]byte
}

// Mix is a weighted set of queries, the unit a run replays.
type Mix struct {
	// Name is the mix's key in mixes.json (or a query name for a one-query mix).
	Name string
	// Entries are in query-name order, so a seed means the same choices
	// whatever order mixes.json lists them in.
	Entries []MixEntry
}

// MixEntry is one query of a mix and its relative weight.
type MixEntry struct {
	Query  *Query
	Weight int
}

// Suite is a query directory: its queries and their mixes.
type Suite struct {
	// Queries in name order.
	Queries []*Query
	// Mixes by name.
	Mixes map[string]*Mix
}

var (
	// An operation definition at the start of a line, the style of every
	// query file here; fragments are allowed alongside and not matched.
	operationRE = regexp.MustCompile(`(?m)^\s*(query|mutation|subscription)\b\s*([_A-Za-z][_0-9A-Za-z]*)?`)
	variableRE  = regexp.MustCompile(`\$([_A-Za-z][_0-9A-Za-z]*)\s*:`)
	nameRE      = regexp.MustCompile(`^[_A-Za-z][_0-9A-Za-z]*$`)
)

// LoadSuite reads every *.graphql file at the root of fsys and mixes.json if
// present. Every problem is reported at once (errors.Join, sorted by file),
// as curators are used to from `normgraph validate`.
func LoadSuite(fsys fs.FS) (*Suite, error) {
	names, err := fs.Glob(fsys, "*.graphql")
	if err != nil {
		return nil, fmt.Errorf("loadgen: %w", err)
	}
	if len(names) == 0 {
		return nil, errors.New("loadgen: no *.graphql query files")
	}
	slices.Sort(names)
	s := &Suite{Mixes: map[string]*Mix{}}
	var problems []error
	byName := map[string]*Query{}
	for _, file := range names {
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", file, err))
			continue
		}
		q, errs := ParseQuery(strings.TrimSuffix(path.Base(file), ".graphql"), string(data))
		for _, e := range errs {
			problems = append(problems, fmt.Errorf("%s: %w", file, e))
		}
		if q != nil {
			s.Queries = append(s.Queries, q)
			byName[q.Name] = q
		}
	}

	data, err := fs.ReadFile(fsys, MixesFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		m := &Mix{Name: DefaultMixWithoutFile}
		for _, q := range s.Queries {
			m.Entries = append(m.Entries, MixEntry{Query: q, Weight: 1})
		}
		s.Mixes[m.Name] = m
	case err != nil:
		problems = append(problems, fmt.Errorf("%s: %w", MixesFile, err))
	default:
		problems = append(problems, s.parseMixes(data, byName)...)
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	return s, nil
}

func (s *Suite) parseMixes(data []byte, byName map[string]*Query) []error {
	var raw map[string]map[string]int
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return []error{fmt.Errorf("%s: %w", MixesFile, err)}
	}
	var problems []error
	for _, mixName := range slices.Sorted(maps.Keys(raw)) {
		m := &Mix{Name: mixName}
		weights := raw[mixName]
		if len(weights) == 0 {
			problems = append(problems, fmt.Errorf("%s: mix %q: no queries", MixesFile, mixName))
		}
		for _, file := range slices.Sorted(maps.Keys(weights)) {
			w := weights[file]
			name := strings.TrimSuffix(file, ".graphql")
			q, ok := byName[name]
			switch {
			case !ok:
				problems = append(problems, fmt.Errorf("%s: mix %q: no query file %s.graphql", MixesFile, mixName, name))
			case w <= 0:
				problems = append(problems, fmt.Errorf("%s: mix %q: %s: weight must be a positive integer, got %d", MixesFile, mixName, name, w))
			default:
				m.Entries = append(m.Entries, MixEntry{Query: q, Weight: w})
			}
		}
		s.Mixes[mixName] = m
	}
	return problems
}

// ParseQuery reads one query file. The document must hold exactly one
// operation, a query (the tool must never write to the graph it measures),
// named like the file. Leading comment lines may include one
// `# vars: {"var": [values...]}` line; every variable the operation declares
// needs a non-empty list there (or from an override), as the generator has
// nothing else to send. It returns the query even with problems when it can,
// so that LoadSuite reports mix problems too.
func ParseQuery(name, doc string) (*Query, []error) {
	var problems []error
	q := &Query{Name: name, Document: doc, Values: map[string][]json.RawMessage{}}

	if !nameRE.MatchString(name) {
		problems = append(problems, fmt.Errorf("file name %q is not a GraphQL name (letters, digits, _): the operation must be named like the file", name))
	}
	stripped := stripComments(doc)
	ops := operationRE.FindAllStringSubmatchIndex(stripped, -1)
	switch {
	case len(ops) == 0:
		return nil, append(problems, errors.New("no operation (want `query "+name+"(...) {...}`)"))
	case len(ops) > 1:
		problems = append(problems, fmt.Errorf("%d operations, want exactly one", len(ops)))
	}
	op := ops[0]
	if kind := stripped[op[2]:op[3]]; kind != "query" {
		problems = append(problems, fmt.Errorf("operation is a %s; only queries are allowed, a benchmark must not change the graph", kind))
	}
	if op[4] < 0 || stripped[op[4]:op[5]] != name {
		got := "anonymous"
		if op[4] >= 0 {
			got = fmt.Sprintf("%q", stripped[op[4]:op[5]])
		}
		problems = append(problems, fmt.Errorf("operation is %s, want it named %q like the file", got, name))
	}
	// Variable definitions sit between the operation name and the first "{".
	header := stripped[op[1]:]
	if i := strings.IndexByte(header, '{'); i >= 0 {
		header = header[:i]
	}
	for _, m := range variableRE.FindAllStringSubmatch(header, -1) {
		if !slices.Contains(q.Variables, m[1]) {
			q.Variables = append(q.Variables, m[1])
		}
	}

	vars, err := leadingVars(doc)
	if err != nil {
		problems = append(problems, err)
	}
	for _, v := range slices.Sorted(maps.Keys(vars)) {
		if !slices.Contains(q.Variables, v) {
			problems = append(problems, fmt.Errorf("vars: %q is not a variable of the operation (declared: %s)", v, dollarList(q.Variables)))
			continue
		}
		if len(vars[v]) == 0 {
			problems = append(problems, fmt.Errorf("vars: %q has no values", v))
			continue
		}
		q.Values[v] = vars[v]
	}
	if missing := q.missingValues(); len(missing) > 0 {
		problems = append(problems, fmt.Errorf("no values for %s: list them in a %s line", dollarList(missing), varsPrefix))
	}
	if len(problems) == 0 {
		if err := q.render(); err != nil {
			problems = append(problems, err)
		}
	}
	return q, problems
}

// leadingVars finds the `# vars:` line among the comment lines that open the
// file; a vars line further down would be easy to miss when reading a query.
func leadingVars(doc string) (map[string][]json.RawMessage, error) {
	sc := bufio.NewScanner(strings.NewReader(doc))
	sc.Buffer(nil, 1<<20)
	var found map[string][]json.RawMessage
	for line := 1; sc.Scan(); line++ {
		t := strings.TrimSpace(sc.Text())
		if t == "" {
			continue
		}
		if !strings.HasPrefix(t, "#") {
			break
		}
		if !strings.HasPrefix(t, varsPrefix) {
			continue
		}
		if found != nil {
			return nil, fmt.Errorf("line %d: a second %s line", line, varsPrefix)
		}
		if err := json.Unmarshal([]byte(strings.TrimPrefix(t, varsPrefix)), &found); err != nil {
			return nil, fmt.Errorf("line %d: %s want a JSON object of lists, e.g. {\"id\": [\"usa\", \"fra\"]}: %w", line, varsPrefix, err)
		}
		if found == nil {
			found = map[string][]json.RawMessage{}
		}
	}
	return found, sc.Err()
}

// stripComments blanks GraphQL comments (outside strings) so the operation
// and variable patterns do not match commented-out text.
func stripComments(doc string) string {
	b := []byte(doc)
	inString, inComment := false, false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case inComment:
			if c == '\n' || c == '\r' {
				inComment = false
			} else {
				b[i] = ' '
			}
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '#':
			inComment = true
			b[i] = ' '
		}
	}
	return string(b)
}

func (q *Query) missingValues() []string {
	var missing []string
	for _, v := range q.Variables {
		if len(q.Values[v]) == 0 {
			missing = append(missing, v)
		}
	}
	return missing
}

func dollarList(vars []string) string {
	if len(vars) == 0 {
		return "none"
	}
	return "$" + strings.Join(vars, ", $")
}

// render pre-builds the request bodies: the generator then costs a slice
// index per request, leaving the machine's CPU to the server being measured.
// Body i gives each variable value i modulo the length of its list; with
// period lcm(lengths) every combination of coprime list lengths comes up.
func (q *Query) render() error {
	period := 1
	longest := 1
	for _, v := range q.Variables {
		n := len(q.Values[v])
		longest = max(longest, n)
		period = lcm(period, n)
		if period > maxBodies {
			period = -1
			break
		}
	}
	if period < 0 {
		period = longest
	}
	type request struct {
		OperationName string                     `json:"operationName"`
		Query         string                     `json:"query"`
		Variables     map[string]json.RawMessage `json:"variables,omitempty"`
	}
	q.bodies = make([][]byte, 0, period)
	for i := range period {
		r := request{OperationName: q.Name, Query: q.Document}
		if len(q.Variables) > 0 {
			r.Variables = map[string]json.RawMessage{}
			for _, v := range q.Variables {
				vals := q.Values[v]
				r.Variables[v] = vals[i%len(vals)]
			}
		}
		b, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("vars: %w", err)
		}
		q.bodies = append(q.bodies, b)
	}
	return nil
}

// Bodies returns the pre-rendered JSON request bodies the generator cycles
// through; exposed for tests and for `bench --list`. Callers must not modify them.
func (q *Query) Bodies() [][]byte { return q.bodies }

func lcm(a, b int) int {
	x, y := a, b
	for y != 0 {
		x, y = y, x%y
	}
	return a / x * b
}

// Mix returns the named mix or, failing that, a one-query mix of the query
// with that name, so a single query can be measured on its own.
func (s *Suite) Mix(name string) (*Mix, error) {
	if m, ok := s.Mixes[name]; ok {
		return m, nil
	}
	for _, q := range s.Queries {
		if q.Name == name {
			return &Mix{Name: name, Entries: []MixEntry{{Query: q, Weight: 1}}}, nil
		}
	}
	return nil, fmt.Errorf("loadgen: no mix or query %q (mixes: %s)", name, strings.Join(s.MixNames(), ", "))
}

// MixNames lists the mixes in name order.
func (s *Suite) MixNames() []string {
	return slices.Sorted(maps.Keys(s.Mixes))
}

// OverrideVars replaces value lists from a JSON object, the content of
// `bench --vars FILE`, so the same mixes run against a data set whose ids
// differ (a synthetic one, say). A key "var" replaces the list of that
// variable in every query declaring it; a key "query.var" only in that query
// and wins over "var". Keys matching no query variable are an error, as a
// typo would otherwise silently keep the curated ids.
func (s *Suite) OverrideVars(data []byte) error {
	var over map[string][]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&over); err != nil {
		return fmt.Errorf("loadgen: vars: want a JSON object of lists, e.g. {\"country\": [\"usa\"], \"path.to\": [\"military\"]}: %w", err)
	}
	var problems []error
	used := map[string]bool{}
	for _, k := range slices.Sorted(maps.Keys(over)) {
		if len(over[k]) == 0 {
			problems = append(problems, fmt.Errorf("loadgen: vars: %q: empty list", k))
		}
	}
	for _, q := range s.Queries {
		changed := false
		for _, v := range q.Variables {
			_, general := over[v]
			used[v] = used[v] || general
			vals, ok := over[q.Name+"."+v]
			if ok {
				used[q.Name+"."+v] = true
			} else {
				vals, ok = over[v]
			}
			if !ok {
				continue
			}
			if len(vals) > 0 {
				q.Values[v] = vals
				changed = true
			}
		}
		if changed {
			if err := q.render(); err != nil {
				problems = append(problems, fmt.Errorf("loadgen: %s: %w", q.Name, err))
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(over)) {
		if !used[k] {
			problems = append(problems, fmt.Errorf("loadgen: vars: %q matches no query variable (use \"var\" or \"query.var\")", k))
		}
	}
	return errors.Join(problems...)
}
