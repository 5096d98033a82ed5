package synth

// Word lists. Names are built from the vocabulary of the curated data (cyber,
// security, convention, forum, ...) so that search on a synthetic graph hits
// realistic tokens with realistic frequencies; everything is ASCII and free
// of quotes and backslashes, so the YAML writer never needs to escape.

// Priority indices, in normgraph.PriorityIDs order.
const (
	pEconomy = iota
	pNetworks
	pLawEnforcement
	pMilitary
	pGovernance
	pDevelopment
	pFreedom
	numPriorities
)

// priorityText is the fixed content of the seven priorities: the real ones,
// since a synthetic graph keeps them (their ids are part of the contract).
var priorityText = [numPriorities]struct{ name, short, desc string }{
	{"Promote innovative, open markets", "Economy", "Keep cyberspace open to trade and innovation, protect intellectual property and let digital commerce grow across borders."},
	{"Enhance security, reliability, and resilience of global networks", "Protecting Our Networks", "Make the networks everyone depends on harder to attack and quicker to recover, through cooperation, shared standards and norms."},
	{"Extend law enforcement collaboration and the rule of law", "Law Enforcement", "Help police and prosecutors work across borders against cybercrime and deny criminals safe havens."},
	{"Prepare for 21st century security challenges", "Military", "Adapt defence and security policy to cyberspace, build confidence between states and reduce the risk of escalation."},
	{"Promote effective and inclusive Internet governance structures", "Internet Governance", "Support multistakeholder governance of the Internet that involves governments, companies, civil society and the technical community."},
	{"Build capacity, security, and prosperity through international development", "International Development", "Help other countries build the skills, laws, institutions and infrastructure to benefit from cyberspace securely."},
	{"Support fundamental freedoms and privacy", "Internet Freedom", "Defend freedom of expression, association and privacy online, and the people who depend on an open Internet."},
}

// Relative weights of the priorities as targets of ADVANCES and SUPPORTS,
// from the curated data (international-development supports no norm there;
// a small weight keeps it reachable).
var (
	advancesWeight = [numPriorities]float64{13, 24, 11, 21, 13, 12, 11}
	supportsWeight = [numPriorities]float64{7, 21, 8, 23, 6, 2, 5}
)

// topic is a subject of fora, initiatives and norms, with the priority it
// serves most: a cybercrime forum should advance law enforcement more often
// than internet freedom, so "which fora advance X" has plausible answers.
type topic struct {
	name     string
	priority int
}

var topics = []topic{
	{"Cyber", pNetworks},
	{"Cybersecurity", pNetworks},
	{"Digital", pEconomy},
	{"Internet", pGovernance},
	{"ICT", pMilitary},
	{"Information Security", pMilitary},
	{"Cybercrime", pLawEnforcement},
	{"Critical Infrastructure", pNetworks},
	{"Data Protection", pFreedom},
	{"Online Freedom", pFreedom},
	{"Digital Trade", pEconomy},
	{"Network Resilience", pNetworks},
	{"Telecommunications", pGovernance},
	{"Internet Governance", pGovernance},
	{"Digital Development", pDevelopment},
	{"Cyber Capacity", pDevelopment},
	{"Online Safety", pFreedom},
	{"Emerging Technologies", pEconomy},
	{"Artificial Intelligence", pEconomy},
	{"Cloud Security", pNetworks},
	{"Undersea Cables", pNetworks},
	{"Spectrum", pGovernance},
	{"Encryption", pFreedom},
	{"Incident Response", pNetworks},
	{"Cyber Diplomacy", pMilitary},
	{"Confidence Building", pMilitary},
	{"Digital Rights", pFreedom},
	{"E-Commerce", pEconomy},
	{"Electronic Evidence", pLawEnforcement},
	{"Supply Chain Security", pNetworks},
	{"Space Security", pMilitary},
	{"Election Security", pFreedom},
	{"Ransomware", pLawEnforcement},
	{"Child Online Protection", pLawEnforcement},
	{"Privacy", pFreedom},
	{"Technical Standards", pGovernance},
	{"Digital Identity", pDevelopment},
	{"Open Data", pDevelopment},
	{"Broadband", pDevelopment},
	{"Connectivity", pDevelopment},
	{"Intellectual Property", pEconomy},
	{"Cyber Defence", pMilitary},
	{"Online Crime", pLawEnforcement},
	{"Crime Prevention", pLawEnforcement},
}

// region is a UN M49 region with its sub-regions, its share of the countries
// (as in the curated data) and the adjectives regional bodies take.
type region struct {
	name       string
	share      float64
	subregions []string
	adjectives []string
}

