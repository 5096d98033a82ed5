package neo4jstore

import "context"

// Exec runs a write statement, for tests that damage the graph on purpose.
func Exec(ctx context.Context, s *Store, cypher string, params map[string]any) error {
	_, err := s.write(ctx, cypher, params)
	return err
}

// Count runs a query returning one integer.
func Count(ctx context.Context, s *Store, cypher string) (int, error) { return s.count(ctx, cypher) }

// Fail exposes the driver-error mapping.
var Fail = (*Store).fail
