package memstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/normgraph/normgraph/internal/normgraph"
	"github.com/normgraph/normgraph/internal/store/memstore"
	"github.com/normgraph/normgraph/internal/store/storetest"
)

func open(t *testing.T, ds *normgraph.Dataset) normgraph.Store {
	t.Helper()
	s, err := memstore.New(ds)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, open)
}

func TestNewRejectsBrokenDatasets(t *testing.T) {
	cases := map[string]func(ds *normgraph.Dataset){
		"nil entity":          func(ds *normgraph.Dataset) { ds.Entities[3] = nil },
		"typed nil entity":    func(ds *normgraph.Dataset) { ds.Entities[3] = (*normgraph.Country)(nil) },
		"nil source":          func(ds *normgraph.Dataset) { ds.Sources[0] = nil },
		"nil relation":        func(ds *normgraph.Dataset) { ds.Relations[0] = nil },
		"duplicate entity id": func(ds *normgraph.Dataset) { ds.Entities[1].Base().ID = ds.Entities[0].NodeID() },
		"duplicate source id": func(ds *normgraph.Dataset) { ds.Sources[1].ID = ds.Sources[0].ID },
		"source and entity share an id": func(ds *normgraph.Dataset) {
			ds.Sources[0].ID = "usa"
		},
		"kind disagrees with type": func(ds *normgraph.Dataset) { ds.Entities[0].Base().Kind = normgraph.KindNorm },
		"dangling relation": func(ds *normgraph.Dataset) {
			ds.Relations = append(ds.Relations, &normgraph.Relation{Type: normgraph.RelMemberOf, From: "usa", To: "atlantis"})
		},
		"wrong endpoints": func(ds *normgraph.Dataset) {
			ds.Relations = append(ds.Relations, &normgraph.Relation{Type: normgraph.RelMemberOf, From: "nato", To: "usa"})
		},
		"unknown type": func(ds *normgraph.Dataset) {
			ds.Relations = append(ds.Relations, &normgraph.Relation{Type: "OWNS", From: "usa", To: "nato"})
		},
		"duplicate relation": func(ds *normgraph.Dataset) {
			r := *ds.Relations[0]
			ds.Relations = append(ds.Relations, &r)
		},
	}
	for name, breakIt := range cases {
		t.Run(name, func(t *testing.T) {
			ds := storetest.Fixture()
			breakIt(ds)
			if _, err := memstore.New(ds); err == nil {
				t.Error("New accepted a broken dataset")
			} else if !strings.HasPrefix(err.Error(), "memstore: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
	if _, err := memstore.New(nil); err == nil {
		t.Error("New(nil) succeeded")
	}
	if _, err := memstore.New(&normgraph.Dataset{}); err != nil {
		t.Errorf("New(empty dataset) = %v", err)
	}
}

// TestNewLeavesDatasetAlone guards the promise that New only reads ds: the
// loader may hand the same dataset to other consumers.
func TestNewLeavesDatasetAlone(t *testing.T) {
	ds := storetest.Fixture()
	before := ds.Version()
	order := make([]string, len(ds.Entities))
	for i, e := range ds.Entities {
		order[i] = e.NodeID()
	}
	open(t, ds)
	for i, e := range ds.Entities {
		if e.NodeID() != order[i] {
			t.Fatalf("entity %d is now %s, was %s", i, e.NodeID(), order[i])
		}
	}
	if ds.Version() != before {
		t.Error("dataset content changed")
	}
}

func TestEmptyDataset(t *testing.T) {
	s := open(t, &normgraph.Dataset{})
	ctx := t.Context()
	p, err := s.List(ctx, normgraph.KindCountry, normgraph.Filter{}, normgraph.PageArgs{First: 5})
	if err != nil || len(p.Edges) != 0 || p.TotalCount != 0 {
		t.Errorf("List = %+v, %v", p, err)
	}
	hits, err := s.Search(ctx, normgraph.SearchQuery{Text: "a", First: 5})
	if err != nil || len(hits) != 0 {
		t.Errorf("Search = %v, %v", hits, err)
	}
	sg, err := s.Subgraph(ctx, normgraph.SubgraphQuery{Limit: 5})
	if err != nil || len(sg.Nodes) != 0 || sg.Truncated {
		t.Errorf("Subgraph = %+v, %v", sg, err)
	}
	st, err := s.Stats(ctx)
	if err != nil || st.Entities != 0 || len(st.ByKind) != 5 {
		t.Errorf("Stats = %+v, %v", st, err)
	}
}

// TestInapplicableFilterFields pins memstore's reading of a filter field
// that does not apply to the listed kind (the API never sends one): it fails,
// as a missing property fails a Cypher comparison.
func TestInapplicableFilterFields(t *testing.T) {
	s := open(t, storetest.Fixture())
	for name, c := range map[string]struct {
		kind normgraph.EntityKind
		f    normgraph.Filter
	}{
		"fora have no memberships":   {normgraph.KindForum, normgraph.Filter{MemberOf: []string{"g7"}}},
		"countries have no members":  {normgraph.KindCountry, normgraph.Filter{HasMembers: []string{"usa"}}},
		"countries have no type":     {normgraph.KindCountry, normgraph.Filter{Type: "alliance"}},
		"fora have no region":        {normgraph.KindForum, normgraph.Filter{Region: "Europe"}},
		"initiatives do not support": {normgraph.KindInitiative, normgraph.Filter{Supports: []string{"military"}}},
		"norms do not advance":       {normgraph.KindNorm, normgraph.Filter{Advances: []string{"military"}}},
	} {
		p, err := s.List(t.Context(), c.kind, c.f, normgraph.PageArgs{First: normgraph.Unlimited})
		if err != nil {
			t.Fatal(err)
		}
		if got := pageIDs(p); len(got) != 0 {
			t.Errorf("%s: got %v, want nothing", name, got)
		}
	}
}

// TestStatsAreCopies checks a caller cannot corrupt later answers by
// modifying a returned Stats.
func TestStatsAreCopies(t *testing.T) {
	s := open(t, storetest.Fixture())
	a, _ := s.Stats(t.Context())
	a.ByKind[0].Count = -1
	b, _ := s.Stats(t.Context())
	if b.ByKind[0].Count != 7 {
		t.Errorf("Stats shares its slices: %v", b.ByKind)
	}
}

// TestSearchMatchesSearchAmong checks that the token index finds exactly the
// hits normgraph.SearchAmong finds by scoring every entity, on data with many
// shared prefixes.
func TestSearchMatchesSearchAmong(t *testing.T) {
	t.Parallel()
	ds := synthetic(600, 4, 1)
	s := open(t, ds)
	queries := []string{"a", "re", "republic of", "ka", "kar ve", "forum", "norm 1", "init", "zz", "ba lo", "12", "c0",
		"eu", "tu ri", "of the", "mi", "north", "e"}
	for _, w := range syllables {
		queries = append(queries, w, "re "+w)
	}
	kindsList := [][]normgraph.EntityKind{nil, {normgraph.KindForum, normgraph.KindNorm}}
	for _, q := range queries {
		for _, kinds := range kindsList {
			sq := normgraph.SearchQuery{Text: q, Kinds: kinds, First: normgraph.MaxSearchResults}
			got, err := s.Search(t.Context(), sq)
			if err != nil {
				t.Fatal(err)
			}
			want := normgraph.SearchAmong(ds.Entities, sq)
			if g, w := hitsString(got), hitsString(want); g != w {
				t.Errorf("search %q %v:\n got  %s\n want %s", q, kinds, g, w)
			}
		}
	}
}

func hitsString(hits []normgraph.SearchHit) string {
	var b strings.Builder
	for _, h := range hits {
		fmt.Fprintf(&b, "%s:%v ", h.Node.NodeID(), h.Score)
	}
	return b.String()
}

// TestFiltersMatchNaive checks List and Related with relational filters
// against a direct evaluation of the filter's definition over every
// entity, on synthetic data with dated memberships.
func TestFiltersMatchNaive(t *testing.T) {
	t.Parallel()
	ds := synthetic(500, 6, 1)
	s := open(t, ds)
	ctx := t.Context()
	rng := rand.New(rand.NewPCG(7, 7))
	fora := idsOfKind(ds, normgraph.KindForum)
	countries := idsOfKind(ds, normgraph.KindCountry)
	for i := range 200 {
		f := normgraph.Filter{}
		switch i % 4 {
		case 0:
			f.MemberOf = []string{fora[rng.IntN(len(fora))], fora[rng.IntN(len(fora))]}
		case 1:
			f.MemberOf = []string{fora[rng.IntN(len(fora))]}
			f.NameContains = syllables[rng.IntN(len(syllables))]
		case 2:
			f.Region = regions[rng.IntN(len(regions))]
		case 3:
			f.HasMembers = []string{countries[rng.IntN(len(countries))]}
		}
		if rng.IntN(2) == 0 {
			d := normgraph.MustParseDate(fmt.Sprintf("%d", 1950+rng.IntN(80)))
			f.AsOf = &d
		}
		kind := normgraph.KindCountry
		if f.HasMembers != nil {
			kind = normgraph.KindForum
		}
		p, err := s.List(ctx, kind, f, normgraph.PageArgs{First: normgraph.Unlimited})
		if err != nil {
			t.Fatal(err)
		}
		want := naiveList(ds, kind, f)
		if got := pageIDs(p); !slices.Equal(got, want) {
			t.Fatalf("List %s %+v:\n got  %v\n want %v", kind, f, got, want)
		}
	}
}

func naiveList(ds *normgraph.Dataset, kind normgraph.EntityKind, f normgraph.Filter) []string {
	rels := make(map[string]*normgraph.Relation, len(ds.Relations))
	for _, r := range ds.Relations {
		rels[r.ID()] = r
	}
	linked := func(from string, t normgraph.RelationType, to string, asOf *normgraph.Date) bool {
		r := rels[normgraph.RelationID(from, t, to)]
		return r != nil && r.InForce(asOf)
	}
	var out []normgraph.Entity
	for _, e := range ds.Entities {
		b := e.Base()
		if b.Kind != kind {
			continue
		}
		if f.NameContains != "" {
			q := strings.ToLower(f.NameContains)
			ok := strings.Contains(strings.ToLower(b.Name), q)
			for _, a := range b.Aliases {
				ok = ok || strings.Contains(strings.ToLower(a), q)
			}
			if !ok {
				continue
			}
		}
		if f.Region != "" {
			c := e.(*normgraph.Country)
			if !strings.EqualFold(c.Region, f.Region) && !strings.EqualFold(c.Subregion, f.Region) {
				continue
			}
		}
		ok := true
		for _, y := range f.MemberOf {
			ok = ok && linked(b.ID, normgraph.RelMemberOf, y, f.AsOf)
		}
		for _, y := range f.HasMembers {
			ok = ok && linked(y, normgraph.RelMemberOf, b.ID, f.AsOf)
		}
		if ok {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b normgraph.Entity) int {
		return strings.Compare(normgraph.SortKey(a)+"\x00"+a.NodeID(), normgraph.SortKey(b)+"\x00"+b.NodeID())
	})
	ids := []string{}
	for _, e := range out {
		ids = append(ids, e.NodeID())
	}
	return ids
}

func pageIDs(p *normgraph.Page) []string {
	ids := []string{}
	for _, e := range p.Edges {
		ids = append(ids, e.Node.NodeID())
	}
	return ids
}

func idsOfKind(ds *normgraph.Dataset, k normgraph.EntityKind) []string {
	var ids []string
	for _, e := range ds.Entities {
		if e.Base().Kind == k {
			ids = append(ids, e.NodeID())
		}
	}
	return ids
}

// TestConcurrentReaders runs every kind of question from many goroutines at
// once; with -race it proves the store needs no locks.
func TestConcurrentReaders(t *testing.T) {
	s := open(t, storetest.Fixture())
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 16 {
		wg.Go(func() {
			for i := range 50 {
				var err error
				switch (g + i) % 6 {
				case 0:
					_, err = s.Entities(ctx, []string{"usa", "g7", "nope"})
				case 1:
					_, err = s.List(ctx, normgraph.KindCountry, normgraph.Filter{MemberOf: []string{"g7"}, AsOf: date("2020")},
						normgraph.PageArgs{First: 3})
				case 2:
					_, err = s.Related(ctx, []string{"g7", "nato"}, normgraph.Traversal{Type: normgraph.RelMemberOf,
						Direction: normgraph.Incoming}, normgraph.PageArgs{First: 3})
				case 3:
					_, err = s.Search(ctx, normgraph.SearchQuery{Text: "republic", First: 5})
				case 4:
					_, err = s.ShortestPath(ctx, normgraph.PathQuery{From: "ken", To: "economy", MaxHops: 4})
				case 5:
					_, err = s.Neighborhood(ctx, normgraph.NeighborhoodQuery{ID: "g7", Depth: 2, Limit: 20})
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func date(s string) *normgraph.Date {
	d := normgraph.MustParseDate(s)
	return &d
}

// TestScale builds a store over a million relationships and checks start-up
// time and memory against the targets. It takes tens of seconds, so it runs
// only when NORMGRAPH_SCALE_TEST is set.
func TestScale(t *testing.T) {
	if os.Getenv("NORMGRAPH_SCALE_TEST") == "" {
		t.Skip("set NORMGRAPH_SCALE_TEST=1 to build a 1,000,000-relationship store")
	}
	ds := synthetic(50_000, 20, 50)
	// The loader returns datasets in canonical order (see dataset.Load);
	// Dataset.Version, which New calls, is only fast on such data.
	ds.Sort()
	cpu0, start := cpuTime(), time.Now()
	version := ds.Version()
	t.Logf("Dataset.Version alone: %v wall, %v CPU", time.Since(start).Round(time.Millisecond), (cpuTime() - cpu0).Round(time.Millisecond))

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0, start = cpuTime(), time.Now()
	s, err := memstore.New(ds)
	if err != nil {
		t.Fatal(err)
	}
	elapsed, cpu := time.Since(start), cpuTime()-cpu0
	runtime.GC()
	runtime.ReadMemStats(&after)
	index := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("%d entities, %d relations: New took %v wall, %v CPU (machine load shows in wall); heap: dataset %d MB, indexes %d MB, total %d MB",
		len(ds.Entities), len(ds.Relations), elapsed.Round(time.Millisecond), cpu.Round(time.Millisecond),
		before.HeapAlloc>>20, index>>20, after.HeapAlloc>>20)
	// CPU time, not wall time: on a shared 2-core machine other processes
	// can stretch wall time arbitrarily.
	if cpu > 10*time.Second {
		t.Errorf("New used %v of CPU, want well under 10s", cpu)
	}
	if index > 200<<20 {
		t.Errorf("indexes take %d MB, want well under 200 MB", index>>20)
	}
	if st, _ := s.Stats(context.Background()); st.DatasetVersion != version {
		t.Errorf("version %s, want %s", st.DatasetVersion, version)
	}

	ctx := context.Background()
	start = time.Now()
	pages, err := s.Related(ctx, []string{"forum-0000"}, normgraph.Traversal{Type: normgraph.RelMemberOf,
		Direction: normgraph.Incoming, AsOf: date("2000")}, normgraph.PageArgs{First: 50})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("members of the biggest forum as of 2000: %d, first page in %v", pages[0].TotalCount, time.Since(start))
	start = time.Now()
	if _, err := s.Search(ctx, normgraph.SearchQuery{Text: "republic ka", First: 20}); err != nil {
		t.Fatal(err)
	}
	t.Logf("search in %v", time.Since(start))
	runtime.KeepAlive(s)
}

// cpuTime is the CPU time the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Synthetic data ---------------------------------------------------------

var (
	syllables = []string{"ka", "ra", "to", "mi", "ve", "lo", "sa", "ne", "ba", "tu", "ri", "do"}
	regions   = []string{"Africa", "Americas", "Asia", "Europe", "Oceania"}
)

// synthetic builds a deterministic dataset shaped like the real one, with
// nCountries countries each in perCountry fora (a third of them dated, some
// ended) plus a few initiatives and norms, and nFora = 4*scale+200 fora.
// Relationships come to about nCountries*(perCountry+4).
func synthetic(nCountries, perCountry, scale int) *normgraph.Dataset {
	rng := rand.New(rand.NewPCG(1, 2))
	src := []string{"src-synthetic"}
	ds := &normgraph.Dataset{Sources: []*normgraph.Source{{ID: "src-synthetic", Title: "Synthetic data"}}}
	word := func() string {
		n := 2 + rng.IntN(2)
		var b strings.Builder
		for range n {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		s := b.String()
		return strings.ToUpper(s[:1]) + s[1:]
	}
	for i, id := range normgraph.PriorityIDs {
		ds.Entities = append(ds.Entities, &normgraph.Priority{EntityBase: normgraph.EntityBase{ID: id,
			Kind: normgraph.KindPriority, Name: "Priority " + id, SourceIDs: src}, ShortName: id, Order: i + 1})
	}
	nNorms, nFora, nInits := 40, 4*scale+200, 2*scale+100
	for i := range nNorms {
		ds.Entities = append(ds.Entities, &normgraph.Norm{EntityBase: normgraph.EntityBase{ID: fmt.Sprintf("norm-%03d", i),
			Kind: normgraph.KindNorm, Name: fmt.Sprintf("Norm %d %s", i, word()), SourceIDs: src},
			Code: fmt.Sprintf("X/%d", i), Framework: []string{"A", "B", "C"}[i%3], Text: word() + " " + word()})
	}
	for i := range nFora {
		ds.Entities = append(ds.Entities, &normgraph.Forum{EntityBase: normgraph.EntityBase{ID: fmt.Sprintf("forum-%04d", i),
			Kind: normgraph.KindForum, Name: word() + " Forum", Aliases: []string{fmt.Sprintf("F%d", i)}, SourceIDs: src},
			Acronym: fmt.Sprintf("F%d", i), Type: []string{"alliance", "regional organisation", "coalition"}[i%3]})
	}
	for i := range nInits {
		ds.Entities = append(ds.Entities, &normgraph.Initiative{EntityBase: normgraph.EntityBase{ID: fmt.Sprintf("init-%04d", i),
			Kind: normgraph.KindInitiative, Name: word() + " Initiative", SourceIDs: src}, Type: "declaration"})
	}
	letters := func(i, n int) string {
		b := make([]byte, n)
		for j := n - 1; j >= 0; j-- {
			b[j] = byte('A' + i%26)
			i /= 26
		}
		return string(b)
	}
	for i := range nCountries {
		name := word() + " " + word()
		var aliases []string
		if i%3 == 0 {
			aliases = []string{"Republic of " + name}
		}
		ds.Entities = append(ds.Entities, &normgraph.Country{EntityBase: normgraph.EntityBase{ID: fmt.Sprintf("c%06d", i),
			Kind: normgraph.KindCountry, Name: name, Aliases: aliases, SourceIDs: src},
			ISO2: letters(i, 2), ISO3: letters(i, 3), Region: regions[i%len(regions)], Subregion: regions[i%len(regions)] + " " + word()})
	}

	rel := func(t normgraph.RelationType, from, to string, since, until *normgraph.Date) {
		ds.Relations = append(ds.Relations, &normgraph.Relation{Type: t, From: from, To: to, Since: since, Until: until, SourceIDs: src})
	}
	year := func(y int) *normgraph.Date {
		d := normgraph.MustParseDate(fmt.Sprintf("%04d", y))
		return &d
	}
	for i := range nNorms {
		rel(normgraph.RelSupports, fmt.Sprintf("norm-%03d", i), normgraph.PriorityIDs[i%7], nil, nil)
	}
	for i := range nFora {
		id := fmt.Sprintf("forum-%04d", i)
		rel(normgraph.RelAdvances, id, normgraph.PriorityIDs[i%7], nil, nil)
		rel(normgraph.RelAffirms, id, fmt.Sprintf("norm-%03d", i%nNorms), nil, nil)
	}
	for i := range nInits {
		id := fmt.Sprintf("init-%04d", i)
		rel(normgraph.RelAdvances, id, normgraph.PriorityIDs[(i+3)%7], nil, nil)
		rel(normgraph.RelPromotes, id, fmt.Sprintf("norm-%03d", i%nNorms), nil, nil)
		rel(normgraph.RelHostedBy, id, fmt.Sprintf("forum-%04d", i%nFora), nil, nil)
	}
	for i := range nCountries {
		id := fmt.Sprintf("c%06d", i)
		// Skewed memberships: low-numbered fora are big, as real ones are.
		seen := map[int]bool{}
		for len(seen) < min(perCountry, nFora) {
			f := int(float64(nFora) * rng.Float64() * rng.Float64())
			if seen[f] {
				continue
			}
			seen[f] = true
			var since, until *normgraph.Date
			if rng.IntN(3) == 0 {
				since = year(1950 + rng.IntN(70))
				if rng.IntN(4) == 0 {
					until = year(since.Time().Year() + 1 + rng.IntN(20))
				}
			}
			rel(normgraph.RelMemberOf, id, fmt.Sprintf("forum-%04d", f), since, until)
		}
		for j := range 2 {
			rel(normgraph.RelParticipatesIn, id, fmt.Sprintf("init-%04d", (i*7+j*13)%nInits), year(1990+rng.IntN(30)), nil)
		}
		rel(normgraph.RelEndorses, id, fmt.Sprintf("norm-%03d", i%nNorms), nil, nil)
		if i%10 == 0 {
			rel(normgraph.RelLeads, id, fmt.Sprintf("init-%04d", i%nInits), nil, nil)
		}
	}
	return ds
}

// Benchmarks -------------------------------------------------------------

func benchStore(b *testing.B) *memstore.Store {
	b.Helper()
	s, err := memstore.New(storetest.Fixture())
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkEntities(b *testing.B) {
	s := benchStore(b)
	ids := []string{"usa", "fra", "deu", "g7", "nato", "osce", "economy", "gge-13f", "paris-call", "nope"}
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.Entities(ctx, ids); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkListFiltered(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	f := normgraph.Filter{Region: "europe", MemberOf: []string{"coe", "nato"}, AsOf: date("2020")}
	for b.Loop() {
		if _, err := s.List(ctx, normgraph.KindCountry, f, normgraph.PageArgs{First: 50}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRelatedBatch(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	ids := []string{"g7", "nato", "osce", "coe", "foc", "itu", "gfce"}
	tr := normgraph.Traversal{Type: normgraph.RelMemberOf, Direction: normgraph.Incoming}
	for b.Loop() {
		if _, err := s.Related(ctx, ids, tr, normgraph.PageArgs{First: 50}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearch(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.Search(ctx, normgraph.SearchQuery{Text: "republic", First: 20}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkShortestPath(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.ShortestPath(ctx, normgraph.PathQuery{From: "ken", To: "economy", MaxHops: 4}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNeighborhood(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.Neighborhood(ctx, normgraph.NeighborhoodQuery{ID: "economy", Depth: 2, Limit: 200}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSubgraph(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.Subgraph(ctx, normgraph.SubgraphQuery{Limit: 200}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNew builds a store over 20,000 countries and 200,000
// relationships, in canonical order as the loader returns them; B/op is the
// memory allocated per build, Dataset.Version's included.
func BenchmarkNew(b *testing.B) {
	ds := synthetic(20_000, 6, 1)
	ds.Sort()
	b.ReportMetric(float64(len(ds.Relations)), "relations")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := memstore.New(ds); err != nil {
			b.Fatal(err)
		}
	}
}

// At-scale hot paths, on the 200,000-relationship synthetic dataset.

var (
	bigOnce sync.Once
	big     *memstore.Store
)

func bigStore(b *testing.B) *memstore.Store {
	b.Helper()
	bigOnce.Do(func() {
		s, err := memstore.New(synthetic(20_000, 6, 1))
		if err != nil {
			panic(err)
		}
		big = s
	})
	return big
}

func BenchmarkBigRelatedLargestForum(b *testing.B) {
	s := bigStore(b)
	ctx := context.Background()
	tr := normgraph.Traversal{Type: normgraph.RelMemberOf, Direction: normgraph.Incoming, AsOf: date("2000")}
	for b.Loop() {
		if _, err := s.Related(ctx, []string{"forum-0000"}, tr, normgraph.PageArgs{First: 50}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBigListMemberOf(b *testing.B) {
	s := bigStore(b)
	ctx := context.Background()
	f := normgraph.Filter{MemberOf: []string{"forum-0150", "forum-0001"}}
	for b.Loop() {
		if _, err := s.List(ctx, normgraph.KindCountry, f, normgraph.PageArgs{First: 50}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBigListPage(b *testing.B) {
	s := bigStore(b)
	ctx := context.Background()
	after := &normgraph.Cursor{Key: "Mi", ID: "c000000"}
	for b.Loop() {
		if _, err := s.List(ctx, normgraph.KindCountry, normgraph.Filter{}, normgraph.PageArgs{First: 50, After: after}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBigSearch(b *testing.B) {
	s := bigStore(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.Search(ctx, normgraph.SearchQuery{Text: "republic kara", First: 20}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBigShortestPath(b *testing.B) {
	s := bigStore(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.ShortestPath(ctx, normgraph.PathQuery{From: "c000001", To: "c019999", MaxHops: 4}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBigNeighborhood(b *testing.B) {
	s := bigStore(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.Neighborhood(ctx, normgraph.NeighborhoodQuery{ID: "forum-0000", Depth: 1, Limit: 200}); err != nil {
			b.Fatal(err)
		}
	}
}

// Two countries that share a forum: a path of two steps.
func BenchmarkBigShortestPathTwoSteps(b *testing.B) {
	s := bigStore(b)
	ctx := context.Background()
	for b.Loop() {
		p, err := s.ShortestPath(ctx, normgraph.PathQuery{From: "c000001", To: "c000002", MaxHops: 4})
		if err != nil || p == nil || p.Length() != 2 {
			b.Fatalf("path %v, %v; want one of two steps", p, err)
		}
	}
}
