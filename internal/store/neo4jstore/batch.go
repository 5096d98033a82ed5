package neo4jstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/normgraph/normgraph/internal/normgraph"
)

var _ normgraph.Batcher = (*Store)(nil)

// Batch implements normgraph.Batcher: one read query answers the whole
// batch. Each part is an uncorrelated CALL () subquery that aggregates its
// answer into one list column, so the query returns exactly one record
// whatever it asks; the plain lookups (Entities, Sources, CountriesByCode,
// Related) are one-part batches.
//
// The related parts are ordered by their Cypher text, not by the order the
// requests came in: sibling resolvers arrive in any order, and a query text
// that depended on it would fill Neo4j's plan cache with permutations of the
// same query, each planned from scratch.
func (s *Store) Batch(ctx context.Context, b normgraph.Batch) (*normgraph.BatchResult, error) {
	if err := s.checkCtx(ctx); err != nil {
		return nil, err
	}
	res := &normgraph.BatchResult{
		Entities:  make([]normgraph.Entity, len(b.Entities)),
		Sources:   make([]*normgraph.Source, len(b.Sources)),
		Countries: make([]*normgraph.Country, len(b.Countries)),
		Related:   make([]normgraph.RelatedResult, len(b.Related)),
	}
	q := newQuery()
	var calls, cols []string
	var decoders []func(*neo4j.Record) error
	add := func(col, call string, decode func(*neo4j.Record) error) {
		calls, cols, decoders = append(calls, call), append(cols, col), append(decoders, decode)
	}

	if len(b.Entities) > 0 {
		add("entities", fmt.Sprintf("CALL () { UNWIND %s AS id MATCH (n:%s {id: id}) WHERE NOT n:%s RETURN collect(n) AS entities }",
			q.bind(distinct(b.Entities)), labelEntity, labelSource),
			func(rec *neo4j.Record) error {
				return decodeNodes(rec, "entities", b.Entities, res.Entities, decodeEntity)
			})
	}
	if len(b.Sources) > 0 {
		add("sources", fmt.Sprintf("CALL () { UNWIND %s AS id MATCH (n:%s {id: id}) RETURN collect(n) AS sources }",
			q.bind(distinct(b.Sources)), labelSource),
			func(rec *neo4j.Record) error {
				return decodeNodes(rec, "sources", b.Sources, res.Sources, decodeSource)
			})
	}
	if len(b.CitedBy) > 0 {
		add("cited", fmt.Sprintf("CALL () { UNWIND %s AS id MATCH (n:%s {id: id}) WHERE NOT n:%s "+
			"UNWIND n.%s AS sid MATCH (s:%s {id: sid}) RETURN collect(DISTINCT s) AS cited }",
			q.bind(distinct(b.CitedBy)), labelEntity, labelSource, propSources, labelSource),
			func(rec *neo4j.Record) error {
				var err error
				res.Cited, err = decodeSourceList(rec, "cited")
				return err
			})
	}
	if len(b.Countries) > 0 {
		lower := make([]string, len(b.Countries))
		for i, c := range b.Countries {
			lower[i] = strings.ToLower(c)
		}
		add("countries", countriesCall(q, distinct(lower)),
			func(rec *neo4j.Record) error { return decodeCountries(rec, lower, res.Countries) })
	}

	type relPart struct {
		i    int
		text string
	}
	var rels []relPart
	for i, r := range b.Related {
		if err := r.Traversal.Validate(); err != nil {
			res.Related[i].Err = err
			continue
		}
		if err := r.Page.Validate(); err != nil {
			res.Related[i].Err = err
			continue
		}
		res.Related[i].Pages = make([]*normgraph.Page, len(r.IDs))
		if len(r.IDs) == 0 {
			continue
		}
		rels = append(rels, relPart{i: i})
	}
	if len(rels) > 1 {
		// Only several parts have an order to fix: building the text is about
		// a tenth of Batch's CPU, so a single part (a lookup's whole
		// traversal fetched ahead) is not built twice.
		for k := range rels {
			var text strings.Builder
			// The columns too: two parts may differ only in the fields
			// they project (RelatedRequest.Omit).
			relatedCalls(newQuery(), b.Related[rels[k].i], "r", "", nil, func(col, call string, _ func(*neo4j.Record) error) {
				text.WriteString(call)
				text.WriteString(col)
			}, nil)
			rels[k].text = text.String()
		}
		slices.SortStableFunc(rels, func(a, b relPart) int { return cmp.Compare(a.text, b.text) })
	}
	for j, p := range rels {
		r, col := b.Related[p.i], fmt.Sprintf("r%d", j)
		rr := &res.Related[p.i]
		rr.Then = relatedCalls(q, r, col, "", &rr.Cited, add, func(rec *neo4j.Record) error {
			pages, err := decodeRelated(rec, col, r.Traversal, r.Omit)
			for i, id := range r.IDs {
				rr.Pages[i] = pages[id]
			}
			return err
		})
	}

	if len(calls) > 0 {
		rec, err := s.readOne(ctx, "batch", strings.Join(calls, " ")+" RETURN "+strings.Join(cols, ", "), q.params)
		if err != nil {
			return nil, err
		}
		for _, decode := range decoders {
			if err := decode(rec); err != nil {
				return nil, fmt.Errorf("neo4jstore: batch: %w", err)
			}
		}
	}
	// A parent that reached nothing still has a page, an empty one.
	for i := range res.Related {
		for j, p := range res.Related[i].Pages {
			if p == nil {
				res.Related[i].Pages[j] = &normgraph.Page{Edges: []normgraph.Edge{}}
			}
		}
	}
	return res, nil
}

