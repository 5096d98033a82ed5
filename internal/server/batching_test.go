package server_test

import (
	"context"
	"encoding/json"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/normgraph/normgraph/internal/normgraph"
	"github.com/normgraph/normgraph/internal/server"
	"github.com/normgraph/normgraph/internal/store/memstore"
	"github.com/normgraph/normgraph/internal/store/storetest"
)

// countingStore counts the Store calls a request makes.
type countingStore struct {
	normgraph.Store
	mu    sync.Mutex
	calls map[string]int
}

func (c *countingStore) inc(m string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[m]++
}

func (c *countingStore) reset() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	got := c.calls
	c.calls = map[string]int{}
	return got
}

func (c *countingStore) Entities(ctx context.Context, ids []string) ([]normgraph.Entity, error) {
	c.inc("Entities")
	return c.Store.Entities(ctx, ids)
}

func (c *countingStore) Sources(ctx context.Context, ids []string) ([]*normgraph.Source, error) {
	c.inc("Sources")
	return c.Store.Sources(ctx, ids)
}

func (c *countingStore) List(ctx context.Context, k normgraph.EntityKind, f normgraph.Filter, p normgraph.PageArgs) (*normgraph.Page, error) {
	c.inc("List")
	return c.Store.List(ctx, k, f, p)
}

func (c *countingStore) Related(ctx context.Context, ids []string, t normgraph.Traversal, p normgraph.PageArgs) ([]*normgraph.Page, error) {
	c.inc("Related")
	return c.Store.Related(ctx, ids, t, p)
}

// TestBatching proves the dataloaders: a nested query makes one Store call per
// field per nesting level, whatever the number of parents at that level. The
// batching window is widened so that a busy test machine cannot make a level
// straggle past it; the production window trades that margin for latency.
func TestBatching(t *testing.T) {
	mem, err := memstore.New(storetest.Fixture())
	if err != nil {
		t.Fatal(err)
	}
	cs := &countingStore{Store: mem, calls: map[string]int{}}
	url := startServer(t, cs, server.Config{BatchWait: 50 * time.Millisecond})

	const q = `query($n: Int) {
	  fora(first: $n) { edges { node { id sources { id }
	    members(first: 10) { totalCount edges { node { id
	      memberships(first: 10) { edges { node { id priorities { id } } } } } } } } } } }`
	want := map[string]int{"List": 1, "Sources": 1, "Related": 3}
	for _, n := range []int{1, 2, 50} {
		cs.reset()
		data := query(t, url, q, map[string]any{"n": n})
		parents := len(data["fora"].(map[string]any)["edges"].([]any))
		got := cs.reset()
		for m, w := range want {
			if got[m] != w {
				t.Errorf("with %d fora: %s called %d times, want %d (all calls: %v)", parents, m, got[m], w, got)
			}
		}
		if n == 50 && parents < 3 {
			t.Fatalf("fixture has only %d fora: the test needs several parents per level", parents)
		}
	}
}

// batchingStore is a store that batches natively (as Neo4j does) and
// counts its batches.
type batchingStore struct {
	normgraph.Store
	mu      sync.Mutex
	batches int
}

func (b *batchingStore) Batch(ctx context.Context, req normgraph.Batch) (*normgraph.BatchResult, error) {
	b.mu.Lock()
	b.batches++
	b.mu.Unlock()
	return normgraph.BatchEach(ctx, b.Store, req)
}

func (b *batchingStore) reset() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := b.batches
	b.batches = 0
	return n
}

// TestBatchingOneBatchPerLevel: with a store that batches natively, every
// field of one nesting level (sources, members, counts) shares one Batch,
// and the relationship fields of the levels below, with the sources their
// pages cite, are fetched ahead in it.
func TestBatchingOneBatchPerLevel(t *testing.T) {
	mem, err := memstore.New(storetest.Fixture())
	if err != nil {
		t.Fatal(err)
	}
	bs := &batchingStore{Store: mem}
	url := startServer(t, bs, server.Config{BatchWait: 50 * time.Millisecond})
	plain := startServer(t, mem, server.Config{})
	const q = `{ fora(first: 50) { edges { node { id sources { id } memberCount
	    members(first: 10) { totalCount edges { sources { id } node { id sources { id }
	      memberships(first: 10) { edges { node { id priorities { id } } } } } } } } } } }`
	got := query(t, url, q, nil)
	// Below the root list, one batch: sources + memberCount + members,
	// with the members' memberships and their priorities fetched ahead,
	// and the sources the members and their edges cite.
	if n := bs.reset(); n != 1 {
		t.Errorf("%d batches, want 1", n)
	}
	if want := query(t, plain, q, nil); !reflect.DeepEqual(got, want) {
		t.Errorf("answer with pages fetched ahead differs from the plain one:\n got %v\nwant %v", got, want)
	}
}

