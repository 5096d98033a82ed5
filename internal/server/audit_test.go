package server_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/normgraph/normgraph/internal/server"
)

// TestGraphQLOverHTTPAudit runs graphql-http's server audits
// (scripts/audit/audit.mjs) against the server in each of its modes: every
// MUST and every SHOULD audit passes, except the ones that query __type
// when introspection is off. It needs Node.js and npm; it
// skips without them, except where NORMGRAPH_REQUIRE_NEO4J is set (make test,
// CI), which promises the full toolchain.
func TestGraphQLOverHTTPAudit(t *testing.T) {
	node, errNode := exec.LookPath("node")
	npm, errNpm := exec.LookPath("npm")
	if errNode != nil || errNpm != nil {
		if os.Getenv("NORMGRAPH_REQUIRE_NEO4J") != "" {
			t.Fatalf("the GraphQL-over-HTTP audit needs node and npm: %v %v", errNode, errNpm)
		}
		t.Skip("node or npm not installed")
	}
	dir, err := filepath.Abs(filepath.Join("..", "..", "scripts", "audit"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "graphql-http")); err != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, npm, "ci", "--prefix", dir, "--no-audit", "--no-fund").CombinedOutput()
		if err != nil {
			t.Fatalf("npm ci --prefix %s: %v\n%s", dir, err, out)
		}
	}

	audit := func(t *testing.T, args ...string) ([]byte, error) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		return exec.CommandContext(ctx, node, append([]string{filepath.Join(dir, "audit.mjs")}, args...)...).Output()
	}

	// The audits' own queries, as an allowlist: allowlist mode must be as
	// compliant as the default for the queries on its list.
	list, err := audit(t, "--print-allowlist")
	if err != nil {
		t.Fatalf("audit.mjs --print-allowlist: %v", err)
	}
	listFile := filepath.Join(t.TempDir(), "audit-queries.json")
	if err := os.WriteFile(listFile, list, 0o644); err != nil {
		t.Fatal(err)
	}
	allow, err := server.LoadPersistedQueries(listFile)
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		cfg  server.Config
		// The audits expected to fail, by id: MUST ones (FAIL) and SHOULD
		// ones (WARN). Each is explained in scripts/audit/README.md.
		fail, warn string
	}{
		{"serve defaults", server.Config{Playground: true, Introspection: true}, "", ""},
		{"allowlist", server.Config{Introspection: true, PersistedQueries: allow}, "", ""},
		{"APQ off", server.Config{Introspection: true, DisableAPQ: true}, "", ""},
		// 28B9 and 2EA1 query __type to test variables: with introspection
		// off, the server rightly refuses them.
		{"introspection off", server.Config{}, "28B9", "2EA1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := startServer(t, fixtureStore(t), tc.cfg)
			out, err := audit(t, base+"/graphql")
			t.Logf("audit output:\n%s", out)
			var exit *exec.ExitError
			if err != nil && !errors.As(err, &exit) {
				t.Fatalf("audit did not run: %v", err)
			}
			if got := auditIDs(out, "FAIL"); got != tc.fail {
				t.Errorf("MUST audits failed: %q, want %q", got, tc.fail)
			}
			if got := auditIDs(out, "WARN"); got != tc.warn {
				t.Errorf("SHOULD audits failed: %q, want %q", got, tc.warn)
			}
			if (tc.fail == "") != (err == nil) {
				t.Errorf("audit exit: %v", err)
			}
		})
	}
}

// auditIDs lists the ids of the audits audit.mjs printed with a verdict.
func auditIDs(out []byte, verdict string) string {
	var ids []string
	for _, m := range regexp.MustCompile(`(?m)^`+verdict+` (\S+) `).FindAllSubmatch(out, -1) {
		ids = append(ids, string(m[1]))
	}
	return strings.Join(ids, ",")
}
