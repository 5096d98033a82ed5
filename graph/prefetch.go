package graph

import (
	"context"
	"encoding/json"
	"math"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/normgraph/normgraph/internal/loader"
	"github.com/normgraph/normgraph/internal/normgraph"
)

// implementors are the type conditions each node type satisfies, as the
// generated executor collects its fields.
var implementors = map[string][]string{
	"Country":    countryImplementors,
	"Forum":      forumImplementors,
	"Initiative": initiativeImplementors,
	"Norm":       normImplementors,
	"Priority":   priorityImplementors,
}

// connectionImplementors are the same for a node type's connection and edge.
var connectionImplementors = map[string][2][]string{
	"Country":    {countryConnectionImplementors, countryEdgeImplementors},
	"Forum":      {forumConnectionImplementors, forumEdgeImplementors},
	"Initiative": {initiativeConnectionImplementors, initiativeEdgeImplementors},
	"Norm":       {normConnectionImplementors, normEdgeImplementors},
}

// lookahead works out, from the selection of the relationship field being
// resolved, the pages the resolvers below it will ask for, so that a store
// that batches natively fetches them with this one (loader.Prefetching):
// a three-level traversal then costs one round trip, not three. It follows
// connections (through edges { node }), plain lists and counts, with their
// first, cursor, asOf and filter arguments. A field whose arguments do not
// decode here is left to its resolver, with everything below it; a page
// fetched ahead that no resolver asks for (a skipped branch) costs only
// its share of the statement. omit and cite are what the field's own page
// may leave out and should bring along (see reads).
func (r *Resolver) lookahead(ctx context.Context) (then []loader.Next, omit normgraph.PageFields, cite bool) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return nil, 0, false
	}
	f, ok := relFields[fc.Object+"."+fc.Field.Name]
	if !ok {
		return nil, 0, false
	}
	op := graphql.GetOperationContext(ctx)
	then, _ = r.below(ctx, op, fc.Field.Selections, f)
	omit, cite = reads(ctx, op, fc.Field.Selections, f)
	return then, omit, cite
}

// lookaheadObject is lookahead for a root field that returns one node:
// the relationship fields selected on that node. complete reports whether
// that is everything below the field that reaches another node, so that
// its whole answer will come from the loaders' cache (see inOrder).
func (r *Resolver) lookaheadObject(ctx context.Context) (then []loader.Next, complete bool) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || fc.Field.Definition == nil {
		return nil, false
	}
	node := fc.Field.Definition.Type.Name()
	if _, ok := implementors[node]; !ok {
		return nil, false
	}
	return r.below(ctx, graphql.GetOperationContext(ctx), fc.Field.Selections, relField{shape: listField, node: node})
}

// readsSources reports whether the root field being resolved, which
// returns one node, selects that node's sources, which can then be fetched
// with the node (loader.AheadCited) rather than in a round trip of their
// own once its source ids are known.
func readsSources(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || fc.Field.Definition == nil {
		return false
	}
	node := fc.Field.Definition.Type.Name()
	if _, ok := implementors[node]; !ok {
		return false
	}
	_, cite := reads(ctx, graphql.GetOperationContext(ctx), fc.Field.Selections, relField{shape: listField, node: node})
	return cite
}

// below returns the lookahead of the relationship fields selected on the
// far ends of f, whose selection is sel, and whether it covers every field
// there that loads other nodes: not when a field has arguments that need
// decoding, nor when sources are selected (they are not fetched ahead).
func (r *Resolver) below(ctx context.Context, op *graphql.OperationContext, sel ast.SelectionSet, f relField) (out []loader.Next, complete bool) {
	nodes, complete := nodeSelections(ctx, op, sel, f)
	for _, s := range nodes {
		for _, c := range collectFields(ctx, op, s, implementors[f.node]) {
			child, ok := relFields[f.node+"."+c.Name]
			if !ok {
				complete = complete && !loadsNodes(c)
				continue
			}
			t, page, ok := r.plainPage(op, c, child)
			if !ok {
				complete = false
				continue
			}
			next := loader.Next{Traversal: t, Page: page}
			if page.First != 0 {
				var all bool
				next.Then, all = r.below(ctx, op, c.Selections, child)
				complete = complete && all
				next.Omit, next.Cite = reads(ctx, op, c.Selections, child)
			}
			out = append(out, next)
		}
	}
	return out, complete
}

