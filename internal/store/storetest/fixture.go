package storetest

import "github.com/normgraph/normgraph/internal/normgraph"

// Fixture returns a fresh copy of the contract suite's dataset: a small,
// hand-built slice of international cyber diplomacy whose every answer the
// suite knows. It is built in code, not loaded from files, so the suite does
// not depend on the dataset loader or on the curated data as it evolves.
//
// Shape, on which the cases rely:
//   - 8 sources (two titled "Member states"), 40 entities, 147 relationships;
//   - the 7 priorities; 7 norms in two frameworks; 13 countries, two of them
//     both named "Congo" (cod, cog) and "Niger"/"Nigeria" for prefix ranking;
//     7 fora, gfce without any relationship; 6 initiatives;
//   - dated memberships: rus in g7 from 1997 until 2014 (year precision), rus
//     in coe from 1996-02-28 until 2022-03-16, foc founders from 2011-12
//     (month precision), deu in foc from 2013;
//   - two relationships between the same pair (fra LEADS and PARTICIPATES_IN
//     paris-call), for the path tie-break on relationship id.
//
// The entities are deliberately not in list order.
func Fixture() *normgraph.Dataset {
	ds := &normgraph.Dataset{}
	ds.Sources = []*normgraph.Source{
		{ID: "src-ics-2011", Title: "International Strategy for Cyberspace", Publisher: "The White House",
			Published: d("2011-05"), URL: "https://obamawhitehouse.archives.gov/sites/default/files/rss_viewer/international_strategy_for_cyberspace.pdf"},
		{ID: "src-fact-sheet", Title: "International Cyber Diplomacy: Promoting Openness, Security and Prosperity in a Networked World",
			Publisher: "U.S. Department of State", URL: "https://www.state.gov/cyber"},
		{ID: "src-gge-2015", Title: "Report of the Group of Governmental Experts (A/70/174)", Publisher: "United Nations",
			Published: d("2015-07-22"), URL: "https://undocs.org/A/70/174"},
		{ID: "src-coe-185", Title: "Chart of signatures and ratifications of Treaty 185", Publisher: "Council of Europe",
			AsOf: d("2024-10"), URL: "https://www.coe.int/en/web/conventions/full-list?module=signatures-by-treaty&treatynum=185"},
		{ID: "src-members-nato", Title: "Member states", Publisher: "NATO", AsOf: d("2024-03-07"),
			URL: "https://www.nato.int/cps/en/natohq/nato_countries.htm"},
		{ID: "src-members-coe", Title: "Member states", Publisher: "Council of Europe", AsOf: d("2022-03-16"),
			URL: "https://www.coe.int/en/web/portal/46-members-states"},
		{ID: "src-paris-call", Title: "Paris Call for Trust and Security in Cyberspace", Publisher: "Paris Peace Forum",
			Published: d("2018-11-12"), URL: "https://pariscall.international/en/"},
		{ID: "src-dig-watch", Title: "Cyber norms", Publisher: "Digital Watch Observatory", Published: d("2024"),
			URL: "https://dig.watch/cyber-norms"},
	}

	ds.Entities = []normgraph.Entity{
		// Priorities, with the strategy's short names.
		priority("economy", 1, "Promote innovative, open markets", "Economy",
			"Open, interoperable markets for innovation and trade in ICT goods and services."),
		priority("protecting-networks", 2, "Enhance security, reliability, and resilience of global networks",
			"Protecting Our Networks", "Secure, reliable and resilient global networks."),
		priority("law-enforcement", 3, "Extend law enforcement collaboration and the rule of law", "Law Enforcement",
			"Cooperation against cybercrime under the rule of law."),
		priority("military", 4, "Prepare for 21st century security challenges", "Military",
			"Alliances and partnerships ready for security threats in cyberspace."),
		priority("internet-governance", 5, "Promote effective and inclusive Internet governance structures",
			"Internet Governance", "Multi-stakeholder governance of the Internet."),
		priority("international-development", 6, "Build capacity, security, and prosperity through international development",
			"International Development", "Capacity building for cybersecurity and prosperity."),
		priority("internet-freedom", 7, "Support fundamental freedoms and privacy", "Internet Freedom",
			"Fundamental freedoms and privacy in cyberspace."),

		// Countries (unsorted on purpose).
		country("usa", "United States", "US", "USA", "Americas", "Northern America", "United States of America", "USA"),
		country("fra", "France", "FR", "FRA", "Europe", "Western Europe", "French Republic"),
		country("deu", "Germany", "DE", "DEU", "Europe", "Western Europe", "Federal Republic of Germany"),
		country("rus", "Russian Federation", "RU", "RUS", "Europe", "Eastern Europe", "Russia"),
		country("gbr", "United Kingdom", "GB", "GBR", "Europe", "Northern Europe",
			"United Kingdom of Great Britain and Northern Ireland", "Great Britain", "UK"),
		country("est", "Estonia", "EE", "EST", "Europe", "Northern Europe"),
		country("jpn", "Japan", "JP", "JPN", "Asia", "Eastern Asia"),
		country("chn", "China", "CN", "CHN", "Asia", "Eastern Asia", "People's Republic of China"),
		country("ken", "Kenya", "KE", "KEN", "Africa", "Eastern Africa"),
		country("cog", "Congo", "CG", "COG", "Africa", "Middle Africa", "Republic of the Congo"),
		country("cod", "Congo", "CD", "COD", "Africa", "Middle Africa", "Democratic Republic of the Congo", "DR Congo"),
		country("nga", "Nigeria", "NG", "NGA", "Africa", "Western Africa"),
		country("ner", "Niger", "NE", "NER", "Africa", "Western Africa"),

		// Norms.
		norm("gge-13a", "Interstate cooperation on security", "A/70/174 13(a)", frameworkGGE,
			"States should cooperate in developing and applying measures to increase stability and security in the use of ICTs."),
		norm("gge-13c", "Prevent misuse of ICTs in your territory", "A/70/174 13(c)", frameworkGGE,
			"States should not knowingly allow their territory to be used for internationally wrongful acts using ICTs."),
		norm("gge-13e", "Respect human rights and privacy", "A/70/174 13(e)", frameworkGGE,
			"States should respect human rights, including the right to privacy, in the use of ICTs."),
		norm("gge-13f", "Do not damage critical infrastructure", "A/70/174 13(f)", frameworkGGE,
			"A State should not conduct or knowingly support ICT activity that intentionally damages critical infrastructure."),
		norm("gge-13j", "Report ICT vulnerabilities", "A/70/174 13(j)", frameworkGGE,
			"States should encourage responsible reporting of ICT vulnerabilities."),
		norm("isc-fundamental-freedoms", "Upholding fundamental freedoms", "", frameworkISC,
			"States must respect fundamental freedoms of expression, association and assembly."),
		norm("isc-multistakeholder", "Multi-stakeholder governance", "", frameworkISC,
			"Internet governance should be inclusive of all stakeholders, not states alone."),

		// Fora; acronyms are also aliases, as curators record them.
		forum("osce", "Organization for Security and Co-operation in Europe", "OSCE", "regional security organisation", 1975,
			"https://www.osce.org", "Regional security organisation; adopted cyber confidence-building measures in 2013 and 2016.", "CSCE"),
		forum("nato", "North Atlantic Treaty Organization", "NATO", "alliance", 1949,
			"https://www.nato.int", "Military alliance; cyberspace a domain of operations since 2016.", "North Atlantic Alliance"),
		forum("coe", "Council of Europe", "CoE", "regional organisation", 1949,
			"https://www.coe.int", "Human rights organisation of 46 member states."),
		forum("g7", "Group of Seven", "G7", "leaders' summit", 1975,
			"https://www.g7italy.it", "Summit of major advanced economies; the G8 from 1997 to 2014.", "G8"),
		forum("foc", "Freedom Online Coalition", "FOC", "government coalition", 2011,
			"https://freedomonlinecoalition.com", "Governments working together to support Internet freedom."),
		forum("itu", "International Telecommunication Union", "ITU", "UN specialized agency", 1865,
			"https://www.itu.int", "United Nations agency for information and communication technologies."),
		forum("gfce", "Global Forum on Cyber Expertise", "GFCE", "multistakeholder capacity-building platform", 2015,
			"https://thegfce.org", "Platform for cyber capacity building."),

		// Initiatives.
		initiative("paris-call", "Paris Call for Trust and Security in Cyberspace", "declaration", "2018-11-12",
			"https://pariscall.international", "Principles for trust and security in cyberspace.", "Paris Call"),
		initiative("budapest-convention", "Convention on Cybercrime", "treaty", "2001-11-23",
			"https://www.coe.int/en/web/cybercrime/the-budapest-convention",
			"First international treaty on crimes committed via the Internet.", "Budapest Convention", "CETS 185"),
		initiative("christchurch-call", "Christchurch Call", "pledge", "2019-05-15",
			"https://www.christchurchcall.org", "Commitment to eliminate terrorist and violent extremist content.",
			"Christchurch Call to Action"),
		initiative("counter-ransomware-initiative", "Counter Ransomware Initiative", "coalition", "2021-10",
			"https://counter-ransomware.org", "Countries working together against ransomware.",
			"CRI", "International Counter Ransomware Initiative"),
		initiative("declaration-future-internet", "Declaration for the Future of the Internet", "declaration", "2022-04-28",
			"https://www.state.gov/declaration-for-the-future-of-the-internet",
			"Shared vision of an open, free, global, interoperable, reliable and secure Internet.", "DFI"),
		initiative("osce-cbms", "OSCE cyber confidence-building measures", "confidence-building measures", "2013-12-03",
			"https://www.osce.org/secretariat/256071", "Measures to reduce the risks of conflict stemming from the use of ICTs.",
			"OSCE CBMs"),
	}

	var rels []*normgraph.Relation
	add := func(t normgraph.RelationType, from, to, since, until, role, note string, sources ...string) {
		rels = append(rels, &normgraph.Relation{
			Type: t, From: from, To: to, Since: d(since), Until: d(until), Role: role, Note: note, SourceIDs: sources,
		})
	}
	each := func(t normgraph.RelationType, from string, tos []string, source string) {
		for _, to := range tos {
			add(t, from, to, "", "", "", "", source)
		}
	}

	// ADVANCES (19).
	each(normgraph.RelAdvances, "coe", []string{"law-enforcement", "internet-freedom"}, "src-fact-sheet")
	each(normgraph.RelAdvances, "foc", []string{"internet-freedom"}, "src-fact-sheet")
	each(normgraph.RelAdvances, "g7", []string{"economy", "protecting-networks"}, "src-fact-sheet")
	each(normgraph.RelAdvances, "itu", []string{"internet-governance", "international-development"}, "src-fact-sheet")
	each(normgraph.RelAdvances, "nato", []string{"military"}, "src-fact-sheet")
	each(normgraph.RelAdvances, "osce", []string{"military", "protecting-networks"}, "src-fact-sheet")
	each(normgraph.RelAdvances, "budapest-convention", []string{"law-enforcement"}, "src-fact-sheet")
	each(normgraph.RelAdvances, "christchurch-call", []string{"internet-freedom"}, "src-dig-watch")
	each(normgraph.RelAdvances, "counter-ransomware-initiative", []string{"law-enforcement", "protecting-networks"}, "src-dig-watch")
	each(normgraph.RelAdvances, "declaration-future-internet", []string{"internet-freedom", "internet-governance"}, "src-dig-watch")
	each(normgraph.RelAdvances, "osce-cbms", []string{"military", "protecting-networks"}, "src-dig-watch")
	each(normgraph.RelAdvances, "paris-call", []string{"protecting-networks"}, "src-paris-call")

	// SUPPORTS (8).
	each(normgraph.RelSupports, "gge-13a", []string{"military"}, "src-gge-2015")
	each(normgraph.RelSupports, "gge-13c", []string{"law-enforcement"}, "src-gge-2015")
	each(normgraph.RelSupports, "gge-13e", []string{"internet-freedom"}, "src-gge-2015")
	each(normgraph.RelSupports, "gge-13f", []string{"protecting-networks", "military"}, "src-gge-2015")
	each(normgraph.RelSupports, "gge-13j", []string{"protecting-networks"}, "src-gge-2015")
	each(normgraph.RelSupports, "isc-fundamental-freedoms", []string{"internet-freedom"}, "src-ics-2011")
	each(normgraph.RelSupports, "isc-multistakeholder", []string{"internet-governance"}, "src-ics-2011")

	// AFFIRMS (11).
	each(normgraph.RelAffirms, "g7", []string{"gge-13a", "gge-13c", "gge-13e", "gge-13f", "gge-13j"}, "src-dig-watch")
	each(normgraph.RelAffirms, "osce", []string{"gge-13a", "gge-13f"}, "src-dig-watch")
	each(normgraph.RelAffirms, "nato", []string{"gge-13f"}, "src-dig-watch")
	each(normgraph.RelAffirms, "foc", []string{"gge-13e", "isc-fundamental-freedoms"}, "src-dig-watch")
	each(normgraph.RelAffirms, "itu", []string{"isc-multistakeholder"}, "src-dig-watch")

	// PROMOTES (9).
	each(normgraph.RelPromotes, "budapest-convention", []string{"gge-13c"}, "src-coe-185")
	each(normgraph.RelPromotes, "christchurch-call", []string{"gge-13e"}, "src-dig-watch")
	each(normgraph.RelPromotes, "counter-ransomware-initiative", []string{"gge-13c"}, "src-dig-watch")
	each(normgraph.RelPromotes, "declaration-future-internet",
		[]string{"gge-13e", "isc-fundamental-freedoms", "isc-multistakeholder"}, "src-dig-watch")
	each(normgraph.RelPromotes, "osce-cbms", []string{"gge-13a"}, "src-dig-watch")
	each(normgraph.RelPromotes, "paris-call", []string{"gge-13f", "gge-13j"}, "src-paris-call")

	// MEMBER_OF (41), dated where the date is known.
	member := func(country, forum, since, until, note, source string) {
		add(normgraph.RelMemberOf, country, forum, since, until, "", note, source)
	}
	for _, c := range []string{"usa", "fra", "deu", "gbr", "rus"} {
		member(c, "osce", "1975", "", "", "src-dig-watch")
	}
	member("est", "osce", "1991-09-10", "", "", "src-dig-watch")
	for _, c := range []string{"usa", "fra", "gbr"} {
		member(c, "nato", "1949-04-04", "", "founding member", "src-members-nato")
	}
	member("deu", "nato", "1955-05-06", "", "", "src-members-nato")
	member("est", "nato", "2004-03-29", "", "", "src-members-nato")
	member("fra", "coe", "1949-05-05", "", "founding member", "src-members-coe")
	member("gbr", "coe", "1949-05-05", "", "founding member", "src-members-coe")
	member("deu", "coe", "1950-07-13", "", "", "src-members-coe")
	member("est", "coe", "1993-05-14", "", "", "src-members-coe")
	member("rus", "coe", "1996-02-28", "2022-03-16", "expelled", "src-members-coe")
	for _, c := range []string{"usa", "fra", "deu", "gbr", "jpn"} {
		member(c, "g7", "1975", "", "", "src-dig-watch")
	}
	add(normgraph.RelMemberOf, "rus", "g7", "1997", "2014", "", "G8 member from 1997; suspended in 2014",
		"src-dig-watch", "src-fact-sheet")
	for _, c := range []string{"usa", "fra", "gbr", "est", "ken"} {
		member(c, "foc", "2011-12", "", "founding member", "src-dig-watch")
	}
	member("deu", "foc", "2013", "", "", "src-dig-watch")
	for _, c := range []string{"chn", "cod", "cog", "deu", "est", "fra", "gbr", "jpn", "ken", "ner", "nga", "rus", "usa"} {
		member(c, "itu", "", "", "", "src-dig-watch")
	}

	// PARTICIPATES_IN (32).
	part := func(country, initiative, since, role, source string) {
		add(normgraph.RelParticipatesIn, country, initiative, since, "", role, "", source)
	}
	part("usa", "budapest-convention", "2007-01-01", "party", "src-coe-185")
	part("fra", "budapest-convention", "2006-05-01", "party", "src-coe-185")
	part("deu", "budapest-convention", "2009-07-01", "party", "src-coe-185")
	part("gbr", "budapest-convention", "2011-09-01", "party", "src-coe-185")
	part("est", "budapest-convention", "2004-07-01", "party", "src-coe-185")
	part("jpn", "budapest-convention", "2012-11-01", "party", "src-coe-185")
	part("nga", "budapest-convention", "2022-11-01", "party", "src-coe-185")
	for _, c := range []string{"fra", "deu", "gbr"} {
		part(c, "paris-call", "2018-11-12", "supporter", "src-paris-call")
	}
	part("usa", "paris-call", "2021-11-10", "supporter", "src-paris-call")
	for _, c := range []string{"fra", "gbr", "jpn"} {
		part(c, "christchurch-call", "2019-05-15", "supporter", "src-dig-watch")
	}
	part("usa", "christchurch-call", "2021-05-07", "supporter", "src-dig-watch")
	for _, c := range []string{"usa", "deu", "gbr", "est", "ken"} {
		part(c, "counter-ransomware-initiative", "2021-10", "member", "src-dig-watch")
	}
	for _, c := range []string{"usa", "fra", "deu", "gbr", "est", "jpn"} {
		part(c, "declaration-future-internet", "2022-04-28", "partner", "src-dig-watch")
	}
	for _, c := range []string{"usa", "fra", "deu", "gbr", "rus", "est"} {
		part(c, "osce-cbms", "2013-12-03", "participating state", "src-dig-watch")
	}

	// ENDORSES (21).
	each(normgraph.RelEndorses, "usa", []string{"gge-13a", "gge-13c", "gge-13e", "gge-13f", "gge-13j",
		"isc-fundamental-freedoms", "isc-multistakeholder"}, "src-ics-2011")
	each(normgraph.RelEndorses, "fra", []string{"gge-13e", "gge-13f", "gge-13j"}, "src-gge-2015")
	each(normgraph.RelEndorses, "deu", []string{"gge-13e", "gge-13f"}, "src-gge-2015")
	each(normgraph.RelEndorses, "gbr", []string{"gge-13a", "gge-13e", "gge-13f"}, "src-gge-2015")
	each(normgraph.RelEndorses, "est", []string{"gge-13f", "gge-13j"}, "src-gge-2015")
	each(normgraph.RelEndorses, "rus", []string{"gge-13a", "gge-13c"}, "src-gge-2015")
	each(normgraph.RelEndorses, "chn", []string{"gge-13a", "gge-13c"}, "src-gge-2015")

	// HOSTED_BY (2).
	add(normgraph.RelHostedBy, "budapest-convention", "coe", "2001-11-23", "", "", "CETS No. 185", "src-coe-185")
	add(normgraph.RelHostedBy, "osce-cbms", "osce", "2013-12-03", "", "", "", "src-dig-watch")

	// LEADS (4).
	add(normgraph.RelLeads, "fra", "paris-call", "2018-11-12", "", "", "launched by President Macron", "src-paris-call")
	add(normgraph.RelLeads, "fra", "christchurch-call", "2019-05-15", "", "", "co-founded with New Zealand", "src-dig-watch")
	add(normgraph.RelLeads, "usa", "counter-ransomware-initiative", "2021-10", "", "", "", "src-dig-watch")
	add(normgraph.RelLeads, "usa", "declaration-future-internet", "2022-04-28", "", "", "", "src-dig-watch")

	ds.Relations = rels
	return ds
}

