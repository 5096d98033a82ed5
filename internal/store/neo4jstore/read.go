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

// Entities implements normgraph.Store: one query for all ids.
func (s *Store) Entities(ctx context.Context, ids []string) ([]normgraph.Entity, error) {
	res, err := s.Batch(ctx, normgraph.Batch{Entities: ids})
	if err != nil {
		return nil, err
	}
	return res.Entities, nil
}

// Sources implements normgraph.Store: one query for all ids.
func (s *Store) Sources(ctx context.Context, ids []string) ([]*normgraph.Source, error) {
	res, err := s.Batch(ctx, normgraph.Batch{Sources: ids})
	if err != nil {
		return nil, err
	}
	return res.Sources, nil
}

// CountriesByCode implements normgraph.Store. When codes collide, an id wins
// over an alpha-3 code and alpha-3 over alpha-2, so that a country is always
// reachable by its own id; between two countries of one rank the later in
// list order wins. Both rules are memstore's.
func (s *Store) CountriesByCode(ctx context.Context, codes []string) ([]*normgraph.Country, error) {
	res, err := s.Batch(ctx, normgraph.Batch{Countries: codes})
	if err != nil {
		return nil, err
	}
	return res.Countries, nil
}

// List implements normgraph.Store: the count, the number of items at or
// before the cursor, and the page itself come from one query.
func (s *Store) List(ctx context.Context, kind normgraph.EntityKind, f normgraph.Filter, page normgraph.PageArgs) (*normgraph.Page, error) {
	if err := s.checkCtx(ctx); err != nil {
		return nil, err
	}
	label, ok := kindLabel[kind]
	if !ok {
		return nil, normgraph.Errorf(normgraph.EINVALID, "kind: unknown entity kind %q", kind)
	}
	if err := page.Validate(); err != nil {
		return nil, err
	}
	q := newQuery()
	cond := where(q.filter("n", f)...)
	res, err := s.read(ctx, "list "+label, q.pageQuery("MATCH (n:"+label+") WHERE "+cond, "n", byEntityKey, page), q.params)
	if err != nil {
		return nil, err
	}
	p, err := pageFromRecord(res.Records, func(v any) (normgraph.Node, *normgraph.Relation, error) {
		n, err := asNode(v)
		if err != nil {
			return nil, nil, err
		}
		e, err := decodeEntity(n)
		return e, nil, err
	})
	if err != nil {
		return nil, fmt.Errorf("neo4jstore: list %s: %w", label, err)
	}
	return p, nil
}

// ListSources implements normgraph.Store.
func (s *Store) ListSources(ctx context.Context, page normgraph.PageArgs) (*normgraph.Page, error) {
	if err := s.checkCtx(ctx); err != nil {
		return nil, err
	}
	if err := page.Validate(); err != nil {
		return nil, err
	}
	q := newQuery()
	res, err := s.read(ctx, "list sources", q.pageQuery("MATCH (n:"+labelSource+")", "n", bySourceTitle, page), q.params)
	if err != nil {
		return nil, err
	}
	p, err := pageFromRecord(res.Records, func(v any) (normgraph.Node, *normgraph.Relation, error) {
		n, err := asNode(v)
		if err != nil {
			return nil, nil, err
		}
		src, err := decodeSource(n)
		return src, nil, err
	})
	if err != nil {
		return nil, fmt.Errorf("neo4jstore: list sources: %w", err)
	}
	return p, nil
}

// pageQuery wraps a MATCH ... WHERE of variable n into a query returning
// total, before (items at or before the cursor) and page (the items after it,
// in (key, id) order, at most page.First). Counting in Cypher means the page
// is the only thing that crosses the wire.
func (q *query) pageQuery(match, n string, o sortOrder, page normgraph.PageArgs) string {
	after := q.after(n, o, page.After)
	// A constant next to count() would be a grouping key, and an empty
	// match would then return no row at all: before stays outside unless
	// it is itself an aggregate.
	before, outerBefore := "", "0 AS before"
	if after != "" {
		before, outerBefore = fmt.Sprintf(", count(CASE WHEN NOT %s THEN 1 END) AS before", after), "before"
	}
	matchAfter := match
	if after != "" {
		if strings.Contains(match, " WHERE ") {
			matchAfter += " AND " + after
		} else {
			matchAfter += " WHERE " + after
		}
	}
	return fmt.Sprintf("CALL () { %[1]s RETURN count(%[2]s) AS total%[3]s } "+
		"CALL () { %[4]s WITH %[2]s ORDER BY %[5]s LIMIT %[6]s RETURN collect(%[2]s) AS page } "+
		"RETURN total, %[7]s, page",
		match, n, before, matchAfter, o.by(n), q.bind(limitParam(page.First)), outerBefore)
}

