package loadgen_test

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/normgraph/normgraph/internal/loadgen"
)

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

// goodFS is a small query directory in the layout of bench/queries.
func goodFS() fstest.MapFS {
	return fstest.MapFS{
		"byId.graphql": file(`# A lookup.
# vars: {"id": ["a", "b", "c"]}
query byId($id: ID!) { node(id: $id) { id } }
`),
		"pair.graphql": file(`# vars: {"from": ["x", "y"], "to": ["p", "q", "r"]}
query pair($from: ID!, $to: ID!) {
  path(from: $from, to: $to) { length }
}
`),
		"stats.graphql": file("query stats { stats { entities } }\n"),
		"mixes.json":    file(`{"all3": {"byId": 3, "pair.graphql": 1, "stats": 2}, "one": {"stats": 1}}`),
	}
}

func variables(t *testing.T, body []byte) map[string]string {
	t.Helper()
	var req struct {
		OperationName string            `json:"operationName"`
		Query         string            `json:"query"`
		Variables     map[string]string `json:"variables"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	return req.Variables
}

func TestLoadSuite(t *testing.T) {
	s, err := loadgen.LoadSuite(goodFS())
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.MixNames(), ","); got != "all3,one" {
		t.Errorf("MixNames = %s, want all3,one", got)
	}
	m, err := s.Mix("all3")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range m.Entries {
		got = append(got, e.Query.Name+"="+string(rune('0'+e.Weight)))
	}
	if strings.Join(got, " ") != "byId=3 pair=1 stats=2" {
		t.Errorf("entries = %v, want byId=3 pair=1 stats=2 in name order", got)
	}

	q := m.Entries[0].Query
	if len(q.Variables) != 1 || q.Variables[0] != "id" {
		t.Errorf("byId variables = %v", q.Variables)
	}
	var ids []string
	for _, b := range q.Bodies() {
		ids = append(ids, variables(t, b)["id"])
	}
	if strings.Join(ids, ",") != "a,b,c" {
		t.Errorf("byId cycles %v, want a,b,c", ids)
	}

	// Two lists of coprime lengths: every combination once (lcm = 6).
	pair := m.Entries[1].Query
	seen := map[string]bool{}
	for _, b := range pair.Bodies() {
		v := variables(t, b)
		seen[v["from"]+"-"+v["to"]] = true
	}
	if len(pair.Bodies()) != 6 || len(seen) != 6 {
		t.Errorf("pair: %d bodies, %d combinations, want 6 and 6", len(pair.Bodies()), len(seen))
	}

	var req map[string]any
	if err := json.Unmarshal(m.Entries[2].Query.Bodies()[0], &req); err != nil {
		t.Fatal(err)
	}
	if req["operationName"] != "stats" || req["variables"] != nil || !strings.Contains(req["query"].(string), "stats {") {
		t.Errorf("stats body = %v, want operationName stats, the document, no variables", req)
	}
}

func TestLoadSuiteWithoutMixesFile(t *testing.T) {
	fsys := goodFS()
	delete(fsys, "mixes.json")
	s, err := loadgen.LoadSuite(fsys)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Mix(loadgen.DefaultMixWithoutFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Entries) != 3 {
		t.Errorf("implicit mix has %d entries, want all 3", len(m.Entries))
	}
}

func TestSuiteMixFallsBackToOneQuery(t *testing.T) {
	s, err := loadgen.LoadSuite(goodFS())
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Mix("pair")
	if err != nil || len(m.Entries) != 1 || m.Entries[0].Query.Name != "pair" {
		t.Fatalf("Mix(pair) = %+v, %v; want the one query", m, err)
	}
	if _, err := s.Mix("nope"); err == nil || !strings.Contains(err.Error(), "all3, one") {
		t.Errorf("Mix(nope) error = %v, want one listing the mixes", err)
	}
}

func TestLoadSuiteProblems(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(fstest.MapFS)
		wants []string
	}{
		{"operation named unlike the file", func(f fstest.MapFS) {
			f["byId.graphql"] = file(`# vars: {"id": ["a"]}` + "\nquery lookup($id: ID!) { node(id: $id) { id } }")
		}, []string{`byId.graphql: operation is "lookup", want it named "byId"`}},
		{"anonymous operation", func(f fstest.MapFS) {
			f["stats.graphql"] = file("query { stats { entities } }")
		}, []string{"stats.graphql: operation is anonymous"}},
		{"shorthand query", func(f fstest.MapFS) {
			f["stats.graphql"] = file("{ stats { entities } }")
		}, []string{"stats.graphql: no operation"}},
		{"mutation", func(f fstest.MapFS) {
			f["stats.graphql"] = file("mutation stats { wipe }")
		}, []string{"stats.graphql: operation is a mutation"}},
		{"two operations", func(f fstest.MapFS) {
			f["stats.graphql"] = file("query stats { stats { entities } }\nquery other { stats { relations } }")
		}, []string{"stats.graphql: 2 operations"}},
		{"commented-out operation is ignored", func(f fstest.MapFS) {
			f["stats.graphql"] = file("# query old { x }\nquery stats { stats { entities } }")
		}, nil},
		{"file name not a GraphQL name", func(f fstest.MapFS) {
			f["by-id.graphql"] = file("query by { stats { entities } }")
		}, []string{"by-id.graphql: file name \"by-id\" is not a GraphQL name"}},
		{"vars for an undeclared variable", func(f fstest.MapFS) {
			f["byId.graphql"] = file(`# vars: {"id": ["a"], "kind": ["X"]}` + "\nquery byId($id: ID!) { node(id: $id) { id } }")
		}, []string{`byId.graphql: vars: "kind" is not a variable`}},
		{"variable without values", func(f fstest.MapFS) {
			f["byId.graphql"] = file("query byId($id: ID!) { node(id: $id) { id } }")
		}, []string{"byId.graphql: no values for $id"}},
		{"empty value list", func(f fstest.MapFS) {
			f["byId.graphql"] = file(`# vars: {"id": []}` + "\nquery byId($id: ID!) { node(id: $id) { id } }")
		}, []string{`vars: "id" has no values`}},
		{"vars not JSON", func(f fstest.MapFS) {
			f["byId.graphql"] = file(`# vars: {id: [a]}` + "\nquery byId($id: ID!) { node(id: $id) { id } }")
		}, []string{"byId.graphql: line 1: # vars: want a JSON object"}},
		{"mix names a missing query", func(f fstest.MapFS) {
			f["mixes.json"] = file(`{"m": {"ghost": 1}}`)
		}, []string{`mixes.json: mix "m": no query file ghost.graphql`}},
		{"zero weight", func(f fstest.MapFS) {
			f["mixes.json"] = file(`{"m": {"stats": 0}}`)
		}, []string{`mixes.json: mix "m": stats: weight must be a positive integer`}},
		{"empty mix", func(f fstest.MapFS) {
			f["mixes.json"] = file(`{"m": {}}`)
		}, []string{`mix "m": no queries`}},
		{"mixes not JSON", func(f fstest.MapFS) {
			f["mixes.json"] = file(`{"m": ["stats"]}`)
		}, []string{"mixes.json: json: cannot unmarshal"}},
		{"every problem at once", func(f fstest.MapFS) {
			f["stats.graphql"] = file("mutation stats { wipe }")
			f["mixes.json"] = file(`{"m": {"ghost": 1}}`)
		}, []string{"operation is a mutation", "no query file ghost.graphql"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := goodFS()
			tt.edit(fsys)
			_, err := loadgen.LoadSuite(fsys)
			if len(tt.wants) == 0 {
				if err != nil {
					t.Fatalf("LoadSuite: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("LoadSuite: no error, want %q", tt.wants)
			}
			for _, want := range tt.wants {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error:\n%v\nwant it to contain %q", err, want)
				}
			}
		})
	}
}