var regions = []region{
	{"Africa", 27, []string{"Sub-Saharan Africa", "Northern Africa"},
		[]string{"African", "East African", "West African", "Southern African", "Sahel", "Central African"}},
	{"Americas", 19, []string{"Latin America and the Caribbean", "Northern America"},
		[]string{"Inter-American", "Caribbean", "Andean", "Latin American", "South American", "Central American"}},
	{"Asia", 25, []string{"Western Asia", "South-eastern Asia", "Southern Asia", "Eastern Asia", "Central Asia"},
		[]string{"Asian", "Asia-Pacific", "Gulf", "Central Asian", "South Asian", "East Asian", "Southeast Asian"}},
	{"Europe", 22, []string{"Southern Europe", "Northern Europe", "Eastern Europe", "Western Europe"},
		[]string{"European", "Nordic", "Baltic", "Balkan", "Danube", "Mediterranean", "Black Sea"}},
	{"Oceania", 7, []string{"Micronesia", "Melanesia", "Polynesia", "Australia and New Zealand"},
		[]string{"Pacific", "Pacific Islands", "Oceania", "South Pacific"}},
}

// globalScopes open the names of fora and initiatives that are not regional.
var globalScopes = []string{
	"Global", "International", "World", "Multilateral", "Transatlantic", "Commonwealth",
	"Open", "Joint", "United", "Intercontinental", "Worldwide", "Interregional",
}

// bodies close forum names; the type is what the forum's `type` field says
// when its size does not decide it.
var bodies = []struct{ name, typ string }{
	{"Forum", "multistakeholder"},
	{"Council", "intergovernmental"},
	{"Organisation", "intergovernmental"},
	{"Assembly", "intergovernmental"},
	{"Dialogue", "multistakeholder"},
	{"Partnership", "coalition"},
	{"Alliance", "alliance"},
	{"Working Group", "technical"},
	{"Commission", "intergovernmental"},
	{"Conference", "conference"},
	{"Network", "technical"},
	{"Union", "union"},
	{"Coalition", "coalition"},
	{"Group of Experts", "technical"},
	{"Summit", "summit"},
	{"Centre", "technical"},
	{"Community", "multistakeholder"},
	{"Task Force", "technical"},
}

// bigForumTypes are the types of fora that almost every country belongs to.
var bigForumTypes = []string{"un-body", "intergovernmental", "un-agency"}

// cities name calls, declarations and processes, as real ones are named
// after where they were launched.
var cities = []string{
	"Geneva", "Paris", "Budapest", "Tallinn", "Christchurch", "Malabo", "The Hague", "Singapore",
	"Nairobi", "Accra", "Lima", "Montevideo", "Oslo", "Helsinki", "Vienna", "Brussels", "Seoul",
	"Tokyo", "Canberra", "Wellington", "Ottawa", "Santiago", "Dakar", "Kigali", "Addis Ababa",
	"Marrakesh", "Doha", "Manila", "Jakarta", "Bangkok", "Delhi", "Warsaw", "Lisbon", "Madrid",
	"Rome", "Prague", "Riga", "Vilnius", "Reykjavik", "Bogota", "Panama", "Kingston", "Suva",
	"Apia", "Windhoek", "Tunis", "Muscat", "Astana", "Tbilisi", "Yerevan",
}

// initiativeKinds are the shapes of initiative names; %C is a city, %S a
// scope, %T a topic. roles are what its participants are.
var initiativeKinds = []struct {
	pattern, typ string
	roles        []string
}{
	{"%C Call for %T", "call", []string{"supporter", "supporter", "signatory"}},
	{"%C Declaration on %T", "declaration", []string{"signatory", "signatory", "supporter"}},
	{"Convention on %T", "treaty", []string{"party", "party", "party", "signatory"}},
	{"%S Convention on %T", "treaty", []string{"party", "party", "signatory"}},
	{"%T Programme", "programme", []string{"member", "partner", "donor", "beneficiary"}},
	{"%S %T Initiative", "programme", []string{"member", "partner"}},
	{"%T Partnership", "coalition", []string{"member", "partner"}},
	{"%C Process on %T", "policy", []string{"participant"}},
	{"%S %T Strategy", "strategy", []string{"participant", "partner"}},
	{"%T Confidence-Building Measures", "cbm", []string{"participating state"}},
	{"%C Manual on %T", "manual", []string{"contributor"}},
	{"%C %T Summit", "summit", []string{"participant", "host"}},
	{"%S Pledge on %T", "declaration", []string{"signatory", "supporter"}},
}

// Norms: a verb phrase and an object make a name; the object carries the
// priority the norm serves most.
var normVerbs = []string{
	"Protect", "Respect", "Do not attack", "Cooperate on", "Report threats to", "Share information on",
	"Prevent misuse of", "Refrain from targeting", "Safeguard", "Support", "Build capacity for",
	"Promote", "Ensure the integrity of", "Respond to requests concerning", "Limit proliferation of",
	"Preserve", "Strengthen", "Do not harm", "Coordinate action on", "Assist victims of attacks on",
}

