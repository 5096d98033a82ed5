package normgraph

import "context"

// Batcher is implemented by stores that can answer many different lookups
// at once, in one round trip to their database. The API collects everything
// one nesting level of a query needs (the entities, sources and countries it
// names, the relationships it follows) into one Batch, so a store that
// implements Batcher is asked once per nesting level. Stores without it are
// served by BatchEach, one plain Store call per part.
type Batcher interface {
	// Batch answers every request of b. It returns an error when the batch
	// as a whole could not be answered (the database failed, ctx ended);
	// an error that concerns one related request alone (bad arguments) is
	// that request's RelatedResult.Err, and the rest are still answered.
	Batch(ctx context.Context, b Batch) (*BatchResult, error)
}

// Batch is a set of lookups of different kinds. Each part means what the
// Store method of the same name means.
type Batch struct {
	// Entities are entity ids (Store.Entities).
	Entities []string
	// Sources are source ids (Store.Sources).
	Sources []string
	// Countries are country codes (Store.CountriesByCode).
	Countries []string
	// Related are traversals (Store.Related), each from its own ids.
	Related []RelatedRequest
	// CitedBy are entity ids whose sources (EntityBase.SourceIDs) the batch
	// also returns, in BatchResult.Cited: a lookup by id whose query reads
	// the entity's sources gets them in the same round trip as the entity,
	// whose source ids it does not know yet.
	CitedBy []string
}

// RelatedRequest is the arguments of one Store.Related call.
type RelatedRequest struct {
	IDs       []string
	Traversal Traversal
	Page      PageArgs
	// Omit lists fields of the far ends and of the relationships to them
	// that the caller will not read: a store may leave them empty in the
	// entities and relations on this request's pages, which spares a
	// database reading and sending properties no one asked for. Zero asks
	// for whole entities and relations.
	Omit PageFields
	// Cite asks for the sources that the far ends and the relations on
	// this request's pages cite (the ones Omit does not leave out) in
	// RelatedResult.Cited, so that a query reading them needs no round
	// trip of its own for them.
	Cite bool
	// Then asks, in the same batch, for the next level of a nested query:
	// each request of Then (whose IDs are ignored) is answered from every
	// node on this request's pages. A query that follows relationships
	// three levels deep can so be answered in one round trip instead of
	// one per level.
	Then []RelatedRequest
}

// IsEmpty reports whether b asks for nothing.
func (b Batch) IsEmpty() bool {
	return len(b.Entities) == 0 && len(b.Sources) == 0 && len(b.Countries) == 0 && len(b.Related) == 0 && len(b.CitedBy) == 0
}

// Keys counts the ids and codes b asks about, for metrics and traces.
func (b Batch) Keys() int {
	n := len(b.Entities) + len(b.Sources) + len(b.Countries) + len(b.CitedBy)
	for _, r := range b.Related {
		n += len(r.IDs)
	}
	return n
}

// BatchResult answers a Batch: every slice is aligned with the request it
// answers, with the values the matching Store method would return.
type BatchResult struct {
	Entities  []Entity
	Sources   []*Source
	Countries []*Country
	Related   []RelatedResult
	// Cited are the sources the entities of Batch.CitedBy cite, each once,
	// in no particular order; unknown ids and ids cited by none are absent.
	Cited []*Source
}

// RelatedResult answers one RelatedRequest: Pages aligned with its IDs, or
// Err.
type RelatedResult struct {
	Pages []*Page
	Err   error
	// Then answers the request's Then, aligned with it.
	Then []ThenResult
	// Cited are the sources cited on Pages when the request asked (Cite),
	// each once, in no particular order.
	Cited []*Source
}

// ThenResult answers one request of a RelatedRequest's Then: the page from
// each node on the parent request's pages, by node id, or Err.
type ThenResult struct {
	Pages map[string]*Page
	Err   error
	Then  []ThenResult
	// Cited is RelatedResult.Cited for this request.
	Cited []*Source
}

// RunBatch answers b with s.Batch when s is a Batcher, and with BatchEach
// otherwise.
func RunBatch(ctx context.Context, s Store, b Batch) (*BatchResult, error) {
	if bs, ok := s.(Batcher); ok {
		return bs.Batch(ctx, b)
	}
	return BatchEach(ctx, s, b)
}

