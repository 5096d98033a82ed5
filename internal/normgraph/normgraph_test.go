package normgraph_test

import (
	"strings"
	"testing"

	"github.com/normgraph/normgraph/internal/normgraph"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in, out string
		prec    normgraph.Precision
		wantErr bool
	}{
		{"2011", "2011", normgraph.PrecisionYear, false},
		{"2011-05", "2011-05", normgraph.PrecisionMonth, false},
		{"2011-05-16", "2011-05-16", normgraph.PrecisionDay, false},
		{"2024-02-29", "2024-02-29", normgraph.PrecisionDay, false},
		{"2023-02-29", "", 0, true},
		{"2011-13", "", 0, true},
		{"2011-5-16", "", 0, true},
		{"11", "", 0, true},
		{"", "", 0, true},
		{"2011-05-16T00:00:00Z", "", 0, true},
	}
	for _, tc := range tests {
		d, err := normgraph.ParseDate(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("ParseDate(%q) error = %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if err == nil && (d.String() != tc.out || d.Precision() != tc.prec) {
			t.Errorf("ParseDate(%q) = %s (precision %d), want %s (%d)", tc.in, d, d.Precision(), tc.out, tc.prec)
		}
	}
}

// A Date is a GraphQL string at its own precision; the zero Date an empty one.
func TestDateMarshalGQL(t *testing.T) {
	for in, want := range map[string]string{"2011": `"2011"`, "2011-05": `"2011-05"`, "0987-05-16": `"0987-05-16"`, "": `""`} {
		var d normgraph.Date
		if in != "" {
			d = normgraph.MustParseDate(in)
		}
		var b strings.Builder
		d.MarshalGQL(&b)
		if b.String() != want {
			t.Errorf("Date(%q).MarshalGQL wrote %s, want %s", in, b.String(), want)
		}
	}
}

func ptr(s string) *normgraph.Date {
	if s == "" {
		return nil
	}
	d := normgraph.MustParseDate(s)
	return &d
}

func TestInForce(t *testing.T) {
	tests := []struct {
		since, until, asOf string
		want               bool
	}{
		{"", "", "2000-01-01", true},
		{"1997", "2014", "1996-12-31", false},
		{"1997", "2014", "1997-01-01", true}, // a year compares as its first day
		{"1997", "2014", "2013-12-31", true},
		{"1997", "2014", "2014-01-01", false}, // until is exclusive
		{"2022-03", "", "2022-02-28", false},
		{"2022-03", "", "2022-03-01", true},
		{"", "2022-03-16", "2022-03-15", true},
		{"", "2022-03-16", "2022-03-16", false},
	}
	for _, tc := range tests {
		if got := normgraph.InForce(ptr(tc.since), ptr(tc.until), normgraph.MustParseDate(tc.asOf)); got != tc.want {
			t.Errorf("InForce(%q, %q, %q) = %v, want %v", tc.since, tc.until, tc.asOf, got, tc.want)
		}
	}
}

func TestCursorRoundTrip(t *testing.T) {
	for _, c := range []normgraph.Cursor{{Key: "United States", ID: "usa"}, {Key: "", ID: "a"}, {Key: "Côte d’Ivoire", ID: "civ"}} {
		got, err := normgraph.DecodeCursor(c.Encode())
		if err != nil || got != c {
			t.Errorf("round trip of %+v = %+v, %v", c, got, err)
		}
	}
	for _, bad := range []string{"", "bogus", "!!!", normgraph.Cursor{Key: "x", ID: "Not An Id"}.Encode()} {
		_, err := normgraph.DecodeCursor(bad)
		if normgraph.ErrorCode(err) != normgraph.EINVALID {
			t.Errorf("DecodeCursor(%q) = %v, want an EINVALID error", bad, err)
		}
	}
}

func TestValidID(t *testing.T) {
	for id, want := range map[string]bool{
		"usa": true, "internet-governance": true, "gge-2015-13a": true, "a": true,
		"": false, "USA": false, "-a": false, "a-": false, "a--b": false, "a_b": false, "a b": false,
		strings.Repeat("a", 129): false,
	} {
		if got := normgraph.ValidID(id); got != want {
			t.Errorf("ValidID(%q) = %v, want %v", id, got, want)
		}
	}
}

