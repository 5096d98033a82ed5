package neo4jstore

import (
	"fmt"
	"strings"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// query assembles Cypher from constant fragments and binds every value as a
// parameter, so no caller input ever becomes Cypher text.
type query struct {
	params map[string]any
	n      int
}

func newQuery() *query { return &query{params: map[string]any{}} }

// bind adds a parameter and returns its reference ($p0, $p1, ...).
func (q *query) bind(v any) string {
	name := fmt.Sprintf("p%d", q.n)
	q.n++
	q.params[name] = v
	return "$" + name
}

// variable returns a fresh variable name (v0, v1, ...): a subquery of a
// filter must not pick up a variable of the query around it (EXISTS and
// COUNT subqueries see the outer scope).
func (q *query) variable() string {
	name := fmt.Sprintf("v%d", q.n)
	q.n++
	return name
}

// inForce is the Cypher twin of Relation.InForce for relationship variable
// r: since <= asOf (or none) and no until or until > asOf, dates comparing as
// their first day.
//
// Stored dates are ISO strings at the curator's precision and asOf is bound
// as the full string of its first day F. For a stored date D (4-digit year,
// 2-digit month and day), the string order of D and F equals the order of
// D's first day and F: if F starts with D, D's first day is <= F and D < F
// as a string (a proper prefix, or equal); otherwise the first differing
// character, which lies within D, decides both comparisons alike. So
// "D <= F" and "D > F" on strings are exact.
func (q *query) inForce(r string, asOf *normgraph.Date) string {
	if asOf == nil || asOf.IsZero() {
		return ""
	}
	p := q.bind(asOf.Time().Format("2006-01-02"))
	return fmt.Sprintf("(%[1]s.%[2]s IS NULL OR %[1]s.%[2]s <= %[4]s) AND (%[1]s.%[3]s IS NULL OR %[1]s.%[3]s > %[4]s)",
		r, propSince, propUntil, p)
}

// filter returns the Cypher conditions (ANDed) that entity variable n must
// meet to pass f; see normgraph.Filter.
func (q *query) filter(n string, f normgraph.Filter) []string {
	var c []string
	if f.NameContains != "" {
		x := q.variable()
		c = append(c, fmt.Sprintf("any(%[1]s IN %[2]s.%[3]s WHERE %[1]s CONTAINS %[4]s)", x, n, propNames, q.bind(strings.ToLower(f.NameContains))))
	}
	if f.Type != "" {
		c = append(c, fmt.Sprintf("%s.type = %s", n, q.bind(f.Type)))
	}
	if f.Framework != "" {
		c = append(c, fmt.Sprintf("%s.framework = %s", n, q.bind(f.Framework)))
	}
	if f.Region != "" {
		c = append(c, fmt.Sprintf("%s IN %s.%s", q.bind(strings.ToLower(f.Region)), n, propRegionKeys))
	}
	anyOf := func(t normgraph.RelationType, ids []string) {
		if len(ids) > 0 {
			x := q.variable()
			c = append(c, fmt.Sprintf("EXISTS { MATCH (%s)-[:%s]->(%s:%s) WHERE %s.id IN %s }", n, relType[t], x, labelEntity, x, q.bind(ids)))
		}
	}
	anyOf(normgraph.RelAdvances, f.Advances)
	anyOf(normgraph.RelSupports, f.Supports)
	// allOf: for every id, a relationship of type t between n and that id, in
	// force on asOf when given.
	allOf := func(t normgraph.RelationType, ids []string, outgoing bool, asOf *normgraph.Date) {
		if len(ids) == 0 {
			return
		}
		x, r := q.variable(), q.variable()
		pat := fmt.Sprintf("(%s)-[%s:%s]->(:%s {id: %s})", n, r, relType[t], labelEntity, x)
		if !outgoing {
			pat = fmt.Sprintf("(:%s {id: %s})-[%s:%s]->(%s)", labelEntity, x, r, relType[t], n)
		}
		where := ""
		if cond := q.inForce(r, asOf); cond != "" {
			where = " WHERE " + cond
		}
		c = append(c, fmt.Sprintf("all(%s IN %s WHERE EXISTS { MATCH %s%s })", x, q.bind(ids), pat, where))
	}
	allOf(normgraph.RelMemberOf, f.MemberOf, true, f.AsOf)
	allOf(normgraph.RelParticipatesIn, f.ParticipatesIn, true, f.AsOf)
	allOf(normgraph.RelEndorses, f.Endorses, true, nil)
	allOf(normgraph.RelMemberOf, f.HasMembers, false, f.AsOf)
	return c
}

// sortOrder is the order of a page: by the property prop, which alone
// orders entities (sortKey holds their sort key and id, see sortValue);
// sources are ordered by title and then id.
type sortOrder struct {
	prop   string
	unique bool
}

var (
	byEntityKey   = sortOrder{prop: propSortKey, unique: true}
	bySourceTitle = sortOrder{prop: "title"}
)

// by is the ORDER BY list of o for variable n.
func (o sortOrder) by(n string) string {
	if o.unique {
		return n + "." + o.prop
	}
	return n + "." + o.prop + ", " + n + ".id"
}

// after is the keyset condition "comes after cursor c" for variable n in
// order o.
func (q *query) after(n string, o sortOrder, c *normgraph.Cursor) string {
	if c == nil {
		return ""
	}
	if o.unique {
		return fmt.Sprintf("%s.%s > %s", n, o.prop, q.bind(sortValue(c.Key, c.ID)))
	}
	k, id := q.bind(c.Key), q.bind(c.ID)
	return fmt.Sprintf("(%[1]s.%[2]s > %[3]s OR (%[1]s.%[2]s = %[3]s AND %[1]s.id > %[4]s))", n, o.prop, k, id)
}

// where joins conditions with AND; "true" when there are none.
func where(conds ...string) string {
	var keep []string
	for _, c := range conds {
		if c != "" {
			keep = append(keep, c)
		}
	}
	if len(keep) == 0 {
		return "true"
	}
	return strings.Join(keep, " AND ")
}
