package server_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/normgraph/normgraph/internal/server"
)

func sha(q string) string {
	s := sha256.Sum256([]byte(q))
	return hex.EncodeToString(s[:])
}

func persisted(hash string) map[string]any {
	return map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}
}

// getPersisted sends a hash-only GET, the form CDNs cache.
func getPersisted(t *testing.T, base, hash string, headers ...string) reply {
	t.Helper()
	ext, _ := json.Marshal(persisted(hash))
	return send(t, http.MethodGet, base+"/graphql?extensions="+url.QueryEscape(string(ext)), "", headers...)
}

func TestAutomaticPersistedQueries(t *testing.T) {
	base := startServer(t, fixtureStore(t), server.Config{})
	const q = `query PriorityOrder { priority(id: "economy") { order } }`
	hash := sha(q)

	t.Run("hash only before registration", func(t *testing.T) {
		e := decode(t, postJSON(t, base, map[string]any{"extensions": persisted(hash)})).onlyError(t)
		if e.Extensions["code"] != server.CodePersistedQueryNotFound || e.Message != "PersistedQueryNotFound" {
			t.Fatalf("got %+v, want PersistedQueryNotFound", e)
		}
	})
	t.Run("register with query and hash", func(t *testing.T) {
		d := decode(t, postJSON(t, base, map[string]any{"query": q, "extensions": persisted(hash)}))
		if len(d.Errors) > 0 || !strings.Contains(string(d.Data), `"order":1`) {
			t.Fatalf("got %s", d.Data)
		}
	})
	t.Run("hash only after registration", func(t *testing.T) {
		for name, r := range map[string]reply{
			"POST": postJSON(t, base, map[string]any{"extensions": persisted(hash)}),
			"GET":  getPersisted(t, base, hash),
		} {
			d := decode(t, r)
			if r.status != http.StatusOK || len(d.Errors) > 0 || !strings.Contains(string(d.Data), `"order":1`) {
				t.Errorf("%s: status %d, body %s", name, r.status, r.body)
			}
		}
	})
	t.Run("hash that is not the query's", func(t *testing.T) {
		e := decode(t, postJSON(t, base, map[string]any{"query": "{ __typename }", "extensions": persisted(hash)})).onlyError(t)
		if e.Extensions["code"] != server.CodeBadUserInput || !strings.Contains(e.Message, "hash does not match") {
			t.Errorf("got %+v", e)
		}
	})
	t.Run("unsupported version", func(t *testing.T) {
		ext := map[string]any{"persistedQuery": map[string]any{"version": 2, "sha256Hash": hash}}
		e := decode(t, postJSON(t, base, map[string]any{"extensions": ext})).onlyError(t)
		if e.Extensions["code"] != server.CodeBadUserInput || !strings.Contains(e.Message, "version must be 1") {
			t.Errorf("got %+v", e)
		}
	})
	t.Run("oversized queries run but are not cached", func(t *testing.T) {
		big := "# " + strings.Repeat("x", 20<<10) + "\n{ __typename }"
		d := decode(t, postJSON(t, base, map[string]any{"query": big, "extensions": persisted(sha(big))}))
		if len(d.Errors) > 0 {
			t.Fatalf("the query did not run: %+v", d.Errors)
		}
		e := decode(t, postJSON(t, base, map[string]any{"extensions": persisted(sha(big))})).onlyError(t)
		if e.Extensions["code"] != server.CodePersistedQueryNotFound {
			t.Errorf("a %d-byte query was cached: %+v", len(big), e)
		}
	})
}

func TestAPQDisabled(t *testing.T) {
	base := startServer(t, fixtureStore(t), server.Config{DisableAPQ: true})
	e := decode(t, postJSON(t, base, map[string]any{"extensions": persisted(sha("{ __typename }"))})).onlyError(t)
	if e.Extensions["code"] != server.CodePersistedQueryNotSupported || e.Message != "PersistedQueryNotSupported" {
		t.Errorf("got %+v", e)
	}
	if d := decode(t, postJSON(t, base, map[string]any{"query": "{ __typename }"})); len(d.Errors) > 0 {
		t.Errorf("plain queries must still run: %+v", d.Errors)
	}
}

