package neo4jstore

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Exec runs a write statement, for tests that damage the graph on purpose.
func Exec(ctx context.Context, s *Store, cypher string, params map[string]any) error {
	_, err := s.write(ctx, cypher, params)
	return err
}

// Count runs a query returning one integer.
func Count(ctx context.Context, s *Store, cypher string) (int, error) { return s.count(ctx, cypher) }

// Fail exposes the driver-error mapping.
var Fail = (*Store).fail

// OpenUnchecked builds a Store without checking that the server answers, so
// tests can see how queries fail against a dead address.
func OpenUnchecked(cfg Config) (*Store, error) {
	drv, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.Username, cfg.Password, ""))
	if err != nil {
		return nil, err
	}
	return &Store{driver: drv, db: DefaultDatabase, queryTimeout: 500 * time.Millisecond, connectTimeout: time.Second, log: cfg.Logger}, nil
}
