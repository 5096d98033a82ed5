package normgraph_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// versionDataset has one value of every type Version encodes, every field set.
func versionDataset() *normgraph.Dataset {
	d := func(s string) *normgraph.Date {
		v := normgraph.MustParseDate(s)
		return &v
	}
	base := func(id string, k normgraph.EntityKind) normgraph.EntityBase {
		return normgraph.EntityBase{ID: id, Kind: k, Name: "Name " + id, Description: "About " + id,
			Aliases: []string{"A" + id, "B" + id}, SourceIDs: []string{"src-a", "src-b"}}
	}
	return &normgraph.Dataset{
		Sources: []*normgraph.Source{
			{ID: "src-a", Title: "T", Publisher: "P", Published: d("2011-05"), URL: "https://a", AsOf: d("2020")},
			{ID: "src-b", Title: "U", Publisher: "Q", Published: d("2012"), URL: "https://b", AsOf: d("2021-01-02")},
		},
		Entities: []normgraph.Entity{
			&normgraph.Country{EntityBase: base("can", normgraph.KindCountry), ISO2: "CA", ISO3: "CAN", Region: "Americas", Subregion: "Northern America"},
			&normgraph.Forum{EntityBase: base("g7", normgraph.KindForum), Acronym: "G7", Type: "club", Founded: 1975, URL: "https://g7"},
			&normgraph.Initiative{EntityBase: base("paris-call", normgraph.KindInitiative), Type: "call", Launched: d("2018-11-12"), URL: "https://pc"},
			&normgraph.Norm{EntityBase: base("gge-13f", normgraph.KindNorm), Code: "13(f)", Text: "Do no harm", Framework: "UN GGE"},
			&normgraph.Priority{EntityBase: base("economy", normgraph.KindPriority), ShortName: "Economy", Order: 1},
		},
		Relations: []*normgraph.Relation{
			{Type: normgraph.RelMemberOf, From: "can", To: "g7", Since: d("1976"), Until: d("2030-01"), Role: "member", Note: "n", SourceIDs: []string{"src-a"}},
			{Type: normgraph.RelParticipatesIn, From: "can", To: "paris-call", Since: d("2018"), Role: "supporter", SourceIDs: []string{"src-b"}},
		},
	}
}

// TestVersionCoversEveryField changes each field of each type in turn, found
// by reflection so that a field added later is covered too, and expects a
// new version every time.
func TestVersionCoversEveryField(t *testing.T) {
	base := versionDataset().Version()
	var values []reflect.Value // pointers to the structs of one fresh dataset
	fresh := func() *normgraph.Dataset {
		ds := versionDataset()
		values = values[:0]
		for _, s := range ds.Sources {
			values = append(values, reflect.ValueOf(s))
		}
		for _, e := range ds.Entities {
			values = append(values, reflect.ValueOf(e))
		}
		for _, r := range ds.Relations {
			values = append(values, reflect.ValueOf(r))
		}
		return ds
	}
	fresh()
	for vi := range values {
		var paths [][]int
		var walk func(tp reflect.Type, path []int)
		walk = func(tp reflect.Type, path []int) {
			for i := range tp.NumField() {
				f := tp.Field(i)
				p := append(slices.Clone(path), i)
				if f.Anonymous && f.Type.Kind() == reflect.Struct {
					walk(f.Type, p)
					continue
				}
				paths = append(paths, p)
			}
		}
		walk(values[vi].Elem().Type(), nil)
		for _, path := range paths {
			ds := fresh()
			f := values[vi].Elem().FieldByIndex(path)
			name := values[vi].Elem().Type().FieldByIndex(path).Name
			if !f.CanSet() {
				t.Errorf("%s.%s is unexported: check by hand that Version hashes it", values[vi].Elem().Type().Name(), name)
				continue
			}
			change(t, f)
			if ds.Version() == base {
				t.Errorf("changing %s.%s of %v leaves the version unchanged", values[vi].Elem().Type().Name(), name, values[vi].Interface())
			}
		}
	}
}

// change sets f to a different value of its type.
func change(t *testing.T, f reflect.Value) {
	t.Helper()
	switch f.Kind() {
	case reflect.String:
		f.SetString(f.String() + "x")
	case reflect.Int:
		f.SetInt(f.Int() + 1)
	case reflect.Slice:
		f.Set(reflect.Append(f, reflect.ValueOf("x")))
	case reflect.Pointer:
		if f.Type() != reflect.TypeFor[*normgraph.Date]() {
			t.Fatalf("no way to change a %s", f.Type())
		}
		if f.IsNil() {
			f.Set(reflect.ValueOf(ptr("1999")))
		} else {
			f.Set(reflect.Zero(f.Type()))
		}
	default:
		t.Fatalf("no way to change a %s", f.Type())
	}
}

func TestVersionIsCanonical(t *testing.T) {
	want := versionDataset().Version()

	ds := versionDataset()
	slices.Reverse(ds.Sources)
	slices.Reverse(ds.Entities)
	slices.Reverse(ds.Relations)
	if got := ds.Version(); got != want {
		t.Errorf("order changes the version: %s, want %s", got, want)
	}
	if slices.IsSortedFunc(ds.Relations, normgraph.CompareRelations) {
		t.Error("Version sorted the caller's slices")
	}

	// A missing date and a zero Date, a nil and an empty list say the same.
	a, b := versionDataset(), versionDataset()
	a.Relations[1].Until, b.Relations[1].Until = nil, &normgraph.Date{}
	a.Entities[0].Base().Aliases, b.Entities[0].Base().Aliases = nil, []string{}
	if a.Version() != b.Version() {
		t.Error("nil and zero values hash differently")
	}

	// Field boundaries are part of the encoding.
	a, b = versionDataset(), versionDataset()
	a.Relations[0].Role, a.Relations[0].Note = "ab", ""
	b.Relations[0].Role, b.Relations[0].Note = "a", "b"
	if a.Version() == b.Version() {
		t.Error("moving text from one field to the next leaves the version unchanged")
	}
	a, b = versionDataset(), versionDataset()
	a.Entities[0].Base().Aliases = []string{"x", "y"}
	b.Entities[0].Base().Aliases = []string{"xy"}
	if a.Version() == b.Version() {
		t.Error("joining two list items leaves the version unchanged")
	}
	// Precision is part of a date.
	a, b = versionDataset(), versionDataset()
	a.Relations[0].Since, b.Relations[0].Since = ptr("1976"), ptr("1976-01")
	if a.Version() == b.Version() {
		t.Error("a year and its first month hash alike")
	}

	if v := (&normgraph.Dataset{}).Version(); len(v) != 12 {
		t.Errorf("empty dataset version %q", v)
	}
}
