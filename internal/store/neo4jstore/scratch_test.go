package neo4jstore

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

func TestScratchRelWrite(t *testing.T) {
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
	if err := s.Wipe(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	// nodes
	nc, _ := strconv.Atoi(os.Getenv("NC"))
	const nf = 1000
	var rows []map[string]any
	for i := range nc {
		rows = append(rows, map[string]any{"id": fmt.Sprintf("c-%d", i)})
	}
	for i := range nf {
		rows = append(rows, map[string]any{"id": fmt.Sprintf("f-%d", i)})
	}
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db})
	defer sess.Close(ctx)
	run := func(q string, params map[string]any) (time.Duration, neo4j.ResultSummary) {
		t0 := time.Now()
		sum, err := neo4j.ExecuteWrite(ctx, sess, func(tx neo4j.ManagedTransaction) (neo4j.ResultSummary, error) {
			r, err := tx.Run(ctx, q, params)
			if err != nil {
				return nil, err
			}
			return r.Consume(ctx)
		})
		if err != nil {
			t.Fatal(err)
		}
		return time.Since(t0), sum
	}
	for lo := 0; lo < len(rows); lo += 5000 {
		run("UNWIND $rows AS row MERGE (n:Entity {id: row.id}) SET n:Country", map[string]any{"rows": rows[lo:min(lo+5000, len(rows))]})
	}
	propsFor := func() map[string]any {
		switch os.Getenv("PROPS") {
		case "none":
			return map[string]any{}
		case "hash":
			return map[string]any{"hash": int64(1234567890123)}
		case "sources":
			return map[string]any{"sources": []string{"synthetic"}}
		case "since":
			return map[string]any{"since": "1999"}
		}
		return map[string]any{"hash": int64(1234567890123), "sources": []string{"synthetic"}, "since": "1999"}
	}
	mk := func(k int) []map[string]any {
		var rr []map[string]any
		for c := range nc {
			f := (c*7 + k*13) % nf
			rr = append(rr, map[string]any{"from": fmt.Sprintf("c-%d", c), "to": fmt.Sprintf("f-%d", f),
				"props": propsFor()})
		}
		return rr
	}
	variants := []struct{ name, q string }{
		{"merge", "UNWIND $rows AS row MATCH (a:Entity {id: row.from}) MATCH (b:Entity {id: row.to}) MERGE (a)-[r:T]->(b) WITH r, row, r.hash AS old FOREACH (_ IN CASE WHEN old IS NULL OR old <> row.props.hash THEN [1] ELSE [] END | SET r = row.props) RETURN count(*)"},
		{"create-indexed", "INDEXED"},
		{"create-guarded", "UNWIND $rows AS row MATCH (a:Entity {id: row.from}) MATCH (b:Entity {id: row.to}) WHERE NOT EXISTS { (a)-[:T]->(b) } CREATE (a)-[r:T]->(b) SET r = row.props RETURN count(*)"},
		{"merge-noset", "UNWIND $rows AS row MATCH (a:Entity {id: row.from}) MATCH (b:Entity {id: row.to}) MERGE (a)-[r:T]->(b) RETURN count(*)"},
		{"create", "UNWIND $rows AS row MATCH (a:Entity {id: row.from}) MATCH (b:Entity {id: row.to}) CREATE (a)-[r:T]->(b) SET r = row.props RETURN count(*)"},
		{"create-noprops", "UNWIND $rows AS row MATCH (a:Entity {id: row.from}) MATCH (b:Entity {id: row.to}) CREATE (a)-[r:T]->(b) RETURN count(*)"},
		{"merge-oncreate", "UNWIND $rows AS row MATCH (a:Entity {id: row.from}) MATCH (b:Entity {id: row.to}) MERGE (a)-[r:T]->(b) ON CREATE SET r = row.props RETURN count(*)"},
	}
	k := 0
	if vs := os.Getenv("VARIANTS"); vs != "" {
		var keep []struct{ name, q string }
		for _, v := range variants {
			if strings.Contains(","+vs+",", ","+v.name+",") {
				keep = append(keep, v)
			}
		}
		variants = nil
		for _, name := range strings.Split(vs, ",") {
			for _, v := range keep {
				if v.name == name {
					variants = append(variants, v)
				}
			}
		}
	}
	for _, v := range variants {
		bss := []int{10000}
		if v := os.Getenv("BS"); v != "" {
			bss = nil
			for _, x := range strings.Split(v, ",") {
				n, _ := strconv.Atoi(x)
				bss = append(bss, n)
			}
		}
		for _, bs := range bss {
			cpu0 := javaCPU()
			rr := mk(k)
			k++
			q := v.q
			var tot, srv time.Duration
			par, _ := strconv.Atoi(os.Getenv("PAR"))
			if par <= 1 {
				for lo := 0; lo < len(rr); lo += bs {
					params := map[string]any{"rows": rr[lo:min(lo+bs, len(rr))]}
					if q == "INDEXED" {
						q2, p2 := indexed(rr[lo:min(lo+bs, len(rr))])
						d, sum := run(q2, p2)
						tot += d
						srv += sum.ResultAvailableAfter() + sum.ResultConsumedAfter()
						continue
					}
					d, sum := run(q, params)
					tot += d
					srv += sum.ResultAvailableAfter() + sum.ResultConsumedAfter()
				}
			} else {
				t0 := time.Now()
				ch := make(chan []map[string]any)
				var wg sync.WaitGroup
				for range par {
					wg.Add(1)
					go func() {
						defer wg.Done()
						ss := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db})
						defer ss.Close(ctx)
						for b := range ch {
							_, err := neo4j.ExecuteWrite(ctx, ss, func(tx neo4j.ManagedTransaction) (neo4j.ResultSummary, error) {
								r, err := tx.Run(ctx, q, map[string]any{"rows": b})
								if err != nil {
									return nil, err
								}
								return r.Consume(ctx)
							})
							if err != nil {
								t.Error(err)
							}
						}
					}()
				}
				for lo := 0; lo < len(rr); lo += bs {
					ch <- rr[lo:min(lo+bs, len(rr))]
				}
				close(ch)
				wg.Wait()
				tot = time.Since(t0)
			}
			t.Logf("%-16s batch %5d: %d rels in %s (server %s, java cpu %s) = %.0f/s", v.name, bs, len(rr), tot, srv, javaCPU()-cpu0, float64(len(rr))/tot.Seconds())
		}
	}
	// profile one
	rr := mk(k)
	res, err := sess.Run(ctx, "PROFILE "+variants[0].q, map[string]any{"rows": rr[:5000]})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var dump func(p neo4j.ProfiledPlan, ind string)
	dump = func(p neo4j.ProfiledPlan, ind string) {
		t.Logf("%s%s rows=%d dbhits=%d time=%d args=%v", ind, p.Operator(), p.Records(), p.DbHits(), p.Time(), p.Arguments()["Details"])
		for _, c := range p.Children() {
			dump(c, ind+"  ")
		}
	}
	dump(sum.Profile(), "")
}

