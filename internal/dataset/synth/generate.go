// Package synth generates synthetic datasets in the curated data's file
// format, for scale tests of the loader, the stores and the API.
//
// A dataset is a pure function of its Config: the random choices come from
// math/rand/v2's PCG seeded with Config.Seed, one stream per part of the
// graph, and no map order, clock or environment leaks into the output, so the
// same Config gives byte-identical files on every machine.
//
// The shape follows the curated data in seed/: the seven real priorities,
// countries with unique ISO codes spread over the UN regions, fora whose
// membership sizes follow a Zipf law (a few near-universal bodies, a long tail
// of small clubs, regional bodies drawing on one region), initiatives with
// participants and roles, norms grouped in frameworks, every relationship type
// in the curated proportions, dated memberships (some ended) so that asOf
// queries select something, and a few hundred sources, many with an asOf.
// Entities go to YAML with the `# yaml-language-server` header, their short
// relationship lists on the owning side; the long lists (MEMBER_OF,
// PARTICIPATES_IN, ENDORSES) go to CSV under relations/, exactly as curators
// write them, so `normgraph validate`, `seed` and `serve --data` read a
// generated directory unchanged.
package synth

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// File is one generated file, its Name a slash-separated path relative to
// the dataset directory ("fora.yaml", "relations/memberships-0001.csv").
type File struct {
	Name string
	Data []byte
}

// Result is a generated dataset, held in memory so that tests can load it
// without touching the disk and WriteDir can write it all or nothing.
type Result struct {
	// Config is the resolved configuration: every size filled in.
	Config Config
	// Files are sorted by name.
	Files []File
	// Entities and Relations count what the files define, per kind and type.
	Entities  map[normgraph.EntityKind]int
	Relations map[normgraph.RelationType]int
	// Sources is the number of sources.
	Sources int
}

// Generate builds the dataset cfg describes (zero fields defaulted, see
// Config.Resolve).
func Generate(cfg Config) (*Result, error) {
	cfg, err := cfg.Resolve()
	if err != nil {
		return nil, err
	}
	q, err := cfg.quotas()
	if err != nil {
		return nil, err
	}
	g := &gen{cfg: cfg, q: q, ids: ids{}}
	for _, id := range normgraph.PriorityIDs {
		g.ids.take(id)
	}
	g.members = newCSVOut("memberships", "members")
	g.parts = newCSVOut("participations", "participants")
	g.endorse = newCSVOut("endorsements", "endorsers")

	g.genSources()
	g.genCountries()
	g.genNorms()
	g.genFora()
	g.genInitiatives()
	g.genEndorsements()
	g.genAdvances()
	g.genSupports()
	g.genAffirms()
	g.genPromotes()
	g.genHosts()
	g.genLeads()
	return g.render(), nil
}

// gen is the state of one Generate call.
type gen struct {
	cfg Config
	q   [numRels]int
	ids ids

	sources    []source
	countries  []country
	frameworks []framework
	norms      []norm
	fora       []forum
	inits      []initiative

	// countryPick draws countries by activity; regionPick[i] draws the
	// countries of regions[i], regionOf maps its items back.
	countryPick *picker
	regionPick  []*picker
	regionOf    [][]int32

	members, parts, endorse *csvOut
	scratch                 []int32
}

// Streams of randomness, one per part of the graph: adding a step to one
// part does not reshuffle the others.
const (
	streamSources = iota + 1
	streamCountries
	streamNorms
	streamFora
	streamInitiatives
	streamEndorsements
	streamAdvances
	streamSupports
	streamAffirms
	streamPromotes
	streamHosts
	streamLeads
)

func (g *gen) rng(stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(g.cfg.Seed, 0x6e67_7379_6e74_6800|stream))
}