const (
	frameworkGGE = "UN GGE 2015"
	frameworkISC = "International Strategy for Cyberspace 2011"
)

// d parses a literal date; "" is no date.
func d(s string) *normgraph.Date {
	if s == "" {
		return nil
	}
	v := normgraph.MustParseDate(s)
	return &v
}

func priority(id string, order int, name, short, desc string) *normgraph.Priority {
	return &normgraph.Priority{
		EntityBase: normgraph.EntityBase{ID: id, Kind: normgraph.KindPriority, Name: name, Description: desc,
			SourceIDs: []string{"src-ics-2011", "src-fact-sheet"}},
		ShortName: short, Order: order,
	}
}

func country(id, name, iso2, iso3, region, subregion string, aliases ...string) *normgraph.Country {
	return &normgraph.Country{
		EntityBase: normgraph.EntityBase{ID: id, Kind: normgraph.KindCountry, Name: name, Aliases: aliases,
			SourceIDs: []string{"src-dig-watch"}},
		ISO2: iso2, ISO3: iso3, Region: region, Subregion: subregion,
	}
}

func norm(id, name, code, framework, text string) *normgraph.Norm {
	src := "src-gge-2015"
	if framework == frameworkISC {
		src = "src-ics-2011"
	}
	return &normgraph.Norm{
		EntityBase: normgraph.EntityBase{ID: id, Kind: normgraph.KindNorm, Name: name, SourceIDs: []string{src}},
		Code:       code, Text: text, Framework: framework,
	}
}

func forum(id, name, acronym, typ string, founded int, url, desc string, aliases ...string) *normgraph.Forum {
	return &normgraph.Forum{
		EntityBase: normgraph.EntityBase{ID: id, Kind: normgraph.KindForum, Name: name, Description: desc,
			Aliases: append([]string{acronym}, aliases...), SourceIDs: []string{"src-dig-watch"}},
		Acronym: acronym, Type: typ, Founded: founded, URL: url,
	}
}

func initiative(id, name, typ, launched, url, desc string, aliases ...string) *normgraph.Initiative {
	return &normgraph.Initiative{
		EntityBase: normgraph.EntityBase{ID: id, Kind: normgraph.KindInitiative, Name: name, Description: desc,
			Aliases: aliases, SourceIDs: []string{"src-dig-watch"}},
		Type: typ, Launched: d(launched), URL: url,
	}
}
