// Package loader batches the Store calls of one GraphQL request: every field
// that reaches another node goes through a per-request dataloader, so a nested
// query costs a bounded number of Store calls per nesting level however many
// parents that level has.
package loader

import (
	"context"
	"encoding/json"
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

// Loaders are the dataloaders of one request. Create one per request: they
// cache what they load for the life of the request.
type Loaders struct {
	entities  *dataloadgen.Loader[string, normgraph.Entity]
	sources   *dataloadgen.Loader[string, *normgraph.Source]
	countries *dataloadgen.Loader[string, *normgraph.Country]
	related   *dataloadgen.Loader[relatedKey, *normgraph.Page]

	mu    sync.Mutex
	specs map[string]relatedSpec
}

// relatedKey is comparable (dataloadgen needs that): the parent id plus the
// canonical encoding of the traversal and page arguments.
type relatedKey struct {
	id   string
	spec string
}

type relatedSpec struct {
	Traversal normgraph.Traversal
	Page      normgraph.PageArgs
}

// New returns fresh loaders over store that batch keys arriving within wait
// (DefaultWait when zero).
func New(store normgraph.Store, wait time.Duration) *Loaders {
	if wait <= 0 {
		wait = DefaultWait
	}
	l := &Loaders{specs: map[string]relatedSpec{}}
	opts := []dataloadgen.Option{dataloadgen.WithWait(wait), dataloadgen.WithBatchCapacity(1000)}
	l.entities = dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([]normgraph.Entity, []error) {
		v, err := store.Entities(ctx, ids)
		return v, fanErr(err, len(ids))
	}, opts...)
	l.sources = dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([]*normgraph.Source, []error) {
		v, err := store.Sources(ctx, ids)
		return v, fanErr(err, len(ids))
	}, opts...)
	l.countries = dataloadgen.NewLoader(func(ctx context.Context, codes []string) ([]*normgraph.Country, []error) {
		v, err := store.CountriesByCode(ctx, codes)
		return v, fanErr(err, len(codes))
	}, opts...)
	l.related = dataloadgen.NewLoader(func(ctx context.Context, keys []relatedKey) ([]*normgraph.Page, []error) {
		return l.fetchRelated(ctx, store, keys)
	}, opts...)
	return l
}

// fanErr repeats one batch error for every key, as dataloadgen expects.
func fanErr(err error, n int) []error {
	if err == nil {
		return nil
	}
	errs := make([]error, n)
	for i := range errs {
		errs[i] = err
	}
	return errs
}

// fetchRelated groups the keys by their arguments and makes one Store call
// per distinct set of arguments.
func (l *Loaders) fetchRelated(ctx context.Context, store normgraph.Store, keys []relatedKey) ([]*normgraph.Page, []error) {
	groups := map[string][]int{}
	var order []string
	for i, k := range keys {
		if _, ok := groups[k.spec]; !ok {
			order = append(order, k.spec)
		}
		groups[k.spec] = append(groups[k.spec], i)
	}
	pages := make([]*normgraph.Page, len(keys))
	var errs []error
	for _, spec := range order {
		idx := groups[spec]
		ids := make([]string, len(idx))
		for j, i := range idx {
			ids[j] = keys[i].id
		}
		l.mu.Lock()
		s := l.specs[spec]
		l.mu.Unlock()
		got, err := store.Related(ctx, ids, s.Traversal, s.Page)
		for j, i := range idx {
			if err != nil {
				if errs == nil {
					errs = make([]error, len(keys))
				}
				errs[i] = err
				continue
			}
			pages[i] = got[j]
		}
	}
	return pages, errs
}

// Entity loads one entity; nil if unknown.
func (l *Loaders) Entity(ctx context.Context, id string) (normgraph.Entity, error) {
	return l.entities.Load(ctx, id)
}

// Entities loads several entities, aligned with ids.
func (l *Loaders) Entities(ctx context.Context, ids []string) ([]normgraph.Entity, error) {
	return l.entities.LoadAll(ctx, ids)
}

// Source loads one source; nil if unknown.
func (l *Loaders) Source(ctx context.Context, id string) (*normgraph.Source, error) {
	return l.sources.Load(ctx, id)
}

// Sources loads several sources and drops unknown ids.
func (l *Loaders) Sources(ctx context.Context, ids []string) ([]*normgraph.Source, error) {
	got, err := l.sources.LoadAll(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*normgraph.Source, 0, len(got))
	for _, s := range got {
		if s != nil {
			out = append(out, s)
		}
	}
	return out, nil
}

// Country loads a country by id or ISO code, any case; nil if none.
func (l *Loaders) Country(ctx context.Context, code string) (*normgraph.Country, error) {
	return l.countries.Load(ctx, code)
}

// Related loads one page of the far ends of t from id.
func (l *Loaders) Related(ctx context.Context, id string, t normgraph.Traversal, page normgraph.PageArgs) (*normgraph.Page, error) {
	s := relatedSpec{Traversal: t, Page: page}
	b, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	spec := string(b)
	l.mu.Lock()
	l.specs[spec] = s
	l.mu.Unlock()
	return l.related.Load(ctx, relatedKey{id: id, spec: spec})
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