func TestOverrideVars(t *testing.T) {
	fsys := goodFS()
	fsys["other.graphql"] = file(`# vars: {"id": ["z"]}` + "\nquery other($id: ID!) { node(id: $id) { id } }")
	s, err := loadgen.LoadSuite(fsys)
	if err != nil {
		t.Fatal(err)
	}
	err = s.OverrideVars([]byte(`{"id": ["s-1", "s-2"], "other.id": ["only-other"], "to": ["t"]}`))
	if err != nil {
		t.Fatal(err)
	}
	get := func(name, v string) []string {
		m, err := s.Mix(name)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, b := range m.Entries[0].Query.Bodies() {
			out = append(out, variables(t, b)[v])
		}
		return out
	}
	if got := strings.Join(get("byId", "id"), ","); got != "s-1,s-2" {
		t.Errorf("byId ids = %s, want the general override s-1,s-2", got)
	}
	if got := strings.Join(get("other", "id"), ","); got != "only-other" {
		t.Errorf("other ids = %s, want the query-specific override", got)
	}
	if got := strings.Join(get("pair", "to"), ","); got != "t,t" {
		t.Errorf("pair to = %s, want t for both bodies (from keeps x, y)", got)
	}

	for _, bad := range []struct{ json, want string }{
		{`{"idd": ["x"]}`, `"idd" matches no query variable`},
		{`{"stats.id": ["x"]}`, `"stats.id" matches no query variable`},
		{`{"id": []}`, `"id": empty list`},
		{`["id"]`, "want a JSON object of lists"},
	} {
		if err := s.OverrideVars([]byte(bad.json)); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("OverrideVars(%s) = %v, want an error containing %q", bad.json, err, bad.want)
		}
	}
}
