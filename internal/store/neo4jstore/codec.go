package neo4jstore

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// Property names. Besides the curated fields, entity nodes carry values that
// let Cypher answer like memstore does: sortKey (list order), label (drawing
// text), searchText (full-text index input), names and regionKeys (lowercased
// in Go so case-insensitive filters fold case exactly as Go does), and iso2Key
// and iso3Key (indexed lowercase codes for CountriesByCode).
const (
	propID          = "id"
	propKind        = "kind"
	propName        = "name"
	propDescription = "description"
	propAliases     = "aliases"
	propSources     = "sources"
	propSortKey     = "sortKey"
	propLabel       = "label"
	propSearchText  = "searchText"
	propNames       = "names"
	propRegionKeys  = "regionKeys"
	propISO2Key     = "iso2Key"
	propISO3Key     = "iso3Key"
	propHash        = "hash"
	// propAdjHash is Seed's record of a node's outgoing relationships (see
	// seeder.readGraph); it is not content and not part of hash.
	propAdjHash = "adjHash"

	propSince = "since"
	propUntil = "until"
	propRole  = "role"
	propNote  = "note"
)

// layoutVersion is part of every content hash: bumping it when the property
// layout changes makes the next Seed rewrite every node and relationship.
const layoutVersion = "3"

// nodeRow is one node as Seed writes it.
type nodeRow struct {
	id    string
	label string // the kind label, or labelSource
	hash  int64
	props map[string]any
}

// param is the row as a Cypher parameter.
func (r nodeRow) param() map[string]any {
	return map[string]any{"id": r.id, "label": r.label, "hash": r.hash, "props": r.props}
}

// props is a property map that leaves out zero values: an absent property
// reads back as the zero value, and Neo4j cannot store nulls anyway.
type props map[string]any

func (p props) str(k, v string) {
	if v != "" {
		p[k] = v
	}
}

func (p props) strs(k string, v []string) {
	if len(v) > 0 {
		p[k] = v
	}
}

func (p props) int(k string, v int) {
	if v != 0 {
		p[k] = int64(v)
	}
}

func (p props) date(k string, d *normgraph.Date) {
	if d != nil && !d.IsZero() {
		p[k] = d.String()
	}
}

// contentHash identifies the content of a node or relationship, so that Seed
// can skip what has not changed. It must only see the curated content and the
// values derived from it, never values that differ between runs. The encoding
// is hand-rolled (sorted keys, length-prefixed values) because Seed hashes
// every relationship of the dataset on every run. 64 bits are plenty to
// detect a change, and an integer property is the cheapest Neo4j stores.
func contentHash(kind string, p props) int64 {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var e hashEncoder
	e.start(kind)
	for _, k := range keys {
		switch v := p[k].(type) {
		case string:
			e.str(k, v)
		case int64:
			e.int(k, v)
		case []string:
			e.strs(k, v)
		default:
			panic(fmt.Sprintf("neo4jstore: hash of %s: property %s has type %T", kind, k, v))
		}
	}
	return e.sum()
}

// hashEncoder writes the canonical encoding contentHash hashes: the layout
// version, the kind, then each property in key order with a type tag and
// length-prefixed values.
type hashEncoder struct{ buf []byte }

func (e *hashEncoder) raw(s string) {
	e.buf = binary.AppendUvarint(e.buf, uint64(len(s)))
	e.buf = append(e.buf, s...)
}

func (e *hashEncoder) start(kind string) {
	e.buf = e.buf[:0]
	e.raw(layoutVersion)
	e.raw(kind)
}

func (e *hashEncoder) str(k, v string) {
	e.raw(k)
	e.buf = append(e.buf, 's')
	e.raw(v)
}

func (e *hashEncoder) int(k string, v int64) {
	e.raw(k)
	e.buf = append(e.buf, 'i')
	e.buf = binary.AppendVarint(e.buf, v)
}

func (e *hashEncoder) strs(k string, v []string) {
	e.raw(k)
	e.buf = append(e.buf, 'l')
	e.buf = binary.AppendUvarint(e.buf, uint64(len(v)))
	for _, x := range v {
		e.raw(x)
	}
}