// nodeSelections returns the selections on the far ends of relationship
// field f, whose selection is sel: sel itself for a plain list, those of
// edges { node } for a connection. complete is false when an edge selects
// another field that loads nodes (sources).
func nodeSelections(ctx context.Context, op *graphql.OperationContext, sel ast.SelectionSet, f relField) (nodes []ast.SelectionSet, complete bool) {
	switch f.shape {
	case listField:
		return []ast.SelectionSet{sel}, true
	case connectionField:
		conn, ok := connectionImplementors[f.node]
		if !ok {
			return nil, false
		}
		complete = true
		for _, e := range collectFields(ctx, op, sel, conn[0]) {
			if e.Name != "edges" {
				continue
			}
			for _, n := range collectFields(ctx, op, e.Selections, conn[1]) {
				switch {
				case n.Name == "node":
					nodes = append(nodes, n.Selections)
				case loadsNodes(n):
					complete = false
				}
			}
		}
		return nodes, complete
	}
	return nil, true
}

// omittable maps the fields of node types that read an entity field a
// page may leave out (normgraph.RelatedRequest.Omit) to that field: by
// "Type.field", and by field alone for the Entity interface's.
var omittable = map[string]normgraph.PageFields{
	"description":         normgraph.FieldDescription,
	"aliases":             normgraph.FieldAliases,
	"sources":             normgraph.FieldSources,
	"Priority.shortName":  normgraph.FieldShortName,
	"Norm.code":           normgraph.FieldCode,
	"Norm.text":           normgraph.FieldText,
	"Norm.framework":      normgraph.FieldFramework,
	"Country.iso2":        normgraph.FieldISO2,
	"Country.iso3":        normgraph.FieldISO3,
	"Country.region":      normgraph.FieldRegion,
	"Country.subregion":   normgraph.FieldSubregion,
	"Forum.acronym":       normgraph.FieldAcronym,
	"Forum.type":          normgraph.FieldType,
	"Forum.founded":       normgraph.FieldFounded,
	"Forum.url":           normgraph.FieldURL,
	"Initiative.type":     normgraph.FieldType,
	"Initiative.launched": normgraph.FieldLaunched,
	"Initiative.url":      normgraph.FieldURL,
}

// alwaysSet are the fields of a node type that read only what every page's
// entities carry (normgraph.PageFields).
var alwaysSet = map[string]bool{"__typename": true, "id": true, "kind": true, "name": true, "order": true}

// edgeOmittable maps the fields of edge types that read a relation field a
// page may leave out to that field; edgeAlwaysSet are those that read what
// every page carries (the node is reads' other half).
var (
	edgeOmittable = map[string]normgraph.PageFields{
		"role":    normgraph.FieldRelRole,
		"note":    normgraph.FieldRelNote,
		"sources": normgraph.FieldRelSources,
	}
	edgeAlwaysSet = map[string]bool{"__typename": true, "cursor": true, "node": true, "since": true, "until": true}
)

// reads works out what the resolvers below relationship field f, whose
// selection is sel, read of its far ends and of the relations to them (a
// plain list reads no relation): omit is the fields they leave unread, so
// that the store need not send them, and cite whether they read the
// sources of either, which the page can then bring along
// (normgraph.RelatedRequest.Cite). A field it does not know (one added to
// the schema since) makes it leave nothing out: a page with too little
// would answer wrongly, one with too much only costs more.
func reads(ctx context.Context, op *graphql.OperationContext, sel ast.SelectionSet, f relField) (omit normgraph.PageFields, cite bool) {
	if f.shape == countField {
		return 0, false
	}
	var read normgraph.PageFields
	unknown := false
	if f.shape == connectionField {
		conn, ok := connectionImplementors[f.node]
		if !ok {
			return 0, false
		}
		for _, e := range collectFields(ctx, op, sel, conn[0]) {
			if e.Name != "edges" {
				continue
			}
			for _, c := range collectFields(ctx, op, e.Selections, conn[1]) {
				cite = cite || c.Name == "sources"
				if edgeAlwaysSet[c.Name] {
					continue
				}
				field, ok := edgeOmittable[c.Name]
				unknown = unknown || !ok
				read |= field
			}
		}
	}
	nodes, _ := nodeSelections(ctx, op, sel, f)
	for _, s := range nodes {
		for _, c := range collectFields(ctx, op, s, implementors[f.node]) {
			cite = cite || c.Name == "sources"
			if alwaysSet[c.Name] {
				continue
			}
			if _, rel := relFields[f.node+"."+c.Name]; rel {
				continue
			}
			field, ok := omittable[f.node+"."+c.Name]
			if !ok {
				field, ok = omittable[c.Name]
			}
			unknown = unknown || !ok
			read |= field
		}
	}
	if unknown {
		return 0, cite
	}
	return normgraph.AllPageFields &^ read, cite
}

