//go:build !unix

package neo4jstore

// lockFile does not lock where flock is unavailable: tests there must not
// run packages that use Neo4j in parallel (go test -p 1).
func lockFile(path string, waiting func()) (func(), error) {
	return func() {}, nil
}
