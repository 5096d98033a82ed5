package neo4jstore

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// Dump reads the whole graph back as a Dataset in canonical order. It lets a
// test or an operator check that the graph holds exactly what was seeded
// (compare with Dataset.Version, or value by value), without trusting the
// content hashes Seed relies on.
func (s *Store) Dump(ctx context.Context) (*normgraph.Dataset, error) {
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{
		AccessMode:      neo4j.AccessModeRead,
		DatabaseName:    s.db,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager(),
		FetchSize:       10000,
	})
	defer sess.Close(context.WithoutCancel(ctx))
	ds, err := neo4j.ExecuteRead(ctx, sess, func(tx neo4j.ManagedTransaction) (*normgraph.Dataset, error) {
		ds := &normgraph.Dataset{}
		res, err := tx.Run(ctx, "MATCH (n:"+labelEntity+") RETURN n", nil)
		if err != nil {
			return nil, err
		}
		for res.Next(ctx) {
			n, _, err := recordNode(res.Record(), "n")
			if err != nil {
				return nil, err
			}
			if _, isEntity := kindOf(n.Labels); isEntity {
				e, err := decodeEntity(n)
				if err != nil {
					return nil, err
				}
				ds.Entities = append(ds.Entities, e)
				continue
			}
			src, err := decodeSource(n)
			if err != nil {
				return nil, err
			}
			ds.Sources = append(ds.Sources, src)
		}
		if err := res.Err(); err != nil {
			return nil, err
		}
		res, err = tx.Run(ctx, "MATCH (a:"+labelEntity+")-[r]->(b:"+labelEntity+") "+
			"RETURN a.id AS from, type(r) AS type, b.id AS to, properties(r) AS props", nil)
		if err != nil {
			return nil, err
		}
		for res.Next(ctx) {
			r, err := relationOf(res.Record())
			if err != nil {
				return nil, err
			}
			ds.Relations = append(ds.Relations, r)
		}
		return ds, res.Err()
	})
	if err != nil {
		return nil, s.fail(ctx, err, "dump")
	}
	ds.Sort()
	return ds, nil
}

// count runs a counting query on the leader; tests use it to check the
// graph against Dataset.Stats with plain Cypher.
func (s *Store) count(ctx context.Context, cypher string) (int, error) {
	res, err := s.write(ctx, cypher, nil)
	if err != nil {
		return 0, fmt.Errorf("neo4jstore: %s: %w", cypher, err)
	}
	if len(res.Records) != 1 || len(res.Records[0].Values) != 1 {
		return 0, fmt.Errorf("neo4jstore: %s: want one value", cypher)
	}
	n, ok := res.Records[0].Values[0].(int64)
	if !ok {
		return 0, fmt.Errorf("neo4jstore: %s: got %T", cypher, res.Records[0].Values[0])
	}
	return int(n), nil
}
