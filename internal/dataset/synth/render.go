package synth

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/normgraph/normgraph/internal/dataset"
	"github.com/normgraph/normgraph/internal/normgraph"
)

const (
	csvHeader = "from,type,to,since,until,role,sources,note\n"
	// A list this long gets a file of its own, named after its target, as
	// curators keep un-general-assembly-members.csv; shorter lists share
	// numbered files of about chunkRows rows, so a million relationships
	// make hundreds of files, not tens of thousands.
	dedicatedRows = 150
	chunkRows     = 20_000
	// entitiesPerFile splits a big kind into fora-001.yaml, fora-002.yaml,
	// ... (the loader reads "fora-*.yaml" as fora), which the loader
	// decodes in parallel.
	entitiesPerFile = 2_000
)

// csvOut collects the CSV files of one kind of list.
type csvOut struct {
	prefix, suffix string
	files          []File
	chunk          []byte
	rows, chunks   int
	buf            []byte
	count          int
}

func newCSVOut(prefix, suffix string) *csvOut { return &csvOut{prefix: prefix, suffix: suffix} }

// begin returns a buffer holding the header, to append one list's rows to.
func (c *csvOut) begin() []byte { return append(c.buf[:0], csvHeader...) }

// end files the list built on begin's buffer: n rows for target.
func (c *csvOut) end(target string, b []byte, n int) {
	c.count += n
	if n >= dedicatedRows {
		c.files = append(c.files, File{Name: "relations/" + target + "-" + c.suffix + ".csv", Data: slices.Clone(b)})
	} else {
		if c.chunk == nil {
			c.chunk = make([]byte, 0, chunkRows*100)
			c.chunk = append(c.chunk, csvHeader...)
		}
		c.chunk = append(c.chunk, b[len(csvHeader):]...)
		c.rows += n
		if c.rows >= chunkRows {
			c.flush()
		}
	}
	c.buf = b[:0]
}

func (c *csvOut) flush() {
	if c.rows == 0 {
		return
	}
	c.chunks++
	c.files = append(c.files, File{Name: fmt.Sprintf("relations/%s-%04d.csv", c.prefix, c.chunks), Data: slices.Clip(c.chunk)})
	c.chunk, c.rows = nil, 0
}

// appendCSVField appends s as one CSV field, quoted when it must be.
func appendCSVField(b []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\r\n") && !strings.HasPrefix(s, " ") {
		return append(b, s...)
	}
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
	return append(b, '"')
}

// yw writes YAML in the curated files' layout: two-space indent, strings
// double-quoted, ids and source lists bare.
type yw struct{ b []byte }

func (w *yw) header(key string) {
	w.b = append(w.b, "# yaml-language-server: $schema=schema/"...)
	w.b = append(w.b, key...)
	w.b = append(w.b, ".schema.json\n"...)
	w.b = append(w.b, key...)
	w.b = append(w.b, ":\n"...)
}

// item starts a list item with its id.
func (w *yw) item(id string) {
	w.b = append(w.b, "  - id: "...)
	w.b = append(w.b, id...)
	w.b = append(w.b, '\n')
}

func (w *yw) key(indent, key string) {
	w.b = append(w.b, indent...)
	w.b = append(w.b, key...)
	w.b = append(w.b, ": "...)
}

// str writes a double-quoted string; the word lists hold no '"' or '\'.
func (w *yw) str(key, v string) {
	if v == "" {
		return
	}
	w.key("    ", key)
	w.b = appendQuoted(w.b, v)
	w.b = append(w.b, '\n')
}

func appendQuoted(b []byte, v string) []byte {
	b = append(b, '"')
	b = append(b, v...)
	return append(b, '"')
}

func (w *yw) int(key string, v int) {
	w.key("    ", key)
	w.b = strconv.AppendInt(w.b, int64(v), 10)
	w.b = append(w.b, '\n')
}

func (w *yw) date(indent, key string, d date) {
	if d.isZero() {
		return
	}
	w.key(indent, key)
	w.b = append(w.b, '"')
	w.b = d.appendTo(w.b)
	w.b = append(w.b, "\"\n"...)
}

