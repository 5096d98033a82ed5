package systemtest_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/normgraph/normgraph/bench"
	"github.com/normgraph/normgraph/internal/loadgen"
	"github.com/normgraph/normgraph/internal/server"
	"github.com/normgraph/normgraph/internal/store/neo4jstore"
)

const (
	// shutdownClients is the number of concurrent clients, each with one
	// request in flight at a time.
	shutdownClients = 8
	// shutdownTimeout is the binary's --shutdown-timeout: it must exit 0
	// within it.
	shutdownTimeout = 20 * time.Second
	// batchWait is the binary's --batch-wait. The dataloaders wait this long
	// before every batch, so each request of the mix spends at least this
	// long inside the server (over Neo4j a traversal is one or two batches,
	// its levels fetched ahead; on the embedded graph one per level), more
	// than quietBeforeSignal: SIGTERM then lands while requests are
	// mid-flight.
	batchWait = 150 * time.Millisecond
	// quietBeforeSignal is how long no new request starts before SIGTERM,
	// while the requests already sent stay in flight. It takes out the
	// HTTP/1.1 race no server can win: a request written onto a keep-alive
	// connection a moment before the server, shutting down, closes that
	// connection as idle, unread. Every request counted as started before
	// the signal was therefore on the wire at least this long before it.
	quietBeforeSignal = 100 * time.Millisecond
	// minInFlight is how many requests must be in flight (started before the
	// quiet period) when SIGTERM is sent; until then the quiet period is
	// tried again.
	minInFlight = 2
)

// TestGracefulShutdown proves that `normgraph serve` shuts down gracefully,
// over the embedded graph and over Neo4j: the real binary (built here) serves
// on a loopback port, shutdownClients clients replay a traversal-heavy mix
// (the traversal and graph mixes of bench/queries, traversals weighted 3:1)
// in loops, and SIGTERM arrives mid-load, while at least minInFlight
// requests are in flight. Every request started before the signal must succeed
// (and be in the server's access log with status 200), at least one of them
// must have been in flight across the signal, the process must exit 0 within
// its --shutdown-timeout, and its log must say it is shutting down and then
// that it stopped. Requests started after the signal may be refused.
func TestGracefulShutdown(t *testing.T) {
	bin := buildBinary(t)
	bodies := traversalBodies(t)
	t.Run("memstore", func(t *testing.T) {
		env := childEnv(dropServeEnv)
		runShutdown(t, bin, env, nil, bodies)
	})
	t.Run("neo4j", func(t *testing.T) {
		cfg := neo4jstore.TestConfig(t) // holds the server's test lock until the subtest ends
		env := childEnv(dropServeEnv,
			"NEO4J_URI="+cfg.URI, "NEO4J_USERNAME="+cfg.Username,
			"NEO4J_PASSWORD="+cfg.Password, "NEO4J_DATABASE="+cfg.Database)
		// --seed: the shared database holds whatever the last test wrote.
		runShutdown(t, bin, env, []string{"--seed"}, bodies)
	})
}

// dropServeEnv drops the variables `normgraph serve` reads, so that only
// what a test passes configures the child.
func dropServeEnv(name string) bool {
	return strings.HasPrefix(name, "NORMGRAPH_") || strings.HasPrefix(name, "NEO4J_") ||
		strings.HasPrefix(name, "OTEL_")
}

// buildBinary builds cmd/normgraph into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "normgraph")
	start := time.Now()
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/normgraph")
	cmd.Dir = moduleRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/normgraph: %v\n%s", err, out)
	}
	t.Logf("built %s in %s", bin, time.Since(start).Round(time.Millisecond))
	return bin
}

// namedBody is one ready GraphQL request body of the bench suite.
type namedBody struct {
	name string
	body []byte
}

