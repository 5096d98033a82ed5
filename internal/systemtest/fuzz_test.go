package systemtest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/normgraph/normgraph/internal/server"
	"github.com/normgraph/normgraph/internal/store/memstore"
	"github.com/normgraph/normgraph/internal/store/storetest"
)

// fuzzCodes are the extensions.code values an argument may earn: the API's
// documented codes (README "The API in brief", the Code* constants of
// internal/server) except INTERNAL, which bad input must never cause, plus
// GRAPHQL_VALIDATION_FAILED, gqlgen's code for a variable that does not
// coerce to its type (an Int outside 32 bits, an unknown enum value), which
// the server tests pin too.
var fuzzCodes = map[string]bool{
	server.CodeBadUserInput:        true,
	server.CodeQueryTooComplex:     true,
	server.CodeTimeout:             true,
	server.CodeDatabaseUnavailable: true,
	server.CodeRequestTooLarge:     true,
	server.CodeServerBusy:          true,
	server.CodeBadRequest:          true,
	"GRAPHQL_VALIDATION_FAILED":    true,
}

// fuzzOps are valid documents whose arguments all come from variables, so
// that whatever the fuzzer sends, only argument decoding and the resolvers
// are exercised, never the parser. Parents are fixture ids where an argument
// of a nested field is the target.
var fuzzOps = []string{
	// ids: node, ISO codes, every kind's lookup.
	`query($id: ID!) { node(id: $id) { id } country(id: $id) { id iso2 } priority(id: $id) { id }
	  norm(id: $id) { id } forum(id: $id) { id } initiative(id: $id) { id } source(id: $id) { id } }`,
	// asOf, first, after on a relationship, and a filter on it.
	`query($asOf: Date, $first: Int, $after: String, $text: String, $list: [ID!]) {
	  forum(id: "g7") { memberCount(asOf: $asOf)
	    members(asOf: $asOf, first: $first, after: $after, filter: { nameContains: $text, memberOf: $list, asOf: $asOf }) {
	      totalCount pageInfo { hasNextPage endCursor } edges { cursor since until node { id } } } } }`,
	// a fuzzed parent with dated traversals.
	`query($id: ID!, $asOf: Date, $first: Int, $after: String) { country(id: $id) { id
	  memberships(asOf: $asOf, first: $first, after: $after) { totalCount edges { cursor node { id } } }
	  initiatives(asOf: $asOf, first: $first, after: $after) { totalCount }
	  endorsedNorms(first: $first, after: $after) { totalCount } } }`,
	// country filters: nameContains, region, all-of lists, asOf.
	`query($text: String, $list: [ID!], $asOf: Date, $first: Int, $after: String) {
	  countries(filter: { nameContains: $text, region: $text, memberOf: $list, participatesIn: $list, endorses: $list, asOf: $asOf },
	    first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }`,
	// fora, norms and initiatives filters: any-of and all-of lists.
	`query($text: String, $list: [ID!], $asOf: Date, $first: Int, $after: String) {
	  fora(filter: { nameContains: $text, type: $text, advances: $list, hasMembers: $list, asOf: $asOf }, first: $first, after: $after) { totalCount edges { cursor } }
	  norms(filter: { nameContains: $text, framework: $text, supports: $list }, first: $first, after: $after) { totalCount }
	  initiatives(filter: { nameContains: $text, type: $text, advances: $list }, first: $first, after: $after) { totalCount } }`,
	// search text, kinds, first.
	`query($text: String!, $kinds: [EntityKind!], $first: Int) { search(query: $text, kinds: $kinds, first: $first) { score node { id kind } } }`,
	// path between fuzzed ids, maxHops, relations.
	`query($id: ID!, $to: ID!, $first: Int, $rels: [RelationType!]) {
	  path(from: $id, to: $to, maxHops: $first, relations: $rels) { length nodes { id } edges { id } } }`,
	// neighbourhood and subgraph sizes.
	`query($id: ID!, $first: Int, $kinds: [EntityKind!], $rels: [RelationType!]) {
	  neighborhood(id: $id, depth: $first, kinds: $kinds, relations: $rels, limit: $first) { nodes { id degree } edges { id } truncated }
	  subgraph(kinds: $kinds, relations: $rels, limit: $first) { nodes { id } truncated } }`,
	// sources, and the other dated and paged traversals.
	`query($asOf: Date, $first: Int, $after: String, $text: String) {
	  sources(first: $first, after: $after) { totalCount edges { cursor } }
	  initiative(id: "budapest-convention") { participantCount(asOf: $asOf)
	    participants(asOf: $asOf, first: $first, after: $after, filter: { nameContains: $text }) { totalCount } }
	  norm(id: "gge-13f") { endorsers(asOf: $asOf, first: $first, after: $after) { totalCount }
	    affirmedBy(first: $first, after: $after) { totalCount } promotedBy(first: $first, after: $after) { totalCount } }
	  priority(id: "internet-governance") { fora(first: $first, after: $after, filter: { nameContains: $text }) { totalCount } } }`,
}

var (
	fuzzKinds = []string{"PRIORITY", "NORM", "COUNTRY", "FORUM", "INITIATIVE"}
	fuzzRels  = []string{"ADVANCES", "SUPPORTS", "AFFIRMS", "PROMOTES", "MEMBER_OF", "PARTICIPATES_IN", "ENDORSES", "HOSTED_BY", "LEADS"}
)