func (g *gen) genSources() {
	r := g.rng(streamSources)
	g.sources = make([]source, g.cfg.Sources)
	for i := range g.sources {
		s := &g.sources[i]
		p := one(r, publishers)
		switch i {
		// Every country cites one of two registries, as the curated
		// countries cite ISO 3166 and the UN M49 list.
		case 0:
			p = publishers[1]
			s.title = "Register of state names and two- and three-letter codes"
		case 1:
			p = publishers[1]
			s.title = "Standard country and area codes for statistical use"
		default:
			s.title = one(r, documentKinds) + " " + lower(one(r, topics).name)
			if chance(r, 0.5) {
				s.title += " " + one(r, frameworkWords)
			}
		}
		s.publisher = p.name
		s.id = g.ids.take("src-" + p.slug + "-" + pad4(i+1))
		s.url = "https://" + p.host + "/doc/" + strconv.Itoa(i+1)
		if chance(r, 0.95) {
			s.published = randomDate(r, between(r, 1995, lastYear))
		}
		if chance(r, 0.55) {
			from := 2000
			if !s.published.isZero() {
				from = int(s.published.y)
			}
			s.asOf = randomDate(r, between(r, from, lastYear))
			if s.asOf.y == s.published.y && s.asOf.m == 0 {
				// A year-only asOf in the year of a dated publication
				// reads as earlier than it; make it the end of the year.
				s.asOf.m, s.asOf.d = 12, 28
			}
		}
		if i < 2 {
			s.published, s.asOf = date{y: 2024}, date{y: 2024, m: 12, d: 28}
		}
	}
}

func pad4(n int) string {
	s := strconv.Itoa(n)
	if len(s) < 4 {
		s = strings.Repeat("0", 4-len(s)) + s
	}
	return s
}

func (g *gen) genCountries() {
	r := g.rng(streamCountries)
	n := g.cfg.Countries
	used2, used3 := map[string]bool{}, map[string]bool{}
	// Codes not derivable from the name come from the shuffled list of all.
	all2 := make([]string, 0, MaxCountries)
	for _, i := range r.Perm(MaxCountries) {
		all2 = append(all2, string([]byte{'A' + byte(i/26), 'A' + byte(i%26)}))
	}
	next2 := 0
	nameSet := names{}
	var shares []float64
	for _, rg := range regions {
		shares = append(shares, rg.share)
	}
	regionCum := newPicker(shares).cum
	g.countries = make([]country, n)
	for i := range g.countries {
		c := &g.countries[i]
		base := nameSet.take(func() string {
			return one(r, countryHeads) + one(r, countryMiddles) + one(r, countryTails)
		})
		c.iso2 = codeFrom(base, 2, func(s string) bool { return used2[s] })
		for c.iso2 == "" {
			if !used2[all2[next2]] {
				c.iso2 = all2[next2]
			}
			next2++
		}
		used2[c.iso2] = true
		c.iso3 = codeFrom(base, 3, func(s string) bool { return used3[s] || g.taken(strings.ToLower(s)) })
		for start := r.IntN(26); c.iso3 == ""; start++ {
			s := c.iso2 + string(rune('A'+start%26))
			if !used3[s] && !g.taken(strings.ToLower(s)) {
				c.iso3 = s
			}
		}
		used3[c.iso3] = true
		c.id = g.ids.take(strings.ToLower(c.iso3))
		c.name = base
		if chance(r, 0.15) {
			c.name = one(r, countryForms) + " " + base
			c.aliases = []string{base}
		}
		rg := &regions[draw(r, regionCum)]
		c.region, c.subregion = rg.name, one(r, rg.subregions)
		switch r.IntN(3) {
		case 0:
			c.desc = "State in " + c.subregion + " active in regional and global cyber diplomacy."
		case 1:
			c.desc = "Country of " + c.region + " that takes part in " + lower(one(r, topics).name) + " and " + lower(one(r, topics).name) + " cooperation."
		default:
			c.desc = c.subregion + " state with a national " + lower(one(r, topics).name) + " strategy."
		}
		c.srcs = []int32{int32(r.IntN(2))}
		if chance(r, 0.4) && len(g.sources) > 2 {
			c.srcs = append(c.srcs, int32(2+r.IntN(len(g.sources)-2)))
		}
	}
	// Id order, so that picked indices (ascending) write CSV rows in id order.
	slices.SortFunc(g.countries, func(a, b country) int { return strings.Compare(a.id, b.id) })

	g.countryPick = newPicker(zipfWeights(r, n, 0.6))
	g.regionPick = make([]*picker, len(regions))
	g.regionOf = make([][]int32, len(regions))
	for ri, rg := range regions {
		var w []float64
		for ci := range g.countries {
			if g.countries[ci].region == rg.name {
				g.regionOf[ri] = append(g.regionOf[ri], int32(ci))
				w = append(w, g.countryPick.weight(ci))
			}
		}
		if len(w) > 0 {
			g.regionPick[ri] = newPicker(w)
		}
	}
}

