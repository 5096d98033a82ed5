package neo4jstore

import (
	"testing"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// relationHash must agree with the map-based contentHash, or every Seed
// would rewrite every relationship.
func TestRelationHashMatchesContentHash(t *testing.T) {
	d := normgraph.MustParseDate("2011-05")
	u := normgraph.MustParseDate("2020")
	rels := []*normgraph.Relation{
		{Type: normgraph.RelMemberOf, From: "usa", To: "osce"},
		{Type: normgraph.RelMemberOf, From: "usa", To: "osce", SourceIDs: []string{"a", "b"}},
		{Type: normgraph.RelParticipatesIn, From: "usa", To: "x", Since: &d, Until: &u, Role: "party", Note: "n", SourceIDs: []string{"a"}},
		{Type: normgraph.RelLeads, From: "usa", To: "x", Since: &normgraph.Date{}, Role: "r"},
	}
	seen := map[int64]bool{}
	var e hashEncoder
	for _, r := range rels {
		want := contentHash(relType[r.Type], relProps(r))
		if got := relationHash(&e, r); got != want {
			t.Errorf("%s %+v: relationHash %x, contentHash %x", r.ID(), r, got, want)
		}
		if seen[want] {
			t.Errorf("%s: hash %x collides", r.ID(), want)
		}
		seen[want] = true
	}
}
