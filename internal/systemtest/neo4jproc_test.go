package systemtest_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/normgraph/normgraph/internal/store/neo4jstore"
)

// privateNeo4j is a Neo4j server of one test's own, run by
// scripts/neo4j/neo4j.sh in a temporary home on a free port, so that the test
// may stop and start it without disturbing the shared server the other
// packages' tests use. It reuses the shared server's jars through a symlinked
// lib/ when they are there (the script checks lib/.normgraph-complete, which
// it reads through the link), so no second 120 MB copy is made.
type privateNeo4j struct {
	script string
	home   string
	env    []string
	cfg    neo4jstore.Config
}

// privatePassword is the password of user neo4j in private servers.
const privatePassword = "normgraph-systemtest"

// startPrivateNeo4j starts a private Neo4j and stops it when the test ends.
// It applies neo4jstore.TestConfig's gate: without a configured Neo4j
// (NEO4J_URI) the test skips, unless NORMGRAPH_REQUIRE_NEO4J is set; what it
// really needs is a Java 17+ on this machine (and Maven, if the shared
// server's jars are not there to reuse), and when those are missing it skips
// or, with NORMGRAPH_REQUIRE_NEO4J, fails.
func startPrivateNeo4j(t *testing.T) *privateNeo4j {
	t.Helper()
	n := newPrivateNeo4j(t)
	n.start(t)
	return n
}

// newPrivateNeo4j is startPrivateNeo4j without the start: a home of the
// test's own, never started, as an offline import into a new home meets it.
func newPrivateNeo4j(t *testing.T) *privateNeo4j {
	t.Helper()
	required := neo4jRequired()
	unavailable := func(format string, args ...any) {
		t.Helper()
		if required {
			t.Fatalf(format+" (NORMGRAPH_REQUIRE_NEO4J is set)", args...)
		}
		t.Skipf(format, args...)
	}
	if !required {
		if os.Getenv("NEO4J_URI") == "" {
			t.Skip(`no Neo4j configured: set NEO4J_URI (eval "$(scripts/neo4j/neo4j.sh start)") or NORMGRAPH_REQUIRE_NEO4J to run this test`)
		}
		if testing.Short() {
			t.Skip("-short: this test starts and stops a Neo4j server of its own")
		}
	}
	if _, err := exec.LookPath("bash"); err != nil {
		unavailable("bash not found: it runs scripts/neo4j/neo4j.sh")
	}
	if !haveJava() {
		unavailable("no java on PATH or in JAVA_HOME: this test runs a Neo4j server of its own (scripts/neo4j/neo4j.sh needs Java 17+)")
	}

	root := moduleRoot(t)
	n := &privateNeo4j{
		script: filepath.Join(root, "scripts", "neo4j", "neo4j.sh"),
		home:   t.TempDir(),
	}
	if lib, ok := sharedNeo4jLib(t, root); ok {
		if err := os.Symlink(lib, filepath.Join(n.home, "lib")); err != nil {
			t.Fatal(err)
		}
		t.Logf("private Neo4j reuses the jars in %s", lib)
	} else {
		if _, err := exec.LookPath("mvn"); err != nil {
			unavailable("no Neo4j jars to reuse and no mvn to fetch them: start the shared server once (scripts/neo4j/neo4j.sh start) or install Maven")
		}
		t.Logf("no complete shared Neo4j lib/ to reuse: neo4j.sh copies the jars into %s", n.home)
	}
	port := freePort(t)
	n.env = childEnv(func(name string) bool { return strings.HasPrefix(name, "NORMGRAPH_NEO4J_") },
		"NORMGRAPH_NEO4J_HOME="+n.home,
		"NORMGRAPH_NEO4J_BOLT_PORT="+strconv.Itoa(port),
		"NORMGRAPH_NEO4J_PASSWORD="+privatePassword,
	)
	n.cfg = neo4jstore.Config{
		URI:      "bolt://127.0.0.1:" + strconv.Itoa(port),
		Username: "neo4j",
		Password: privatePassword,
		Database: neo4jstore.DefaultDatabase,
		// Errors only: the driver's warnings about refused connections are
		// what the outage test provokes on purpose.
		Logger: zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.ErrorLevel),
	}
	// Registered after t.TempDir, so it runs before the home is removed;
	// registered before the start, so a half-started server is stopped too.
	t.Cleanup(func() {
		if t.Failed() {
			n.logTail(t)
		}
		n.run(t, "stop", 2*time.Minute)
	})
	return n
}

