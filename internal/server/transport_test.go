package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/normgraph/normgraph/internal/server"
)

// TestContentNegotiation: Accept picks the response type.
func TestContentNegotiation(t *testing.T) {
	base := startServer(t, fixtureStore(t), server.Config{})
	const gqlResp = "application/graphql-response+json"
	for _, tc := range []struct{ accept, want string }{
		{"", "application/json"},
		{"*/*", "application/json"},
		{"application/*", "application/json"},
		{"application/json", "application/json"},
		{gqlResp, gqlResp},
		{gqlResp + ", application/json;q=0.9", gqlResp},
		{"application/json, " + gqlResp, gqlResp},
		{"application/json;q=1, " + gqlResp + ";q=0.5", "application/json"},
		{gqlResp + ";q=0, */*", "application/json"},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/json"},
		{gqlResp + ";q=0.1, */*;q=0.05", gqlResp},
		{"text/html", ""},
		{"application/json;q=0", ""},
	} {
		r := send(t, http.MethodGet, base+"/graphql?query="+url.QueryEscape("{ __typename }"), "", "Accept", tc.accept)
		if tc.want == "" {
			if r.status != http.StatusNotAcceptable || decode(t, r).onlyError(t).Extensions["code"] != server.CodeNotAcceptable {
				t.Errorf("Accept %q: status %d %s, want 406", tc.accept, r.status, r.body)
			}
			continue
		}
		if ct := r.header.Get("Content-Type"); r.status != http.StatusOK || ct != tc.want+"; charset=utf-8" {
			t.Errorf("Accept %q: status %d, Content-Type %q, want %s", tc.accept, r.status, ct, tc.want)
		}
	}
}

// TestRequestErrors: parse and validation failures are request errors with
// no data entry, 200 under application/json and 400 under
// application/graphql-response+json.
func TestRequestErrors(t *testing.T) {
	base := startServer(t, fixtureStore(t), server.Config{})
	for _, tc := range []struct {
		name string
		body map[string]any
		code string
	}{
		{"parse", map[string]any{"query": "{"}, "GRAPHQL_PARSE_FAILED"},
		{"validation", map[string]any{"query": "{ nope }"}, "GRAPHQL_VALIDATION_FAILED"},
		{"variable coercion", map[string]any{"query": "query($id: ID!) { country(id: $id) { id } }", "variables": map[string]any{"id": nil}}, "GRAPHQL_VALIDATION_FAILED"},
		{"unknown operation", map[string]any{"query": "query A { __typename }", "operationName": "B"}, "GRAPHQL_VALIDATION_FAILED"},
	} {
		for accept, status := range map[string]int{"application/json": 200, "application/graphql-response+json": 400} {
			r := postJSON(t, base, tc.body, "Accept", accept)
			d := decode(t, r)
			if r.status != status || d.hasData() || len(d.Errors) == 0 || d.Errors[0].Extensions["code"] != tc.code {
				t.Errorf("%s, %s: status %d, body %s; want %d, no data, code %s", tc.name, accept, r.status, r.body, status, tc.code)
			}
		}
	}
}

// TestMalformedRequests: what is not GraphQL over HTTP gets a 4xx and a
// code of its own, whatever the Accept header.
func TestMalformedRequests(t *testing.T) {
	base := startServer(t, fixtureStore(t), server.Config{})
	gql := base + "/graphql"
	for _, tc := range []struct {
		name                string
		method, body, ctype string
		status              int
		code, msg           string
	}{
		{"PUT", http.MethodPut, `{"query":"{ __typename }"}`, "application/json", 405, server.CodeMethodNotAllowed, "method PUT is not allowed"},
		{"DELETE", http.MethodDelete, "", "", 405, server.CodeMethodNotAllowed, "GET or POST"},
		{"no content type", http.MethodPost, `{"query":"{ __typename }"}`, "", 415, server.CodeUnsupportedMediaType, "Content-Type: application/json"},
		{"text/plain", http.MethodPost, `{"query":"{ __typename }"}`, "text/plain", 415, server.CodeUnsupportedMediaType, "Content-Type: application/json"},
		{"latin-1", http.MethodPost, `{"query":"{ __typename }"}`, "application/json; charset=iso-8859-1", 415, server.CodeUnsupportedMediaType, "UTF-8"},
		{"empty body", http.MethodPost, "", "application/json", 400, server.CodeBadRequest, "body is empty"},
		{"not JSON", http.MethodPost, `{"query":`, "application/json", 400, server.CodeBadRequest, "not a JSON object"},
		{"JSON array", http.MethodPost, `[{"query":"{ __typename }"}]`, "application/json", 400, server.CodeBadRequest, "not a JSON object"},
		{"no query", http.MethodPost, `{"qeury":"{ __typename }"}`, "application/json", 400, server.CodeBadRequest, "no query"},
		{"query not a string", http.MethodPost, `{"query":{"a":1}}`, "application/json", 400, server.CodeBadRequest, "query must be a string"},
		{"operationName not a string", http.MethodPost, `{"query":"{ __typename }","operationName":1}`, "application/json", 400, server.CodeBadRequest, "operationName must be a string"},
		{"variables not an object", http.MethodPost, `{"query":"{ __typename }","variables":"{}"}`, "application/json", 400, server.CodeBadRequest, "variables must be a JSON object"},
		{"extensions not an object", http.MethodPost, `{"query":"{ __typename }","extensions":[]}`, "application/json", 400, server.CodeBadRequest, "extensions must be a JSON object"},
		{"GET without query", http.MethodGet, "", "", 400, server.CodeBadRequest, "no query"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			headers := []string{"Accept", "application/graphql-response+json"}
			if tc.ctype != "" {
				headers = append(headers, "Content-Type", tc.ctype)
			}
			r := send(t, tc.method, gql, tc.body, headers...)
			e := decode(t, r).onlyError(t)
			if r.status != tc.status || e.Extensions["code"] != tc.code || !strings.Contains(e.Message, tc.msg) {
				t.Errorf("status %d, %+v; want %d %s %q", r.status, e, tc.status, tc.code, tc.msg)
			}
			if tc.status == 405 && r.header.Get("Allow") != "GET, POST, OPTIONS" {
				t.Errorf("Allow %q", r.header.Get("Allow"))
			}
		})
	}
	t.Run("GET variables", func(t *testing.T) {
		q := url.Values{"query": {"query($id: ID!) { priority(id: $id) { order } }"}, "variables": {`{"id":"economy"}`}}
		r := send(t, http.MethodGet, gql+"?"+q.Encode(), "")
		if d := decode(t, r); r.status != 200 || !strings.Contains(string(d.Data), `"order":1`) {
			t.Errorf("status %d, body %s", r.status, r.body)
		}
		q.Set("variables", "not json")
		if r := send(t, http.MethodGet, gql+"?"+q.Encode(), ""); r.status != 400 {
			t.Errorf("bad variables: status %d", r.status)
		}
	})
	t.Run("OPTIONS", func(t *testing.T) {
		r := send(t, http.MethodOptions, gql, "")
		if r.status != http.StatusNoContent || r.header.Get("Allow") != "GET, POST, OPTIONS" {
			t.Errorf("status %d, Allow %q", r.status, r.header.Get("Allow"))
		}
	})
}
