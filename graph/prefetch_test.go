package graph

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// Every field of a node type is classified for reads: read from what
// every page carries, a relationship field, or an omittable entity field.
// An unclassified field still answers right (reads then leaves nothing
// out), but every page below it would be fetched whole.
func TestOmittableCoversSchema(t *testing.T) {
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	for node := range implementors {
		def := schema.Types[node]
		if def == nil {
			t.Fatalf("no type %s in the schema", node)
		}
		for _, f := range def.Fields {
			_, rel := relFields[node+"."+f.Name]
			_, own := omittable[node+"."+f.Name]
			_, common := omittable[f.Name]
			if !alwaysSet[f.Name] && !rel && !own && !common {
				t.Errorf("%s.%s is not classified: add it to omittable, alwaysSet or relFields", node, f.Name)
			}
		}
	}
	for node, conn := range connectionImplementors {
		def := schema.Types[conn[1][0]]
		if def == nil {
			t.Fatalf("no edge type %s of %s in the schema", conn[1][0], node)
		}
		for _, f := range def.Fields {
			if _, ok := edgeOmittable[f.Name]; !ok && !edgeAlwaysSet[f.Name] {
				t.Errorf("%s.%s is not classified: add it to edgeOmittable or edgeAlwaysSet", conn[1][0], f.Name)
			}
		}
	}
	for k := range omittable {
		node, field, typed := strings.Cut(k, ".")
		if !typed {
			if schema.Types["Entity"].Fields.ForName(k) == nil {
				t.Errorf("omittable names %s, not a field of Entity", k)
			}
			continue
		}
		if def := schema.Types[node]; def == nil || def.Fields.ForName(field) == nil {
			t.Errorf("omittable names %s, not a field of the schema", k)
		}
	}
}

func TestReads(t *testing.T) {
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	all := normgraph.AllPageFields
	cases := []struct {
		name  string
		query string // the first root field's first field is the relationship field
		vars  map[string]any
		field string
		want  normgraph.PageFields
		cite  bool
	}{
		{"connection, only what every page has",
			`{ forum(id: "osce") { members(first: 3) { edges { cursor node { __typename id kind name } } } } }`,
			nil, "Forum.members", all, false},
		{"connection, fields through fragments and aliases",
			`{ forum(id: "osce") { members(first: 3) { edges { node { code: iso2 ... on Entity { description } ...c } } } } }
			 fragment c on Country { region }`,
			nil, "Forum.members", all &^ (normgraph.FieldISO2 | normgraph.FieldDescription | normgraph.FieldRegion), false},
		{"connection, two edges selections",
			`{ forum(id: "osce") { members(first: 3) { edges { node { iso3 } } e: edges { node { sources { id } } } } } }`,
			nil, "Forum.members", all &^ (normgraph.FieldISO3 | normgraph.FieldSources), true},
		{"relationship fields below read nothing of the node",
			`{ forum(id: "osce") { members(first: 3) { edges { node { memberships(first: 2) { totalCount } leads { id } } } } } }`,
			nil, "Forum.members", all, false},
		{"plain list",
			`{ initiative(id: "paris-call") { norms { code framework text } } }`,
			nil, "Initiative.norms", all &^ (normgraph.FieldCode | normgraph.FieldFramework | normgraph.FieldText), false},
		{"a skipped field is not read",
			`query($v: Boolean!) { forum(id: "osce") { members(first: 3) { edges { node { iso2 @include(if: $v) subregion } } } } }`,
			map[string]any{"v": false}, "Forum.members", all &^ normgraph.FieldSubregion, false},
		{"the same field type-specific in two kinds",
			`{ priority(id: "economy") { initiatives(first: 3) { edges { node { type url } } } } }`,
			nil, "Priority.initiatives", all &^ (normgraph.FieldType | normgraph.FieldURL), false},
		{"a count reads no node",
			`{ forum(id: "osce") { memberCount } }`,
			nil, "Forum.memberCount", 0, false},
		{"relation fields of the edges",
			`{ forum(id: "osce") { members(first: 3) { edges { since until role node { id } } } } }`,
			nil, "Forum.members", all &^ normgraph.FieldRelRole, false},
		{"relation fields through a fragment and an alias",
			`{ country(id: "fra") { memberships(first: 3) { edges { ...e n: note } } } }
			 fragment e on ForumEdge { sources { id } }`,
			nil, "Country.memberships", all &^ (normgraph.FieldRelNote | normgraph.FieldRelSources), true},
		{"the node's sources are not the edge's",
			`{ forum(id: "osce") { members(first: 3) { edges { node { sources { id } } } } } }`,
			nil, "Forum.members", all &^ normgraph.FieldSources, true},
		{"sources below a relationship field below are not this page's",
			`{ forum(id: "osce") { members(first: 3) { edges { node { memberships(first: 2) { edges { sources { id } node { sources { id } } } } } } } } }`,
			nil, "Forum.members", all, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := gqlparser.LoadQuery(schema, tc.query)
			if err != nil {
				t.Fatal(err)
			}
			op := &graphql.OperationContext{Doc: doc, Operation: doc.Operations[0], Variables: tc.vars}
			root := doc.Operations[0].SelectionSet[0].(*ast.Field)
			field := root.SelectionSet[0].(*ast.Field)
			omit, cite := reads(context.Background(), op, field.SelectionSet, relFields[tc.field])
			if omit != tc.want || cite != tc.cite {
				t.Errorf("reads = %#x, %v; want %#x, %v", omit, cite, tc.want, tc.cite)
			}
		})
	}

	// A field reads does not know makes it leave nothing out.
	doc, err := gqlparser.LoadQuery(schema, `{ forum(id: "osce") { members(first: 3) { edges { node { iso2 } } } } }`)
	if err != nil {
		t.Fatal(err)
	}
	saved := omittable["Country.iso2"]
	delete(omittable, "Country.iso2")
	defer func() { omittable["Country.iso2"] = saved }()
	field := doc.Operations[0].SelectionSet[0].(*ast.Field).SelectionSet[0].(*ast.Field)
	op := &graphql.OperationContext{Doc: doc, Operation: doc.Operations[0]}
	if got, _ := reads(context.Background(), op, field.SelectionSet, relFields["Forum.members"]); got != 0 {
		t.Errorf("with an unknown field: omit = %#x, want 0", got)
	}

	// So does an edge field it does not know.
	doc, err = gqlparser.LoadQuery(schema, `{ forum(id: "osce") { members(first: 3) { edges { role } } } }`)
	if err != nil {
		t.Fatal(err)
	}
	delete(edgeOmittable, "role")
	defer func() { edgeOmittable["role"] = normgraph.FieldRelRole }()
	field = doc.Operations[0].SelectionSet[0].(*ast.Field).SelectionSet[0].(*ast.Field)
	op = &graphql.OperationContext{Doc: doc, Operation: doc.Operations[0]}
	if got, _ := reads(context.Background(), op, field.SelectionSet, relFields["Forum.members"]); got != 0 {
		t.Errorf("with an unknown edge field: omit = %#x, want 0", got)
	}
}

