package systemtest_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/normgraph/normgraph/internal/server"
)

// outageQueries reach the database through different Store methods
// (lookups with traversals, filtered lists, full-text search, shortest path,
// neighbourhood, stats), so that every read path meets the outage.
var outageQueries = []struct{ name, query string }{
	{"priority fora", `{ priority(id: "internet-governance") { id name fora(first: 10) { totalCount edges { node { id name } } } } }`},
	{"countries memberOf", `{ countries(filter: { memberOf: ["osce", "asean-regional-forum"] }) { totalCount edges { node { id } } } }`},
	{"search", `{ search(query: "cyber", first: 5) { score node { id kind } } }`},
	{"path", `{ path(from: "freedom-online-coalition", to: "law-enforcement") { length nodes { id } } }`},
	{"neighborhood", `{ neighborhood(id: "osce", depth: 1, limit: 20) { nodes { id } edges { id } truncated } }`},
	{"stats", `{ stats { entities relations datasetVersion } }`},
}

const (
	// failFastBound bounds how long a request may take to fail while Neo4j
	// is down. It is a behavioural bound, not a performance assertion: the
	// request deadline (DefaultLimits.Timeout, 10s) is twice as long, so a
	// request that waits for its deadline instead of failing on the refused
	// connection breaks it on any machine.
	failFastBound = 5 * time.Second
	// recoveryBound bounds how long after Neo4j answers Bolt again the
	// server takes to answer from it again, without a restart.
	recoveryBound = 90 * time.Second
)

// TestNeo4jOutage proves that the server rides out a Neo4j outage: a real
// Neo4j of the test's own (never a mock) is seeded with the curated data and
// served by server.New with default limits; while it is up every query
// answers and /readyz is 200; once it is stopped every query fails fast
// (well under the request timeout) with extensions.code DATABASE_UNAVAILABLE
// and a message, /readyz turns 503 and /livez stays 200 (the process is fine,
// so an orchestrator must not restart it); once Neo4j is started again, the
// same server, without a restart, gives the same answers again and /readyz is
// 200 within a bounded wait.
func TestNeo4jOutage(t *testing.T) {
	neo := startPrivateNeo4j(t)
	store := seededNeo4j(t, neo.cfg)
	url, _ := startServer(t, server.Config{Store: store}, zerolog.WarnLevel)
	if lim := server.DefaultLimits.Timeout; failFastBound >= lim {
		t.Fatalf("failFastBound %s must be well under the request timeout %s", failFastBound, lim)
	}
	c := newClient(time.Minute)
	ctx := context.Background()

	// Up: every query answers; remember the answers.
	want := map[string]string{}
	for _, q := range outageQueries {
		status, r, body, err := postGraphQL(ctx, c, url, q.query, nil)
		if err != nil || status != http.StatusOK || !r.ok() {
			t.Fatalf("%s with Neo4j up: status %d, err %v: %.500s", q.name, status, err, body)
		}
		want[q.name] = string(r.Data)
	}
	expectStatus(t, c, url+"/readyz", http.StatusOK)
	expectStatus(t, c, url+"/livez", http.StatusOK)

	// Down.
	neo.stop(t)
	// The first round meets the pooled connections to the dead server, the
	// second only fresh dials that are refused. The queries of a round run
	// concurrently, as requests do, so a regression costs one request
	// timeout per round, not one per query; each runs `copies` times, so
	// that more reads are sent at once than the store lets run (its
	// default bound on reads in flight for a server on loopback), and the
	// ones that wait for a slot must fail fast too.
	_, bound := store.ReadStats()
	copies := bound/len(outageQueries) + 2
	if bound == 0 {
		t.Fatalf("the store has no bound on reads in flight for %s; want DefaultMaxReads' loopback bound", neo.cfg.URI)
	}
	for round := 1; round <= 2; round++ {
		type outcome struct {
			status int
			r      gqlResponse
			body   []byte
			err    error
			took   time.Duration
		}
		outcomes := make([]outcome, copies*len(outageQueries))
		var wg sync.WaitGroup
		for i := range outcomes {
			q := outageQueries[i%len(outageQueries)]
			wg.Go(func() {
				start := time.Now()
				o := &outcomes[i]
				o.status, o.r, o.body, o.err = postGraphQL(ctx, c, url, q.query, nil)
				o.took = time.Since(start)
			})
		}
		wg.Wait()
		for i, o := range outcomes {
			q := outageQueries[i%len(outageQueries)]
			t.Logf("Neo4j down, round %d: %-20s %4d %v in %s", round, q.name, o.status, o.r.codes(), o.took.Round(time.Millisecond))
			if o.err != nil {
				t.Errorf("%s with Neo4j down: %v", q.name, o.err)
				continue
			}
			if o.took > failFastBound {
				t.Errorf("%s with Neo4j down took %s to fail, want under %s (the request timeout is %s)",
					q.name, o.took.Round(time.Millisecond), failFastBound, server.DefaultLimits.Timeout)
			}
			if o.status != http.StatusOK {
				t.Errorf("%s with Neo4j down: HTTP %d, want 200 (an executed operation whose fields failed): %.300s", q.name, o.status, o.body)
			}
			if len(o.r.Errors) == 0 {
				t.Errorf("%s with Neo4j down answered without errors: %.300s", q.name, o.body)
			}
			for _, e := range o.r.Errors {
				if e.code() != server.CodeDatabaseUnavailable || strings.TrimSpace(e.Message) == "" {
					t.Errorf("%s with Neo4j down: error %q with code %q, want code %s and a message",
						q.name, e.Message, e.code(), server.CodeDatabaseUnavailable)
				}
			}
		}
	}
	start := time.Now()
	expectStatus(t, c, url+"/readyz", http.StatusServiceUnavailable)
	took := time.Since(start)
	t.Logf("Neo4j down: /readyz answered in %s", took.Round(time.Millisecond))
	if took > failFastBound {
		t.Errorf("/readyz with Neo4j down took %s, want under %s", took.Round(time.Millisecond), failFastBound)
	}
	expectStatus(t, c, url+"/livez", http.StatusOK)

	// Up again: the same server recovers on its own.
	neo.start(t)
	start = time.Now()
	deadline := start.Add(recoveryBound)
	for logged := ""; ; {
		last, steps := recovered(ctx, c, url, want)
		if last == "" {
			t.Logf("recovered %s after Neo4j answered Bolt again; last check:%s",
				time.Since(start).Round(time.Millisecond), steps)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not recovered %s after Neo4j came back: %s", recoveryBound, last)
		}
		if last != logged {
			t.Logf("%s after the restart, not recovered yet:%s: %.200s",
				time.Since(start).Round(time.Millisecond), steps, last)
			logged = last
		}
		time.Sleep(250 * time.Millisecond)
	}
	expectStatus(t, c, url+"/livez", http.StatusOK)
}

