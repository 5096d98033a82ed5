package dataset

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// SchemaKinds lists the kinds of YAML data file: each is the top-level key of
// its files and names its JSON Schema, seed/schema/<kind>.schema.json.
func SchemaKinds() []string {
	s := specs()
	kinds := make([]string, len(s))
	for i, k := range s {
		kinds[i] = k.key
	}
	return kinds
}

// JSONSchema returns the JSON Schema (draft 2020-12) of one kind of YAML data
// file. It is generated from the field tables Load parses with, so that an
// editor flags as the curator types what Load would reject. It cannot check
// what spans entries or files (unique ids, references, relationship kinds,
// country codes against ids): `normgraph validate` does.
func JSONSchema(kind string) ([]byte, error) {
	for _, k := range specs() {
		if k.key == kind {
			return k.schema()
		}
	}
	return nil, fmt.Errorf("dataset: no kind of data file called %q (kinds: %v)", kind, SchemaKinds())
}

// obj is a JSON object that keeps its keys in the order written, so the
// schema files read top-down like the data files and diff cleanly.
type obj []kv

type kv struct {
	k string
	v any
}

// MarshalJSON implements json.Marshaler.
func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshal(e.k)
		if err != nil {
			return nil, err
		}
		v, err := marshal(e.v)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "->" in descriptions stays readable
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

func ref(def string) obj { return obj{{"$ref", "#/$defs/" + def}} }

// with adds a description to a schema when there is one.
func with(o obj, doc string) obj {
	if doc == "" {
		return o
	}
	return append(o, kv{"description", doc})
}

// commonDefs are the building blocks every kind's schema may use.
func commonDefs() map[string]obj {
	fields := refFields()
	return map[string]obj{
		"text": {{"type", "string"}, {"pattern", textPatternText}},
		"id": {
			{"description", "lowercase kebab-case id"},
			{"type", "string"}, {"pattern", idPatternText}, {"maxLength", maxIDLength},
		},
		"kebab": {
			{"description", "kebab-case type name, like regional-organisation"},
			{"type", "string"}, {"pattern", idPatternText}, {"maxLength", maxIDLength},
		},
		"date": {
			{"description", "ISO 8601 date: YYYY, YYYY-MM or YYYY-MM-DD"},
			{"oneOf", []obj{
				{{"type", "string"}, {"pattern", datePatternText}},
				{{"type", "integer"}, {"minimum", minYear}, {"maximum", maxYear}},
			}},
		},
		"url":   {{"description", "absolute http(s) URL"}, {"type", "string"}, {"pattern", urlPatternText}},
		"texts": {{"type", "array"}, {"items", ref("text")}, {"uniqueItems", true}},
		"sourceIds": {
			{"description", "ids of sources (sources.yaml)"},
			{"type", "array"}, {"items", ref("id")}, {"minItems", 1}, {"uniqueItems", true},
		},
		"ref": {
			{"description", "an entity id (the relationship cites the owner's sources), or a mapping with to and the relationship's properties"},
			{"oneOf", []obj{ref("id"), objectSchema("", fields)}},
		},
		"refs": {{"type", "array"}, {"items", ref("ref")}},
	}
}

// fieldSchema is the schema of one field's value and the defs it uses.
func fieldSchema(f *fieldSpec) (obj, []string) {
	switch f.typ {
	case vText:
		return with(ref("text"), f.doc), []string{"text"}
	case vID:
		o := with(ref("id"), f.doc)
		if f.enum != nil {
			o = append(o, kv{"enum", f.enum})
		}
		return o, []string{"id"}
	case vKebab:
		return with(ref("kebab"), f.doc), []string{"kebab"}
	case vInt:
		return with(obj{{"type", "integer"}, {"minimum", f.min}, {"maximum", f.max}}, f.doc), nil
	case vDate:
		return with(ref("date"), f.doc), []string{"date"}
	case vURL:
		return with(ref("url"), f.doc), []string{"url"}
	case vISO2:
		return with(obj{{"type", "string"}, {"pattern", iso2PatternText}}, "ISO 3166-1 alpha-2 code"), nil
	case vISO3:
		return with(obj{{"type", "string"}, {"pattern", iso3PatternText}}, "ISO 3166-1 alpha-3 code; the id is its lowercase"), nil
	case vTexts:
		return with(ref("texts"), f.doc), []string{"texts", "text"}
	case vSourceIDs:
		return with(ref("sourceIds"), f.doc), []string{"sourceIds", "id"}
	case vRefs:
		return with(ref("refs"), f.doc), []string{"refs", "ref", "id", "date", "text", "sourceIds"}
	}
	panic(fmt.Sprintf("dataset: field %s has no schema", f.name))
}

// objectSchema is the strict schema of a mapping of fields.
func objectSchema(doc string, fields []fieldSpec) obj {
	o := with(obj{{"type", "object"}}, doc)
	props := obj{}
	var required []string
	for i := range fields {
		s, _ := fieldSchema(&fields[i])
		props = append(props, kv{fields[i].name, s})
		if fields[i].required {
			required = append(required, fields[i].name)
		}
	}
	o = append(o, kv{"properties", props})
	if required != nil {
		o = append(o, kv{"required", required})
	}
	return append(o, kv{"additionalProperties", false})
}

// schema builds the JSON Schema of k's files.
func (k *kindSpec) schema() ([]byte, error) {
	used := map[string]bool{}
	for i := range k.fields {
		_, defs := fieldSchema(&k.fields[i])
		for _, d := range defs {
			used[d] = true
		}
	}
	common := commonDefs()
	defs := obj{{k.one, objectSchema("one entry of "+k.key, k.fields)}}
	for _, name := range []string{"id", "kebab", "text", "texts", "date", "url", "sourceIds", "ref", "refs"} {
		if used[name] {
			defs = append(defs, kv{name, common[name]})
		}
	}
	root := obj{
		{"$schema", "https://json-schema.org/draft/2020-12/schema"},
		{"title", "normgraph " + k.key},
		{"description", fmt.Sprintf("normgraph data file: %s. Generated from internal/dataset (go test ./internal/dataset -update); "+
			"`normgraph validate` also checks what spans entries and files: unique ids, references, relationship endpoints, sources.", k.doc)},
		{"type", "object"},
		{"properties", obj{{k.key, obj{{"type", "array"}, {"items", ref(k.one)}}}}},
		{"required", []string{k.key}},
		{"additionalProperties", false},
		{"$defs", defs},
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
