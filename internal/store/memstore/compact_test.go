package memstore_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"runtime"
	"testing"
	"weak"

	"github.com/normgraph/normgraph/internal/normgraph"
	"github.com/normgraph/normgraph/internal/store/storetest"
)

// TestRelationsRoundTrip checks that every relationship comes back from the
// compact form exactly as given, including the values the loader never
// produces (a zero Date, an empty rather than nil source list), both from
// Related and from Expand.
func TestRelationsRoundTrip(t *testing.T) {
	ds := storetest.Fixture()
	ds.Relations[0].Note = "a note"
	ds.Relations[1].Since = &normgraph.Date{}
	ds.Relations[2].SourceIDs = []string{}
	ds.Relations[3].SourceIDs = nil
	ds.Relations[4].Role, ds.Relations[4].Note = "role", "role"
	want := map[string]normgraph.Relation{}
	for _, r := range ds.Relations {
		want[r.ID()] = *r
	}
	s := open(t, ds)
	g := s.(normgraph.Graph)
	got := map[string]normgraph.Relation{}
	for _, e := range ds.Entities {
		for _, typ := range normgraph.RelationTypes {
			pages, err := s.Related(t.Context(), []string{e.NodeID()}, normgraph.Traversal{Type: typ, Direction: normgraph.Outgoing},
				normgraph.PageArgs{First: normgraph.Unlimited})
			if err != nil {
				t.Fatal(err)
			}
			for _, edge := range pages[0].Edges {
				got[edge.Relation.ID()] = *edge.Relation
			}
		}
		adj, err := g.Expand(t.Context(), []string{e.NodeID()}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range adj[e.NodeID()] {
			if r, ok := want[a.Rel.ID()]; !ok || !reflect.DeepEqual(*a.Rel, r) {
				t.Errorf("Expand(%s): %+v, want %+v", e.NodeID(), *a.Rel, r)
			}
		}
	}
	if len(got) != len(want) {
		t.Errorf("Related found %d relations, want %d", len(got), len(want))
	}
	for id, r := range want {
		if !reflect.DeepEqual(got[id], r) {
			t.Errorf("%s:\n got  %#v\n want %#v", id, got[id], r)
		}
	}
}

// TestNewKeepsNothingOfTheDataset guards the memory promise of New: once
// the caller drops the dataset, all of it (relationships, entities, sources)
// can be collected while the store lives on.
func TestNewKeepsNothingOfTheDataset(t *testing.T) {
	ds := storetest.Fixture()
	set, rel := weak.Make(ds), weak.Make(ds.Relations[0])
	ent, src := weak.Make(ds.Entities[0].(*normgraph.Priority)), weak.Make(ds.Sources[0])
	s := open(t, ds)
	ds = nil
	for range 3 {
		runtime.GC()
	}
	for what, gone := range map[string]bool{
		"the dataset": set.Value() == nil, "a relationship": rel.Value() == nil,
		"an entity": ent.Value() == nil, "a source": src.Value() == nil,
	} {
		if !gone {
			t.Errorf("%s is still reachable", what)
		}
	}
	if st, _ := s.Stats(t.Context()); st.Relations == 0 {
		t.Error("no relations")
	}
	runtime.KeepAlive(s)
}

// TestNewCopiesEveryField sets every field of every entity and source type,
// found by reflection so that a field added later is covered too, and
// expects the store to give back equal values, and to keep them when the
// caller modifies the dataset afterwards.
func TestNewCopiesEveryField(t *testing.T) {
	ds := storetest.Fixture()
	seen := map[reflect.Type]bool{}
	var values []any
	for _, e := range ds.Entities {
		if tp := reflect.TypeOf(e); !seen[tp] {
			seen[tp] = true
			values = append(values, e)
		}
	}
	values = append(values, ds.Sources[0])
	for n, v := range values {
		fill(t, reflect.ValueOf(v).Elem(), n)
	}
	want := map[string]string{}
	for _, v := range values {
		want[v.(normgraph.Node).NodeID()] = jsonOf(t, v)
	}
	s := open(t, ds)
	for _, v := range values {
		fill(t, reflect.ValueOf(v).Elem(), 99) // the caller's, not the store's
	}
	for id, w := range want {
		var got any
		if ents, _ := s.Entities(t.Context(), []string{id}); ents[0] != nil {
			got = ents[0]
		} else if srcs, _ := s.Sources(t.Context(), []string{id}); srcs[0] != nil {
			got = srcs[0]
		}
		if g := jsonOf(t, got); g != w {
			t.Errorf("%s:\n got  %s\n want %s", id, g, w)
		}
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fill sets every field of the struct v to a value derived from n, keeping
// ids, kinds and the ids of sources (which the store's checks rely on).
func fill(t *testing.T, v reflect.Value, n int) {
	t.Helper()
	for i := range v.NumField() {
		f, sf := v.Field(i), v.Type().Field(i)
		switch {
		case sf.Anonymous:
			fill(t, f, n)
		case sf.Name == "ID" || sf.Name == "Kind" || sf.Name == "SourceIDs":
		case f.Kind() == reflect.String:
			f.SetString(fmt.Sprintf("%s %d", sf.Name, n))
		case f.Kind() == reflect.Int:
			f.SetInt(int64(1000 + n))
		case f.Type() == reflect.TypeFor[[]string]():
			f.Set(reflect.ValueOf([]string{fmt.Sprintf("%s %d", sf.Name, n), "x"}))
		case f.Type() == reflect.TypeFor[*normgraph.Date]():
			d := normgraph.MustParseDate(fmt.Sprintf("%04d-02", 1900+n))
			f.Set(reflect.ValueOf(&d))
		default:
			t.Fatalf("no way to fill %s %s", sf.Name, f.Type())
		}
	}
}
