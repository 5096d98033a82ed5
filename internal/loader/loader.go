// Package loader batches the Store calls of one GraphQL request: every field
// that reaches another node goes through a per-request dataloader, and one
// dataloader takes every kind of key (entities, sources, country codes,
// relationships to follow), so everything one nesting level of a query needs
// arrives in one batch and costs one normgraph.RunBatch: a single round trip
// for a store that implements normgraph.Batcher (Neo4j), one plain call per
// part for the others, however many parents and fields the level has.
// With Prefetching, a batch also carries the levels below it that the
// resolvers can foresee (Next), so that a store that batches natively
// answers a nested query in fewer round trips than it has levels.
// With Direct, for a store in memory, nothing is batched: each load is one
// plain call, still cached for the request.
package loader

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// DefaultWait is how long a loader collects keys before it calls the Store.
// Sibling resolvers run concurrently and usually arrive within microseconds;
// the window costs its length in latency per nesting level, so it stays
// short. On a loaded machine a level can straggle past it and split into two
// Store calls: still bounded, never one call per parent.
const DefaultWait = time.Millisecond

// maxBatchKeys caps the keys of one batch. A level with more keys (the
// complexity limit allows some) splits into several batches, which keeps the
// parameters of one database query bounded.
const maxBatchKeys = 10_000

// Loaders are the dataloaders of one request. Create one per request: they
// cache what they load for the life of the request.
type Loaders struct {
	all      cache
	prefetch bool
	direct   bool

	mu    sync.Mutex
	specs map[string]relatedSpec
	ahead map[any]bool
}

// Option configures Loaders.
type Option func(*Loaders)

// Prefetching makes Related pass its then on to the store, so that a store
// that batches natively answers the next levels of a nested query in the
// same round trip. Without it then is ignored: for a store in memory,
// working out the next levels ahead costs more than it saves.
func Prefetching() Option { return func(l *Loaders) { l.prefetch = true } }

// Direct makes every load call the store at once, from the resolver's own
// goroutine, instead of collecting a batch: for a store in memory a batch
// saves no round trip, and handing each load to a batch goroutine and back
// is pure overhead. Loads are still cached for the request. Direct ignores
// the wait given to New. The GraphQL layer also resolves list elements in
// order, without a goroutine each, when the loaders are direct.
func Direct() Option { return func(l *Loaders) { l.direct = true } }

// cache is what Loaders use of dataloadgen.Loader; direct implements it
// without batching.
type cache interface {
	Load(ctx context.Context, k key) (value, error)
	LoadThunk(ctx context.Context, k key) func() (value, error)
	LoadAll(ctx context.Context, keys []key) ([]value, error)
	Prime(k key, v value) bool
}

// Next is a page to fetch ahead from every far end of another page: the
// traversal and page arguments a resolver one level down will ask for, and
// what to fetch ahead from its own far ends.
type Next struct {
	Traversal normgraph.Traversal
	Page      normgraph.PageArgs
	// Omit is what the resolvers below will not read of the far ends
	// (normgraph.RelatedRequest.Omit). It is part of the page's key: a
	// page fetched with fewer fields must not answer a load that reads more.
	Omit normgraph.PageFields
	// Cite asks for the sources cited on the page with it
	// (normgraph.RelatedRequest.Cite). It is not part of the page's key: a
	// page asked with and without is one load, which fetches them.
	Cite bool
	Then []Next
}

type keyKind uint8

const (
	entityKey keyKind = iota
	sourceKey
	countryKey
	relatedKey
	// citedKey loads nothing of its own: its batch fetches the sources the
	// entity of its id cites into the source keys' cache (AheadCited).
	citedKey
)

// key is one thing to load. It is comparable, as dataloadgen needs: spec is
// the canonical encoding of a related load's traversal and page arguments
// (the arguments themselves are in Loaders.specs).
type key struct {
	kind keyKind
	id   string
	spec string
}

// value is what one key loads: the field of its kind is set.
type value struct {
	entity  normgraph.Entity
	source  *normgraph.Source
	country *normgraph.Country
	page    *normgraph.Page
}

type relatedSpec struct {
	Traversal normgraph.Traversal
	Page      normgraph.PageArgs
	Omit      normgraph.PageFields `json:",omitempty"`
	// then and cite are not part of the key: the same page asked with
	// different lookahead is one load, which fetches ahead what any of them
	// asked.
	then []Next
	cite bool
}