// FuzzGraphQLArguments proves that no argument value, however odd, gets
// past the API's argument handling as anything but a clear client error: it
// sends fuzzed ids, dates (asOf), cursors (after), filters (nameContains,
// region, type, memberOf and the other id lists), search text, enum lists
// and first/maxHops/depth/limit values as variables of valid documents
// through the whole HTTP handler (server.New over memstore holding
// storetest.Fixture) and checks that nothing panics, no answer is a 5xx or
// not a GraphQL response, every error has a non-empty message and an
// extensions.code from fuzzCodes, "internal error" never appears, and the
// server logs nothing at error level (where panics and internal errors go).
func FuzzGraphQLArguments(f *testing.F) {
	store, err := memstore.New(storetest.Fixture())
	if err != nil {
		f.Fatal(err)
	}
	logs := &syncBuffer{}
	h := server.New(server.Config{
		Store:  store,
		Logger: zerolog.New(logs).Level(zerolog.ErrorLevel),
	})

	// Seeds: good values that reach deep, and the classic bad ones.
	valid := "eyJrIjoiVW5pdGVkIFN0YXRlcyIsImkiOiJ1c2EifQ" // not necessarily a real cursor
	for i := range fuzzOps {
		f.Add(uint8(i), "usa", "2010-06-01", "", "a", "osce,g7", 3)
		f.Add(uint8(i), "US", "2011-05", valid, "Congo", "foc", 0)
		f.Add(uint8(i), "budapest-convention", "2014", "bogus", "ünïcødé ☃", "internet-governance", 500)
		f.Add(uint8(i), "", "", "", "", "", -1)
	}
	f.Add(uint8(0), "rus", "1997-13-01", "%%%", "\x00", ",", 501)
	f.Add(uint8(1), "g7", "2014-03-24", "", "", "usa,rus", 1<<31)
	f.Add(uint8(5), "x", "0000-00-00", "", "A/70/174 13(f)", "country,FORUM", 20)
	f.Add(uint8(6), "freedom-online-coalition", "", "", "law-enforcement", "member_of,ADVANCES", 2147483647)
	f.Add(uint8(7), "osce", "-1", "", "", "LEADS,nope", -2147483648)

	f.Fuzz(func(t *testing.T, op uint8, id, date, cursor, text, list string, first int) {
		doc := fuzzOps[int(op)%len(fuzzOps)]
		items := strings.Split(list, ",")
		if list == "" {
			items = []string{}
		}
		vars := map[string]any{
			"id": id, "to": text, "text": text, "list": items,
			"asOf": date, "after": cursor, "first": first,
			"kinds": enumList(items, fuzzKinds), "rels": enumList(items, fuzzRels),
		}
		// The high bits make optional arguments null (absent), so the
		// defaults are fuzzed alongside the values.
		for i, name := range []string{"asOf", "after", "first", "list"} {
			if op&(0x10<<i) != 0 {
				vars[name] = nil
			}
		}
		body, err := json.Marshal(map[string]any{"query": doc, "variables": vars})
		if err != nil {
			t.Skip("not encodable as JSON")
		}
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		rec := httptest.NewRecorder()
		before := len(logs.String())
		h.ServeHTTP(rec, req)

		if rec.Code >= 500 {
			t.Fatalf("HTTP %d for variables %s: %s", rec.Code, jsonString(vars), rec.Body)
		}
		var resp gqlResponse
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			t.Fatalf("HTTP %d, not a GraphQL response (%v) for variables %s: %.500s", rec.Code, err, jsonString(vars), rec.Body)
		}
		if len(resp.Errors) == 0 && !resp.ok() {
			t.Fatalf("neither data nor errors for variables %s: %s", jsonString(vars), rec.Body)
		}
		for _, e := range resp.Errors {
			switch {
			case strings.TrimSpace(e.Message) == "":
				t.Fatalf("error without a message (code %q) for variables %s", e.code(), jsonString(vars))
			case e.code() == server.CodeInternal || strings.Contains(e.Message, "internal error"):
				t.Fatalf("internal error at %v for variables %s: %s\nserver log: %s",
					e.Path, jsonString(vars), rec.Body, logs.String()[before:])
			case !fuzzCodes[e.code()]:
				t.Fatalf("error %q at %v has extensions.code %q, not one of the documented codes, for variables %s",
					e.Message, e.Path, e.code(), jsonString(vars))
			}
		}
		if l := logs.String()[before:]; l != "" {
			t.Fatalf("server logged an error for variables %s: %s", jsonString(vars), l)
		}
	})
}

// enumList maps each item to an enum value when it names one in any case,
// and keeps it as it is otherwise (the variable then fails to coerce, which
// is a case to fuzz too).
func enumList(items, values []string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		v := it
		for _, e := range values {
			if strings.EqualFold(it, e) {
				v = e
				break
			}
		}
		out = append(out, v)
	}
	return out
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestFuzzOperationsAreValid keeps FuzzGraphQLArguments honest: each of its
// documents, with good values, answers without any error. A document broken
// by a schema change would otherwise fail validation on every input, which
// the fuzz target accepts as GRAPHQL_VALIDATION_FAILED, and fuzz nothing.
func TestFuzzOperationsAreValid(t *testing.T) {
	store, err := memstore.New(storetest.Fixture())
	if err != nil {
		t.Fatal(err)
	}
	h := server.New(server.Config{Store: store, Logger: zerolog.Nop()})
	for i, doc := range fuzzOps {
		vars := map[string]any{
			"id": "usa", "to": "law-enforcement", "text": "a", "list": []string{"osce"},
			"asOf": "2015-01-01", "after": nil, "first": 3,
			"kinds": []string{"COUNTRY", "FORUM"}, "rels": []string{"MEMBER_OF", "ADVANCES"},
		}
		body, _ := json.Marshal(map[string]any{"query": doc, "variables": vars})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var resp gqlResponse
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || rec.Code != http.StatusOK || !resp.ok() {
			t.Errorf("fuzzOps[%d] with good values: HTTP %d: %s", i, rec.Code, rec.Body)
		}
	}
}