// pageFromRecord builds a Page from the single (total, before, page) record
// of a page query; item decodes one element of page.
func pageFromRecord(recs []*neo4j.Record, item func(any) (normgraph.Node, *normgraph.Relation, error)) (*normgraph.Page, error) {
	if len(recs) != 1 {
		return nil, fmt.Errorf("page query returned %d records", len(recs))
	}
	return pageFromValues(recs[0], item)
}

func pageFromValues(rec *neo4j.Record, item func(any) (normgraph.Node, *normgraph.Relation, error)) (*normgraph.Page, error) {
	return pageFrom(rec.AsMap(), item)
}

// finishPage fills PageInfo as normgraph.PageOf does: start is the number
// of items at or before the cursor.
func finishPage(p *normgraph.Page, start int) {
	p.PageInfo = normgraph.PageInfo{
		HasNextPage:     start+len(p.Edges) < p.TotalCount,
		HasPreviousPage: start > 0,
	}
	if len(p.Edges) > 0 {
		s, e := p.Edges[0].Cursor, p.Edges[len(p.Edges)-1].Cursor
		p.PageInfo.StartCursor, p.PageInfo.EndCursor = &s, &e
	}
}

// Related implements normgraph.Store: one query for all parents, each
// parent paged on its own (count, cursor position and page per parent).
func (s *Store) Related(ctx context.Context, ids []string, t normgraph.Traversal, page normgraph.PageArgs) ([]*normgraph.Page, error) {
	res, err := s.Batch(ctx, normgraph.Batch{Related: []normgraph.RelatedRequest{{IDs: ids, Traversal: t, Page: page}}})
	if err != nil {
		return nil, err
	}
	return res.Related[0].Pages, res.Related[0].Err
}