func (w *yw) texts(key string, v []string) {
	if len(v) == 0 {
		return
	}
	w.key("    ", key)
	w.b = append(w.b, '[')
	for i, s := range v {
		if i > 0 {
			w.b = append(w.b, ", "...)
		}
		w.b = appendQuoted(w.b, s)
	}
	w.b = append(w.b, "]\n"...)
}

func (g *gen) sourceList(b []byte, srcs []int32) []byte {
	b = append(b, '[')
	for i, s := range srcs {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, g.sources[s].id...)
	}
	return append(b, ']')
}

func (w *yw) sources(g *gen, indent string, srcs []int32) {
	w.key(indent, "sources")
	w.b = g.sourceList(w.b, srcs)
	w.b = append(w.b, '\n')
}

// refs writes a relationship list: bare ids where nothing but the target is
// said, mappings otherwise, as curators write them.
func (w *yw) refs(g *gen, key string, refs []ref, id func(int32) string) {
	if len(refs) == 0 {
		return
	}
	w.b = append(w.b, "    "...)
	w.b = append(w.b, key...)
	w.b = append(w.b, ":\n"...)
	for _, r := range refs {
		if r.since.isZero() && r.role == "" && r.srcs == nil {
			w.b = append(w.b, "      - "...)
			w.b = append(w.b, id(r.to)...)
			w.b = append(w.b, '\n')
			continue
		}
		w.b = append(w.b, "      - to: "...)
		w.b = append(w.b, id(r.to)...)
		w.b = append(w.b, '\n')
		w.date("        ", "since", r.since)
		if r.role != "" {
			w.key("        ", "role")
			w.b = appendQuoted(w.b, r.role)
			w.b = append(w.b, '\n')
		}
		if r.srcs != nil {
			w.sources(g, "        ", r.srcs)
		}
	}
}

// chunked writes a kind's entities (in the order given) to key.yaml, or to
// key-001.yaml, key-002.yaml, ... when there are many.
func chunked(files []File, key string, n int, write func(w *yw, i int)) []File {
	parts := max(1, (n+entitiesPerFile-1)/entitiesPerFile)
	for p := range parts {
		var w yw
		w.header(key)
		for i := p * entitiesPerFile; i < min(n, (p+1)*entitiesPerFile); i++ {
			write(&w, i)
		}
		name := key + ".yaml"
		if parts > 1 {
			name = fmt.Sprintf("%s-%03d.yaml", key, p+1)
		}
		files = append(files, File{Name: name, Data: w.b})
	}
	return files
}

// byID returns the indices 0..n-1 ordered by id(i): files list entities in
// id order, as the curated countries.yaml does.
func byID(n int, id func(int) string) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(id(a), id(b)) })
	return order
}