func (g *gen) taken(id string) bool { _, ok := g.ids[id]; return ok }

// codeFrom derives an ISO-like code from a name's letters, as real codes are
// (Norvalia: NO, NOR), or "" if every candidate is used.
func codeFrom(name string, k int, used func(string) bool) string {
	var l []byte
	for i := 0; i < len(name); i++ {
		if c := name[i]; c >= 'a' && c <= 'z' {
			l = append(l, c-'a'+'A')
		} else if c >= 'A' && c <= 'Z' {
			l = append(l, c)
		}
	}
	if len(l) < k {
		return ""
	}
	for j := 1; j < len(l); j++ {
		if k == 2 {
			if s := string([]byte{l[0], l[j]}); !used(s) {
				return s
			}
			continue
		}
		for m := j + 1; m < len(l); m++ {
			if s := string([]byte{l[0], l[j], l[m]}); !used(s) {
				return s
			}
		}
	}
	return ""
}

// weight is item i's weight in p.
func (p *picker) weight(i int) float64 {
	if i == 0 {
		return p.cum[0]
	}
	return p.cum[i] - p.cum[i-1]
}

func (g *gen) genNorms() {
	r := g.rng(streamNorms)
	N := g.cfg.Norms
	fwIDs := map[string]bool{}
	for made := 0; made < N; {
		fw := framework{size: min(N-made, 4+r.IntN(13)), year: between(r, 1998, 2024)}
		var scope string
		switch r.IntN(3) {
		case 0:
			scope = one(r, cities)
		case 1:
			scope = one(r, globalScopes)
		default:
			scope = one(r, one(r, regions).adjectives)
		}
		fw.title = scope + " " + one(r, frameworkWords) + " " + strconv.Itoa(fw.year)
		base := slug(fw.title)
		fw.id = base
		for n := 2; fwIDs[fw.id]; n++ {
			fw.id = base + "-" + strconv.Itoa(n)
		}
		fwIDs[fw.id] = true
		switch r.IntN(10) {
		case 0, 1, 2, 3:
			fw.code = "A/" + strconv.Itoa(fw.year-1945) + "/" + strconv.Itoa(100+r.IntN(800))
		case 4, 5, 6:
			fw.code = "" // numbered principles
		default:
			fw.code = "-" // no codes at all
		}
		fwSrcs := pickSources(r, len(g.sources), 2)
		fi := len(g.frameworks)
		g.frameworks = append(g.frameworks, fw)
		for k := range fw.size {
			obj := r.IntN(len(normObjects))
			verb := one(r, normVerbs)
			nm := norm{fw: fi, num: k + 1, object: obj, srcs: fwSrcs}
			nm.id = g.ids.take(fw.id + "-" + strconv.Itoa(k+1))
			nm.name = verb + " " + normObjects[obj].name
			nm.text = "States should " + lower(verb) + " " + normObjects[obj].name
			if chance(r, 0.7) {
				nm.text += ", " + one(r, normClauses)
			}
			nm.text += "."
			label := ""
			switch fw.code {
			case "":
				label = "Principle " + strconv.Itoa(k+1)
			case "-":
			default:
				para := strconv.Itoa(k + 1)
				if k < 26 {
					para = "13(" + string(rune('a'+k)) + ")"
				}
				nm.code = fw.code + " " + para
				label = "Norm " + para
			}
			if label != "" && chance(r, 0.5) {
				nm.aliases = []string{label}
			}
			if chance(r, 0.4) {
				nm.desc = "Commitment " + strconv.Itoa(k+1) + " of the " + fw.title + " on " + normObjects[obj].name + "."
			}
			if chance(r, 0.2) {
				nm.srcs = pickSources(r, len(g.sources), 2)
			}
			g.norms = append(g.norms, nm)
		}
		made += fw.size
	}
}