// asFilter decodes a filter exactly as the generated unmarshallers do for
// each filter input type, or declines (the resolver then decodes it): a
// filter fetched ahead is cached under the key the resolver asks for.
func TestAsFilterDecodesAsGqlgenDoes(t *testing.T) {
	ec := &executionContext{}
	unmarshal := map[string]func(context.Context, any) (normgraph.Filter, error){
		"CountryFilter":    ec.unmarshalInputCountryFilter,
		"ForumFilter":      ec.unmarshalInputForumFilter,
		"InitiativeFilter": ec.unmarshalInputInitiativeFilter,
		"NormFilter":       ec.unmarshalInputNormFilter,
	}
	cases := []struct {
		input string
		v     map[string]any
	}{
		{"CountryFilter", map[string]any{"region": "Europe"}},
		{"CountryFilter", map[string]any{"nameContains": "rep", "memberOf": []any{"nato", "oas"}, "asOf": "2014-06"}},
		{"CountryFilter", map[string]any{"participatesIn": []any{}, "endorses": nil, "region": nil}},
		{"ForumFilter", map[string]any{"type": "intergovernmental", "advances": []any{"military"}, "hasMembers": []any{"usa"}, "asOf": "2020"}},
		{"InitiativeFilter", map[string]any{"nameContains": "call", "type": "declaration", "advances": []any{}}},
		{"NormFilter", map[string]any{"framework": "UN GGE 2015", "supports": []any{"military", "economy"}}},
		{"NormFilter", map[string]any{}},
	}
	for _, c := range cases {
		want, err := unmarshal[c.input](context.Background(), c.v)
		if err != nil {
			t.Fatalf("%s %v: %v", c.input, c.v, err)
		}
		got, ok := asFilter(c.v)
		if !ok {
			t.Errorf("%s %v: declined", c.input, c.v)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s %v:\n got  %#v\n want %#v", c.input, c.v, got, want)
		}
	}
	// Shapes gqlgen coerces (a single ID for a list, a number for an ID)
	// or rejects are left to the resolver.
	for _, v := range []any{
		map[string]any{"memberOf": "nato"},
		map[string]any{"memberOf": []any{int64(7)}},
		map[string]any{"asOf": "soon"},
		map[string]any{"region": 3},
		map[string]any{"unknown": "x"},
		"Europe",
	} {
		if f, ok := asFilter(v); ok {
			t.Errorf("%v: decoded as %#v, want it left to the resolver", v, f)
		}
	}
}
