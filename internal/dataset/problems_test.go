package dataset_test

import (
	"slices"
	"strings"
	"testing"
)

// base is what every problem case starts from: valid sources and the seven
// priorities, so that each case shows only the problems it is about.
var base = []string{"sources.yaml", "priorities.yaml"}

// forum is a valid forum entry, for cases that break something else.
const forum = `fora:
  - id: osce
    name: Organization for Security and Co-operation in Europe
    type: regional-security-organisation
    founded: 1975
    sources: [strategy-2011]
    advances: [military]
`

func TestProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{
			name:  "yaml syntax error",
			files: map[string]string{"fora.yaml": "fora:\n  - id: osce\n    name: [unclosed\n"},
			want:  []string{`fora.yaml:3: YAML syntax error: did not find expected ',' or ']'`},
		},
		{
			name:  "yaml syntax error in block",
			files: map[string]string{"fora.yaml": "fora:\n  - id: osce\n  name: x\n"},
			want:  []string{`fora.yaml:2: YAML syntax error: did not find expected '-' indicator`},
		},
		{
			name:  "tab indentation",
			files: map[string]string{"fora.yaml": "fora:\n\t- id: osce\n"},
			want:  []string{`fora.yaml:2: YAML syntax error: found character that cannot start any token`},
		},
		{
			name: "empty files",
			files: map[string]string{
				"fora.yaml":           "",
				"norms.yaml":          "# yaml-language-server: $schema=schema/norms.schema.json\n",
				"relations/empty.csv": "",
				"initiatives.yaml":    "---\n",
			},
			want: []string{
				`fora.yaml:1: empty file: want a top-level key naming the kind, like "fora:"`,
				`initiatives.yaml:1: empty file: want a top-level key naming the kind, like "initiatives:"`,
				`norms.yaml:1: empty file: want a top-level key naming the kind, like "norms:"`,
				`relations/empty.csv:1: empty file: want the header "from,type,to,since,until,role,sources,note"`,
			},
		},
		{
			name:  "unknown top-level key",
			files: map[string]string{"fora.yaml": "forums:\n  - id: osce\n"},
			want:  []string{`fora.yaml:1: unknown top-level key "forums" (allowed: sources, priorities, norms, countries, fora, initiatives)`},
		},
		{
			name:  "top-level key does not match the file",
			files: map[string]string{"fora.yaml": "norms: []\n"},
			want:  []string{`fora.yaml:1: top-level key "norms" does not match the file's kind "fora": one kind per file, named after it`},
		},
		{
			name:  "two kinds in a freely named file",
			files: map[string]string{"extra.yaml": "fora: []\nnorms: []\nfora: []\n"},
			want: []string{
				`extra.yaml:2: top-level key "norms" does not match the file's kind "fora": one kind per file, named after it`,
				`extra.yaml:3: duplicate top-level key "fora" (first at line 1)`,
			},
		},
		{
			name:  "not a mapping at the top",
			files: map[string]string{"fora.yaml": "- id: osce\n"},
			want:  []string{`fora.yaml:1: expected a mapping with one top-level key naming the kind, like "fora:", got a list`},
		},
		{
			name:  "list is not a list",
			files: map[string]string{"fora.yaml": "fora:\n  id: osce\n", "norms.yaml": "norms:\n"},
			want: []string{
				`fora.yaml:2: fora: expected a list of fora, got a mapping`,
				`norms.yaml:1: norms: expected a list of norms, got nothing`,
			},
		},
		{
			name:  "item is not a mapping",
			files: map[string]string{"fora.yaml": "fora:\n  - osce\n"},
			want:  []string{`fora.yaml:2: expected a forum (a mapping of id, name, acronym, type, founded, url, description, aliases, sources, advances, affirms), got the string "osce"`},
		},
		{
			name:  "unknown field",
			files: map[string]string{"fora.yaml": forum + "    acronm: OSCE\n"},
			want:  []string{`fora.yaml:8: unknown field "acronm" (allowed: id, name, acronym, type, founded, url, description, aliases, sources, advances, affirms)`},
		},
		{
			name:  "unknown field in a relationship",
			files: map[string]string{"fora.yaml": strings.Replace(forum, "[military]", "[{to: military, from: 2011}]", 1)},
			want:  []string{`fora.yaml:7: unknown field "from" (allowed: to, since, until, role, note, sources)`},
		},
		{
			name:  "duplicate field",
			files: map[string]string{"fora.yaml": forum + "    name: OSCE\n"},
			want:  []string{`fora.yaml:8: duplicate field "name" (first at line 3)`},
		},
		{
			name:  "missing required fields",
			files: map[string]string{"fora.yaml": "fora:\n  - id: osce\n    sources: [strategy-2011]\n", "norms.yaml": "norms:\n  - {name: x, framework: f, text: t, sources: [strategy-2011]}\n"},
			want: []string{
				`fora.yaml:2: missing required field "name"`,
				`fora.yaml:2: missing required field "type"`,
				`fora.yaml:2: missing required field "founded"`,
				`norms.yaml:2: missing required field "id"`,
			},
		},
		{
			name: "wrong types",
			files: map[string]string{"fora.yaml": strings.NewReplacer(
				"founded: 1975", "founded: nineteen",
				"name: Organization for Security and Co-operation in Europe", "name: 42",
				"sources: [strategy-2011]", "sources: strategy-2011",
				"advances: [military]", "advances: {to: military}",
			).Replace(forum) + "    aliases: [OSCE, [CSCE]]\n"},
			want: []string{
				`fora.yaml:3: name: expected a string, got the integer 42`,
				`fora.yaml:5: founded: expected an integer, got the string "nineteen"`,
				`fora.yaml:6: sources: expected a list of source ids, got the string "strategy-2011"`,
				`fora.yaml:7: advances: expected a list of ids or mappings with "to", got a mapping`,
				`fora.yaml:8: aliases: expected a string, got a list`,
			},
		},
		{
			name:  "integer out of range",
			files: map[string]string{"fora.yaml": strings.Replace(forum, "founded: 1975", "founded: 75", 1)},
			want:  []string{`fora.yaml:5: founded: must be between 1000 and 9999, got 75`},
		},
		{
			name:  "blank string",
			files: map[string]string{"fora.yaml": strings.Replace(forum, "name: Organization for Security and Co-operation in Europe", `name: "  "`, 1)},
			want:  []string{`fora.yaml:3: name: must not be blank`},
		},
		{
			name:  "NUL in a string",
			files: map[string]string{"fora.yaml": strings.Replace(forum, "name: Organization for Security and Co-operation in Europe", `name: "OSCE\0"`, 1)},
			want:  []string{`fora.yaml:3: name: must not contain a NUL character (\0)`},
		},
		{
			name:  "malformed ids",
			files: map[string]string{"fora.yaml": strings.NewReplacer("id: osce", "id: OSCE", "[military]", "[Military]").Replace(forum)},
			want: []string{
				`fora.yaml:2: id: "OSCE" is not a valid id (want lowercase kebab-case like "internet-governance")`,
				`fora.yaml:7: advances: "Military" is not a valid id (want lowercase kebab-case like "internet-governance")`,
			},
		},
		{
			name:  "type not kebab-case",
			files: map[string]string{"fora.yaml": strings.Replace(forum, "type: regional-security-organisation", "type: Regional Security", 1)},
			want:  []string{`fora.yaml:4: type: "Regional Security" is not kebab-case (lowercase words joined by "-", like "regional-organisation")`},
		},
		{
			name: "bad urls",
			files: map[string]string{"fora.yaml": forum + "    url: ftp://osce.org/\n",
				"initiatives.yaml": "initiatives:\n  - {id: i, name: I, type: t, url: www.example.org, sources: [strategy-2011]}\n"},
			want: []string{
				`fora.yaml:8: url: "ftp://osce.org/" is not an absolute http(s) URL`,
				`initiatives.yaml:2: url: "www.example.org" is not an absolute http(s) URL`,
			},
		},
		{
			name: "duplicate ids across files",
			files: map[string]string{
				"fora.yaml":        forum,
				"fora-more.yaml":   strings.Replace(forum, "advances: [military]", "advances: [economy]", 1),
				"initiatives.yaml": "initiatives:\n  - {id: strategy-2011, name: I, type: t, sources: [strategy-2011]}\n",
			},
			want: []string{
				`fora.yaml:2: duplicate id "osce" (first defined at fora-more.yaml:2)`,
				`initiatives.yaml:2: duplicate id "strategy-2011" (first defined at sources.yaml:3)`,
			},
		},
		{
			name: "dangling references",
			files: map[string]string{"fora.yaml": strings.Replace(forum, "advances: [military]", "advances: [militray, nato-members]", 1) +
				"    affirms: [{to: gge-13f, sources: [no-such-source, usa]}]\n",
				"countries.yaml": "countries:\n  - {id: usa, name: United States, iso2: US, iso3: USA, region: Americas, sources: [strategy-2011]}\n"},
			want: []string{
				`fora.yaml:7: advances: unknown entity "militray"`,
				`fora.yaml:7: advances: "nato-members" is a source, not an entity`,
				`fora.yaml:8: affirms: unknown entity "gge-13f"`,
				`fora.yaml:8: sources: unknown source "no-such-source"`,
				`fora.yaml:8: sources: country "usa" is not a source`,
			},
		},
		{
			name:  "wrong endpoint kinds",
			files: map[string]string{"fora.yaml": forum + "    affirms: [economy]\n"},
			want:  []string{`fora.yaml:8: affirms: "economy" is a priority: AFFIRMS goes from [FORUM] to NORM, not from FORUM to PRIORITY`},
		},
		{
			name: "bad dates",
			files: map[string]string{
				"initiatives.yaml": `initiatives:
  - id: i
    name: I
    type: t
    launched: 2001-13-01
    sources: [strategy-2011]
    hostedBy:
      - {to: osce, since: 11/2001}
      - {to: osce, since: 2001-02-30, until: true}
  - {id: j, name: J, type: t, launched: 2001-11-23T10:00:00Z, sources: [strategy-2011]}
`,
				"fora.yaml": forum,
			},
			want: []string{
				`initiatives.yaml:5: launched: date "2001-13-01": want YYYY, YYYY-MM or YYYY-MM-DD: not a calendar date`,
				`initiatives.yaml:8: since: date "11/2001": want YYYY, YYYY-MM or YYYY-MM-DD: not a calendar date`,
				`initiatives.yaml:9: since: date "2001-02-30": want YYYY, YYYY-MM or YYYY-MM-DD: not a calendar date`,
				`initiatives.yaml:9: until: expected a date YYYY, YYYY-MM or YYYY-MM-DD, got the boolean true`,
				`initiatives.yaml:9: duplicate relationship "i:HOSTED_BY:osce" (first defined at initiatives.yaml:8)`,
				`initiatives.yaml:10: launched: date "2001-11-23T10:00:00Z": want YYYY, YYYY-MM or YYYY-MM-DD`,
			},
		},
		{
			name: "since after until",
			files: map[string]string{
				"fora.yaml":          forum,
				"countries.yaml":     "countries:\n  - id: rus\n    name: Russia\n    iso2: RU\n    iso3: RUS\n    region: Europe\n    sources: [strategy-2011]\n    memberOf:\n      - {to: osce, since: 2022-03-16, until: 1996}\n",
				"relations/osce.csv": "from,type,to,since,until,role,sources,note\nrus,MEMBER_OF,osce,2022-03,2022-02,,strategy-2011,\n",
			},
			want: []string{
				`countries.yaml:9: since 2022-03-16 is after until 1996`,
				`relations/osce.csv:2: since 2022-03 is after until 2022-02`,
			},
		},
		{
			name: "missing sources",
			files: map[string]string{"fora.yaml": `fora:
  - id: osce
    name: OSCE
    type: t
    founded: 1975
    advances:
      - military
      - {to: economy, sources: [strategy-2011]}
  - id: g7
    name: G7
    type: t
    founded: 1975
    sources: []
    advances:
      - {to: economy, sources: []}
`},
			want: []string{
				`fora.yaml:2: missing required field "sources"`,
				`fora.yaml:7: relationship "osce:ADVANCES:military" has no sources: cite some here or on forum "osce"`,
				`fora.yaml:13: sources: must cite at least one source`,
				`fora.yaml:15: sources: must cite at least one source`,
			},
		},
		{
			name: "duplicate sources and aliases",
			files: map[string]string{"fora.yaml": strings.Replace(forum, "sources: [strategy-2011]", "sources: [strategy-2011, strategy-2011]", 1) +
				"    aliases: [OSCE, OSCE]\n"},
			want: []string{
				`fora.yaml:6: sources: duplicate source "strategy-2011"`,
				`fora.yaml:8: aliases: duplicate "OSCE"`,
			},
		},
		{
			name: "duplicate relationship across yaml and csv",
			files: map[string]string{
				"fora.yaml":             forum + "    affirms: []\n",
				"relations/extra.csv":   "from,type,to,since,until,role,sources,note\nosce,ADVANCES,military,,,,strategy-2011,\n",
				"relations/more.csv":    "from,type,to,since,until,role,sources,note\nosce,ADVANCES,military,1995,,,nato-members,\nosce,ADVANCES,economy,,,,nato-members,\n",
				"relations/economy.csv": "from,type,to,since,until,role,sources,note\nosce,ADVANCES,economy,,,,strategy-2011,\n",
			},
			want: []string{
				`relations/extra.csv:2: duplicate relationship "osce:ADVANCES:military" (first defined at fora.yaml:7)`,
				`relations/more.csv:2: duplicate relationship "osce:ADVANCES:military" (first defined at fora.yaml:7)`,
				`relations/more.csv:3: duplicate relationship "osce:ADVANCES:economy" (first defined at relations/economy.csv:2)`,
			},
		},
		{
			name: "priorities",
			files: map[string]string{"priorities.yaml": `priorities:
  - {id: economy, name: E, shortName: E, order: 1, sources: [strategy-2011]}
  - {id: protecting-networks, name: P, shortName: P, order: 3, sources: [strategy-2011]}
  - {id: law-enforcement, name: L, shortName: L, order: 9, sources: [strategy-2011]}
  - {id: military, name: M, shortName: M, order: "4", sources: [strategy-2011]}
  - {id: cyber, name: C, shortName: C, order: 5, sources: [strategy-2011]}
`},
			want: []string{
				`priorities.yaml:1: missing priority "internet-governance" (the seven priorities are economy, protecting-networks, law-enforcement, military, internet-governance, international-development, internet-freedom)`,
				`priorities.yaml:1: missing priority "international-development" (the seven priorities are economy, protecting-networks, law-enforcement, military, internet-governance, international-development, internet-freedom)`,
				`priorities.yaml:1: missing priority "internet-freedom" (the seven priorities are economy, protecting-networks, law-enforcement, military, internet-governance, international-development, internet-freedom)`,
				`priorities.yaml:3: priority "protecting-networks" must have order 2, not 3`,
				`priorities.yaml:4: order: must be between 1 and 7, got 9`,
				`priorities.yaml:5: order: expected an integer, got the string "4"`,
				`priorities.yaml:6: priority "cyber" is not one of the seven: economy, protecting-networks, law-enforcement, military, internet-governance, international-development, internet-freedom`,
			},
		},
		{
			name: "countries",
			files: map[string]string{"countries.yaml": `countries:
  - {id: usa, name: United States, iso2: US, iso3: USA, region: Americas, sources: [strategy-2011]}
  - {id: us, name: US again, iso2: US, iso3: USA, region: Americas, sources: [strategy-2011]}
  - {id: fra, name: France, iso2: fr, iso3: FRAN, region: Europe, sources: [strategy-2011]}
  - {id: nor, name: Norway, iso2: NO, iso3: NOR, region: Europe, sources: [strategy-2011]}
  - {id: gbr, name: United Kingdom, iso2: GB, iso3: GBR, region: Europe, sources: [strategy-2011], memberOf: [nor]}
`},
			want: []string{
				`countries.yaml:3: id "us" must be the lowercase iso3 code "usa"`,
				`countries.yaml:3: duplicate iso2 "US" (first defined at countries.yaml:2)`,
				`countries.yaml:3: duplicate iso3 "USA" (first defined at countries.yaml:2)`,
				`countries.yaml:4: iso2: "fr" must be two upper-case letters (ISO 3166-1 alpha-2)`,
				`countries.yaml:4: iso3: "FRAN" must be three upper-case letters (ISO 3166-1 alpha-3)`,
				`countries.yaml:6: memberOf: "nor" is a country: MEMBER_OF goes from [COUNTRY] to FORUM, not from COUNTRY to COUNTRY`,
			},
		},
		{
			name: "csv header",
			files: map[string]string{
				"relations/a.csv": "from,type,to\nusa,MEMBER_OF,osce\n",
				"relations/b.csv": "\ufefffrom,type,to,since,until,role,sources,note\n",
				"relations/c.csv": "from,type,to,until,since,role,sources,note\n",
			},
			want: []string{
				`relations/a.csv:1: header must be exactly "from,type,to,since,until,role,sources,note", got "from,type,to"`,
				`relations/c.csv:1: header must be exactly "from,type,to,since,until,role,sources,note", got "from,type,to,until,since,role,sources,note"`,
			},
		},
		{
			name: "csv rows",
			files: map[string]string{
				"fora.yaml":      forum,
				"countries.yaml": "countries:\n  - {id: usa, name: United States, iso2: US, iso3: USA, region: Americas, sources: [strategy-2011]}\n",
				"relations/rows.csv": `from,type,to,since,until,role,sources,note
usa,MEMBER_OF,osce,1975,,participating-state,strategy-2011,ok
usa,MEMBER_OF,osce
usa,MEMBEROF,osce,,,,strategy-2011,
,MEMBER_OF,,,,,strategy-2011,

usa,MEMBER_OF,nato,,,,strategy-2011;;nope,
usa,ENDORSES,osce,75,2020-1,,,
usa,MEMBER_OF,"os"ce,,,,strategy-2011,
usa,LEADS,osce,,,,strategy-2011;strategy-2011,
osce,MEMBER_OF,USA,,,,usa,
usa,PARTICIPATES_IN,osce,,," ",strategy-2011,
`,
			},
			want: []string{
				`relations/rows.csv:3: want 8 fields (from,type,to,since,until,role,sources,note), got 3`,
				`relations/rows.csv:4: type: unknown relationship type "MEMBEROF" (allowed: ADVANCES, SUPPORTS, AFFIRMS, PROMOTES, MEMBER_OF, PARTICIPATES_IN, ENDORSES, HOSTED_BY, LEADS)`,
				`relations/rows.csv:5: missing required field "from"`,
				`relations/rows.csv:5: missing required field "to"`,
				`relations/rows.csv:7: to: unknown entity "nato"`,
				`relations/rows.csv:7: sources: empty source id in "strategy-2011;;nope"`,
				`relations/rows.csv:7: sources: unknown source "nope"`,
				`relations/rows.csv:8: country usa -> forum osce: ENDORSES goes from [COUNTRY] to NORM, not from COUNTRY to FORUM`,
				`relations/rows.csv:8: since: date "75": want YYYY, YYYY-MM or YYYY-MM-DD`,
				`relations/rows.csv:8: until: date "2020-1": want YYYY, YYYY-MM or YYYY-MM-DD`,
				`relations/rows.csv:8: missing required field "sources"`,
				`relations/rows.csv:9: CSV syntax error at column 18: extraneous or missing " in quoted-field`,
				`relations/rows.csv:10: country usa -> forum osce: LEADS goes from [COUNTRY] to INITIATIVE, not from COUNTRY to FORUM`,
				`relations/rows.csv:10: sources: duplicate source "strategy-2011"`,
				`relations/rows.csv:11: to: "USA" is not a valid id (want lowercase kebab-case like "internet-governance")`,
				`relations/rows.csv:11: sources: country "usa" is not a source`,
				`relations/rows.csv:12: country usa -> forum osce: PARTICIPATES_IN goes from [COUNTRY] to INITIATIVE, not from COUNTRY to FORUM`,
				`relations/rows.csv:12: role: must not be blank`,
			},
		},
		{
			name: "yaml features the data files do not use",
			files: map[string]string{
				"fora.yaml":  forum + "    description: &d A forum.\n    aliases: [*d]\n",
				"norms.yaml": "norms: []\n---\nnorms: []\n",
				"extra.yml":  "fora: []\n",
			},
			want: []string{
				`extra.yml:1: data files end in .yaml: rename to extra.yaml`,
				`fora.yaml:9: aliases: YAML aliases are not supported: write the value out`,
				`norms.yaml:2: a data file holds one YAML document: remove this "---" and what follows, or move it to its own file`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := problems(t, mapFS(t, validDir, base, tt.files))
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