// levelQueries are nested queries over the curated data with several
// relationship fields per nesting level, and how many Neo4j queries they
// cost. A root lookup by id and every connection fetch the relationship
// fields below them ahead, all levels deep, in their own query. What cannot
// be fetched ahead costs one query per level: the sources of a root list's
// nodes (those of a lookup, and of the nodes and edges on every page, come
// with them), a relationship field whose arguments the lookahead does not decode
// (with what is below it), and the fields below country(id:) when it is
// given an ISO code rather than an id.
var levelQueries = []struct {
	name    string
	query   string
	vars    map[string]any
	queries int
}{
	{"forum, five fields per level", `query($id: ID!) { forum(id: $id) { id acronym memberCount
	    sources { id } priorities { id shortName } affirmedNorms { id }
	    initiatives(first: 5) { totalCount edges { node { id } } }
	    members(first: 10) { totalCount edges { since sources { id } node { id name sources { id }
	      memberships(first: 3) { totalCount edges { node { id priorities { id } members(first: 2) { totalCount } } } }
	      initiatives(first: 2) { totalCount edges { role node { id hostedBy { id } } } }
	      endorsedNorms(first: 2) { totalCount } leads { id } } } } } }`,
		map[string]any{"id": "osce"}, 1},
	{"priorityForaMembers (bench)", `query($priority: ID!) { priority(id: $priority) { id shortName
	    fora(first: 10) { totalCount edges { node { id acronym
	      members(first: 20) { totalCount edges { since node { id name memberships(first: 1) { totalCount } } } } } } } } }`,
		map[string]any{"priority": "internet-governance"}, 1},
	{"forumMembersInitiatives (bench)", `query($forum: ID!) { forum(id: $forum) { id acronym memberCount
	    members(first: 30) { totalCount edges { since node { id name
	      initiatives(first: 10) { totalCount edges { role since node { id name type } } } } } } } }`,
		map[string]any{"forum": "osce"}, 1},
	{"countryInitiativesNorms (bench)", `query($country: ID!) { country(id: $country) { id name
	    initiatives(first: 20) { totalCount edges { role node { id name
	      norms { id code priorities { id shortName } } hostedBy { id acronym } } } } } }`,
		map[string]any{"country": "FR"}, 2},
	{"prioritiesOverview (bench): counts below a root list", `{ priorities { id shortName order
	    fora(first: 1) { totalCount } initiatives(first: 1) { totalCount } norms(first: 1) { totalCount } } }`,
		nil, 2},
	{"root connection with a filter, two levels below", `{ countries(filter: {region: "Europe"}, first: 10) { totalCount edges { node { id
	    memberships(first: 3) { totalCount edges { since node { id acronym priorities { id } } } } } } } }`,
		nil, 2},
	{"root list, three levels below, variables and fragments", `query($m: Int) { fora(first: 8) { edges { node { id sources { id }
	    priorities { id norms(first: 3) { totalCount edges { node { ...affirmed } } } }
	    members(first: $m) { edges { node { id ... on Entity { name } ... on Country { endorsedNorms(first: 3) { totalCount } } } } } } } } }
	  fragment affirmed on Norm { id affirmedBy(first: 2) { totalCount edges { node { acronym } } } }`,
		map[string]any{"m": 5}, 2},
	{"country by id, and by code", `{ byID: country(id: "fra") { id memberships(first: 3) { totalCount edges { node { id memberCount } } } }
	    byCode: country(id: "DE") { id memberships(first: 3) { totalCount edges { node { id memberCount } } } } }`,
		nil, 2},
	{"fetched ahead, many far ends with nothing below them", `{ forum(id: "osce") { id
	    members(first: 60) { totalCount edges { node { id leads { id } endorsedNorms(first: 2) { totalCount edges { node { id } } } } } } } }`,
		nil, 1},
	{"every field of the far ends, three levels down", `{ forum(id: "osce") { id
	    members(first: 5) { edges { since until role node { __typename id kind name description aliases iso2 iso3 region subregion
	      memberships(first: 3) { edges { node { id kind name description aliases acronym type founded url
	        initiatives(first: 2) { edges { node { id name description aliases type launched url
	          norms { id code text framework description aliases priorities { id shortName order description aliases } } } } } } } } } } } } }`,
		nil, 1},
	{"one field twice, reading different fields of its far ends", `{ forum(id: "nato") {
	    a: members(first: 4) { edges { node { id iso2 memberships(first: 2) { edges { node { acronym } } } } } }
	    b: members(first: 4) { edges { node { id region memberships(first: 2) { edges { node { founded } } } } } } } }`,
		nil, 1},
	{"a filter from variables, one ID given for a list: left to its resolver", `query($r: String, $m: [ID!]) { forum(id: "osce") { id
	    members(filter: {region: $r, memberOf: $m}, first: 3) { totalCount edges { node { id memberships(first: 2) { totalCount } } } }
	    eu: members(filter: {memberOf: "european-union"}, first: 2) { totalCount edges { node { id } } } } }`,
		map[string]any{"r": "Europe", "m": []any{"nato"}}, 2},
	{"asOf on counts and connections below a lookup", `{ forum(id: "council-of-europe") { id
	    memberCount(asOf: "2021-01-01") old: memberCount(asOf: "1990-01-01")
	    members(asOf: "2021-01-01", first: 5) { totalCount edges { since until node { id
	      memberships(asOf: "2013-06-01", first: 3) { totalCount edges { node { id memberCount(asOf: "2013-06-01") } } } } } } } }`,
		nil, 1},
	{"neighborhood, depth 1: the centre with its relationships, then the links within its ring",
		`{ neighborhood(id: "nato", depth: 1) { truncated nodes { id kind label degree } edges { id type source target since until } } }`,
		nil, 2},
	{"neighborhood, depth 2, cut at the limit", `{ neighborhood(id: "osce", depth: 2, limit: 150) { truncated
	    nodes { id kind label degree } edges { id type source target since until } } }`,
		nil, 3},
	{"neighborhood of a node without relationships of the types asked", `{ neighborhood(id: "internet-governance", relations: [MEMBER_OF]) {
	    truncated nodes { id degree } edges { id } } }`,
		nil, 1},
	{"path of length 2: found between both ends in one statement, then the nodes of the path", `{ path(from: "usa", to: "internet-governance") {
	    length nodes { id kind name } edges { id type source target since until } } }`, nil, 2},
	{"path of length 3: no path of two steps, so both ends come back expanded; one more layer; the nodes", `{ path(from: "bra", to: "budapest-convention", relations: [MEMBER_OF, ADVANCES]) {
	    length nodes { id } edges { id } } }`, nil, 3},
	{"neighborhood of an unknown id", `{ neighborhood(id: "nowhere") { truncated nodes { id } edges { id } } }`, nil, 1},
	{"priorityById (bench): a lookup's own sources come with it", `query($priority: ID!) { priority(id: $priority) {
	    id name shortName order description sources { id title url } } }`,
		map[string]any{"priority": "internet-governance"}, 1},
	{"a lookup's sources through a fragment, with a count", `{ forum(id: "nato") { memberCount ... on Entity { sources { title publisher } } } }`,
		nil, 1},
	{"a lookup by code: its sources wait for the country", `{ country(id: "FR") { id sources { id title } } }`,
		nil, 2},
	{"one field twice, reading different fields of its relations", `{ forum(id: "g7") { id
	    a: members(first: 10) { edges { note node { id initiatives(first: 3) { edges { role sources { id } node { id } } } } } }
	    b: members(first: 10) { edges { role until node { id } } } } }`,
		nil, 1},
	{"sources on a root list's nodes, and on the pages below them", `{ fora(first: 3) { edges { node { id sources { id }
	    members(first: 2) { edges { sources { id } node { id sources { title } } } }
	    affirmedNorms { id sources { id url } } } } } }`,
		nil, 2},
	{"sources of the nodes only, not of the edges", `{ forum(id: "g7") { members(first: 10) { edges { node { id sources { id } } } } } }`,
		nil, 1},
	{"sources of the edges only, through a fragment", `{ forum(id: "g7") { members(first: 10) { edges { ...s node { id } } } } }
	  fragment s on CountryEdge { sources { id title } }`,
		nil, 1},
	{"asOf, a filter and a cursor are fetched ahead too", `query($after: String) { forum(id: "osce") { id
	    members(first: 4, after: $after) { edges { node { id
	      memberships(asOf: "2015-01-01", first: 3) { totalCount edges { node { id
	        members(filter: {region: "Europe"}, first: 2) { totalCount edges { node { id leads { id } } } } } } }
	      initiatives(first: 2) { totalCount edges { node { id } } } } } } } }`,
		map[string]any{"after": normgraph.Cursor{Key: "Andorra", ID: "and"}.Encode()}, 1},
}

