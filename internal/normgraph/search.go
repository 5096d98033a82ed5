package normgraph

import (
	"strings"
	"unicode"
)

// Tokenize splits text into lowercase tokens of letters and digits. Search
// uses it on both sides so that every backend matches the same way.
func Tokenize(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	})
}

// SearchFields returns the texts of e that search looks at, most important
// first: name, then aliases and codes, then description and text.
func SearchFields(e Entity) (name string, aliases []string, body string) {
	b := e.Base()
	aliases = append(aliases, b.Aliases...)
	body = b.Description
	switch v := e.(type) {
	case *Priority:
		aliases = append(aliases, v.ShortName)
	case *Norm:
		if v.Code != "" {
			aliases = append(aliases, v.Code)
		}
		body += " " + v.Text
	case *Country:
		aliases = append(aliases, v.ISO2, v.ISO3)
	case *Forum:
		if v.Acronym != "" {
			aliases = append(aliases, v.Acronym)
		}
	}
	return b.Name, aliases, body
}

// SearchText is every token of e's searchable fields, space-separated: what a
// full-text index with a whitespace analyzer needs to match like Tokenize.
func SearchText(e Entity) string {
	name, aliases, body := SearchFields(e)
	toks := Tokenize(name)
	for _, a := range aliases {
		toks = append(toks, Tokenize(a)...)
	}
	toks = append(toks, Tokenize(body)...)
	return strings.Join(toks, " ")
}

// Score rates how well e matches the query tokens; 0 means no match. Every
// query token must be a prefix of some token of e. Whole-name and exact-token
// matches in the name or an alias rank highest.
func Score(e Entity, query []string) float64 {
	if len(query) == 0 {
		return 0
	}
	name, aliases, body := SearchFields(e)
	nameToks := Tokenize(name)
	var aliasToks []string
	for _, a := range aliases {
		aliasToks = append(aliasToks, Tokenize(a)...)
	}
	bodyToks := Tokenize(body)

	score := 0.0
	for _, q := range query {
		best := 0.0
		best = max(best, tokenScore(q, nameToks, 3, 2))
		best = max(best, tokenScore(q, aliasToks, 3, 1.5))
		best = max(best, tokenScore(q, bodyToks, 1, 0.5))
		if best == 0 {
			return 0
		}
		score += best
	}
	joined := strings.Join(query, " ")
	if joined == strings.Join(nameToks, " ") {
		score += 10
	} else if strings.HasPrefix(strings.Join(nameToks, " "), joined) {
		score += 4
	}
	for _, a := range aliases {
		if joined == strings.Join(Tokenize(a), " ") {
			score += 8
			break
		}
	}
	// Shorter names win ties between equally good matches.
	score += 1.0 / float64(1+len(nameToks))
	return float64(int64(score*1000+0.5)) / 1000
}

func tokenScore(q string, toks []string, exact, prefix float64) float64 {
	best := 0.0
	for _, t := range toks {
		switch {
		case t == q:
			return exact
		case strings.HasPrefix(t, q):
			best = prefix
		}
	}
	return best
}