// BatchEach answers b through the plain Store methods: one call per
// non-empty part and one Related call per related request. It is what a
// store without its own Batch gets, and the reference a Batch implementation
// must agree with.
func BatchEach(ctx context.Context, s Store, b Batch) (*BatchResult, error) {
	res := &BatchResult{
		Entities:  make([]Entity, len(b.Entities)),
		Sources:   make([]*Source, len(b.Sources)),
		Countries: make([]*Country, len(b.Countries)),
		Related:   make([]RelatedResult, len(b.Related)),
	}
	var err error
	if len(b.Entities) > 0 {
		if res.Entities, err = s.Entities(ctx, b.Entities); err != nil {
			return nil, err
		}
	}
	if len(b.Sources) > 0 {
		if res.Sources, err = s.Sources(ctx, b.Sources); err != nil {
			return nil, err
		}
	}
	if len(b.Countries) > 0 {
		if res.Countries, err = s.CountriesByCode(ctx, b.Countries); err != nil {
			return nil, err
		}
	}
	if len(b.CitedBy) > 0 {
		if res.Cited, err = citedBy(ctx, s, b.CitedBy); err != nil {
			return nil, err
		}
	}
	for i, r := range b.Related {
		rr := &res.Related[i]
		rr.Pages, rr.Err = s.Related(ctx, r.IDs, r.Traversal, r.Page)
		if rr.Err != nil {
			continue
		}
		if r.Cite {
			if rr.Cited, err = citedOn(ctx, s, rr.Pages, r.Omit); err != nil {
				return nil, err
			}
		}
		rr.Then = thenEach(ctx, s, rr.Pages, r.Then)
	}
	return res, nil
}

// citedOn loads the sources cited by the far ends and relations on pages,
// those omit does not leave out.
func citedOn(ctx context.Context, s Store, pages []*Page, omit PageFields) ([]*Source, error) {
	var ids distinctIDs
	for _, p := range pages {
		if p == nil {
			continue
		}
		for _, e := range p.Edges {
			if ent, ok := e.Node.(Entity); ok && omit&FieldSources == 0 {
				ids.add(ent.Base().SourceIDs...)
			}
			if e.Relation != nil && omit&FieldRelSources == 0 {
				ids.add(e.Relation.SourceIDs...)
			}
		}
	}
	return sourcesOf(ctx, s, ids.ids)
}

// distinctIDs collects ids once each, in the order first added.
type distinctIDs struct {
	ids  []string
	seen map[string]bool
}

func (d *distinctIDs) add(ids ...string) {
	if d.seen == nil {
		d.seen = map[string]bool{}
	}
	for _, id := range ids {
		if !d.seen[id] {
			d.seen[id] = true
			d.ids = append(d.ids, id)
		}
	}
}

// sourcesOf loads the sources of ids, leaving out unknown ones.
func sourcesOf(ctx context.Context, s Store, ids []string) ([]*Source, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	srcs, err := s.Sources(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := srcs[:0:0]
	for _, src := range srcs {
		if src != nil {
			out = append(out, src)
		}
	}
	return out, nil
}

// citedBy answers Batch.CitedBy through the plain Store methods.
func citedBy(ctx context.Context, s Store, ids []string) ([]*Source, error) {
	es, err := s.Entities(ctx, ids)
	if err != nil {
		return nil, err
	}
	var sids distinctIDs
	for _, e := range es {
		if e != nil {
			sids.add(e.Base().SourceIDs...)
		}
	}
	return sourcesOf(ctx, s, sids.ids)
}

// thenEach answers reqs from the nodes on pages, one Related call each.
func thenEach(ctx context.Context, s Store, pages []*Page, reqs []RelatedRequest) []ThenResult {
	if len(reqs) == 0 {
		return nil
	}
	var nodes distinctIDs
	for _, p := range pages {
		if p == nil {
			continue
		}
		for _, e := range p.Edges {
			nodes.add(e.Node.NodeID())
		}
	}
	ids := nodes.ids
	out := make([]ThenResult, len(reqs))
	for k, r := range reqs {
		ps, err := s.Related(ctx, ids, r.Traversal, r.Page)
		if err != nil {
			out[k].Err = err
			continue
		}
		if r.Cite {
			if out[k].Cited, err = citedOn(ctx, s, ps, r.Omit); err != nil {
				out[k].Err = err
				continue
			}
		}
		out[k].Pages = make(map[string]*Page, len(ids))
		for j, id := range ids {
			out[k].Pages[id] = ps[j]
		}
		out[k].Then = thenEach(ctx, s, ps, r.Then)
	}
	return out
}

// PageFields is a set of fields of a page's entities and relations that a
// RelatedRequest may leave out. An entity's ID, Kind and Name, and a
// priority's Order, are never left out: a page's order and cursors are made
// of them. Nor are a relation's Type, ends and dates.
type PageFields uint32

// The fields of the five entity kinds, then a relation's Role, Note and
// SourceIDs; none of those always present.
const (
	FieldDescription PageFields = 1 << iota
	FieldAliases
	FieldSources
	FieldShortName
	FieldCode
	FieldText
	FieldFramework
	FieldISO2
	FieldISO3
	FieldRegion
	FieldSubregion
	FieldAcronym
	FieldType
	FieldFounded
	FieldURL
	FieldLaunched
	FieldRelRole
	FieldRelNote
	FieldRelSources

	// AllPageFields is every field above.
	AllPageFields = FieldRelSources<<1 - 1
)