// listStyle is how one CSV list dates and labels its rows: some lists are
// undated, some have founding members dated at the start, a few rows have
// ended (until), some lists give every row a role.
type listStyle struct {
	start       date
	dated       float64 // share of rows with a since date
	founders    float64 // share of dated rows dated at start
	founderRole string
	roles       []string // a row's role is one of these; none when empty
	observers   float64  // share of rows whose role is "observer"
	until       float64  // share of dated rows that ended
}

// writeList writes the rows "country,TYPE,target,..." of one list, members
// being ascending country indices.
func (g *gen) writeList(r *rand.Rand, out *csvOut, typ normgraph.RelationType, target string, members []int32, st *listStyle) {
	notes := memberNotes
	switch typ {
	case normgraph.RelParticipatesIn:
		notes = participantNotes
	case normgraph.RelEndorses:
		notes = endorserNotes
	}
	srcs := pickSources(r, len(g.sources), 2)
	var list []byte
	for i, s := range srcs {
		if i > 0 {
			list = append(list, ';')
		}
		list = append(list, g.sources[s].id...)
	}
	extra := g.sources[r.IntN(len(g.sources))].id
	if slices.ContainsFunc(srcs, func(s int32) bool { return g.sources[s].id == extra }) {
		extra = ""
	}
	b := out.begin()
	for _, ci := range members {
		c := &g.countries[ci]
		c.degree++
		var since, until date
		role := ""
		if len(st.roles) > 0 {
			role = one(r, st.roles)
		}
		if chance(r, st.dated) {
			if chance(r, st.founders) || int(st.start.y) >= lastYear {
				since = st.start
				if st.founderRole != "" {
					role = st.founderRole
				}
			} else {
				since = randomDate(r, between(r, int(st.start.y)+1, lastYear))
			}
			if chance(r, st.until) && int(since.y) < lastYear {
				until = randomDate(r, between(r, int(since.y)+1, lastYear))
			}
		}
		if chance(r, st.observers) {
			role = "observer"
		}
		b = append(b, c.id...)
		b = append(b, ',')
		b = append(b, typ...)
		b = append(b, ',')
		b = append(b, target...)
		b = append(b, ',')
		b = since.appendTo(b)
		b = append(b, ',')
		b = until.appendTo(b)
		b = append(b, ',')
		b = append(b, role...)
		b = append(b, ',')
		b = append(b, list...)
		if extra != "" && chance(r, 0.05) {
			b = append(b, ';')
			b = append(b, extra...)
		}
		b = append(b, ',')
		if chance(r, 0.03) {
			b = appendCSVField(b, one(r, notes))
		}
		b = append(b, '\n')
	}
	out.end(target, b, len(members))
}

// pickCountries draws n distinct countries (ascending indices), from one
// region when region >= 0.
func (g *gen) pickCountries(r *rand.Rand, n, region int) []int32 {
	g.scratch = g.scratch[:0]
	if region < 0 {
		g.scratch = g.countryPick.pick(r, n, g.scratch)
		return g.scratch
	}
	g.scratch = g.regionPick[region].pick(r, n, g.scratch)
	for i, li := range g.scratch {
		g.scratch[i] = g.regionOf[region][li]
	}
	return g.scratch // regionOf is ascending, so the mapped list is too
}

