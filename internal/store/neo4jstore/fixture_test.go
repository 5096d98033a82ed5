package neo4jstore_test

import (
	"fmt"

	"github.com/normgraph/normgraph/internal/normgraph"
)

func date(s string) *normgraph.Date {
	d := normgraph.MustParseDate(s)
	return &d
}

// fixture is a small dataset that exercises every kind, every relationship
// type, partial dates, aliases, unicode names, ties in sort keys and dated
// memberships.
func fixture() *normgraph.Dataset {
	src := []string{"fact-sheet"}
	base := func(id string, k normgraph.EntityKind, name string, aliases ...string) normgraph.EntityBase {
		return normgraph.EntityBase{ID: id, Kind: k, Name: name, Description: "About " + name + ".", Aliases: aliases, SourceIDs: src}
	}
	ds := &normgraph.Dataset{
		Sources: []*normgraph.Source{
			{ID: "fact-sheet", Title: "International Cyber Diplomacy fact sheet", Publisher: "US DoS", Published: date("2011-05-16"), URL: "https://example.org/fs"},
			{ID: "un-gge-2015", Title: "A/70/174", Publisher: "United Nations", Published: date("2015-07")},
			{ID: "members-list", Title: "Members", AsOf: date("2024")},
		},
	}
	prio := []struct{ id, name, short string }{
		{"economy", "Economy: Promoting International Standards and Innovative, Open Markets", "Economy"},
		{"protecting-networks", "Protecting Our Networks: Enhancing Security, Reliability, and Resiliency", "Protecting networks"},
		{"law-enforcement", "Law Enforcement: Extending Collaboration and the Rule of Law", "Law enforcement"},
		{"military", "Military: Preparing for 21st Century Security Challenges", "Military"},
		{"internet-governance", "Internet Governance: Promoting Effective and Inclusive Structures", "Internet governance"},
		{"international-development", "International Development: Building Capacity, Security, and Prosperity", "Development"},
		{"internet-freedom", "Internet Freedom: Supporting Fundamental Freedoms and Privacy", "Internet freedom"},
	}
	for i, p := range prio {
		ds.Entities = append(ds.Entities, &normgraph.Priority{EntityBase: base(p.id, normgraph.KindPriority, p.name), ShortName: p.short, Order: i + 1})
	}
	ds.Entities = append(ds.Entities,
		&normgraph.Norm{EntityBase: base("no-attacks-on-critical-infrastructure", normgraph.KindNorm, "No attacks on critical infrastructure"),
			Code: "A/70/174 13(f)", Text: "A State should not conduct or knowingly support ICT activity that damages critical infrastructure.", Framework: "UN GGE 2015"},
		&normgraph.Norm{EntityBase: base("cert-protection", normgraph.KindNorm, "Protect CERTs", "CSIRT protection"),
			Code: "A/70/174 13(k)", Text: "States should not harm emergency response teams.", Framework: "UN GGE 2015"},
		&normgraph.Norm{EntityBase: base("human-rights-online", normgraph.KindNorm, "Human rights online"), Framework: "HRC"},
		&normgraph.Country{EntityBase: base("usa", normgraph.KindCountry, "United States", "United States of America", "US"), ISO2: "US", ISO3: "USA", Region: "Americas", Subregion: "Northern America"},
		&normgraph.Country{EntityBase: base("gbr", normgraph.KindCountry, "United Kingdom", "UK"), ISO2: "GB", ISO3: "GBR", Region: "Europe", Subregion: "Northern Europe"},
		&normgraph.Country{EntityBase: base("fra", normgraph.KindCountry, "France"), ISO2: "FR", ISO3: "FRA", Region: "Europe", Subregion: "Western Europe"},
		&normgraph.Country{EntityBase: base("civ", normgraph.KindCountry, "Côte d'Ivoire", "Ivory Coast"), ISO2: "CI", ISO3: "CIV", Region: "Africa", Subregion: "Western Africa"},
		&normgraph.Country{EntityBase: base("tur", normgraph.KindCountry, "Türkiye", "Turkey"), ISO2: "TR", ISO3: "TUR", Region: "Asia", Subregion: "Western Asia"},
		&normgraph.Country{EntityBase: base("jpn", normgraph.KindCountry, "Japan"), ISO2: "JP", ISO3: "JPN", Region: "Asia", Subregion: "Eastern Asia"},
		&normgraph.Country{EntityBase: base("sgp", normgraph.KindCountry, "Singapore"), ISO2: "SG", ISO3: "SGP", Region: "Asia", Subregion: "South-eastern Asia"},
		// Same name as another country: the id breaks the tie.
		&normgraph.Country{EntityBase: base("aaa", normgraph.KindCountry, "Japan"), ISO2: "AA", ISO3: "AAB", Region: "Asia"},
		&normgraph.Forum{EntityBase: base("osce", normgraph.KindForum, "Organization for Security and Co-operation in Europe"), Acronym: "OSCE", Type: "regional", Founded: 1975, URL: "https://osce.org"},
		&normgraph.Forum{EntityBase: base("arf", normgraph.KindForum, "ASEAN Regional Forum"), Acronym: "ARF", Type: "regional", Founded: 1994},
		&normgraph.Forum{EntityBase: base("un-oewg", normgraph.KindForum, "UN Open-Ended Working Group"), Acronym: "OEWG", Type: "multilateral", Founded: 2019},
		&normgraph.Forum{EntityBase: base("coe", normgraph.KindForum, "Council of Europe"), Type: "regional", Founded: 1949},
		&normgraph.Forum{EntityBase: base("igf", normgraph.KindForum, "Internet Governance Forum"), Acronym: "IGF", Type: "multistakeholder", Founded: 2006},
		&normgraph.Initiative{EntityBase: base("budapest-convention", normgraph.KindInitiative, "Budapest Convention on Cybercrime", "ETS 185"), Type: "treaty", Launched: date("2001-11-23"), URL: "https://coe.int/budapest"},
		&normgraph.Initiative{EntityBase: base("freedom-online-coalition", normgraph.KindInitiative, "Freedom Online Coalition", "FOC"), Type: "coalition", Launched: date("2011-12")},
		&normgraph.Initiative{EntityBase: base("paris-call", normgraph.KindInitiative, "Paris Call for Trust and Security in Cyberspace"), Type: "declaration", Launched: date("2018")},
	)
	rel := func(t normgraph.RelationType, from, to string, mods ...func(*normgraph.Relation)) *normgraph.Relation {
		r := &normgraph.Relation{Type: t, From: from, To: to, SourceIDs: src}
		for _, m := range mods {
			m(r)
		}
		return r
	}
	since := func(s string) func(*normgraph.Relation) { return func(r *normgraph.Relation) { r.Since = date(s) } }
	until := func(s string) func(*normgraph.Relation) { return func(r *normgraph.Relation) { r.Until = date(s) } }
	role := func(s string) func(*normgraph.Relation) { return func(r *normgraph.Relation) { r.Role = s } }
	note := func(s string) func(*normgraph.Relation) { return func(r *normgraph.Relation) { r.Note = s } }
	ds.Relations = []*normgraph.Relation{
		rel(normgraph.RelAdvances, "osce", "protecting-networks"),
		rel(normgraph.RelAdvances, "osce", "military"),
		rel(normgraph.RelAdvances, "arf", "military"),
		rel(normgraph.RelAdvances, "un-oewg", "military"),
		rel(normgraph.RelAdvances, "igf", "internet-governance"),
		rel(normgraph.RelAdvances, "budapest-convention", "law-enforcement"),
		rel(normgraph.RelAdvances, "freedom-online-coalition", "internet-freedom"),
		rel(normgraph.RelAdvances, "paris-call", "protecting-networks"),
		rel(normgraph.RelSupports, "no-attacks-on-critical-infrastructure", "protecting-networks"),
		rel(normgraph.RelSupports, "no-attacks-on-critical-infrastructure", "military"),
		rel(normgraph.RelSupports, "cert-protection", "protecting-networks"),
		rel(normgraph.RelSupports, "human-rights-online", "internet-freedom"),
		rel(normgraph.RelAffirms, "un-oewg", "no-attacks-on-critical-infrastructure", since("2021-03")),
		rel(normgraph.RelAffirms, "un-oewg", "cert-protection"),
		rel(normgraph.RelPromotes, "paris-call", "no-attacks-on-critical-infrastructure"),
		rel(normgraph.RelPromotes, "freedom-online-coalition", "human-rights-online", note("founding principle")),
		rel(normgraph.RelMemberOf, "usa", "osce", since("1975")),
		rel(normgraph.RelMemberOf, "gbr", "osce", since("1975")),
		rel(normgraph.RelMemberOf, "fra", "osce", since("1975")),
		rel(normgraph.RelMemberOf, "tur", "osce", since("1975")),
		rel(normgraph.RelMemberOf, "usa", "arf", since("1994-07-25")),
		rel(normgraph.RelMemberOf, "jpn", "arf", since("1994-07")),
		rel(normgraph.RelMemberOf, "sgp", "arf", since("1994")),
		rel(normgraph.RelMemberOf, "aaa", "arf", since("2000"), until("2010-06")),
		rel(normgraph.RelMemberOf, "usa", "un-oewg"),
		rel(normgraph.RelMemberOf, "gbr", "un-oewg"),
		rel(normgraph.RelMemberOf, "civ", "un-oewg"),
		rel(normgraph.RelMemberOf, "gbr", "coe", since("1949-05-05")),
		rel(normgraph.RelMemberOf, "fra", "coe", since("1949-05-05")),
		rel(normgraph.RelMemberOf, "tur", "coe", since("1950-04-13")),
		rel(normgraph.RelParticipatesIn, "usa", "budapest-convention", since("2006-09-29"), role("party")),
		rel(normgraph.RelParticipatesIn, "gbr", "budapest-convention", since("2011-05-25"), role("party")),
		rel(normgraph.RelParticipatesIn, "jpn", "budapest-convention", since("2012-07"), role("party")),
		rel(normgraph.RelParticipatesIn, "civ", "budapest-convention", since("2023"), role("signatory")),
		rel(normgraph.RelParticipatesIn, "usa", "freedom-online-coalition", since("2011-12"), until("2025-03")),
		rel(normgraph.RelParticipatesIn, "fra", "freedom-online-coalition", since("2011-12")),
		rel(normgraph.RelParticipatesIn, "fra", "paris-call", since("2018-11-12"), role("supporter")),
		rel(normgraph.RelParticipatesIn, "gbr", "paris-call", since("2018-11-12"), role("supporter")),
		rel(normgraph.RelEndorses, "usa", "no-attacks-on-critical-infrastructure"),
		rel(normgraph.RelEndorses, "gbr", "no-attacks-on-critical-infrastructure"),
		rel(normgraph.RelEndorses, "gbr", "cert-protection"),
		rel(normgraph.RelEndorses, "fra", "human-rights-online"),
		rel(normgraph.RelHostedBy, "budapest-convention", "coe"),
		rel(normgraph.RelLeads, "fra", "paris-call"),
		rel(normgraph.RelLeads, "usa", "freedom-online-coalition", note("co-founder")),
	}
	ds.Sort()
	return ds
}

