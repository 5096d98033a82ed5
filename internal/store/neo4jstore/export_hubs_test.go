package neo4jstore

import "testing"

// WalkEveryHub makes every related page that can walk a sortKey index walk
// it, so that the fixture, whose parents are all far below the hub
// threshold, exercises that branch; the ratio is restored when t ends.
func WalkEveryHub(t *testing.T) {
	old := walkRatio
	walkRatio = 1 << 31 // no overflow: fixture degrees are far below 2^16
	t.Cleanup(func() { walkRatio = old })
}