// New returns fresh loaders over store that batch keys arriving within wait.
// With no wait (zero or less) a batch holds the keys that arrive before its
// goroutine runs: the choice for an in-process store, where a batch saves no
// round trip and the window would only add latency.
func New(store normgraph.Store, wait time.Duration, opts ...Option) *Loaders {
	wait = max(wait, 0)
	l := &Loaders{specs: map[string]relatedSpec{}}
	for _, o := range opts {
		o(l)
	}
	if l.direct {
		l.all = &direct{
			one:  func(ctx context.Context, k key) (value, error) { return l.fetchOne(ctx, store, k) },
			done: map[key]value{},
		}
		return l
	}
	l.all = dataloadgen.NewLoader(func(ctx context.Context, keys []key) ([]value, []error) {
		return l.fetch(ctx, store, keys)
	}, dataloadgen.WithWait(wait), dataloadgen.WithBatchCapacity(maxBatchKeys))
	return l
}

// fetch answers one batch of keys with one RunBatch: the lookups by kind,
// and one related request per distinct set of traversal arguments.
func (l *Loaders) fetch(ctx context.Context, store normgraph.Store, keys []key) ([]value, []error) {
	var b normgraph.Batch
	// at[i] is where key i's answer is: its index in its part, and for
	// related keys the index of its request.
	type pos struct{ part, i int }
	at := make([]pos, len(keys))
	specIdx := map[string]int{}
	for i, k := range keys {
		switch k.kind {
		case entityKey:
			at[i] = pos{0, len(b.Entities)}
			b.Entities = append(b.Entities, k.id)
		case sourceKey:
			at[i] = pos{0, len(b.Sources)}
			b.Sources = append(b.Sources, k.id)
		case countryKey:
			at[i] = pos{0, len(b.Countries)}
			b.Countries = append(b.Countries, k.id)
		case citedKey:
			b.CitedBy = append(b.CitedBy, k.id)
		case relatedKey:
			r, ok := specIdx[k.spec]
			if !ok {
				r = len(b.Related)
				specIdx[k.spec] = r
				l.mu.Lock()
				s := l.specs[k.spec]
				then := requests(s.then) // a copy: register may merge into s.then
				l.mu.Unlock()
				b.Related = append(b.Related, normgraph.RelatedRequest{Traversal: s.Traversal, Page: s.Page, Omit: s.Omit, Cite: s.cite, Then: then})
			}
			at[i] = pos{r, len(b.Related[r].IDs)}
			b.Related[r].IDs = append(b.Related[r].IDs, k.id)
		}
	}
	res, err := normgraph.RunBatch(ctx, store, b)
	if err != nil {
		// One value per key even so: dataloadgen passes a lone error on
		// only for a one-key batch, and reports a batch of several with
		// fewer values as its own bug, hiding err.
		return make([]value, len(keys)), fanErr(err, len(keys))
	}
	for r, rr := range res.Related {
		l.primeSources(rr.Cited)
		l.prime(b.Related[r].Then, rr.Then)
	}
	l.primeSources(res.Cited)
	vals := make([]value, len(keys))
	var errs []error
	for i, k := range keys {
		p := at[i]
		switch k.kind {
		case entityKey:
			vals[i].entity = res.Entities[p.i]
		case sourceKey:
			vals[i].source = res.Sources[p.i]
		case countryKey:
			vals[i].country = res.Countries[p.i]
		case relatedKey:
			rr := res.Related[p.part]
			if rr.Err == nil && len(rr.Pages) != len(b.Related[p.part].IDs) {
				rr.Err = fmt.Errorf("loader: store returned %d pages for %d ids", len(rr.Pages), len(b.Related[p.part].IDs))
			}
			if rr.Err != nil {
				if errs == nil {
					errs = make([]error, len(keys))
				}
				errs[i] = rr.Err
				continue
			}
			vals[i].page = rr.Pages[p.i]
		}
	}
	return vals, errs
}