// recovered returns "" when /readyz is 200 and every outage query gives its
// answer from before the outage, else what is still wrong; steps says how
// long each call took.
func recovered(ctx context.Context, c *http.Client, url string, want map[string]string) (problem, steps string) {
	var sb strings.Builder
	step := func(name string, start time.Time) {
		fmt.Fprintf(&sb, " %s=%s", name, time.Since(start).Round(time.Millisecond))
	}
	start := time.Now()
	status, err := getStatus(ctx, c, url+"/readyz")
	step("readyz", start)
	if err != nil || status != http.StatusOK {
		return fmt.Sprintf("/readyz: %d%s", status, errString(err)), sb.String()
	}
	for _, q := range outageQueries {
		start := time.Now()
		status, r, body, err := postGraphQL(ctx, c, url, q.query, nil)
		step(q.name, start)
		if err != nil || status != http.StatusOK || !r.ok() {
			return q.name + ": " + string(body) + errString(err), sb.String()
		}
		if string(r.Data) != want[q.name] {
			return q.name + ": answer differs from before the outage: " + string(r.Data), sb.String()
		}
	}
	return "", sb.String()
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return " " + err.Error()
}

// expectStatus GETs url and checks its status code.
func expectStatus(t *testing.T, c *http.Client, url string, want int) {
	t.Helper()
	got, err := getStatus(context.Background(), c, url)
	if err != nil {
		t.Errorf("GET %s: %v", url, err)
		return
	}
	if got != want {
		t.Errorf("GET %s: %d, want %d", url, got, want)
	}
}