func (e *hashEncoder) sum() int64 {
	s := sha256.Sum256(e.buf)
	return int64(binary.BigEndian.Uint64(s[:8]))
}

// relationHash is contentHash(relType[r.Type], relProps(r)) without building
// the map: Seed hashes every relationship of the dataset on every run. The
// properties are written in key order, as contentHash sorts them.
func relationHash(e *hashEncoder, r *normgraph.Relation) int64 {
	e.start(relType[r.Type])
	if r.Note != "" {
		e.str(propNote, r.Note)
	}
	if r.Role != "" {
		e.str(propRole, r.Role)
	}
	if r.Since != nil && !r.Since.IsZero() {
		e.str(propSince, r.Since.String())
	}
	if len(r.SourceIDs) > 0 {
		e.strs(propSources, r.SourceIDs)
	}
	if r.Until != nil && !r.Until.IsZero() {
		e.str(propUntil, r.Until.String())
	}
	return e.sum()
}

// sortValue is what an entity's sortKey property holds: its sort key and
// its id, joined by a NUL, which neither contains (the data files' texts
// may not, ids are kebab-case). As strings these order entities exactly as
// (sort key, id) does, so sorting a page reads one property of each node
// instead of two: on the 1M set a quarter to a third less time for a
// three-level traversal whose members each have hundreds of far ends to
// sort (bench/README.md).
func sortValue(key, id string) string { return key + "\x00" + id }

// entityRow is how an entity is stored.
func entityRow(e normgraph.Entity) nodeRow {
	b := e.Base()
	p := props{}
	p.str(propID, b.ID)
	p.str(propKind, string(b.Kind))
	p.str(propName, b.Name)
	p.str(propDescription, b.Description)
	p.strs(propAliases, b.Aliases)
	p.strs(propSources, b.SourceIDs)
	p[propSortKey] = sortValue(normgraph.SortKey(e), b.ID)
	p[propLabel] = normgraph.GraphLabel(e)
	p[propSearchText] = normgraph.SearchText(e)
	p.strs(propNames, nameKeys(e))
	switch v := e.(type) {
	case *normgraph.Priority:
		p.str("shortName", v.ShortName)
		p.int("order", v.Order)
	case *normgraph.Norm:
		p.str("code", v.Code)
		p.str("text", v.Text)
		p.str("framework", v.Framework)
	case *normgraph.Country:
		p.str("iso2", v.ISO2)
		p.str("iso3", v.ISO3)
		p.str("region", v.Region)
		p.str("subregion", v.Subregion)
		p.str(propISO2Key, strings.ToLower(v.ISO2))
		p.str(propISO3Key, strings.ToLower(v.ISO3))
		var keys []string
		for _, r := range []string{v.Region, v.Subregion} {
			if r != "" {
				keys = append(keys, strings.ToLower(r))
			}
		}
		p.strs(propRegionKeys, keys)
	case *normgraph.Forum:
		p.str("acronym", v.Acronym)
		p.str("type", v.Type)
		p.int("founded", v.Founded)
		p.str("url", v.URL)
	case *normgraph.Initiative:
		p.str("type", v.Type)
		p.date("launched", v.Launched)
		p.str("url", v.URL)
	}
	label := kindLabel[b.Kind]
	h := contentHash(label, p)
	p[propHash] = h
	return nodeRow{id: b.ID, label: label, hash: h, props: p}
}

// nameKeys are the lowercased texts Filter.NameContains looks in.
func nameKeys(e normgraph.Entity) []string {
	b := e.Base()
	keys := []string{strings.ToLower(b.Name)}
	for _, a := range b.Aliases {
		keys = append(keys, strings.ToLower(a))
	}
	return keys
}