// fetchOne answers one key with one plain store call: what fetch does for a
// batch of one, without a batch's bookkeeping, which direct loads pay on
// every field that reaches another node.
func (l *Loaders) fetchOne(ctx context.Context, store normgraph.Store, k key) (value, error) {
	ids := []string{k.id}
	var v value
	var n int
	var err error
	switch k.kind {
	case entityKey:
		var es []normgraph.Entity
		if es, err = store.Entities(ctx, ids); len(es) == 1 {
			v.entity = es[0]
		}
		n = len(es)
	case sourceKey:
		var ss []*normgraph.Source
		if ss, err = store.Sources(ctx, ids); len(ss) == 1 {
			v.source = ss[0]
		}
		n = len(ss)
	case countryKey:
		var cs []*normgraph.Country
		if cs, err = store.CountriesByCode(ctx, ids); len(cs) == 1 {
			v.country = cs[0]
		}
		n = len(cs)
	case relatedKey:
		l.mu.Lock()
		s := l.specs[k.spec]
		l.mu.Unlock()
		var ps []*normgraph.Page
		if ps, err = store.Related(ctx, ids, s.Traversal, s.Page); len(ps) == 1 {
			v.page = ps[0]
		}
		n = len(ps)
	case citedKey:
		// Direct loads fetch nothing ahead: the sources are loaded when read.
		n = 1
	}
	if err == nil && n != 1 {
		err = fmt.Errorf("loader: store returned %d results for 1 id", n)
	}
	return v, err
}

// fanErr repeats one batch error for every key, as dataloadgen expects.
func fanErr(err error, n int) []error {
	errs := make([]error, n)
	for i := range errs {
		errs[i] = err
	}
	return errs
}

// Entity loads one entity; nil if unknown.
func (l *Loaders) Entity(ctx context.Context, id string) (normgraph.Entity, error) {
	v, err := l.all.Load(ctx, key{kind: entityKey, id: id})
	return v.entity, err
}

// Entities loads several entities, aligned with ids.
func (l *Loaders) Entities(ctx context.Context, ids []string) ([]normgraph.Entity, error) {
	vs, err := l.all.LoadAll(ctx, keysOf(entityKey, ids))
	if err != nil {
		return nil, err
	}
	out := make([]normgraph.Entity, len(vs))
	for i, v := range vs {
		out[i] = v.entity
	}
	return out, nil
}

// Node loads the entity with the given id or, if there is none, the source;
// nil if neither exists. Both lookups go into the same batch, so that
// resolving a node costs one round trip whichever it turns out to be.
func (l *Loaders) Node(ctx context.Context, id string) (normgraph.Node, error) {
	ent := l.all.LoadThunk(ctx, key{kind: entityKey, id: id})
	src := l.all.LoadThunk(ctx, key{kind: sourceKey, id: id})
	e, err := ent()
	if err != nil {
		return nil, err
	}
	if e.entity != nil {
		return e.entity, nil
	}
	s, err := src()
	if err != nil || s.source == nil {
		return nil, err
	}
	return s.source, nil
}

// Source loads one source; nil if unknown.
func (l *Loaders) Source(ctx context.Context, id string) (*normgraph.Source, error) {
	v, err := l.all.Load(ctx, key{kind: sourceKey, id: id})
	return v.source, err
}

// Sources loads several sources and drops unknown ids.
func (l *Loaders) Sources(ctx context.Context, ids []string) ([]*normgraph.Source, error) {
	vs, err := l.all.LoadAll(ctx, keysOf(sourceKey, ids))
	if err != nil {
		return nil, err
	}
	out := make([]*normgraph.Source, 0, len(vs))
	for _, v := range vs {
		if v.source != nil {
			out = append(out, v.source)
		}
	}
	return out, nil
}

func keysOf(kind keyKind, ids []string) []key {
	keys := make([]key, len(ids))
	for i, id := range ids {
		keys[i] = key{kind: kind, id: id}
	}
	return keys
}

// Country loads a country by id or ISO code, any case; nil if none.
func (l *Loaders) Country(ctx context.Context, code string) (*normgraph.Country, error) {
	v, err := l.all.Load(ctx, key{kind: countryKey, id: code})
	return v.country, err
}

// Direct reports whether l answers every load at once (see Direct); false
// for nil, so that code outside a request keeps gqlgen's concurrency.
func (l *Loaders) Direct() bool { return l != nil && l.direct }