var normObjects = []topic{
	{"critical infrastructure", pNetworks},
	{"emergency response teams", pNetworks},
	{"the public core of the Internet", pGovernance},
	{"human rights online", pFreedom},
	{"supply chain integrity", pNetworks},
	{"vulnerability disclosure", pNetworks},
	{"electoral processes", pFreedom},
	{"intellectual property", pEconomy},
	{"personal data", pFreedom},
	{"financial systems", pEconomy},
	{"healthcare networks", pNetworks},
	{"undersea cables", pNetworks},
	{"satellite networks", pMilitary},
	{"cross-border investigations", pLawEnforcement},
	{"malicious ICT tools", pMilitary},
	{"incident response", pNetworks},
	{"digital identity systems", pDevelopment},
	{"encryption", pFreedom},
	{"freedom of expression online", pFreedom},
	{"state-sponsored hacking", pMilitary},
	{"ransomware investigations", pLawEnforcement},
	{"electronic evidence", pLawEnforcement},
	{"cyber capacity building", pDevelopment},
	{"open technical standards", pGovernance},
	{"domain name infrastructure", pGovernance},
	{"digital trade", pEconomy},
	{"peaceful use of ICTs", pMilitary},
	{"confidence-building measures", pMilitary},
	{"cybercrime cooperation", pLawEnforcement},
	{"online privacy", pFreedom},
	{"broadband access", pDevelopment},
	{"industrial control systems", pNetworks},
	{"victims of ICT-enabled crime", pLawEnforcement},
}

var normClauses = []string{
	"in line with the purposes of the United Nations",
	"and consider further cooperative measures to that end",
	"consistent with their obligations under international law",
	"taking into account the wider context of each incident",
	"and encourage the private sector to do the same",
	"including in times of crisis",
	"while respecting human rights and fundamental freedoms",
	"through voluntary confidence-building measures",
	"and share lessons learned with other States",
	"with the support of the technical community",
}

var frameworkWords = []string{
	"Principles", "Accord", "Charter", "Code of Conduct", "Guidelines", "Commitments",
	"Norms", "Agenda", "Framework", "Compact", "Roadmap", "Consensus",
}

// Countries: names are made of syllables so that they look like country
// names without being any.
var (
	countryHeads = []string{
		"Al", "Ar", "Bel", "Bor", "Cal", "Cor", "Dal", "Dor", "El", "Es", "Fal", "Fen", "Gal", "Gor",
		"Hal", "Is", "Jar", "Kal", "Kor", "Lan", "Lor", "Mal", "Mor", "Nar", "Nor", "Os", "Pal",
		"Per", "Quen", "Ral", "Ros", "Sal", "Sor", "Tal", "Tor", "Ul", "Val", "Ver", "Wen", "Yar",
		"Zal", "Zor",
	}
	countryMiddles = []string{"", "a", "e", "i", "o", "u", "an", "en", "in", "on", "ar", "er", "or", "el", "il"}
	countryTails   = []string{
		"ia", "land", "stan", "ova", "ana", "ica", "ador", "esh", "aria", "onia", "ovia", "istan",
		"mark", "burg", "ore", "ea", "is", "an",
	}
	countryForms = []string{"Republic of", "Kingdom of", "Federal Republic of", "Democratic Republic of", "Principality of", "Union of", "State of"}
)

// Sources: generic publishers (not real institutions, whose names on made-up
// documents would mislead) and kinds of document.
var publishers = []struct{ name, slug, host string }{
	{"Treaty Depository Office", "tdo", "treaties.example.org"},
	{"International Registry of States", "irs", "registry.example.org"},
	{"Cyber Policy Observatory", "cpo", "observatory.example.org"},
	{"Global Digital Governance Institute", "gdgi", "gdgi.example.org"},
	{"Ministry of Foreign Affairs", "mfa", "mfa.example.gov"},
	{"Digital Rights Monitor", "drm", "rights-monitor.example.org"},
	{"Cyber Law Review", "clr", "cyberlaw.example.edu"},
	{"Centre for Strategic Cyber Studies", "cscs", "cscs.example.org"},
	{"Open Internet Foundation", "oif", "open-internet.example.org"},
	{"Regional Security Secretariat", "rss", "secretariat.example.int"},
	{"Network Operators Group", "nog", "nog.example.net"},
	{"Permanent Mission Network", "pmn", "missions.example.int"},
	{"Digital Development Bank", "ddb", "ddb.example.int"},
	{"Cybercrime Convention Committee", "ccc", "cybercrime-committee.example.int"},
	{"Press Office of the Secretary-General", "posg", "press.example.int"},
}

var documentKinds = []string{
	"Report on", "Statement on", "Communique on", "Fact sheet on", "Resolution on",
	"Chart of signatures and ratifications:", "List of members:", "Annual review of",
	"Background paper on", "Declaration text:", "Ministerial conclusions on",
}

// Notes on relationship rows, per list kind; the ones with a comma make the
// CSV writer quote, as spreadsheets do.
var (
	memberNotes = []string{
		"founding member",
		"joined at the ministerial meeting",
		"observer status before accession",
		"membership suspended for a period, then restored",
	}
	participantNotes = []string{
		"announced at the launch summit",
		"signed but not yet ratified",
		"acceded after ratification, with reservations",
	}
	endorserNotes = []string{
		"endorsed in a joint statement",
		"committed to in the leaders' communique",
		"affirmed in a national statement, with an interpretive declaration",
	}
)