// synthetic builds a dataset of the shape of the curated one at scale:
// countries that are members of many forums, plus the priorities, some
// norms and initiatives. Relations count about countries*perCountry.
func synthetic(countries, forums, perCountry int) *normgraph.Dataset {
	ds := &normgraph.Dataset{Sources: []*normgraph.Source{{ID: "synthetic", Title: "Synthetic data"}}}
	src := []string{"synthetic"}
	for i, id := range normgraph.PriorityIDs {
		ds.Entities = append(ds.Entities, &normgraph.Priority{
			EntityBase: normgraph.EntityBase{ID: id, Kind: normgraph.KindPriority, Name: "Priority " + id, SourceIDs: src}, Order: i + 1})
	}
	for f := range forums {
		ds.Entities = append(ds.Entities, &normgraph.Forum{EntityBase: normgraph.EntityBase{
			ID: fmt.Sprintf("forum-%d", f), Kind: normgraph.KindForum, Name: fmt.Sprintf("Forum %d", f), SourceIDs: src},
			Acronym: fmt.Sprintf("F%d", f), Type: []string{"regional", "multilateral", "technical"}[f%3], Founded: 1950 + f%70})
		ds.Relations = append(ds.Relations, &normgraph.Relation{Type: normgraph.RelAdvances,
			From: fmt.Sprintf("forum-%d", f), To: normgraph.PriorityIDs[f%7], SourceIDs: src})
	}
	for c := range countries {
		id := fmt.Sprintf("country-%d", c)
		ds.Entities = append(ds.Entities, &normgraph.Country{EntityBase: normgraph.EntityBase{
			ID: id, Kind: normgraph.KindCountry, Name: fmt.Sprintf("Country %d", c), SourceIDs: src},
			ISO2: fmt.Sprintf("%c%c", 'A'+c%26, 'A'+(c/26)%26), ISO3: fmt.Sprintf("X%05d", c), Region: "Region " + fmt.Sprint(c%5)})
		for k := range perCountry {
			f := (c*7 + k*13) % forums
			r := &normgraph.Relation{Type: normgraph.RelMemberOf, From: id, To: fmt.Sprintf("forum-%d", f), SourceIDs: src}
			if k%3 == 0 {
				r.Since = date(fmt.Sprintf("%d", 1990+k%30))
			}
			ds.Relations = append(ds.Relations, r)
		}
	}
	ds.Sort()
	return ds
}
