package neo4jstore

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/normgraph/normgraph/internal/normgraph"
)

func TestScratchNodeWrite(t *testing.T) {
	if os.Getenv("SCRATCH") == "" {
		t.Skip()
	}
	cfg := TestConfig(t)
	ctx := context.Background()
	s, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	mk := func(off int) []map[string]any {
		var rows []map[string]any
		for c := range 20000 {
			e := &normgraph.Country{EntityBase: normgraph.EntityBase{
				ID: fmt.Sprintf("country-%d", c+off), Kind: normgraph.KindCountry, Name: fmt.Sprintf("Country %d", c+off), SourceIDs: []string{"synthetic"}},
				ISO2: "AB", ISO3: fmt.Sprintf("X%05d", c), Region: "Region " + fmt.Sprint(c%5)}
			rows = append(rows, entityRow(e).param())
		}
		return rows
	}
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db})
	defer sess.Close(ctx)
	run := func(q string, rows []map[string]any) time.Duration {
		t0 := time.Now()
		for lo := 0; lo < len(rows); lo += 5000 {
			_, err := neo4j.ExecuteWrite(ctx, sess, func(tx neo4j.ManagedTransaction) (neo4j.ResultSummary, error) {
				r, err := tx.Run(ctx, q, map[string]any{"rows": rows[lo:min(lo+5000, len(rows))]})
				if err != nil {
					return nil, err
				}
				return r.Consume(ctx)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		return time.Since(t0)
	}
	merge := "UNWIND $rows AS row MERGE (n:Entity {id: row.id}) WITH n, row, n.hash AS old, n:Country AND size(labels(n)) = 2 AS labelled " +
		"FOREACH (_ IN CASE WHEN old IS NULL OR old <> row.hash OR NOT labelled THEN [1] ELSE [] END | " +
		"SET n = row.props REMOVE n:Priority:Norm:Forum:Initiative:Source SET n:Country) RETURN count(*)"
	create := "UNWIND $rows AS row CREATE (n:Entity:Country) SET n = row.props"
	createNoFT := create
	for round := range 2 {
		for _, v := range []struct{ name, q string }{{"merge", merge}, {"create", create}, {"create-noFT", createNoFT}} {
			if err := s.Wipe(ctx); err != nil {
				t.Fatal(err)
			}
			if v.name == "create-noFT" {
				s.write(ctx, "DROP INDEX "+fulltextIndex+" IF EXISTS", nil)
			} else if err := s.EnsureSchema(ctx); err != nil {
				t.Fatal(err)
			}
			cpu0 := javaCPU()
			d := run(v.q, mk(round*100000))
			t.Logf("%-12s 20000 nodes in %s (java cpu %s) = %.0f/s", v.name, d, javaCPU()-cpu0, 20000/d.Seconds())
		}
	}
	s.EnsureSchema(ctx)
}