func TestCheckEndpoints(t *testing.T) {
	ok := [][3]string{
		{"ADVANCES", "FORUM", "PRIORITY"}, {"ADVANCES", "INITIATIVE", "PRIORITY"},
		{"MEMBER_OF", "COUNTRY", "FORUM"}, {"HOSTED_BY", "INITIATIVE", "FORUM"},
	}
	bad := [][3]string{
		{"ADVANCES", "COUNTRY", "PRIORITY"}, {"MEMBER_OF", "FORUM", "COUNTRY"},
		{"SUPPORTS", "NORM", "FORUM"}, {"NOPE", "NORM", "PRIORITY"},
	}
	for _, c := range ok {
		if err := normgraph.CheckEndpoints(normgraph.RelationType(c[0]), normgraph.EntityKind(c[1]), normgraph.EntityKind(c[2])); err != nil {
			t.Errorf("%v: %v", c, err)
		}
	}
	for _, c := range bad {
		if err := normgraph.CheckEndpoints(normgraph.RelationType(c[0]), normgraph.EntityKind(c[1]), normgraph.EntityKind(c[2])); err == nil {
			t.Errorf("%v: accepted", c)
		}
	}
}

func TestTokenize(t *testing.T) {
	got := strings.Join(normgraph.Tokenize("A/70/174 13(f) — Côte d'Ivoire, G7!"), "|")
	if want := "a|70|174|13|f|côte|d|ivoire|g7"; got != want {
		t.Errorf("Tokenize = %s, want %s", got, want)
	}
}

func TestScore(t *testing.T) {
	osce := &normgraph.Forum{EntityBase: normgraph.EntityBase{ID: "osce", Kind: normgraph.KindForum,
		Name: "Organization for Security and Co-operation in Europe"}, Acronym: "OSCE"}
	coe := &normgraph.Forum{EntityBase: normgraph.EntityBase{ID: "coe", Kind: normgraph.KindForum,
		Name: "Council of Europe", Description: "Hosts the Budapest Convention."}}
	q := normgraph.Tokenize
	tests := []struct {
		name   string
		better normgraph.Entity
		worse  normgraph.Entity
		query  string
	}{
		{"acronym beats description", osce, coe, "osce"},
		{"whole name beats word in a longer name", coe, osce, "europe"},
	}
	for _, tc := range tests {
		b, w := normgraph.Score(tc.better, q(tc.query)), normgraph.Score(tc.worse, q(tc.query))
		if b <= w {
			t.Errorf("%s: %s scores %v, %s scores %v", tc.name, tc.better.NodeID(), b, tc.worse.NodeID(), w)
		}
	}
	if s := normgraph.Score(coe, q("budapest")); s <= 0 {
		t.Errorf("description match scores %v", s)
	}
	if s := normgraph.Score(coe, q("budapest nato")); s != 0 {
		t.Errorf("every token must match; got %v", s)
	}
	if s := normgraph.Score(osce, q("sec")); s <= 0 {
		t.Errorf("prefix match scores %v", s)
	}
}

func FuzzDecodeCursor(f *testing.F) {
	f.Add(normgraph.Cursor{Key: "United States", ID: "usa"}.Encode())
	f.Add("bogus")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := normgraph.DecodeCursor(s)
		if err != nil {
			if normgraph.ErrorCode(err) != normgraph.EINVALID || !strings.HasPrefix(err.Error(), "after: ") {
				t.Fatalf("unclear error for %q: %v", s, err)
			}
			return
		}
		again, err := normgraph.DecodeCursor(c.Encode())
		if err != nil || again != c {
			t.Fatalf("cursor %q decodes to %+v which does not round-trip", s, c)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2011", "2011-05", "2011-05-16", "2011-02-30", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := normgraph.ParseDate(s)
		if err != nil {
			if !strings.Contains(err.Error(), "want YYYY") {
				t.Fatalf("unclear error for %q: %v", s, err)
			}
			return
		}
		if d.String() != s {
			t.Fatalf("ParseDate(%q).String() = %q", s, d.String())
		}
	})
}
