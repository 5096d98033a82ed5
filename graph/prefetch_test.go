package graph

import (
	"context"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// Every field of a node type is classified for omitted: read from what
// every page carries, a relationship field, or an omittable entity field.
// An unclassified field still answers right (omitted then leaves nothing
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

func TestOmitted(t *testing.T) {
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	all := normgraph.AllEntityFields
	cases := []struct {
		name  string
		query string // the first root field's first field is the relationship field
		vars  map[string]any
		field string
		want  normgraph.EntityFields
	}{
		{"connection, only what every page has",
			`{ forum(id: "osce") { members(first: 3) { edges { cursor node { __typename id kind name } } } } }`,
			nil, "Forum.members", all},
		{"connection, fields through fragments and aliases",
			`{ forum(id: "osce") { members(first: 3) { edges { node { code: iso2 ... on Entity { description } ...c } } } } }
			 fragment c on Country { region }`,
			nil, "Forum.members", all &^ (normgraph.FieldISO2 | normgraph.FieldDescription | normgraph.FieldRegion)},
		{"connection, two edges selections",
			`{ forum(id: "osce") { members(first: 3) { edges { node { iso3 } } e: edges { node { sources { id } } } } } }`,
			nil, "Forum.members", all &^ (normgraph.FieldISO3 | normgraph.FieldSources)},
		{"relationship fields below read nothing of the node",
			`{ forum(id: "osce") { members(first: 3) { edges { node { memberships(first: 2) { totalCount } leads { id } } } } } }`,
			nil, "Forum.members", all},
		{"plain list",
			`{ initiative(id: "paris-call") { norms { code framework text } } }`,
			nil, "Initiative.norms", all &^ (normgraph.FieldCode | normgraph.FieldFramework | normgraph.FieldText)},
		{"a skipped field is not read",
			`query($v: Boolean!) { forum(id: "osce") { members(first: 3) { edges { node { iso2 @include(if: $v) subregion } } } } }`,
			map[string]any{"v": false}, "Forum.members", all &^ normgraph.FieldSubregion},
		{"the same field type-specific in two kinds",
			`{ priority(id: "economy") { initiatives(first: 3) { edges { node { type url } } } } }`,
			nil, "Priority.initiatives", all &^ (normgraph.FieldType | normgraph.FieldURL)},
		{"a count reads no node",
			`{ forum(id: "osce") { memberCount } }`,
			nil, "Forum.memberCount", 0},
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
			if got := omitted(context.Background(), op, field.SelectionSet, relFields[tc.field]); got != tc.want {
				t.Errorf("omitted = %#x, want %#x", got, tc.want)
			}
		})
	}

	// A field omitted does not know makes it leave nothing out.
	doc, err := gqlparser.LoadQuery(schema, `{ forum(id: "osce") { members(first: 3) { edges { node { iso2 } } } } }`)
	if err != nil {
		t.Fatal(err)
	}
	saved := omittable["Country.iso2"]
	delete(omittable, "Country.iso2")
	defer func() { omittable["Country.iso2"] = saved }()
	field := doc.Operations[0].SelectionSet[0].(*ast.Field).SelectionSet[0].(*ast.Field)
	op := &graphql.OperationContext{Doc: doc, Operation: doc.Operations[0]}
	if got := omitted(context.Background(), op, field.SelectionSet, relFields["Forum.members"]); got != 0 {
		t.Errorf("with an unknown field: omitted = %#x, want 0", got)
	}
}