// readOne runs a query that returns exactly one record.
func (s *Store) readOne(ctx context.Context, name, cypher string, params map[string]any) (*neo4j.Record, error) {
	res, err := s.read(ctx, name, cypher, params)
	if err != nil {
		return nil, err
	}
	if len(res.Records) != 1 {
		return nil, fmt.Errorf("neo4jstore: %s: %d records, want 1", name, len(res.Records))
	}
	return res.Records[0], nil
}

// decodeNodes decodes the node list in column col and aligns it with ids
// into out (the zero T where an id matched nothing).
func decodeNodes[T normgraph.Node](rec *neo4j.Record, col string, ids []string, out []T, decode func(neo4j.Node) (T, error)) error {
	items, _, err := neo4j.GetRecordValue[[]any](rec, col)
	if err != nil {
		return fmt.Errorf("%s: %w", col, err)
	}
	byID := make(map[string]T, len(items))
	for _, v := range items {
		n, err := asNode(v)
		if err != nil {
			return fmt.Errorf("%s: %w", col, err)
		}
		t, err := decode(n)
		if err != nil {
			return fmt.Errorf("%s: %w", col, err)
		}
		byID[t.NodeID()] = t
	}
	for i, id := range ids {
		out[i] = byID[id]
	}
	return nil
}

// decodeSourceList decodes a column that holds a list of source nodes.
func decodeSourceList(rec *neo4j.Record, col string) ([]*normgraph.Source, error) {
	items, _, err := neo4j.GetRecordValue[[]any](rec, col)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", col, err)
	}
	out := make([]*normgraph.Source, 0, len(items))
	for _, v := range items {
		n, err := asNode(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", col, err)
		}
		src, err := decodeSource(n)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", col, err)
		}
		out = append(out, src)
	}
	return out, nil
}

// countriesCall resolves each of codes (lowercased) to the country that
// CountriesByCode's precedence picks: an id match over an alpha-3 match over
// an alpha-2 match; within one rank the country last in list order. Each
// branch of the union is an equality on one indexed property (the id
// constraint, iso3Key, iso2Key), so every code costs at most three index
// seeks, however many countries there are.
func countriesCall(q *query, codes []string) string {
	l := kindLabel[normgraph.KindCountry]
	return fmt.Sprintf("CALL () { UNWIND %[1]s AS code CALL (code) { "+
		"MATCH (n:%[2]s {id: code}) RETURN n, 0 AS rank "+
		"UNION MATCH (n:%[2]s {%[3]s: code}) RETURN n, 1 AS rank "+
		"UNION MATCH (n:%[2]s {%[4]s: code}) RETURN n, 2 AS rank } "+
		"WITH code, n ORDER BY rank, n.%[5]s DESC WITH code, head(collect(n)) AS n "+
		"RETURN collect([code, n]) AS countries }",
		q.bind(codes), l, propISO3Key, propISO2Key, propSortKey)
}