func TestLoadPersistedQueries(t *testing.T) {
	const q1 = "query A { stats { entities } }\n"
	const q2 = "query B { priorities { id } }\n"

	t.Run("directory of .graphql files", func(t *testing.T) {
		dir := t.TempDir()
		must(t, os.WriteFile(filepath.Join(dir, "a.graphql"), []byte(q1), 0o644))
		must(t, os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
		must(t, os.WriteFile(filepath.Join(dir, "sub", "b.graphql"), []byte(q2), 0o644))
		must(t, os.WriteFile(filepath.Join(dir, "README.md"), []byte("not a query"), 0o644))
		pq, err := server.LoadPersistedQueries(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(pq) != 2 || pq[sha(q1)] != q1 || pq[sha(q2)] != q2 {
			t.Errorf("got %v", pq)
		}
	})
	t.Run("JSON file", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "pq.json")
		b, _ := json.Marshal(map[string]string{strings.ToUpper(sha(q1)): q1, sha(q2): q2})
		must(t, os.WriteFile(f, b, 0o644))
		pq, err := server.LoadPersistedQueries(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(pq) != 2 || pq[sha(q1)] != q1 {
			t.Errorf("got %v (hashes must be stored in lowercase)", pq)
		}
	})
	for name, content := range map[string]string{
		"wrong hash":  `{"` + sha(q1) + `": "` + strings.TrimSpace(q2) + `"}`,
		"empty query": `{"` + sha("") + `": ""}`,
		"not JSON":    `[1, 2]`,
		"empty list":  `{}`,
	} {
		t.Run(name, func(t *testing.T) {
			f := filepath.Join(t.TempDir(), "pq.json")
			must(t, os.WriteFile(f, []byte(content), 0o644))
			if pq, err := server.LoadPersistedQueries(f); err == nil {
				t.Errorf("accepted: %v", pq)
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		if _, err := server.LoadPersistedQueries(filepath.Join(t.TempDir(), "nope.json")); err == nil {
			t.Error("a missing file was accepted")
		}
	})
}

func TestPersistedQueryAllowlist(t *testing.T) {
	const allowed = `query PriorityOrder { priority(id: "economy") { order } }`
	base := startServer(t, fixtureStore(t), server.Config{
		PersistedQueries: server.PersistedQueries{sha(allowed): allowed},
	})
	ok := func(t *testing.T, r reply) {
		t.Helper()
		d := decode(t, r)
		if r.status != http.StatusOK || len(d.Errors) > 0 || !strings.Contains(string(d.Data), `"order":1`) {
			t.Errorf("status %d, body %s", r.status, r.body)
		}
	}
	t.Run("full text on the list", func(t *testing.T) {
		ok(t, postJSON(t, base, map[string]any{"query": allowed}))
	})
	t.Run("hash on the list", func(t *testing.T) {
		ok(t, postJSON(t, base, map[string]any{"extensions": persisted(sha(allowed))}))
		ok(t, getPersisted(t, base, sha(allowed)))
		ok(t, postJSON(t, base, map[string]any{"query": allowed, "extensions": persisted(sha(allowed))}))
	})
	for name, body := range map[string]map[string]any{
		"text not on the list":      {"query": "{ stats { entities } }"},
		"same operation, reworded":  {"query": `query PriorityOrder { priority(id: "economy") { order  } }`},
		"hash not on the list":      {"extensions": persisted(sha("{ stats { entities } }"))},
		"registration is no bypass": {"query": "{ stats { entities } }", "extensions": persisted(sha("{ stats { entities } }"))},
	} {
		t.Run(name, func(t *testing.T) {
			for accept, status := range map[string]int{"application/json": 200, "application/graphql-response+json": 400} {
				r := postJSON(t, base, body, "Accept", accept)
				d := decode(t, r)
				e := d.onlyError(t)
				if e.Extensions["code"] != server.CodePersistedQueryNotAllowed || !strings.Contains(e.Message, "allowlisted persisted queries") {
					t.Errorf("%s: got %+v", accept, e)
				}
				if r.status != status || d.hasData() {
					t.Errorf("%s: status %d (want %d), body %s", accept, r.status, status, r.body)
				}
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