func (g *gen) genFora() {
	r := g.rng(streamFora)
	F, C := g.cfg.Fora, g.cfg.Countries
	g.fora = make([]forum, F)
	sizes := zipfSizes(F, g.q[rMemberOf], C, 1.0)
	for rank, fi := range r.Perm(F) {
		g.fora[fi].members = sizes[rank]
	}
	nameSet := names{}
	for i := range g.fora {
		f := &g.fora[i]
		s := f.members
		f.region = -1
		if s < C/2 && chance(r, 0.45) {
			// A regional body: one region with room for all its members.
			var fits []int
			for ri := range regions {
				if len(g.regionOf[ri])*9/10 >= s && len(g.regionOf[ri]) > 0 {
					fits = append(fits, ri)
				}
			}
			if len(fits) > 0 {
				f.region = one(r, fits)
			}
		}
		f.topic = r.IntN(len(topics))
		body := one(r, bodies)
		switch {
		case s >= C*6/10 && C >= 20:
			f.typ = one(r, bigForumTypes)
			f.founded = between(r, 1945, 1995)
		case f.region >= 0:
			f.typ = "regional"
			f.founded = between(r, 1950, 2022)
		default:
			f.typ = body.typ
			f.founded = between(r, 1960, 2022)
		}
		scopes := globalScopes
		if f.region >= 0 {
			scopes = regions[f.region].adjectives
		}
		f.name = nameSet.take(func() string {
			t := topics[f.topic].name
			if chance(r, 0.5) {
				return one(r, scopes) + " " + t + " " + body.name
			}
			return one(r, scopes) + " " + body.name + " on " + t
		})
		f.id = g.ids.take(slug(f.name))
		if a := acronym(f.name); len(a) >= 2 && chance(r, 0.7) {
			f.acronym = a
		}
		if chance(r, 0.75) {
			f.url = "https://example.org/fora/" + f.id
		}
		other := lower(one(r, topics).name)
		switch r.IntN(3) {
		case 0:
			f.desc = "Body of " + strconv.Itoa(max(s, 2)) + " states working on " + lower(topics[f.topic].name) + " and " + other + ", founded in " + strconv.Itoa(f.founded) + "."
		case 1:
			f.desc = "Brings governments, industry and civil society together on " + lower(topics[f.topic].name) + " and " + other + "."
		default:
			f.desc = "Coordinates national positions on " + other + " and shares good practice on " + lower(topics[f.topic].name) + "."
		}
		if chance(r, 0.15) {
			f.aliases = []string{one(r, scopes) + " " + one(r, bodies).name + " on " + topics[f.topic].name}
		}
		f.srcs = pickSources(r, len(g.sources), 3)
	}
	roles := []string{"member", "participant", "member economy", "participating state"}
	for i := range g.fora {
		f := &g.fora[i]
		if f.members == 0 {
			continue
		}
		st := listStyle{until: 0.03, founders: 0.1 + 0.3*r.Float64()}
		st.start = date{y: uint16(f.founded)}
		if chance(r, 0.5) {
			st.start = randomDate(r, f.founded)
		}
		if chance(r, 0.7) {
			st.dated = 0.5 + 0.5*r.Float64()
		}
		if chance(r, 0.3) {
			st.founderRole = "founder"
		}
		if chance(r, 0.25) {
			st.roles = []string{one(r, roles)}
		}
		if chance(r, 0.2) {
			st.observers = 0.05 + 0.1*r.Float64()
		}
		members := g.pickCountries(r, f.members, f.region)
		g.writeList(r, g.members, normgraph.RelMemberOf, f.id, members, &st)
	}
}