// decodeCountries aligns the [code, country] pairs of column countries with
// lower, the lowercased codes asked for.
func decodeCountries(rec *neo4j.Record, lower []string, out []*normgraph.Country) error {
	items, _, err := neo4j.GetRecordValue[[]any](rec, "countries")
	if err != nil {
		return fmt.Errorf("countries: %w", err)
	}
	byCode := make(map[string]*normgraph.Country, len(items))
	for _, v := range items {
		pair, ok := v.([]any)
		if !ok || len(pair) != 2 {
			return fmt.Errorf("countries: want [code, n], got %T", v)
		}
		code, ok := pair[0].(string)
		if !ok {
			return fmt.Errorf("countries: code is %T", pair[0])
		}
		n, err := asNode(pair[1])
		if err != nil {
			return fmt.Errorf("countries: %w", err)
		}
		e, err := decodeEntity(n)
		if err != nil {
			return fmt.Errorf("countries: %w", err)
		}
		c, ok := e.(*normgraph.Country)
		if !ok {
			return fmt.Errorf("countries: %s is a %T", e.NodeID(), e)
		}
		byCode[code] = c
	}
	for i, code := range lower {
		out[i] = byCode[code]
	}
	return nil
}

// walkRatio decides when relatedCall pages a parent p by walking the far
// kind's sortKey index instead of sorting all p's far ends. Sorting reads
// the sortKey of all d far ends. If they are spread evenly over the
// index, a walk to the page's end visits first·L/d of the kind's L nodes,
// and checking one for a relationship to p reads about min(d, E/L)
// relationships (E: relationships of the type at that kind; Neo4j checks
// from the side with fewer). So the walk reads first·min(d·L, E)/d
// relationships, and it runs when that is below walkRatio·d, i.e.
// first·min(d·L, E) < walkRatio·d². A relationship read was ~25 times
// cheaper than reading a node's sort key and id, the two sort properties
// before sortValue (PROFILE on the 1M set: ~0.2 µs against ~5 µs); 16
// leaves room for uneven spreads, and was not tuned again. On that set it
// walks for countries above ~1,400 memberships (first 50 of 12,000 fora;
// 6 ms instead of 15 for 4,911) and not for a forum's 676 members.
// A variable so that tests can make every parent with a far end walk.
var walkRatio int64 = 16

// farLabel returns the label every far end of t carries, "" when they may
// be of several kinds (then there is no one index to walk).
func farLabel(t normgraph.Traversal) string {
	if t.Kind != "" {
		return kindLabel[t.Kind]
	}
	e, ok := normgraph.EndpointsOf(t.Type)
	switch {
	case !ok:
		return ""
	case t.Direction == normgraph.Outgoing:
		return kindLabel[e.To]
	case len(e.From) == 1:
		return kindLabel[e.From[0]]
	}
	return ""
}

// relatedCalls adds to a batch (through add) the call that answers r,
// decoded by decode, and after it the calls that answer r.Then from the
// far ends that call finds, each level under the column name of the one
// above it with its index appended. It returns the results the decoders of
// r.Then fill in; with r.Cite, the sources cited on r's pages go into
// *cited. parents is "" when r's parents are r.IDs, otherwise the column
// that holds them, the far ends of the level above.
func relatedCalls(q *query, r normgraph.RelatedRequest, col, parents string, cited *[]*normgraph.Source,
	add func(col, call string, decode func(*neo4j.Record) error), decode func(*neo4j.Record) error) []normgraph.ThenResult {
	nodes := col + nodesSuffix
	if r.Omit != 0 {
		nodes = fmt.Sprintf("[n IN %[1]s | %[2]s] AS %[1]s", nodes, projection("n", r.Omit))
	}
	if citesSources(r) {
		nodes += ", " + col + citedSuffix
		if cited != nil {
			own := decode
			decode = func(rec *neo4j.Record) error {
				if err := own(rec); err != nil {
					return err
				}
				var err error
				*cited, err = decodeSourceList(rec, col+citedSuffix)
				return err
			}
		}
	}
	add(col+", "+nodes, relatedCall(q, r, col, parents), decode)
	if len(r.Then) == 0 {
		return nil
	}
	then := make([]normgraph.ThenResult, len(r.Then))
	for k, next := range r.Then {
		tr, nextCol := &then[k], fmt.Sprintf("%s_%d", col, k)
		if err := next.Traversal.Validate(); err != nil {
			tr.Err = err
			continue
		}
		if err := next.Page.Validate(); err != nil {
			tr.Err = err
			continue
		}
		tr.Then = relatedCalls(q, next, nextCol, col+nodesSuffix, &tr.Cited, add, func(rec *neo4j.Record) error {
			var err error
			tr.Pages, err = decodeRelated(rec, nextCol, next.Traversal, next.Omit)
			return err
		})
	}
	return then
}