func (g *gen) render() *Result {
	var files []File
	priorityID := func(i int32) string { return normgraph.PriorityIDs[i] }

	files = chunked(files, "priorities", numPriorities, func(w *yw, i int) {
		w.item(normgraph.PriorityIDs[i])
		w.str("name", priorityText[i].name)
		w.str("shortName", priorityText[i].short)
		w.int("order", i+1)
		w.str("description", priorityText[i].desc)
		w.sources(g, "    ", []int32{int32(i % len(g.sources))})
	})
	files = chunked(files, "sources", len(g.sources), func(w *yw, i int) {
		s := &g.sources[i]
		w.item(s.id)
		w.str("title", s.title)
		w.str("publisher", s.publisher)
		w.date("    ", "published", s.published)
		w.str("url", s.url)
		w.date("    ", "asOf", s.asOf)
	})
	initID := func(i int32) string { return g.inits[i].id }
	files = chunked(files, "countries", len(g.countries), func(w *yw, i int) {
		c := &g.countries[i]
		w.item(c.id)
		w.str("name", c.name)
		w.str("iso2", c.iso2)
		w.str("iso3", c.iso3)
		w.str("region", c.region)
		w.str("subregion", c.subregion)
		w.str("description", c.desc)
		w.texts("aliases", c.aliases)
		w.sources(g, "    ", c.srcs)
		slices.SortFunc(c.leads, func(a, b ref) int { return strings.Compare(initID(a.to), initID(b.to)) })
		w.refs(g, "leads", c.leads, initID)
	})
	normID := func(i int32) string { return g.norms[i].id }
	order := byID(len(g.norms), func(i int) string { return g.norms[i].id })
	files = chunked(files, "norms", len(order), func(w *yw, i int) {
		n := &g.norms[order[i]]
		w.item(n.id)
		w.str("name", n.name)
		w.str("code", n.code)
		w.str("framework", g.frameworks[n.fw].id)
		w.str("text", n.text)
		w.str("description", n.desc)
		w.texts("aliases", n.aliases)
		w.sources(g, "    ", n.srcs)
		w.refs(g, "supports", n.supports, priorityID)
	})
	forumID := func(i int32) string { return g.fora[i].id }
	order = byID(len(g.fora), func(i int) string { return g.fora[i].id })
	files = chunked(files, "fora", len(order), func(w *yw, i int) {
		f := &g.fora[order[i]]
		w.item(f.id)
		w.str("name", f.name)
		w.str("acronym", f.acronym)
		w.str("type", f.typ)
		w.int("founded", f.founded)
		w.str("url", f.url)
		w.str("description", f.desc)
		w.texts("aliases", f.aliases)
		w.sources(g, "    ", f.srcs)
		w.refs(g, "advances", f.advances, priorityID)
		w.refs(g, "affirms", f.affirms, normID)
	})
	order = byID(len(g.inits), func(i int) string { return g.inits[i].id })
	files = chunked(files, "initiatives", len(order), func(w *yw, i int) {
		in := &g.inits[order[i]]
		w.item(in.id)
		w.str("name", in.name)
		w.str("type", in.typ)
		w.date("    ", "launched", in.launched)
		w.str("url", in.url)
		w.str("description", in.desc)
		w.texts("aliases", in.aliases)
		w.sources(g, "    ", in.srcs)
		w.refs(g, "advances", in.advances, priorityID)
		w.refs(g, "promotes", in.promotes, normID)
		w.refs(g, "hostedBy", in.host, forumID)
	})
	for _, c := range []*csvOut{g.members, g.parts, g.endorse} {
		c.flush()
		files = append(files, c.files...)
	}
	for _, kind := range dataset.SchemaKinds() {
		schema, err := dataset.JSONSchema(kind)
		if err != nil {
			panic(err) // SchemaKinds names only kinds JSONSchema knows
		}
		files = append(files, File{Name: "schema/" + kind + ".schema.json", Data: schema})
	}

	res := &Result{
		Config:    g.cfg,
		Sources:   len(g.sources),
		Entities:  map[normgraph.EntityKind]int{},
		Relations: map[normgraph.RelationType]int{},
	}
	res.Entities[normgraph.KindPriority] = numPriorities
	res.Entities[normgraph.KindCountry] = len(g.countries)
	res.Entities[normgraph.KindNorm] = len(g.norms)
	res.Entities[normgraph.KindForum] = len(g.fora)
	res.Entities[normgraph.KindInitiative] = len(g.inits)
	for _, f := range g.fora {
		res.Relations[normgraph.RelAdvances] += len(f.advances)
		res.Relations[normgraph.RelAffirms] += len(f.affirms)
	}
	for _, in := range g.inits {
		res.Relations[normgraph.RelAdvances] += len(in.advances)
		res.Relations[normgraph.RelPromotes] += len(in.promotes)
		res.Relations[normgraph.RelHostedBy] += len(in.host)
	}
	for _, n := range g.norms {
		res.Relations[normgraph.RelSupports] += len(n.supports)
	}
	for _, c := range g.countries {
		res.Relations[normgraph.RelLeads] += len(c.leads)
	}
	res.Relations[normgraph.RelMemberOf] = g.members.count
	res.Relations[normgraph.RelParticipatesIn] = g.parts.count
	res.Relations[normgraph.RelEndorses] = g.endorse.count

	files = append(files, File{Name: "bench-vars.json", Data: g.benchVars()})
	files = append(files, File{Name: "README.md", Data: res.readme()})
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	res.Files = files
	return res
}