// TestNeo4jOneQueryPerLevel proves the Neo4j read path against a real
// server: a query costs at most one Neo4j query per nesting level, however
// many relationship fields and parents each level has, fewer where the
// levels below are fetched ahead (see levelQueries), and answers exactly as
// the embedded graph does. The batching window is widened as in
// TestBatching, so that a busy machine cannot split a level.
func TestNeo4jOneQueryPerLevel(t *testing.T) {
	ds := curated(t)
	neo := seededNeo4j(t, ds)
	mem, err := memstore.New(ds)
	if err != nil {
		t.Fatal(err)
	}
	neoURL := startServer(t, neo, server.Config{BatchWait: 50 * time.Millisecond})
	memURL := startServer(t, mem, server.Config{})

	for _, tc := range levelQueries {
		t.Run(tc.name, func(t *testing.T) {
			before := neo.ReadQueries()
			got := query(t, neoURL, tc.query, tc.vars)
			if n := neo.ReadQueries() - before; n != int64(tc.queries) {
				t.Errorf("%d Neo4j queries, want %d", n, tc.queries)
			}
			if want := query(t, memURL, tc.query, tc.vars); !reflect.DeepEqual(got, want) {
				g, _ := json.MarshalIndent(got, "", " ")
				w, _ := json.MarshalIndent(want, "", " ")
				t.Errorf("Neo4j answer differs from the embedded graph's:\n got %s\nwant %s", g, w)
			}
		})
	}
}
