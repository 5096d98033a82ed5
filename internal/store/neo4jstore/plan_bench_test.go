package neo4jstore

import (
	"fmt"
	"testing"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// benchDataset is a million memberships of 50,000 countries in 1,000 fora.
func benchDataset() *normgraph.Dataset {
	ds := &normgraph.Dataset{Sources: []*normgraph.Source{{ID: "synthetic", Title: "S"}}}
	src := []string{"synthetic"}
	for f := range 1000 {
		ds.Entities = append(ds.Entities, &normgraph.Forum{EntityBase: normgraph.EntityBase{ID: fmt.Sprintf("forum-%d", f), Kind: normgraph.KindForum, Name: fmt.Sprint("Forum ", f), SourceIDs: src}})
	}
	d := normgraph.MustParseDate("1999")
	for c := range 50000 {
		id := fmt.Sprintf("country-%d", c)
		ds.Entities = append(ds.Entities, &normgraph.Country{EntityBase: normgraph.EntityBase{ID: id, Kind: normgraph.KindCountry, Name: fmt.Sprint("Country ", c), SourceIDs: src}, ISO2: "AA", ISO3: "AAA"})
		for k := range 20 {
			r := &normgraph.Relation{Type: normgraph.RelMemberOf, From: id, To: fmt.Sprintf("forum-%d", (c*7+k*13)%1000), SourceIDs: src}
			if k%3 == 0 {
				r.Since = &d
			}
			ds.Relations = append(ds.Relations, r)
		}
	}
	return ds
}

// BenchmarkSeedPlan times Seed's client-side work before it talks to the
// server: rows, content hashes and adjacency hashes of a million
// relationships.
func BenchmarkSeedPlan(b *testing.B) {
	ds := benchDataset()
	sd := &seeder{}
	for b.Loop() {
		if _, err := sd.desired(ds); err != nil {
			b.Fatal(err)
		}
	}
}
