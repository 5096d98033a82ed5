package neo4jstore

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// TB is the part of testing.TB that TestConfig uses. *testing.T and
// *testing.B satisfy it; taking an interface keeps package testing out of
// the binaries that link this package.
type TB interface {
	Helper()
	Log(args ...any)
	Logf(format string, args ...any)
	Skip(args ...any)
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// TestConfig returns the Config of the Neo4j server tests should use, from
// NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD and NEO4J_DATABASE (default
// "neo4j"). Without NEO4J_URI the test is skipped, or fails when
// NORMGRAPH_REQUIRE_NEO4J is set (make test and CI set it, so a missing
// server cannot pass as green).
//
// Neo4j Community has a single database that tests of several packages
// write to, and go test runs packages in parallel processes: TestConfig
// therefore takes a cross-process lock per server and database, held until
// t's cleanup. Calls from one process share the lock, so nested or
// sequential tests in a package do not block each other; a package must
// not run tests that write to Neo4j in parallel with each other.
func TestConfig(t TB) Config {
	t.Helper()
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		if v := os.Getenv("NORMGRAPH_REQUIRE_NEO4J"); v != "" && v != "0" && !strings.EqualFold(v, "false") {
			t.Fatalf("NORMGRAPH_REQUIRE_NEO4J is set but NEO4J_URI is not: start a server with "+
				`eval "$(scripts/neo4j/neo4j.sh start)"`+" (NORMGRAPH_REQUIRE_NEO4J=%s)", v)
		}
		t.Skip(`no Neo4j configured: set NEO4J_URI (eval "$(scripts/neo4j/neo4j.sh start)") to run this test`)
		return Config{}
	}
	cfg := Config{
		URI:      uri,
		Username: os.Getenv("NEO4J_USERNAME"),
		Password: os.Getenv("NEO4J_PASSWORD"),
		Database: os.Getenv("NEO4J_DATABASE"),
		Logger:   zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel),
	}
	if cfg.Database == "" {
		cfg.Database = DefaultDatabase
	}
	release, err := lockServer(t, cfg.URI+"\x00"+cfg.Database)
	if err != nil {
		t.Fatalf("neo4jstore: test lock: %v", err)
	}
	t.Cleanup(release)
	return cfg
}

// heldLock is one process's hold on a server's cross-process lock.
type heldLock struct {
	unlock func()
	refs   int
}

var (
	locksMu sync.Mutex
	locks   = map[string]*heldLock{}
)

// lockServer takes the cross-process lock for key, or shares this process's
// hold on it, and returns the function that lets go of it.
func lockServer(t TB, key string) (func(), error) {
	locksMu.Lock()
	defer locksMu.Unlock()
	if h, ok := locks[key]; ok {
		h.refs++
		return releaser(key, h), nil
	}
	sum := sha256.Sum256([]byte(key))
	path := filepath.Join(os.TempDir(), "normgraph-neo4j-test-"+hex.EncodeToString(sum[:8])+".lock")
	start := time.Now()
	unlock, err := lockFile(path, func() {
		t.Logf("waiting for %s: another test process is using this Neo4j database", path)
	})
	if err != nil {
		return nil, err
	}
	if waited := time.Since(start); waited > time.Second {
		t.Logf("got %s after %s", path, waited.Round(time.Millisecond))
	}
	h := &heldLock{unlock: unlock, refs: 1}
	locks[key] = h
	return releaser(key, h), nil
}

func releaser(key string, h *heldLock) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			locksMu.Lock()
			defer locksMu.Unlock()
			h.refs--
			if h.refs == 0 {
				delete(locks, key)
				h.unlock()
			}
		})
	}
}