// sourceRow is how a source is stored.
func sourceRow(s *normgraph.Source) nodeRow {
	p := props{}
	p.str(propID, s.ID)
	p["title"] = s.Title // always set: lists of sources sort by it
	p.str("publisher", s.Publisher)
	p.date("published", s.Published)
	p.str("url", s.URL)
	p.date("asOf", s.AsOf)
	h := contentHash(labelSource, p)
	p[propHash] = h
	return nodeRow{id: s.ID, label: labelSource, hash: h, props: p}
}

// relProps are a relationship's stored properties, without the hash. Dates
// keep the curator's precision ("2011", "2011-05", "2011-05-16"); asOf
// filters compare them as strings with the full first-day string of asOf
// (see query.inForce), which spares a second, typed property per date on
// every relationship.
func relProps(r *normgraph.Relation) props {
	p := make(props, 4)
	p.date(propSince, r.Since)
	p.date(propUntil, r.Until)
	p.str(propRole, r.Role)
	p.str(propNote, r.Note)
	p.strs(propSources, r.SourceIDs)
	return p
}

// ---------------------------------------------------------------- decoding

// decoder reads a property map, converting driver types to domain types and
// remembering the first mismatch, so that decoding code stays linear.
type decoder struct {
	what string
	p    map[string]any
	// l and keys stand in for p when the values come as a list: l[i] is
	// the value of keys[i]. A list costs the driver no key strings and no
	// map to build for every value it receives.
	l    []any
	keys []string
	err  error
}

// get returns the value of property k and whether it was sent.
func (d *decoder) get(k string) (any, bool) {
	if d.keys == nil {
		v, ok := d.p[k]
		return v, ok
	}
	for i, key := range d.keys {
		if key == k {
			return d.l[i], true
		}
	}
	return nil, false
}

func (d *decoder) fail(k string, v any, want string) {
	if d.err == nil {
		d.err = fmt.Errorf("%s: property %s is %T, want %s", d.what, k, v, want)
	}
}

func (d *decoder) str(k string) string {
	v, ok := d.get(k)
	if !ok || v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		d.fail(k, v, "string")
	}
	return s
}

// strs reads a list of strings; absent and empty both read as nil, matching
// how props.strs writes them.
func (d *decoder) strs(k string) []string {
	v, ok := d.get(k)
	if !ok || v == nil {
		return nil
	}
	l, ok := v.([]any)
	if !ok {
		d.fail(k, v, "list")
		return nil
	}
	if len(l) == 0 {
		return nil
	}
	out := make([]string, 0, len(l))
	for _, x := range l {
		s, ok := x.(string)
		if !ok {
			d.fail(k, x, "list of strings")
			return nil
		}
		out = append(out, s)
	}
	return out
}

func (d *decoder) int(k string) int {
	v, ok := d.get(k)
	if !ok || v == nil {
		return 0
	}
	i, ok := v.(int64)
	if !ok {
		d.fail(k, v, "integer")
	}
	return int(i)
}

func (d *decoder) date(k string) *normgraph.Date {
	s := d.str(k)
	if s == "" {
		return nil
	}
	t, err := normgraph.ParseDate(s)
	if err != nil {
		if d.err == nil {
			d.err = fmt.Errorf("%s: property %s: %w", d.what, k, err)
		}
		return nil
	}
	return &t
}

// kindOf finds the entity kind among a node's labels.
func kindOf(labels []string) (normgraph.EntityKind, bool) {
	for _, l := range labels {
		if k, ok := labelKind[l]; ok {
			return k, true
		}
	}
	return "", false
}

// decodeEntity turns an entity node back into the domain value Seed wrote.
func decodeEntity(n neo4j.Node) (normgraph.Entity, error) {
	kind, ok := kindOf(n.Labels)
	if !ok {
		return nil, fmt.Errorf("node %v has no entity label", n.Labels)
	}
	return entityFrom(kind, n.Props)
}

// fieldProp is a property that holds a field a related request may leave
// out.
type fieldProp struct {
	field normgraph.PageFields
	prop  string
}