func (g *gen) genInitiatives() {
	r := g.rng(streamInitiatives)
	I, C := g.cfg.Initiatives, g.cfg.Countries
	g.inits = make([]initiative, I)
	sizes := zipfSizes(I, g.q[rParticipatesIn], C, 0.9)
	for rank, ii := range r.Perm(I) {
		g.inits[ii].participants = sizes[rank]
	}
	nameSet := names{}
	for i := range g.inits {
		in := &g.inits[i]
		in.kind = r.IntN(len(initiativeKinds))
		k := &initiativeKinds[in.kind]
		in.typ = k.typ
		in.topic = r.IntN(len(topics))
		in.name = nameSet.take(func() string {
			scope := one(r, globalScopes)
			if chance(r, 0.3) {
				scope = one(r, one(r, regions).adjectives)
			}
			name := strings.Replace(k.pattern, "%C", one(r, cities), 1)
			name = strings.Replace(name, "%S", scope, 1)
			return strings.Replace(name, "%T", topics[in.topic].name, 1)
		})
		in.id = g.ids.take(slug(in.name))
		in.launched = randomDate(r, between(r, 1995, lastYear))
		if chance(r, 0.6) {
			in.url = "https://example.org/initiatives/" + in.id
		}
		switch r.IntN(3) {
		case 0:
			in.desc = "Launched in " + strconv.Itoa(int(in.launched.y)) + " to advance " + lower(topics[in.topic].name) + " among its participants."
		case 1:
			in.desc = "Voluntary framework on " + lower(topics[in.topic].name) + " and " + lower(one(r, topics).name) + " open to all States."
		default:
			in.desc = "Brings States and partners together to strengthen " + lower(topics[in.topic].name) + "."
		}
		if a := acronym(in.name); len(a) >= 3 && chance(r, 0.2) {
			in.aliases = []string{a}
		}
		in.srcs = pickSources(r, len(g.sources), 3)
	}
	for i := range g.inits {
		in := &g.inits[i]
		if in.participants == 0 {
			continue
		}
		k := &initiativeKinds[in.kind]
		st := listStyle{start: in.launched, dated: 0.75, founders: 0.25, roles: k.roles, until: 0.02}
		if in.typ == "programme" || in.typ == "coalition" || in.typ == "call" {
			st.founderRole = "founder"
		}
		g.writeList(r, g.parts, normgraph.RelParticipatesIn, in.id, g.pickCountries(r, in.participants, -1), &st)
	}
}

func (g *gen) genEndorsements() {
	r := g.rng(streamEndorsements)
	N := len(g.norms)
	sizes := zipfSizes(N, g.q[rEndorses], g.cfg.Countries, 1.1)
	perNorm := make([]int, N)
	for rank, ni := range r.Perm(N) {
		perNorm[ni] = sizes[rank]
	}
	for ni, n := range perNorm {
		if n == 0 {
			continue
		}
		nm := &g.norms[ni]
		st := listStyle{start: date{y: uint16(g.frameworks[nm.fw].year)}, dated: 0.6, founders: 0.3, until: 0.01}
		g.writeList(r, g.endorse, normgraph.RelEndorses, nm.id, g.pickCountries(r, n, -1), &st)
	}
}

// priorityPickers draw priorities by weight, one picker per "favourite"
// priority that gets four times its weight: an owner's topic pulls its
// relationships towards the priority the topic serves.
func priorityPickers(weights [numPriorities]float64) []*picker {
	out := make([]*picker, numPriorities)
	for fav := range out {
		w := weights
		w[fav] *= 4
		out[fav] = newPicker(w[:])
	}
	return out
}

// spread gives each of n owners a count of at most limit, total in all, in
// a random order of owners.
func spread(r *rand.Rand, n, total, limit int, alpha float64) []int {
	sizes := zipfSizes(n, total, limit, alpha)
	out := make([]int, n)
	for rank, i := range r.Perm(n) {
		out[i] = sizes[rank]
	}
	return out
}

