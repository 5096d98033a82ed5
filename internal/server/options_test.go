package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/normgraph/normgraph/internal/server"
)

func TestIntrospection(t *testing.T) {
	queries := map[string]string{
		"__schema":         `{ __schema { queryType { name } } }`,
		"__type":           `{ __type(name: "Country") { name } }`,
		"through fragment": `query { ...Intro } fragment Intro on Query { __schema { types { name } } }`,
		"with data fields": `{ stats { entities } __schema { queryType { name } } }`,
	}
	t.Run("off", func(t *testing.T) {
		cs := &countingStore{Store: fixtureStore(t), calls: map[string]int{}}
		base := startServer(t, cs, server.Config{Introspection: false})
		for name, q := range queries {
			r := postJSON(t, base, map[string]any{"query": q}, "Accept", "application/graphql-response+json")
			d := decode(t, r)
			e := d.onlyError(t)
			if e.Extensions["code"] != server.CodeIntrospectionDisabled || !strings.Contains(e.Message, "introspection is disabled") {
				t.Errorf("%s: got %+v", name, e)
			}
			if r.status != http.StatusBadRequest || d.hasData() {
				t.Errorf("%s: status %d, body %s: want a 400 request error", name, r.status, r.body)
			}
		}
		if got := cs.reset(); len(got) != 0 {
			t.Errorf("rejected introspection reached the store: %v", got)
		}
		if d := decode(t, postJSON(t, base, map[string]any{"query": "{ __typename }"})); len(d.Errors) > 0 {
			t.Errorf("__typename must stay available: %+v", d.Errors)
		}
	})
	t.Run("on", func(t *testing.T) {
		base := startServer(t, fixtureStore(t), server.Config{Introspection: true})
		for name, q := range queries {
			d := decode(t, postJSON(t, base, map[string]any{"query": q}))
			if len(d.Errors) > 0 || len(d.Data) < 10 {
				t.Errorf("%s: %s %+v", name, d.Data, d.Errors)
			}
		}
	})
}

func TestPlayground(t *testing.T) {
	for _, on := range []bool{true, false} {
		base := startServer(t, fixtureStore(t), server.Config{Playground: on, Introspection: on})
		r := send(t, http.MethodGet, base+"/", "")
		switch {
		case on && (r.status != http.StatusOK || !strings.Contains(r.header.Get("Content-Type"), "text/html") ||
			!strings.Contains(string(r.body), "/graphql")):
			t.Errorf("playground on: status %d, %s", r.status, r.header.Get("Content-Type"))
		case !on && r.status != http.StatusNotFound:
			t.Errorf("playground off: status %d, want 404", r.status)
		}
		// Only / is the playground: other paths stay 404 either way.
		if r := send(t, http.MethodGet, base+"/nope", ""); r.status != http.StatusNotFound {
			t.Errorf("playground %v: /nope is %d", on, r.status)
		}
	}
}