// relatedCall follows r from each of its ids and pages every parent on its
// own: a list in column col of [pid, total, before, page] rows, one per
// parent that exists (before counts the items at or before the cursor, page
// holds [relationship's properties (relProjection), far end's element id] pairs), and in column
// col+nodesSuffix the distinct far ends of all those pages. Each parent is found once, by the id
// index; the count comes from the page itself when the page is the whole
// list, from the node's degree when nothing restricts the far ends, and
// from a counting subquery otherwise. A page of zero items, which count
// fields ask for, skips the page subquery.
//
// A page of a high-degree parent (see walkRatio) whose far ends are of one
// kind walks that kind's sortKey index in order, keeps the nodes adjacent
// to the parent and stops at the page's end, instead of reading the
// sortKey of every far end to sort them: a hub country's 50 first fora out
// of 4,911 cost ~50 property reads, not ~5,000. Both ways give the same
// rows in the same sortKey order; which one runs is decided per
// parent inside the statement, from its degree (read without expanding)
// and the kind's node and relationship counts (from the count store).
func relatedCall(q *query, r normgraph.RelatedRequest, col, parents string) string {
	t, page := r.Traversal, r.Page
	typ := relType[t.Type]
	// Every relationship joins two :Entity nodes (Seed writes no other), so
	// the far end needs a label only to keep one kind: checking :Entity
	// would cost a label read per relationship and change nothing.
	far := ""
	if t.Kind != "" {
		far = ":" + kindLabel[t.Kind]
	}
	arrow, bare, farBare := "-[r:%s]->", "-[:%s]->", "<-[:%s]-"
	if t.Direction == normgraph.Incoming {
		arrow, bare, farBare = "<-[r:%s]-", "<-[:%s]-", "-[:%s]->"
	}
	degree := fmt.Sprintf("COUNT { (p)"+bare+"() }", typ)
	cond := where(append([]string{q.inForce("r", t.AsOf)}, q.filter("m", t.Filter)...)...)
	match := fmt.Sprintf("MATCH (p)"+arrow+"(m%s) WHERE %s", typ, far, cond)
	after := q.after("m", byEntityKey, page.After)
	walkLabel := ""
	if page.First != normgraph.Unlimited && page.First > 0 {
		walkLabel = farLabel(t)
	}

	// walk (see walkRatio) must be decided before the count subquery, whose
	// columns a later WITH would have to carry along.
	var calls []string
	if walkLabel != "" {
		// E counts the relationships of the type at the far kind from the
		// count store, like L; d is the degree, read without expanding.
		farRels := fmt.Sprintf("COUNT { (:%s)"+farBare+"() }", walkLabel, typ)
		//
		// The walk also has to visit fewer of the kind's nodes than the
		// parent has far ends (first·L/d < d): a small parent's page, such
		// as the 30 first of a forum's 57 members out of 194 countries,
		// would otherwise walk ~100 index entries and probe each for a
		// relationship, where sorting reads 57 nodes (PROFILE on the
		// curated set: 1,920 dbHits walking against 865 sorting). It scales
		// with walkRatio (1 at the default 16) so that a test raising the
		// ratio still makes every parent walk.
		calls = append(calls, fmt.Sprintf("WITH pid, p, %[1]s AS d "+
			"WITH pid, p, %[2]s * COUNT { (:%[3]s) } < %[6]s * d * d AND "+
			"%[2]s * CASE WHEN d * COUNT { (:%[3]s) } < %[4]s THEN d * COUNT { (:%[3]s) } ELSE %[4]s END < %[5]s * d * d AS walk",
			degree, q.bind(limitParam(page.First)), walkLabel, farRels, q.bind(walkRatio), q.bind(walkRatio/16)))
	}
	total, before := "total", "0"
	switch {
	case page.First == normgraph.Unlimited && after == "":
		total = "size(page)"
	case cond == "true" && far == "" && after == "":
		// The node's degree for the type: Neo4j reads it without expanding
		// the relationships (a forum of the 1M set has thousands of members).
		total = degree
	default:
		countBefore := ""
		if after != "" {
			countBefore, before = fmt.Sprintf(", count(CASE WHEN NOT %s THEN 1 END) AS before", after), "before"
		}
		calls = append(calls, fmt.Sprintf("CALL (p) { %s RETURN count(m) AS total%s }", match, countBefore))
	}
	items := "[]"
	if page.First != 0 {
		matchAfter := match
		if after != "" {
			matchAfter += " AND " + after
		}
		limit := q.bind(limitParam(page.First))
		sorted := fmt.Sprintf("%s WITH r, m ORDER BY m.%s LIMIT %s RETURN collect([r, m]) AS page", matchAfter, propSortKey, limit)
		items = "page"
		if walkLabel == "" {
			calls = append(calls, fmt.Sprintf("CALL (p) { %s }", sorted))
		} else {
			// The sorting branch's WHERE NOT walk is applied to its Argument,
			// before the expansion. The walk cannot be guarded that way:
			// Neo4j applies such a WHERE after the index scan (PROFILE: a
			// Filter above a NodeIndexScan of all 12,000 fora for a parent
			// that does not walk), so the parent is UNWOUND into the walk
			// only when it walks.
			// The cursor's condition is a range on the walked index itself.
			from := "m." + propSortKey + " IS NOT NULL"
			if after != "" {
				from = after
			}
			calls = append(calls,
				fmt.Sprintf("CALL (p, walk) { WITH p WHERE NOT walk %s }", sorted),
				fmt.Sprintf("CALL (p, walk) { UNWIND CASE WHEN walk THEN [p] ELSE [] END AS hub CALL (hub) { "+
					"MATCH (m:%[1]s) USING INDEX m:%[1]s(%[2]s) WHERE %[3]s WITH m ORDER BY m.%[2]s "+
					"MATCH (hub)%[4]s(m) WHERE %[5]s WITH r, m ORDER BY m.%[2]s LIMIT %[6]s RETURN collect([r, m]) AS walked } "+
					"RETURN coalesce(head(collect(walked)), []) AS walked }",
					walkLabel, propSortKey, from, fmt.Sprintf(arrow, typ), cond, limit))
			items = "page + walked"
		}
	}
	// The page pairs carry the far end's element id only; the far ends
	// themselves go once each into column col+nodesSuffix. Neo4j reads a
	// node's properties when it serialises the node, so a node on several
	// pages (a country in several fora, an initiative of many members) was
	// read and sent once per page: 30 forum members' 118 initiative edges
	// hold ~20 distinct initiatives (PROFILE: 3,175 dbHits, 2,373 of them in
	// ProduceResults, against 1,399 deduplicated).
	// A relationship goes as its properties (those the request reads): its
	// type is the traversal's, its ends are known, and a relationship value
	// would carry three element ids for the server to build and the driver
	// to parse.
	row := fmt.Sprintf("[pid, %s, %s, [x IN %s | [%s, elementId(x[1])]]]", total, before, items, relProjection("x[0]", r.Omit))
	nodes := fmt.Sprintf("collect(%s) AS pages RETURN %s, COLLECT { UNWIND pages AS pg UNWIND pg AS x RETURN DISTINCT x[1] } AS %s%s", items, col, col, nodesSuffix)
	if citesSources(r) {
		// The sources the query will read of these pages, found here by
		// the source id index rather than in a statement of their own.
		var ids []string
		if r.Omit&normgraph.FieldSources == 0 {
			ids = append(ids, "coalesce(x[1]."+propSources+", [])")
		}
		if r.Omit&normgraph.FieldRelSources == 0 {
			ids = append(ids, "coalesce(x[0]."+propSources+", [])")
		}
		nodes += fmt.Sprintf(", COLLECT { UNWIND pages AS pg UNWIND pg AS x UNWIND %s AS sid WITH DISTINCT sid MATCH (s:%s {id: sid}) RETURN s } AS %s%s",
			strings.Join(ids, " + "), labelSource, col, citedSuffix)
	}
	if items == "[]" {
		row = fmt.Sprintf("[pid, %s, %s, []]", total, before)
		nodes = fmt.Sprintf("count(*) AS unused RETURN %s, [] AS %s%s", col, col, nodesSuffix)
		if citesSources(r) {
			nodes += fmt.Sprintf(", [] AS %s%s", col, citedSuffix)
		}
	}
	// Each parent is found once: by the id index, or as a node the level
	// above already holds.
	from := fmt.Sprintf("CALL () { UNWIND %s AS pid MATCH (p:%s {id: pid})", q.bind(distinct(r.IDs)), labelEntity)
	if parents != "" {
		from = fmt.Sprintf("CALL (%[1]s) { UNWIND %[1]s AS p WITH p.id AS pid, p", parents)
	}
	return fmt.Sprintf("%s %s WITH collect(%s) AS %s, %s }", from, strings.Join(calls, " "), row, col, nodes)
}