// traversalBodies are the request bodies of the bench suite's traversal and
// graph mixes, every variable value of every query, traversals weighted up.
func traversalBodies(t *testing.T) []namedBody {
	t.Helper()
	suite, err := loadgen.LoadSuite(bench.Queries())
	if err != nil {
		t.Fatal(err)
	}
	var out []namedBody
	for _, mix := range []string{"traversal", "graph"} {
		m, err := suite.Mix(mix)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range m.Entries {
			for range e.Weight * map[string]int{"traversal": 3, "graph": 1}[mix] {
				for _, b := range e.Query.Bodies() {
					out = append(out, namedBody{e.Query.Name, b})
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no request bodies in the traversal and graph mixes")
	}
	return out
}

// request is what a client saw of one request.
type request struct {
	id         string
	query      string
	start, end time.Time
	status     int
	err        error
	resp       gqlResponse
}

func (r request) ok() bool { return r.err == nil && r.status == http.StatusOK && r.resp.ok() }

func (r request) describe(sig time.Time) string {
	what := fmt.Sprintf("HTTP %d %v", r.status, r.resp.codes())
	if r.err != nil {
		what = r.err.Error()
	}
	if len(r.resp.Errors) > 0 {
		what += ": " + r.resp.Errors[0].Message
	}
	return fmt.Sprintf("%s (%s) started %s before the signal, ended %s after it: %s",
		r.id, r.query, sig.Sub(r.start).Round(time.Microsecond), r.end.Sub(sig).Round(time.Microsecond), what)
}

// runShutdown is one graceful-shutdown run of bin with env and extra serve
// flags; see TestGracefulShutdown.
func runShutdown(t *testing.T, bin string, env, extra []string, bodies []namedBody) {
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--log-format", "json", "--log-level", "info",
		"--shutdown-timeout", shutdownTimeout.String(), "--batch-wait", batchWait.String()}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	var (
		waitErr error
		exitAt  time.Time
	)
	go func() {
		waitErr = cmd.Wait()
		exitAt = time.Now()
		close(exited)
	}()
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("server log:\n%s", tail(logs.String(), 60))
		}
	})
	url := waitServing(t, logs, exited)

	// Load.
	client := newClient(shutdownTimeout + 30*time.Second)
	defer client.CloseIdleConnections()
	var (
		gate      sync.RWMutex // held for writing: no request starts
		stop      = make(chan struct{})
		completed atomic.Int64
		inFlight  atomic.Int64
		wg        sync.WaitGroup
		perClient = make([][]request, shutdownClients)
	)
	for w := range shutdownClients {
		wg.Go(func() {
			rnd := rand.New(rand.NewPCG(uint64(w), 1))
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				nb := bodies[rnd.IntN(len(bodies))]
				id := fmt.Sprintf("systemtest-c%d-r%d", w, i)
				gate.RLock()
				r := request{id: id, query: nb.name, start: time.Now()}
				inFlight.Add(1)
				gate.RUnlock()
				r.status, r.resp, _, r.err = postBody(context.Background(), client, url, nb.body,
					http.Header{server.RequestIDHeader: {id}})
				r.end = time.Now()
				inFlight.Add(-1)
				perClient[w] = append(perClient[w], r)
				completed.Add(1)
				if !r.ok() {
					// After the signal: do not spin on refused connections.
					time.Sleep(5 * time.Millisecond)
				}
			}
		})
	}
	defer func() {
		select {
		case <-stop:
		default:
			close(stop)
		}
		wg.Wait()
	}()

	// Mid-load: once every client has had a few answers.
	warm := time.Now().Add(time.Minute)
	for completed.Load() < 6*shutdownClients {
		if time.Now().After(warm) {
			t.Fatalf("only %d requests completed in a minute of load", completed.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
	var sigAt time.Time
	for attempt := 1; sigAt.IsZero(); attempt++ {
		gate.Lock()
		time.Sleep(quietBeforeSignal)
		if n := inFlight.Load(); n >= minInFlight {
			sigAt = time.Now()
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				gate.Unlock()
				t.Fatal(err)
			}
		} else if attempt == 100 {
			gate.Unlock()
			t.Fatalf("never %d requests in flight after a quiet period of %s (last: %d)", minInFlight, quietBeforeSignal, n)
		}
		gate.Unlock()
		if sigAt.IsZero() {
			time.Sleep(time.Duration(50+attempt%7*10) * time.Millisecond)
		}
	}

	select {
	case <-exited:
	case <-time.After(shutdownTimeout + 15*time.Second):
		t.Fatalf("still running %s after SIGTERM (--shutdown-timeout %s)", shutdownTimeout+15*time.Second, shutdownTimeout)
	}
	close(stop)
	wg.Wait()

	// The process.
	took := exitAt.Sub(sigAt)
	if waitErr != nil {
		t.Errorf("after SIGTERM: %v, want exit status 0", waitErr)
	}
	if took > shutdownTimeout {
		t.Errorf("exited %s after SIGTERM, more than --shutdown-timeout %s", took.Round(time.Millisecond), shutdownTimeout)
	}

	// The requests.
	var all []request
	for _, rs := range perClient {
		all = append(all, rs...)
	}
	served := accessLog(logs)
	var before, across, after, afterOK int
	var failures []string
	for _, r := range all {
		if !r.start.Before(sigAt) {
			after++
			if r.ok() {
				afterOK++
			}
			continue
		}
		before++
		if r.end.After(sigAt) && r.ok() {
			across++
		}
		switch status, logged := served[r.id]; {
		case !r.ok():
			failures = append(failures, r.describe(sigAt)+fmt.Sprintf(" (in the server's access log: %v)", logged))
		case !logged:
			failures = append(failures, r.describe(sigAt)+": answered, but not in the server's access log")
		case status != http.StatusOK:
			failures = append(failures, r.describe(sigAt)+fmt.Sprintf(": the access log says status %d", status))
		}
	}
	t.Logf("SIGTERM after %d requests; exit %v %s after it; started before it: %d (%d in flight across it); after it: %d (%d answered)",
		before, waitErr, took.Round(time.Millisecond), before, across, after, afterOK)
	if len(failures) > 0 {
		t.Errorf("%d of %d requests started before SIGTERM failed:\n%s", len(failures), before,
			strings.Join(failures[:min(len(failures), 20)], "\n"))
	}
	if across == 0 {
		t.Errorf("no request was in flight across SIGTERM: the test did not exercise the graceful path")
	}

	// The log.
	var msgs []string
	for _, l := range logs.jsonLines() {
		msg, _ := l["message"].(string)
		if msg == "request" {
			continue
		}
		msgs = append(msgs, msg)
		switch l["level"] {
		case "error", "fatal", "panic":
			t.Errorf("server logged at level %v: %v", l["level"], l)
		}
	}
	i := slices.IndexFunc(msgs, func(m string) bool { return strings.HasPrefix(m, "shutting down") })
	if i < 0 || !slices.Contains(msgs[i:], "stopped") {
		t.Errorf(`log does not say "shutting down..." and then "stopped"; its messages: %q`, msgs)
	}
}

// waitServing waits for the "serving GraphQL" log line and returns the base
// URL of the address it names.
func waitServing(t *testing.T, logs *syncBuffer, exited <-chan struct{}) string {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute) // with --seed, the seed comes first
	for {
		for _, l := range logs.jsonLines() {
			if msg, _ := l["message"].(string); strings.HasPrefix(msg, "serving GraphQL") {
				if addr, _ := l["addr"].(string); addr != "" {
					return "http://" + addr
				}
			}
		}
		select {
		case <-exited:
			t.Fatalf("normgraph serve exited before serving:\n%s", logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("normgraph serve did not start serving within 3m:\n%s", tail(logs.String(), 40))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// accessLog maps the request ids in the server's access log to their status.
func accessLog(logs *syncBuffer) map[string]int {
	out := map[string]int{}
	for _, l := range logs.jsonLines() {
		if l["message"] != "request" {
			continue
		}
		id, _ := l["request_id"].(string)
		status, _ := l["status"].(float64)
		out[id] = int(status)
	}
	return out
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