// loadsNodes reports whether a field that is not a relationship field
// still loads nodes through the loaders that nothing fetched ahead. No
// schema field does today: sources come with the lookup
// (loader.AheadCited), the root list (loader.AheadSources) or the page
// (normgraph.RelatedRequest.Cite) that holds their node or edge.
func loadsNodes(c graphql.CollectedField) bool {
	if c.Definition == nil || c.Name == "sources" {
		return false
	}
	name := c.Definition.Type.Name()
	_, entity := implementors[name]
	return entity || name == "Source" || name == "Node" || name == "Entity"
}

// plainPage returns the traversal and page arguments field c's resolver
// will ask for, when its arguments decode here as gqlgen decodes them for
// the resolver: first, a cursor, asOf and a filter. Anything else, or a
// value of another shape, is left to the resolver (which reports what does
// not decode).
func (r *Resolver) plainPage(op *graphql.OperationContext, c graphql.CollectedField, f relField) (normgraph.Traversal, normgraph.PageArgs, bool) {
	t := f.t
	var first *int
	var after *string
	for name, v := range c.ArgumentMap(op.Variables) {
		switch {
		case v == nil:
		case name == "first" && f.shape == connectionField:
			n, ok := asInt(v)
			if !ok {
				return t, normgraph.PageArgs{}, false
			}
			first = &n
		case name == "after" && f.shape == connectionField:
			s, ok := v.(string)
			if !ok {
				return t, normgraph.PageArgs{}, false
			}
			after = &s
		case name == "asOf":
			d, ok := asDate(v)
			if !ok {
				return t, normgraph.PageArgs{}, false
			}
			t.AsOf = d
		case name == "filter":
			f, ok := asFilter(v)
			if !ok {
				return t, normgraph.PageArgs{}, false
			}
			t.Filter = f
		default:
			return t, normgraph.PageArgs{}, false
		}
	}
	switch f.shape {
	case countField:
		return t, normgraph.PageArgs{First: 0}, true
	case listField:
		return t, normgraph.PageArgs{First: normgraph.Unlimited}, true
	}
	// A cursor that does not decode is the resolver's error to report.
	p, err := r.pageArgs(first, after)
	if err != nil {
		return t, p, false
	}
	if selectsOnlyTotalCount(graphql.CollectFields(op, c.Selections, nil)) {
		p.First = 0
	}
	return t, p, true
}

// asDate reads a Date argument.
func asDate(v any) (*normgraph.Date, bool) {
	var d normgraph.Date
	if err := d.UnmarshalGQL(v); err != nil {
		return nil, false
	}
	return &d, true
}

// asFilter reads a filter input object into what the generated unmarshaller
// makes of it: strings, ID lists (an empty list stays empty, not nil: the
// page's key tells them apart) and a date; null leaves a field unset.
func asFilter(v any) (normgraph.Filter, bool) {
	var f normgraph.Filter
	m, ok := v.(map[string]any)
	if !ok {
		return f, false
	}
	strs := map[string]*string{"nameContains": &f.NameContains, "type": &f.Type, "framework": &f.Framework, "region": &f.Region}
	lists := map[string]*[]string{"advances": &f.Advances, "supports": &f.Supports, "memberOf": &f.MemberOf,
		"participatesIn": &f.ParticipatesIn, "endorses": &f.Endorses, "hasMembers": &f.HasMembers}
	for k, x := range m {
		if x == nil {
			continue
		}
		if k == "asOf" {
			if f.AsOf, ok = asDate(x); !ok {
				return f, false
			}
		} else if str, isStr := strs[k]; isStr {
			if *str, ok = x.(string); !ok {
				return f, false
			}
		} else if ids, isList := lists[k]; isList {
			l, ok := x.([]any)
			if !ok {
				return f, false
			}
			*ids = make([]string, len(l))
			for i, e := range l {
				if (*ids)[i], ok = e.(string); !ok {
					return f, false
				}
			}
		} else {
			return f, false
		}
	}
	return f, true
}

// asInt reads an Int argument: an int64 literal, or a variable as the
// transport decoded it.
func asInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), n >= math.MinInt32 && n <= math.MaxInt32
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil && i >= math.MinInt32 && i <= math.MaxInt32
	case float64:
		return int(n), n == math.Trunc(n) && n >= math.MinInt32 && n <= math.MaxInt32
	}
	return 0, false
}