// Search implements normgraph.Store. The full-text index only narrows the
// candidates (every query token as a token prefix, exactly Score's match
// rule); normgraph.SearchAmong then scores and ranks them, so the answer
// equals memstore's whatever Lucene's own scoring would say.
func (s *Store) Search(ctx context.Context, q normgraph.SearchQuery) ([]normgraph.SearchHit, error) {
	if err := s.checkCtx(ctx); err != nil {
		return nil, err
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	toks := normgraph.Tokenize(q.Text)
	if len(toks) == 0 {
		return []normgraph.SearchHit{}, nil
	}
	var lucene strings.Builder
	for i, t := range toks {
		if i > 0 {
			lucene.WriteByte(' ')
		}
		lucene.WriteByte('+')
		lucene.WriteString(escapeLucene(t))
		lucene.WriteByte('*')
	}
	params := map[string]any{"index": fulltextIndex, "q": lucene.String()}
	where := ""
	if len(q.Kinds) > 0 {
		kinds := make([]string, 0, len(q.Kinds))
		for _, k := range q.Kinds {
			kinds = append(kinds, string(k))
		}
		params["kinds"] = kinds
		where = " WHERE node." + propKind + " IN $kinds"
	}
	rec, err := s.readOne(ctx, "search",
		"CALL db.index.fulltext.queryNodes($index, $q) YIELD node"+where+" RETURN collect(node) AS nodes", params)
	if err != nil {
		return nil, err
	}
	nodes, err := collected(rec, "nodes")
	if err != nil {
		return nil, fmt.Errorf("neo4jstore: search: %w", err)
	}
	cands := make([]normgraph.Entity, 0, len(nodes))
	for _, v := range nodes {
		n, err := asNode(v)
		if err != nil {
			return nil, fmt.Errorf("neo4jstore: search: %w", err)
		}
		e, err := decodeEntity(n)
		if err != nil {
			return nil, fmt.Errorf("neo4jstore: search: %w", err)
		}
		cands = append(cands, e)
	}
	return normgraph.SearchAmong(cands, q), nil
}

// escapeLucene escapes Lucene query syntax. Tokens are letters and digits
// only today; escaping anyway keeps a future tokenizer change from turning
// input into query syntax.
func escapeLucene(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`+-&|!(){}[]^"~*?:\/`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ---------------------------------------------------------------- graph

// GraphNodes implements normgraph.Graph.
func (s *Store) GraphNodes(ctx context.Context, ids []string) ([]*normgraph.GraphNode, error) {
	if err := s.checkCtx(ctx); err != nil {
		return nil, err
	}
	out := make([]*normgraph.GraphNode, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rec, err := s.readOne(ctx, "graph nodes",
		"UNWIND $ids AS id MATCH (n:"+labelEntity+" {id: id}) WHERE NOT n:"+labelSource+
			" RETURN collect("+graphNodeColumns+") AS nodes",
		map[string]any{"ids": distinct(ids)})
	if err != nil {
		return nil, err
	}
	nodes, err := collected(rec, "nodes")
	if err != nil {
		return nil, fmt.Errorf("neo4jstore: graph nodes: %w", err)
	}
	byID := make(map[string]*normgraph.GraphNode, len(nodes))
	for _, v := range nodes {
		r := rowOf("graph node", v, 4)
		g := r.graphNode(0)
		if r.err != nil {
			return nil, fmt.Errorf("neo4jstore: %w", r.err)
		}
		byID[g.ID] = &g
	}
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}

// Graph queries return one record whose columns are lists of rows, each row
// a list: sending a record costs Neo4j several microseconds of CPU whatever
// it holds, many times what the same values cost inside one list (measured
// on 244 adjacency rows: 4.3 against 2.4 ms of server CPU).

// graphNodeColumns is the row graphNode reads, for a node n.
const graphNodeColumns = "[n.id, n." + propKind + ", n." + propLabel + ", COUNT { (n)--() }]"

// adjacencyColumns is the row adjacency reads, for a relationship r of node
// n with m at its other end.
const adjacencyColumns = "[type(r), startNode(r) = n, " + edgeProps + ", " +
	"m.id, m." + propKind + ", m." + propLabel + ", COUNT { (m)--() }]"

// relationSeenColumns is the row relationSeen reads, for a relationship r
// seen from node x.
func relationSeenColumns(x string) string {
	return "[type(r), startNode(r) = " + x + ", " + edgeProps + "]"
}

// edgeProps is what graph statements send of a relationship r: the dates a
// GraphEdge shows, the values of edgeKeys, as a list (no key strings or map
// for the driver to build). Role, note and sources stay in the database
// (see normgraph.Adjacency); on the 1M set the sources lists were most of
// what the server decoded for an expansion.
const edgeProps = "[r." + propSince + ", r." + propUntil + "]"

// edgeKeys names the values of edgeProps.
var edgeKeys = []string{propSince, propUntil}

// collected reads a list column of a graph query's record.
func collected(rec *neo4j.Record, col string) ([]any, error) {
	l, _, err := neo4j.GetRecordValue[[]any](rec, col)
	return l, err
}

// row reads one collected row by position; the first error sticks.
type row struct {
	what string
	v    []any
	err  error
}

func rowOf(what string, v any, n int) *row {
	r := &row{what: what}
	l, ok := v.([]any)
	switch {
	case !ok:
		r.err = fmt.Errorf("%s: row is %T, want a list", what, v)
	case len(l) != n:
		r.err = fmt.Errorf("%s: row has %d values, want %d", what, len(l), n)
	default:
		r.v = l
	}
	return r
}

// value reads position i of r as a T, or null as T's zero value when
// nullable; the first mismatch is kept in r.err.
func value[T any](r *row, i int, want string, nullable bool) T {
	var t T
	if r.err != nil {
		return t
	}
	v := r.v[i]
	t, ok := v.(T)
	if !ok && !(nullable && v == nil) {
		r.err = fmt.Errorf("%s: value %d is %T, want %s", r.what, i, v, want)
	}
	return t
}

// str reads a string; null reads as "", as the property decoder does.
func (r *row) str(i int) string   { return value[string](r, i, "string", true) }
func (r *row) boolean(i int) bool { return value[bool](r, i, "boolean", false) }
func (r *row) int(i int) int      { return int(value[int64](r, i, "integer", false)) }
func (r *row) list(i int) []any   { return value[[]any](r, i, "list", false) }
func (r *row) at(i int) any       { return value[any](r, i, "value", true) }

// graphNode reads the four values of graphNodeColumns from position i.
func (r *row) graphNode(i int) normgraph.GraphNode {
	return normgraph.GraphNode{ID: r.str(i), Kind: normgraph.EntityKind(r.str(i + 1)), Label: r.str(i + 2), Degree: r.int(i + 3)}
}

// Expand implements normgraph.Graph: one query per breadth-first layer,
// whatever the size of the frontier. It is ExpandNodes without the nodes:
// one statement text for both, and their rows cost about the same.
func (s *Store) Expand(ctx context.Context, ids []string, relations []normgraph.RelationType) (map[string][]normgraph.Adjacency, error) {
	_, adj, err := s.ExpandNodes(ctx, ids, relations)
	return adj, err
}

// ExpandNodes implements normgraph.NodeExpander: the nodes and their
// relationships in one query.
func (s *Store) ExpandNodes(ctx context.Context, ids []string, relations []normgraph.RelationType) ([]*normgraph.GraphNode, map[string][]normgraph.Adjacency, error) {
	if err := s.checkCtx(ctx); err != nil {
		return nil, nil, err
	}
	nodes := make([]*normgraph.GraphNode, len(ids))
	out := make(map[string][]normgraph.Adjacency, len(ids))
	if len(ids) == 0 {
		return nodes, out, nil
	}
	types, err := relPattern(relations)
	if err != nil {
		return nil, nil, err
	}
	rec, err := s.readOne(ctx, "expand nodes",
		"UNWIND $ids AS id MATCH (n:"+labelEntity+" {id: id}) WHERE NOT n:"+labelSource+" "+
			"RETURN collect("+expansionOf(types)+") AS nodes",
		map[string]any{"ids": distinct(ids)})
	if err != nil {
		return nil, nil, err
	}
	found, err := collected(rec, "nodes")
	if err != nil {
		return nil, nil, fmt.Errorf("neo4jstore: expand nodes: %w", err)
	}
	byID, err := expansions("expand nodes", found, out)
	if err != nil {
		return nil, nil, err
	}
	for i, id := range ids {
		nodes[i] = byID[id]
	}
	return nodes, out, nil
}

// expansions decodes the rows of an expansion statement, each a node's
// graphNodeColumns and the adjacencyColumns of its relationships, into out
// (sorted) and returns the nodes by id.
func expansions(name string, rows []any, out map[string][]normgraph.Adjacency) (map[string]*normgraph.GraphNode, error) {
	byID := make(map[string]*normgraph.GraphNode, len(rows))
	for _, v := range rows {
		r := rowOf(name, v, 2)
		n := rowOf(name+": node", r.at(0), 4)
		g, rels := n.graphNode(0), r.list(1)
		if err := cmp.Or(r.err, n.err); err != nil {
			return nil, fmt.Errorf("neo4jstore: %w", err)
		}
		byID[g.ID] = &g
		for _, a := range rels {
			adj, err := adjacency(g.ID, a)
			if err != nil {
				return nil, fmt.Errorf("neo4jstore: %s: %w", name, err)
			}
			out[g.ID] = append(out[g.ID], adj)
		}
	}
	sortAdjacency(out)
	return byID, nil
}

// expansionOf is the statement part that expands node n: its
// graphNodeColumns and, for each relationship of types (a relPattern), the
// adjacencyColumns; expansions reads a list of them.
func expansionOf(types string) string {
	return "[" + graphNodeColumns + ", COLLECT { MATCH (n)-[r" + types + "]-(m:" + labelEntity + ") RETURN " + adjacencyColumns + " }]"
}

// adjacency decodes a row of adjacencyColumns seen from node id.
func adjacency(id string, v any) (normgraph.Adjacency, error) {
	r := rowOf("relationship of "+id, v, 7)
	other := r.graphNode(3)
	rel, err := relationSeen(r, id, other.ID)
	if err != nil {
		return normgraph.Adjacency{}, err
	}
	return normgraph.Adjacency{Rel: rel, Other: other}, nil
}

// relationSeen decodes a relationship between id and other from the first
// three values of r, those of relationSeenColumns seen from id.
func relationSeen(r *row, id, other string) (*normgraph.Relation, error) {
	typ, isOut, props := r.str(0), r.boolean(1), r.list(2)
	if r.err != nil {
		return nil, r.err
	}
	from, to := id, other
	if !isOut {
		from, to = to, from
	}
	return decodeRelationValues(typ, from, to, edgeKeys, props)
}

// sortAdjacency puts each node's relationships in a defined order, which
// makes the algorithms' runs repeatable. It compares the relationships'
// parts rather than their ids: building two ids per comparison was a third
// of a shortest path's CPU on the 1M set, whose hubs expand to thousands.
func sortAdjacency(out map[string][]normgraph.Adjacency) {
	for _, adj := range out {
		slices.SortFunc(adj, func(a, b normgraph.Adjacency) int {
			return cmp.Or(cmp.Compare(a.Other.ID, b.Other.ID), normgraph.CompareRelations(a.Rel, b.Rel))
		})
	}
}

// ShortestPath implements normgraph.Store with the shared algorithm, so both
// backends choose the same path among equally short ones.
func (s *Store) ShortestPath(ctx context.Context, q normgraph.PathQuery) (*normgraph.Path, error) {
	if err := s.checkCtx(ctx); err != nil {
		return nil, err
	}
	return normgraph.ShortestPath(ctx, s, q)
}

// ExpandNearest implements normgraph.NearestExpander in one statement.
// When the centre has more relationships than the limit, it sorts the
// centre's neighbours by label inside Neo4j, keeps the first limit and
// sends back only the relationships to them, each found from the kept
// neighbour (Expand(Into)). For a hub country of the 1M set, 8,066
// relationships, that is 50,608 db hits and ~20 ms of Neo4j's CPU against
// 72,606 and ~39 ms for its whole expansion, and 200 rows sent against
// 8,066.
func (s *Store) ExpandNearest(ctx context.Context, id string, relations []normgraph.RelationType, kinds []normgraph.EntityKind, limit int) (*normgraph.GraphNode, []normgraph.Adjacency, bool, error) {
	if err := s.checkCtx(ctx); err != nil {
		return nil, nil, false, err
	}
	types, err := relPattern(relations)
	if err != nil {
		return nil, nil, false, err
	}
	params := map[string]any{"id": id, "k": limit, "k1": limit + 1}
	// wanted is the condition that node x is of the kinds asked.
	wanted := func(x string) string { return "true" }
	if len(kinds) > 0 {
		ks := make([]string, len(kinds))
		for i, k := range kinds {
			ks[i] = string(k)
		}
		params["kinds"] = ks
		wanted = func(x string) string { return x + "." + propKind + " IN $kinds" }
	}
	// A node with no more relationships than the limit has no more
	// neighbours either: it is expanded whole, as ExpandNodes does, without
	// sorting. The branch not taken unwinds an empty list (a CASE around
	// two subqueries would run both).
	res, err := s.read(ctx, "expand nearest",
		"MATCH (n:"+labelEntity+" {id: $id}) WHERE NOT n:"+labelSource+" "+
			"WITH n, COUNT { (n)-["+types+"]-() } <= $k AS whole "+
			"CALL (n, whole) { UNWIND CASE WHEN whole THEN [] ELSE [n] END AS c "+
			"MATCH (c)-["+types+"]-(m:"+labelEntity+") WHERE m <> c AND "+wanted("m")+" "+
			"WITH DISTINCT m ORDER BY m."+propLabel+", m.id LIMIT $k1 RETURN collect(m) AS near } "+
			"CALL (n, whole) { UNWIND CASE WHEN whole THEN [n] ELSE [] END AS c "+
			"MATCH (c)-[r"+types+"]-(m:"+labelEntity+") WHERE "+wanted("m")+" RETURN collect("+adjacencyColumns+") AS expanded } "+
			"CALL (n, whole, near) { UNWIND near[..$k] + CASE WHEN NOT whole AND "+wanted("n")+" THEN [n] ELSE [] END AS m "+
			"MATCH (n)-[r"+types+"]-(m) RETURN collect("+adjacencyColumns+") AS kept } "+
			"RETURN "+graphNodeColumns+" AS node, size(near) > $k AS more, expanded + kept AS rels",
		params)
	if err != nil || len(res.Records) == 0 {
		return nil, nil, false, err // an unknown id
	}
	rec := res.Records[0]
	nodeRow, _, err := neo4j.GetRecordValue[[]any](rec, "node")
	if err != nil {
		return nil, nil, false, fmt.Errorf("neo4jstore: expand nearest: %w", err)
	}
	more, _, err := neo4j.GetRecordValue[bool](rec, "more")
	if err != nil {
		return nil, nil, false, fmt.Errorf("neo4jstore: expand nearest: %w", err)
	}
	rels, err := collected(rec, "rels")
	if err != nil {
		return nil, nil, false, fmt.Errorf("neo4jstore: expand nearest: %w", err)
	}
	r := rowOf("expand nearest: node", nodeRow, 4)
	node := r.graphNode(0)
	if r.err != nil {
		return nil, nil, false, fmt.Errorf("neo4jstore: %w", r.err)
	}
	adj := make([]normgraph.Adjacency, 0, len(rels))
	for _, v := range rels {
		a, err := adjacency(node.ID, v)
		if err != nil {
			return nil, nil, false, fmt.Errorf("neo4jstore: expand nearest: %w", err)
		}
		adj = append(adj, a)
	}
	return &node, adj, more, nil
}

// StartPath implements normgraph.PathStarter in one statement. The middle
// node is found by expanding both ends and joining the two expansions on
// m inside Neo4j. The join is a hint because the planner, left alone,
// expands one end and probes each neighbour for a relationship to the
// other (Expand(Into)), which reads every relationship of each neighbour:
// for a hub country and a hub priority of the 1M set 657,640 db hits,
// against 37,462 with the join; sending both expansions instead, as Expand
// does, cost Neo4j about 100 ms of CPU and normgraph's server 80–135 ms.
// Only when no path of one or two steps exists do both ends' relationships
// come back, for the search to go on from.
func (s *Store) StartPath(ctx context.Context, a, b string, relations []normgraph.RelationType) (*normgraph.PathStart, error) {
	if err := s.checkCtx(ctx); err != nil {
		return nil, err
	}
	types, err := relPattern(relations)
	if err != nil {
		return nil, err
	}
	end := func(v string) string {
		return "MATCH (" + v + ":" + labelEntity + " {id: $" + v + "}) WHERE NOT " + v + ":" + labelSource + " "
	}
	res, err := s.read(ctx, "start path", end("a")+end("b")+
		"CALL (a, b) { MATCH (a)-[r"+types+"]-(b) RETURN collect("+relationSeenColumns("a")+") AS direct } "+
		"CALL (a, b, direct) { UNWIND CASE WHEN direct = [] THEN [a] ELSE [] END AS x "+
		"MATCH (x)-["+types+"]-(m:"+labelEntity+")-["+types+"]-(b) USING JOIN ON m WHERE m <> x AND m <> b WITH m ORDER BY m.id LIMIT 1 "+
		"RETURN collect([m.id, COLLECT { MATCH (a)-[r"+types+"]-(m) RETURN "+relationSeenColumns("a")+" }, "+
		"COLLECT { MATCH (m)-[r"+types+"]-(b) RETURN "+relationSeenColumns("m")+" }]) AS middle } "+
		"CALL (a, b, direct, middle) { UNWIND CASE WHEN direct = [] AND middle = [] THEN [a, b] ELSE [] END AS n "+
		"RETURN collect("+expansionOf(types)+") AS ends } "+
		"RETURN direct, middle, ends",
		map[string]any{"a": a, "b": b})
	if err != nil || len(res.Records) == 0 {
		return nil, err // an end that names no entity: no path
	}
	return startOf(res.Records[0], a, b)
}

// startOf decodes StartPath's record.
func startOf(rec *neo4j.Record, a, b string) (*normgraph.PathStart, error) {
	const name = "start path"
	direct, err := collected(rec, "direct")
	if err != nil {
		return nil, fmt.Errorf("neo4jstore: %s: %w", name, err)
	}
	middle, err := collected(rec, "middle")
	if err != nil {
		return nil, fmt.Errorf("neo4jstore: %s: %w", name, err)
	}
	ends, err := collected(rec, "ends")
	if err != nil {
		return nil, fmt.Errorf("neo4jstore: %s: %w", name, err)
	}
	// rels decodes rows of relationSeenColumns seen from x towards y.
	rels := func(rows []any, x, y string) ([]*normgraph.Relation, error) {
		out := make([]*normgraph.Relation, 0, len(rows))
		for _, v := range rows {
			rel, err := relationSeen(rowOf(name, v, 3), x, y)
			if err != nil {
				return nil, fmt.Errorf("neo4jstore: %s: %w", name, err)
			}
			out = append(out, rel)
		}
		return out, nil
	}
	st := &normgraph.PathStart{}
	switch {
	case len(direct) > 0:
		st.Direct, err = rels(direct, a, b)
	case len(middle) > 0:
		r := rowOf(name, middle[0], 3)
		st.Middle = r.str(0)
		toMiddle, fromMiddle := r.list(1), r.list(2)
		if r.err != nil {
			return nil, fmt.Errorf("neo4jstore: %w", r.err)
		}
		if st.ToMiddle, err = rels(toMiddle, a, st.Middle); err == nil {
			st.FromMiddle, err = rels(fromMiddle, st.Middle, b)
		}
	default:
		st.Ends = make(map[string][]normgraph.Adjacency, 2)
		_, err = expansions(name, ends, st.Ends)
	}
	if err != nil {
		return nil, err
	}
	return st, nil
}

// Neighborhood implements normgraph.Store with the shared algorithm.
func (s *Store) Neighborhood(ctx context.Context, q normgraph.NeighborhoodQuery) (*normgraph.Subgraph, error) {
	if err := s.checkCtx(ctx); err != nil {
		return nil, err
	}
	return normgraph.Neighborhood(ctx, s, q)
}

// Subgraph implements normgraph.Store: the q.Limit entities of q.Kinds with
// the most relationships (ties by label, then id), and the relationships of
// q.Relations between them, ordered by id.
func (s *Store) Subgraph(ctx context.Context, q normgraph.SubgraphQuery) (*normgraph.Subgraph, error) {
	if err := s.checkCtx(ctx); err != nil {
		return nil, err
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	types, err := relPattern(q.Relations)
	if err != nil {
		return nil, err
	}
	params := map[string]any{"limit": int64(q.Limit)}
	kindCond := "NOT n:" + labelSource
	if len(q.Kinds) > 0 {
		kinds := make([]string, 0, len(q.Kinds))
		for _, k := range q.Kinds {
			kinds = append(kinds, string(k))
		}
		params["kinds"] = kinds
		kindCond += " AND n." + propKind + " IN $kinds"
	}
	res, err := s.read(ctx, "subgraph nodes",
		"MATCH (n:"+labelEntity+") WHERE "+kindCond+
			" WITH n, COUNT { (n)--() } AS degree ORDER BY degree DESC, n."+propLabel+", n.id "+
			"WITH collect({id: n.id, kind: n."+propKind+", label: n."+propLabel+", degree: degree}) AS ranked "+
			"RETURN ranked[..$limit] AS nodes, size(ranked) > $limit AS truncated",
		params)
	if err != nil {
		return nil, err
	}
	if len(res.Records) != 1 {
		return nil, fmt.Errorf("neo4jstore: subgraph: %d records", len(res.Records))
	}
	rec := res.Records[0]
	nodes, _, err := neo4j.GetRecordValue[[]any](rec, "nodes")
	if err != nil {
		return nil, fmt.Errorf("neo4jstore: subgraph: %w", err)
	}
	truncated, _, err := neo4j.GetRecordValue[bool](rec, "truncated")
	if err != nil {
		return nil, fmt.Errorf("neo4jstore: subgraph: %w", err)
	}
	sg := &normgraph.Subgraph{Nodes: make([]normgraph.GraphNode, 0, len(nodes)), Edges: []normgraph.GraphEdge{}, Truncated: truncated}
	ids := make([]string, 0, len(nodes))
	for _, v := range nodes {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("neo4jstore: subgraph: node is %T", v)
		}
		d := &decoder{what: "subgraph node", p: m}
		g := normgraph.GraphNode{ID: d.str("id"), Kind: normgraph.EntityKind(d.str("kind")), Label: d.str("label"), Degree: d.int("degree")}
		if d.err != nil {
			return nil, fmt.Errorf("neo4jstore: subgraph: %w", d.err)
		}
		sg.Nodes = append(sg.Nodes, g)
		ids = append(ids, g.ID)
	}
	if len(ids) == 0 {
		return sg, nil
	}
	rels, err := s.links(ctx, "subgraph edges", ids, types)
	if err != nil {
		return nil, err
	}
	for _, rel := range rels {
		sg.Edges = append(sg.Edges, normgraph.EdgeOf(rel))
	}
	slices.SortFunc(sg.Edges, func(a, b normgraph.GraphEdge) int { return cmp.Compare(a.ID, b.ID) })
	return sg, nil
}

var (
	_ normgraph.Linker          = (*Store)(nil)
	_ normgraph.NodeExpander    = (*Store)(nil)
	_ normgraph.PathStarter     = (*Store)(nil)
	_ normgraph.NearestExpander = (*Store)(nil)
)

// Links implements normgraph.Linker in one query: each node found by the
// id index, its relationships walked, and only those whose other end is
// among ids sent back.
func (s *Store) Links(ctx context.Context, ids []string, relations []normgraph.RelationType) ([]*normgraph.Relation, error) {
	if err := s.checkCtx(ctx); err != nil {
		return nil, err
	}
	types, err := relPattern(relations)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return s.links(ctx, "links", distinct(ids), types)
}

// links reads the relationships of types (a relPattern) between two of ids.
func (s *Store) links(ctx context.Context, name string, ids []string, types string) ([]*normgraph.Relation, error) {
	rec, err := s.readOne(ctx, name,
		"UNWIND $ids AS id MATCH (a:"+labelEntity+" {id: id})-[r"+types+"]->(b:"+labelEntity+") WHERE b.id IN $ids "+
			"RETURN collect([a.id, type(r), b.id, "+edgeProps+"]) AS rels",
		map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	found, err := collected(rec, "rels")
	if err != nil {
		return nil, fmt.Errorf("neo4jstore: %s: %w", name, err)
	}
	rels := make([]*normgraph.Relation, 0, len(found))
	for _, v := range found {
		r := rowOf(name, v, 4)
		from, typ, to, props := r.str(0), r.str(1), r.str(2), r.list(3)
		if r.err != nil {
			return nil, fmt.Errorf("neo4jstore: %w", r.err)
		}
		rel, err := decodeRelationValues(typ, from, to, edgeKeys, props)
		if err != nil {
			return nil, fmt.Errorf("neo4jstore: %s: %w", name, err)
		}
		rels = append(rels, rel)
	}
	return rels, nil
}

// relationOf decodes a (from, type, to, props) record.
func relationOf(rec *neo4j.Record) (*normgraph.Relation, error) {
	from, _, err := neo4j.GetRecordValue[string](rec, "from")
	if err != nil {
		return nil, err
	}
	to, _, err := neo4j.GetRecordValue[string](rec, "to")
	if err != nil {
		return nil, err
	}
	typ, _, err := neo4j.GetRecordValue[string](rec, "type")
	if err != nil {
		return nil, err
	}
	props, _, err := neo4j.GetRecordValue[map[string]any](rec, "props")
	if err != nil {
		return nil, err
	}
	return decodeRelation(typ, from, to, props)
}

// Stats implements normgraph.Store. Counts by label and by type come from
// Neo4j's count store, so this is cheap however large the graph.
func (s *Store) Stats(ctx context.Context) (*normgraph.Stats, error) {
	if err := s.checkCtx(ctx); err != nil {
		return nil, err
	}
	var parts []string
	var cols []string
	for i, l := range entityLabel {
		parts = append(parts, fmt.Sprintf("CALL () { MATCH (n:%s) RETURN count(n) AS k%d }", l, i))
		cols = append(cols, fmt.Sprintf("k%d", i))
	}
	for i, t := range normgraph.RelationTypes {
		parts = append(parts, fmt.Sprintf("CALL () { MATCH ()-[r:%s]->() RETURN count(r) AS r%d }", relType[t], i))
		cols = append(cols, fmt.Sprintf("r%d", i))
	}
	parts = append(parts, "CALL () { MATCH (n:"+labelSource+") RETURN count(n) AS src }",
		"OPTIONAL MATCH (meta:"+labelMeta+" {id: $meta})")
	cypher := strings.Join(parts, " ") + " RETURN " + strings.Join(cols, ", ") + ", src, meta.version AS version"
	res, err := s.read(ctx, "stats", cypher, map[string]any{"meta": metaID})
	if err != nil {
		return nil, err
	}
	if len(res.Records) != 1 {
		return nil, fmt.Errorf("neo4jstore: stats: %d records", len(res.Records))
	}
	rec := res.Records[0]
	count := func(col string) (int, error) {
		v, _, err := neo4j.GetRecordValue[int64](rec, col)
		return int(v), err
	}
	byKind := map[normgraph.EntityKind]int{}
	for i, k := range normgraph.EntityKinds {
		if byKind[k], err = count(fmt.Sprintf("k%d", i)); err != nil {
			return nil, fmt.Errorf("neo4jstore: stats: %w", err)
		}
	}
	byRel := map[normgraph.RelationType]int{}
	for i, t := range normgraph.RelationTypes {
		if byRel[t], err = count(fmt.Sprintf("r%d", i)); err != nil {
			return nil, fmt.Errorf("neo4jstore: stats: %w", err)
		}
	}
	src, err := count("src")
	if err != nil {
		return nil, fmt.Errorf("neo4jstore: stats: %w", err)
	}
	version, _, err := neo4j.GetRecordValue[string](rec, "version")
	if err != nil {
		return nil, fmt.Errorf("neo4jstore: stats: %w", err)
	}
	return normgraph.NewStats(byKind, byRel, src, version), nil
}

// distinct returns ids without repeats, in first-seen order: a batch from
// the API often asks for the same id many times.
func distinct(ids []string) []string {
	seen := make(map[string]struct{}, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if _, ok := seen[id]; !ok {
			seen[id] = struct{}{}
			out = append(out, id)
		}
	}
	return out
}