func (g *gen) genAdvances() {
	r := g.rng(streamAdvances)
	pick := priorityPickers(advancesWeight)
	F := len(g.fora)
	counts := spread(r, F+len(g.inits), g.q[rAdvances], numPriorities, 0.5)
	for owner, n := range counts {
		var t int
		var dst *[]ref
		if owner < F {
			t, dst = g.fora[owner].topic, &g.fora[owner].advances
		} else {
			t, dst = g.inits[owner-F].topic, &g.inits[owner-F].advances
		}
		for _, p := range pick[topics[t].priority].pick(r, n, nil) {
			rf := ref{to: p}
			if chance(r, 0.15) {
				rf.srcs = pickSources(r, len(g.sources), 1)
			}
			*dst = append(*dst, rf)
		}
	}
}

func (g *gen) genSupports() {
	r := g.rng(streamSupports)
	pick := priorityPickers(supportsWeight)
	counts := spread(r, len(g.norms), g.q[rSupports], numPriorities, 0.5)
	for ni, n := range counts {
		nm := &g.norms[ni]
		for _, p := range pick[normObjects[nm.object].priority].pick(r, n, nil) {
			nm.supports = append(nm.supports, ref{to: p})
		}
	}
}

// normRefs draws n norms for one forum or initiative; half the references
// are plain ids (inheriting the owner's sources), the others dated and
// sourced like the curated affirmations.
func (g *gen) normRefs(r *rand.Rand, p *picker, n, from int) []ref {
	var out []ref
	for _, ni := range p.pick(r, n, nil) {
		rf := ref{to: ni}
		if chance(r, 0.5) {
			fw := g.frameworks[g.norms[ni].fw]
			rf.since = randomDate(r, between(r, max(from, fw.year), lastYear))
			rf.srcs = g.norms[ni].srcs[:1]
		}
		out = append(out, rf)
	}
	return out
}

func (g *gen) genAffirms() {
	r := g.rng(streamAffirms)
	p := newPicker(zipfWeights(r, len(g.norms), 0.8))
	for fi, n := range spread(r, len(g.fora), g.q[rAffirms], len(g.norms), 1.0) {
		g.fora[fi].affirms = g.normRefs(r, p, n, g.fora[fi].founded)
	}
}

func (g *gen) genPromotes() {
	r := g.rng(streamPromotes)
	p := newPicker(zipfWeights(r, len(g.norms), 0.8))
	for ii, n := range spread(r, len(g.inits), g.q[rPromotes], len(g.norms), 1.0) {
		g.inits[ii].promotes = g.normRefs(r, p, n, int(g.inits[ii].launched.y))
	}
}

func (g *gen) genHosts() {
	r := g.rng(streamHosts)
	// Big bodies host more initiatives: weight by membership.
	w := make([]float64, len(g.fora))
	for i, f := range g.fora {
		w[i] = float64(f.members + 1)
	}
	p := newPicker(w)
	for ii, n := range spread(r, len(g.inits), g.q[rHostedBy], min(maxHosts, len(g.fora)), 1.0) {
		for _, fi := range p.pick(r, n, nil) {
			g.inits[ii].host = append(g.inits[ii].host, ref{to: fi})
		}
	}
}

func (g *gen) genLeads() {
	r := g.rng(streamLeads)
	roles := []string{"co-founder", "chair", "host", "convener"}
	for ii, n := range spread(r, len(g.inits), g.q[rLeads], min(maxLeaders, len(g.countries)), 1.0) {
		in := &g.inits[ii]
		for _, ci := range g.countryPick.pick(r, n, nil) {
			rf := ref{to: int32(ii), srcs: in.srcs[:1]}
			if chance(r, 0.7) {
				rf.since = in.launched
			}
			if n > 1 || chance(r, 0.3) {
				rf.role = one(r, roles)
			}
			g.countries[ci].leads = append(g.countries[ci].leads, rf)
			g.countries[ci].degree++
		}
	}
}