// nodesSuffix names the column of a relatedCall that holds its far ends,
// citedSuffix the one that holds the sources cited on its pages.
const (
	nodesSuffix = "n"
	citedSuffix = "c"
)

// citesSources reports whether the call for r returns the sources cited
// on its pages: r asks, and reads the sources of its far ends or of its
// relations.
func citesSources(r normgraph.RelatedRequest) bool {
	return r.Cite && r.Omit&(normgraph.FieldSources|normgraph.FieldRelSources) != normgraph.FieldSources|normgraph.FieldRelSources
}

// decodeRelated decodes column col of a relatedCall: the page of each
// parent that exists, by its id. omit is the request's Omit: unless it is
// zero, the far ends come as projections leaving it out.
func decodeRelated(rec *neo4j.Record, col string, t normgraph.Traversal, omit normgraph.PageFields) (map[string]*normgraph.Page, error) {
	typ := relType[t.Type]
	items, _, err := neo4j.GetRecordValue[[]any](rec, col)
	if err != nil {
		return nil, fmt.Errorf("related %s: %w", typ, err)
	}
	nodes, _, err := neo4j.GetRecordValue[[]any](rec, col+nodesSuffix)
	if err != nil {
		return nil, fmt.Errorf("related %s: %w", typ, err)
	}
	// Each far end is decoded once however many pages hold it; pages share
	// the Entity, as memstore's pages share its graph's. A request that
	// leaves fields out gets projections of the nodes (see projection).
	var keys []string
	if omit != 0 {
		keys = projectionKeys(omit)
	}
	byElement := make(map[string]normgraph.Entity, len(nodes))
	for _, v := range nodes {
		var e normgraph.Entity
		var eid string
		var err error
		if l, ok := v.([]any); ok && keys != nil {
			e, eid, err = decodeProjected(l, keys)
		} else {
			var n neo4j.Node
			if n, err = asNode(v); err == nil {
				eid = n.ElementId
				e, err = decodeEntity(n)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("related %s: %w", typ, err)
		}
		byElement[eid] = e
	}
	byParent := make(map[string]*normgraph.Page, len(items))
	for _, v := range items {
		row := rowOf("related "+typ, v, 4)
		pid, total, before, page := row.str(0), row.int(1), row.int(2), row.list(3)
		if row.err != nil {
			return nil, row.err
		}
		p, err := pageOf(total, before, page, func(v any) (normgraph.Node, *normgraph.Relation, error) {
			pair, ok := v.([]any)
			if !ok || len(pair) != 2 {
				return nil, nil, fmt.Errorf("want [properties, element id], got %T", v)
			}
			props, ok := pair[0].([]any)
			if !ok {
				return nil, nil, fmt.Errorf("want relationship properties, got %T", pair[0])
			}
			eid, _ := pair[1].(string)
			e, ok := byElement[eid]
			if !ok {
				return nil, nil, fmt.Errorf("far end %v not among the nodes", pair[1])
			}
			from, to := pid, e.NodeID()
			if t.Direction == normgraph.Incoming {
				from, to = to, from
			}
			relation, err := decodeRelationValues(typ, from, to, relListKeys, props)
			return e, relation, err
		})
		if err != nil {
			return nil, fmt.Errorf("related %s of %q: %w", typ, pid, err)
		}
		byParent[pid] = p
	}
	return byParent, nil
}

// pageFrom builds a Page from a {total, before, page} map.
func pageFrom(m map[string]any, item func(any) (normgraph.Node, *normgraph.Relation, error)) (*normgraph.Page, error) {
	total, ok := m["total"].(int64)
	if !ok {
		return nil, fmt.Errorf("total is %T", m["total"])
	}
	before, ok := m["before"].(int64)
	if !ok {
		return nil, fmt.Errorf("before is %T", m["before"])
	}
	items, ok := m["page"].([]any)
	if !ok {
		return nil, fmt.Errorf("page is %T", m["page"])
	}
	return pageOf(int(total), int(before), items, item)
}

// pageOf builds a Page of total items from the page's items, which item
// decodes, before of them at or before its cursor.
func pageOf(total, before int, items []any, item func(any) (normgraph.Node, *normgraph.Relation, error)) (*normgraph.Page, error) {
	p := &normgraph.Page{TotalCount: total, Edges: make([]normgraph.Edge, 0, len(items))}
	for _, v := range items {
		n, rel, err := item(v)
		if err != nil {
			return nil, err
		}
		p.Edges = append(p.Edges, normgraph.Edge{Cursor: normgraph.CursorOf(n).Encode(), Node: n, Relation: rel})
	}
	finishPage(p, before)
	return p, nil
}