// benchVars is a --vars file for `normgraph bench`, whose built-in query
// variables are ids of the curated data: the busiest countries and fora of
// this dataset, its frameworks, and search words its names use.
func (g *gen) benchVars() []byte {
	top := func(n int, score func(int) int, id func(int) string, count int) []string {
		order := make([]int, n)
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Or(cmp.Compare(score(b), score(a)), strings.Compare(id(a), id(b))) })
		var out []string
		for _, i := range order[:min(count, n)] {
			out = append(out, id(i))
		}
		return out
	}
	countryID := func(i int) string { return g.countries[i].id }
	countries := top(len(g.countries), func(i int) int { return g.countries[i].degree }, countryID, 10)
	fora := top(len(g.fora), func(i int) int { return g.fora[i].members }, func(i int) string { return g.fora[i].id }, 8)
	inits := top(len(g.inits), func(i int) int { return g.inits[i].participants }, func(i int) string { return g.inits[i].id }, 3)
	fws := top(len(g.frameworks), func(i int) int { return g.frameworks[i].size }, func(i int) string { return g.frameworks[i].id }, 5)
	// countryById also accepts ISO codes, any case: mix some in.
	byCode := slices.Clone(countries)
	for i := 0; i < len(countries) && i < 3; i++ {
		c := &g.countries[slices.IndexFunc(g.countries, func(c country) bool { return c.id == countries[i] })]
		byCode = append(byCode, c.iso2, c.iso3)
	}
	var ids []string
	ids = append(ids, countries[:min(3, len(countries))]...)
	ids = append(ids, fora[:min(3, len(fora))]...)
	ids = append(ids, inits...)
	ids = append(ids, "internet-governance")
	var regionNames []string
	for _, rg := range regions {
		regionNames = append(regionNames, rg.name)
	}
	regionNames = append(regionNames, regions[3].subregions[3], regions[2].subregions[1])
	vars := map[string][]string{
		"priority":  slices.Clone(normgraph.PriorityIDs),
		"country":   byCode,
		"forum":     fora,
		"id":        ids,
		"from":      countries[:min(5, len(countries))],
		"to":        {"internet-governance", "law-enforcement", "military", "internet-freedom"},
		"region":    regionNames,
		"framework": fws,
		"term":      {"cyber", "internet", "security", "convention", "crime", "critical infrastructure", "freedom", "digital", "forum", "council"},
	}
	b, err := json.MarshalIndent(vars, "", "  ")
	if err != nil {
		panic(err) // strings only
	}
	return append(b, '\n')
}

// readme says what the directory is and how to make it again; it holds no
// time or host, so that it is as reproducible as the data.
func (r *Result) readme() []byte {
	c := r.Config
	var b strings.Builder
	fmt.Fprintf(&b, "# Synthetic normgraph dataset\n\n")
	fmt.Fprintf(&b, "Generated, not curated: every name, code, date and source here is made up.\n")
	fmt.Fprintf(&b, "Do not edit; make it again, byte for byte, with\n\n")
	fmt.Fprintf(&b, "    normgraph gen --out DIR --seed %d --relations %d --countries %d --fora %d --initiatives %d --norms %d --sources %d\n\n",
		c.Seed, c.Relations, c.Countries, c.Fora, c.Initiatives, c.Norms, c.Sources)
	fmt.Fprintf(&b, "Use it with `normgraph validate DIR`, `normgraph serve --data DIR`, `normgraph seed --data DIR`,\n")
	fmt.Fprintf(&b, "and `normgraph bench --vars DIR/bench-vars.json` (ids of this dataset for the benchmark queries).\n\n")
	fmt.Fprintf(&b, "| kind | count |\n|---|---:|\n")
	for _, k := range normgraph.EntityKinds {
		fmt.Fprintf(&b, "| %s | %d |\n", k, r.Entities[k])
	}
	fmt.Fprintf(&b, "| sources | %d |\n\n", r.Sources)
	fmt.Fprintf(&b, "| relationship | count |\n|---|---:|\n")
	total := 0
	for _, t := range normgraph.RelationTypes {
		fmt.Fprintf(&b, "| %s | %d |\n", t, r.Relations[t])
		total += r.Relations[t]
	}
	fmt.Fprintf(&b, "| total | %d |\n", total)
	return []byte(b.String())
}