// fieldProps are the properties that hold the entity fields a related
// request may leave out (normgraph.PageFields).
var fieldProps = []fieldProp{
	{normgraph.FieldDescription, propDescription},
	{normgraph.FieldAliases, propAliases},
	{normgraph.FieldSources, propSources},
	{normgraph.FieldShortName, "shortName"},
	{normgraph.FieldCode, "code"},
	{normgraph.FieldText, "text"},
	{normgraph.FieldFramework, "framework"},
	{normgraph.FieldISO2, "iso2"},
	{normgraph.FieldISO3, "iso3"},
	{normgraph.FieldRegion, "region"},
	{normgraph.FieldSubregion, "subregion"},
	{normgraph.FieldAcronym, "acronym"},
	{normgraph.FieldType, "type"},
	{normgraph.FieldFounded, "founded"},
	{normgraph.FieldURL, "url"},
	{normgraph.FieldLaunched, "launched"},
}

// projection is a projection of entity node n that leaves out the
// properties of the fields in omit, and the values only the server uses
// (sortKey, searchText, hashes and the rest): Neo4j spends a property read
// on every value it sends, and sending a node sends them all. It is a list
// of the properties projectionKeys(omit) names, in that order, with the
// node's element id under elementIDKey: as a list, the driver builds no key
// strings and no map for it.
func projection(n string, omit normgraph.PageFields) string {
	keys := projectionKeys(omit)
	vals := make([]string, len(keys))
	for i, k := range keys {
		vals[i] = n + "." + k
		if k == elementIDKey {
			vals[i] = "elementId(" + n + ")"
		}
	}
	return "[" + strings.Join(vals, ", ") + "]"
}

// projectionKeys names the values of a projection leaving out omit.
func projectionKeys(omit normgraph.PageFields) []string {
	keys := []string{propID, propKind, propName, "order", elementIDKey}
	for _, fp := range fieldProps {
		if omit&fp.field == 0 {
			keys = append(keys, fp.prop)
		}
	}
	return keys
}

// relFieldProps are the properties that hold the relation fields a related
// request may leave out (normgraph.PageFields).
var relFieldProps = []fieldProp{
	{normgraph.FieldRelRole, propRole},
	{normgraph.FieldRelNote, propNote},
	{normgraph.FieldRelSources, propSources},
}

// relListKeys are the properties a relProjection sends, in its order.
var relListKeys = []string{propSince, propUntil, propRole, propNote, propSources}

// relProjection is what a page sends of relationship r: the list of its
// relListKeys properties, null for those whose fields omit leaves out. A
// relationship's sources and note are most of its size, and the driver
// builds a value for each item it receives; as a list it builds no key
// strings and no map.
func relProjection(r string, omit normgraph.PageFields) string {
	vals := make([]string, len(relListKeys))
	for i, k := range relListKeys {
		vals[i] = r + "." + k
		for _, fp := range relFieldProps {
			if fp.prop == k && omit&fp.field != 0 {
				vals[i] = "null"
			}
		}
	}
	return "[" + strings.Join(vals, ", ") + "]"
}

// elementIDKey holds a node's element id in a projection; no property has
// that name.
const elementIDKey = "elementId"

// decodeProjected turns a projection of an entity node (the values of
// keys, from projectionKeys) back into a domain value: the fields left out
// are empty. It returns the node's element id.
func decodeProjected(l []any, keys []string) (normgraph.Entity, string, error) {
	if len(l) != len(keys) {
		return nil, "", fmt.Errorf("projection of %d values, want %d", len(l), len(keys))
	}
	d := &decoder{l: l, keys: keys}
	eid := d.str(elementIDKey)
	kind := d.str(propKind)
	if _, ok := kindLabel[normgraph.EntityKind(kind)]; !ok {
		return nil, "", fmt.Errorf("node %v: kind %q is not an entity kind", d.str(propID), kind)
	}
	e, err := entityFromDecoder(normgraph.EntityKind(kind), d)
	return e, eid, err
}

// entityFrom builds an entity of kind from its properties.
func entityFrom(kind normgraph.EntityKind, p map[string]any) (normgraph.Entity, error) {
	return entityFromDecoder(kind, &decoder{p: p})
}