// MarkFetchedAhead records that everything below a field of the request
// (field is the GraphQL layer's handle on it) that loads other nodes was
// fetched ahead: its answer comes from the cache, and sibling resolvers
// below it need not run together to share a batch.
func (l *Loaders) MarkFetchedAhead(field any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ahead == nil {
		l.ahead = map[any]bool{}
	}
	l.ahead[field] = true
}

// FetchedAhead reports whether MarkFetchedAhead recorded field; false for nil l.
func (l *Loaders) FetchedAhead(field any) bool {
	if l == nil {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.ahead[field]
}

// Prefetches reports whether Related passes its then on (see Prefetching).
func (l *Loaders) Prefetches() bool { return l.prefetch }

// Related loads one page of the far ends of t from id. With Prefetching,
// the pages then describes are fetched in the same batch from every far end
// of that page, and kept for the resolvers one level down.
//
// omit is what the caller will not read of the far ends (see
// normgraph.RelatedRequest.Omit).
func (l *Loaders) Related(ctx context.Context, id string, t normgraph.Traversal, page normgraph.PageArgs, omit normgraph.PageFields, cite bool, then []Next) (*normgraph.Page, error) {
	if !l.prefetch {
		then, cite = nil, false
	}
	spec, err := l.register(Next{Traversal: t, Page: page, Omit: omit, Cite: cite, Then: then})
	if err != nil {
		return nil, err
	}
	v, err := l.all.Load(ctx, key{kind: relatedKey, id: id, spec: spec})
	return v.page, err
}

// Ahead starts loading, in the batch being collected, the pages then
// describes from id, without waiting for them: a root field so fetches the
// relationship fields of its node with the node itself, and their
// resolvers find the pages in the cache.
func (l *Loaders) Ahead(ctx context.Context, id string, then []Next) {
	if !l.prefetch {
		return
	}
	for _, n := range then {
		if spec, err := l.register(n); err == nil {
			l.all.LoadThunk(ctx, key{kind: relatedKey, id: id, spec: spec})
		}
	}
}

// AheadCited starts loading, in the batch being collected, the sources the
// entity id cites, without waiting for them: a root lookup whose query
// reads the entity's sources so gets them with the entity, and the sources
// field finds them in the cache.
func (l *Loaders) AheadCited(ctx context.Context, id string) {
	if l.prefetch {
		l.all.LoadThunk(ctx, key{kind: citedKey, id: id})
	}
}

// AheadSources starts loading, in the batch being collected, the sources
// of ids, without waiting for them: a root list whose query reads its
// nodes' sources so gets them with the relationship fields fetched ahead
// for those nodes, rather than from the elements' resolvers, which may miss
// the batch.
func (l *Loaders) AheadSources(ctx context.Context, ids []string) {
	if l.prefetch {
		for _, id := range ids {
			l.all.LoadThunk(ctx, key{kind: sourceKey, id: id})
		}
	}
}

// register returns the key of n's load and records its arguments, adding
// n.Then to what is already to be fetched ahead with it.
func (l *Loaders) register(n Next) (string, error) {
	spec, err := n.key()
	if err != nil {
		return "", err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	s := n.spec()
	if old, ok := l.specs[spec]; ok {
		s.then, s.cite = old.then, old.cite || s.cite
	}
	s.then = merge(s.then, n.Then)
	l.specs[spec] = s
	return spec, nil
}

// key is the key of n's own load, its lookahead left out.
func (n Next) key() (string, error) { return n.spec().key() }

// spec is n's own load, its lookahead left out. A page of no items holds
// no entities to leave fields out of: counts share one load whatever their
// caller would read.
func (n Next) spec() relatedSpec {
	s := relatedSpec{Traversal: n.Traversal, Page: n.Page, Omit: n.Omit, cite: n.Cite}
	if s.Page.First == 0 {
		s.Omit, s.cite = 0, false
	}
	return s
}

// merge adds to have the entries of add it lacks, and merges the lookahead
// of those it has.
func merge(have, add []Next) []Next {
	for _, n := range add {
		k, err := n.key()
		if err != nil {
			continue
		}
		i := slices.IndexFunc(have, func(h Next) bool {
			hk, err := h.key()
			return err == nil && hk == k
		})
		if i < 0 {
			have = append(have, n)
			continue
		}
		have[i].Then = merge(have[i].Then, n.Then)
		have[i].Cite = have[i].Cite || n.Cite
	}
	return have
}

// requests turns lookahead into the store's form.
func requests(then []Next) []normgraph.RelatedRequest {
	if len(then) == 0 {
		return nil
	}
	out := make([]normgraph.RelatedRequest, len(then))
	for i, n := range then {
		s := n.spec()
		out[i] = normgraph.RelatedRequest{Traversal: n.Traversal, Page: n.Page, Omit: s.Omit, Cite: s.cite, Then: requests(n.Then)}
	}
	return out
}

// prime caches the pages a batch fetched ahead under the keys the
// resolvers one level down will ask for. A part the store did not answer
// (or answered with an error) is left to those resolvers.
func (l *Loaders) prime(then []normgraph.RelatedRequest, results []normgraph.ThenResult) {
	for k, tr := range results {
		if k >= len(then) || tr.Err != nil || tr.Pages == nil {
			continue
		}
		spec, err := l.register(Next{Traversal: then[k].Traversal, Page: then[k].Page, Omit: then[k].Omit})
		if err != nil {
			continue
		}
		for id, p := range tr.Pages {
			l.all.Prime(key{kind: relatedKey, id: id, spec: spec}, value{page: p})
		}
		l.primeSources(tr.Cited)
		l.prime(then[k].Then, tr.Then)
	}
}

// primeSources caches sources a batch fetched ahead (Cite, CitedBy) under
// the keys the sources fields will ask for.
func (l *Loaders) primeSources(srcs []*normgraph.Source) {
	for _, src := range srcs {
		l.all.Prime(key{kind: sourceKey, id: src.ID}, value{source: src})
	}
}

// key is the canonical encoding of s. Most connections carry no filter,
// date or cursor: their key is built by hand (it cannot start with '{', so it
// never collides with the JSON of the general case), because encoding/json
// was a noticeable share of a traversal's CPU.
func (s relatedSpec) key() (string, error) {
	t := s.Traversal
	if t.AsOf == nil && t.Filter.IsZero() && s.Page.After == nil {
		return string(t.Type) + "|" + strconv.Itoa(int(t.Direction)) + "|" + string(t.Kind) + "|" + strconv.Itoa(s.Page.First) +
			"|" + strconv.FormatUint(uint64(s.Omit), 16), nil
	}
	b, err := json.Marshal(s)
	return string(b), err
}

// direct answers each load with its own fetch and caches what it got, as
// dataloadgen would; failures are not cached, so a later load retries.
type direct struct {
	one func(context.Context, key) (value, error)

	mu   sync.Mutex
	done map[key]value
}

var _ cache = (*dataloadgen.Loader[key, value])(nil)
var _ cache = (*direct)(nil)

func (d *direct) Load(ctx context.Context, k key) (value, error) {
	d.mu.Lock()
	v, ok := d.done[k]
	d.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := d.one(ctx, k)
	if err != nil {
		return value{}, err
	}
	v, _ = d.keep(k, v)
	return v, nil
}

// keep caches v under k unless k is cached already, and returns the cached
// value and whether it is v: a load of k that finished first wins, so that
// every resolver of the request sees one value per key.
func (d *direct) keep(k key, v value) (value, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if old, ok := d.done[k]; ok {
		return old, false
	}
	d.done[k] = v
	return v, true
}

func (d *direct) LoadThunk(ctx context.Context, k key) func() (value, error) {
	v, err := d.Load(ctx, k)
	return func() (value, error) { return v, err }
}

// LoadAll loads the keys one by one: in memory, a batch would save nothing.
func (d *direct) LoadAll(ctx context.Context, keys []key) ([]value, error) {
	out := make([]value, len(keys))
	var failed error
	for i, k := range keys {
		v, err := d.Load(ctx, k)
		failed = cmp.Or(failed, err)
		out[i] = v
	}
	return out, failed
}

func (d *direct) Prime(k key, v value) bool {
	_, kept := d.keep(k, v)
	return kept
}

type ctxKey struct{}

// With returns a context carrying l.
func With(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// For returns the loaders of the request ctx belongs to, or nil.
func For(ctx context.Context) *Loaders {
	l, _ := ctx.Value(ctxKey{}).(*Loaders)
	return l
}