// start starts the server (again) and waits for Bolt.
func (n *privateNeo4j) start(t *testing.T) {
	t.Helper()
	begin := time.Now()
	out := n.run(t, "start", 5*time.Minute)
	if uri := exportedValue(out, "NEO4J_URI"); uri != n.cfg.URI {
		t.Fatalf("neo4j.sh start exported NEO4J_URI=%q, want %q:\n%s", uri, n.cfg.URI, out)
	}
	t.Logf("private Neo4j up at %s in %s", n.cfg.URI, time.Since(begin).Round(time.Millisecond))
}

// stop stops the server and waits for its process to end.
func (n *privateNeo4j) stop(t *testing.T) {
	t.Helper()
	begin := time.Now()
	n.run(t, "stop", 2*time.Minute)
	t.Logf("private Neo4j stopped in %s", time.Since(begin).Round(time.Millisecond))
}

// run runs one neo4j.sh command against the private home; it fails the test
// (with the script's messages) if the command fails.
func (n *privateNeo4j) run(t *testing.T, command string, timeout time.Duration) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", n.script, command)
	cmd.Env = n.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// The server the script starts has its own session; WaitDelay keeps a
	// stray inherited descriptor from hanging Wait.
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Run(); err != nil {
		t.Fatalf("neo4j.sh %s (home %s): %v\n%s", command, n.home, err, stderr.String())
	}
	return stdout.String()
}

// logTail logs the end of the private server's log, to explain a failure.
func (n *privateNeo4j) logTail(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(n.home, "logs", "neo4j.log"))
	if err != nil {
		return
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	t.Logf("private Neo4j log (last lines):\n%s", strings.Join(lines, "\n"))
}

// exportedValue finds `export NAME=value` in neo4j.sh start's output.
func exportedValue(out, name string) string {
	for line := range strings.SplitSeq(out, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "export "+name+"="); ok {
			return strings.Trim(v, `'"`)
		}
	}
	return ""
}

func haveJava() bool {
	if jh := os.Getenv("JAVA_HOME"); jh != "" {
		if fi, err := os.Stat(filepath.Join(jh, "bin", "java")); err == nil && !fi.IsDir() {
			return true
		}
	}
	_, err := exec.LookPath("java")
	return err == nil
}

var neo4jVersionLine = regexp.MustCompile(`(?m)^NEO4J_VERSION=([0-9][0-9A-Za-z.\-]*)\s*$`)

// sharedNeo4jLib finds the lib/ directory of the shared server's home, as
// neo4j.sh computes it, if it holds a complete copy of the jars of the
// current scripts/neo4j/pom.xml (the script's marker holds the pom's digest).
func sharedNeo4jLib(t *testing.T, root string) (string, bool) {
	t.Helper()
	home := os.Getenv("NORMGRAPH_NEO4J_HOME")
	if home == "" {
		script, err := os.ReadFile(filepath.Join(root, "scripts", "neo4j", "neo4j.sh"))
		if err != nil {
			t.Fatal(err)
		}
		m := neo4jVersionLine.FindSubmatch(script)
		if m == nil {
			t.Log("cannot find NEO4J_VERSION in neo4j.sh; not sharing jars")
			return "", false
		}
		cache := os.Getenv("XDG_CACHE_HOME")
		if cache == "" {
			h, err := os.UserHomeDir()
			if err != nil {
				return "", false
			}
			cache = filepath.Join(h, ".cache")
		}
		home = filepath.Join(cache, "normgraph", "neo4j-"+string(m[1]))
	}
	lib := filepath.Join(home, "lib")
	marker, err := os.ReadFile(filepath.Join(lib, ".normgraph-complete"))
	if err != nil {
		return "", false
	}
	pom, err := os.ReadFile(filepath.Join(root, "scripts", "neo4j", "pom.xml"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(pom)
	if strings.TrimSpace(string(marker)) != hex.EncodeToString(sum[:]) {
		t.Logf("%s holds the jars of another pom.xml; not sharing them", lib)
		return "", false
	}
	return lib, true
}