func entityFromDecoder(kind normgraph.EntityKind, d *decoder) (normgraph.Entity, error) {
	b := normgraph.EntityBase{
		ID:          d.str(propID),
		Kind:        kind,
		Name:        d.str(propName),
		Description: d.str(propDescription),
		Aliases:     d.strs(propAliases),
		SourceIDs:   d.strs(propSources),
	}
	d.what = "entity " + b.ID
	var e normgraph.Entity
	switch kind {
	case normgraph.KindPriority:
		e = &normgraph.Priority{EntityBase: b, ShortName: d.str("shortName"), Order: d.int("order")}
	case normgraph.KindNorm:
		e = &normgraph.Norm{EntityBase: b, Code: d.str("code"), Text: d.str("text"), Framework: d.str("framework")}
	case normgraph.KindCountry:
		e = &normgraph.Country{EntityBase: b, ISO2: d.str("iso2"), ISO3: d.str("iso3"),
			Region: d.str("region"), Subregion: d.str("subregion")}
	case normgraph.KindForum:
		e = &normgraph.Forum{EntityBase: b, Acronym: d.str("acronym"), Type: d.str("type"),
			Founded: d.int("founded"), URL: d.str("url")}
	case normgraph.KindInitiative:
		e = &normgraph.Initiative{EntityBase: b, Type: d.str("type"), Launched: d.date("launched"), URL: d.str("url")}
	default:
		return nil, fmt.Errorf("node %s: unknown kind %s", b.ID, kind)
	}
	return e, d.err
}

func decodeSource(n neo4j.Node) (*normgraph.Source, error) {
	d := &decoder{p: n.Props}
	s := &normgraph.Source{ID: d.str(propID)}
	d.what = "source " + s.ID
	s.Title = d.str("title")
	s.Publisher = d.str("publisher")
	s.Published = d.date("published")
	s.URL = d.str("url")
	s.AsOf = d.date("asOf")
	return s, d.err
}

// decodeRelation rebuilds a relationship from its type name, its ends' ids
// and its properties.
func decodeRelation(typ, from, to string, p map[string]any) (*normgraph.Relation, error) {
	return relationFrom(typ, from, to, &decoder{p: p})
}

// decodeRelationValues is decodeRelation for the values of the properties
// keys names, in that order (relProjection, edgeProps).
func decodeRelationValues(typ, from, to string, keys []string, l []any) (*normgraph.Relation, error) {
	if len(l) != len(keys) {
		return nil, fmt.Errorf("relationship %s-[%s]->%s: %d values, want %d", from, typ, to, len(l), len(keys))
	}
	return relationFrom(typ, from, to, &decoder{l: l, keys: keys})
}

func relationFrom(typ, from, to string, d *decoder) (*normgraph.Relation, error) {
	t := normgraph.RelationType(typ)
	if _, ok := relType[t]; !ok {
		return nil, fmt.Errorf("relationship %s-[%s]->%s: unknown type", from, typ, to)
	}
	d.what = "relationship " + normgraph.RelationID(from, t, to)
	r := &normgraph.Relation{
		Type:      t,
		From:      from,
		To:        to,
		Since:     d.date(propSince),
		Until:     d.date(propUntil),
		Role:      d.str(propRole),
		Note:      d.str(propNote),
		SourceIDs: d.strs(propSources),
	}
	return r, d.err
}

func anyStrings(l []any) []string {
	out := make([]string, 0, len(l))
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// recordNode reads a node column of a record.
func recordNode(r *neo4j.Record, key string) (neo4j.Node, bool, error) {
	n, isNil, err := neo4j.GetRecordValue[neo4j.Node](r, key)
	return n, !isNil, err
}

// asNode reads a node nested in a list or map, which
// GetRecordValue cannot reach.
func asNode(v any) (neo4j.Node, error) {
	n, ok := v.(neo4j.Node)
	if !ok {
		return neo4j.Node{}, fmt.Errorf("want a node, got %T", v)
	}
	return n, nil
}