func javaCPU() time.Duration {
	out, _ := os.ReadFile("/proc/" + os.Getenv("JAVAPID") + "/stat")
	f := strings.Fields(string(out))
	if len(f) < 15 {
		return 0
	}
	u, _ := strconv.Atoi(f[13])
	s, _ := strconv.Atoi(f[14])
	return time.Duration(u+s) * 10 * time.Millisecond
}

func indexed(rows []map[string]any) (string, map[string]any) {
	fi, ti := map[string]int{}, map[string]int{}
	var froms, tos []string
	var out [][]any
	for _, r := range rows {
		f, t := r["from"].(string), r["to"].(string)
		if _, ok := fi[f]; !ok {
			fi[f] = len(froms)
			froms = append(froms, f)
		}
		if _, ok := ti[t]; !ok {
			ti[t] = len(tos)
			tos = append(tos, t)
		}
		out = append(out, []any{int64(fi[f]), int64(ti[t]), r["props"]})
	}
	q := "CALL () { UNWIND $froms AS id OPTIONAL MATCH (n:Entity {id: id}) RETURN collect([n]) AS fs } " +
		"CALL () { UNWIND $tos AS id OPTIONAL MATCH (n:Entity {id: id}) RETURN collect([n]) AS ts } " +
		"UNWIND $rows AS row WITH fs[row[0]][0] AS a, ts[row[1]][0] AS b, row[2] AS props " +
		"CREATE (a)-[r:T]->(b) SET r = props RETURN count(*)"
	return q, map[string]any{"froms": froms, "tos": tos, "rows": out}
}
