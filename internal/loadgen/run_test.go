package loadgen_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/normgraph/normgraph/internal/loadgen"
)

// fakeServer answers GraphQL POSTs by operation name: "ok*" succeeds, "gqlerr"
// answers 200 with a GraphQL error, "fail" answers HTTP 500, "notjson" 200
// with a non-JSON body. It records what it was sent.
type fakeServer struct {
	*httptest.Server
	mu    sync.Mutex
	ops   []string          // operation names in arrival order
	vars  map[string]int    // "op:var=value" -> count
	count map[string]*int64 // op -> requests
	delay time.Duration
	total atomic.Int64
}

func newFakeServer(t *testing.T) *fakeServer {
	f := &fakeServer{vars: map[string]int{}, count: map[string]*int64{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	var req struct {
		OperationName string         `json:"operationName"`
		Query         string         `json:"query"`
		Variables     map[string]any `json:"variables"`
	}
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || r.URL.Path != "/graphql" {
		http.Error(w, "want a JSON POST to /graphql", http.StatusBadRequest)
		return
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.total.Add(1)
	f.mu.Lock()
	f.ops = append(f.ops, req.OperationName)
	for k, v := range req.Variables {
		f.vars[fmt.Sprintf("%s:%s=%v", req.OperationName, k, v)]++
	}
	f.mu.Unlock()
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	w.Header().Set("Content-Type", "application/json")
	switch {
	case strings.HasPrefix(req.OperationName, "ok"):
		// A successful answer whose data mentions "errors": not an error.
		fmt.Fprint(w, `{"data":{"search":[{"node":{"name":"errors and omissions"}}]}}`)
	case req.OperationName == "gqlerr":
		fmt.Fprint(w, `{"errors":[{"message":"no such id","path":["node"],"extensions":{"code":"BAD_USER_INPUT"}}],"data":{"node":null}}`)
	case req.OperationName == "fail":
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}`)
	case req.OperationName == "notjson":
		fmt.Fprint(w, "<html>proxy error</html>")
	default:
		fmt.Fprint(w, `{"data":{"__typename":"Query"}}`)
	}
}

func mixOf(t *testing.T, queries map[string]string, weights map[string]int) *loadgen.Mix {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, doc := range queries {
		fsys[name+".graphql"] = &fstest.MapFile{Data: []byte(doc)}
	}
	mixes, _ := json.Marshal(map[string]map[string]int{"test": weights})
	fsys["mixes.json"] = &fstest.MapFile{Data: mixes}
	s, err := loadgen.LoadSuite(fsys)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Mix("test")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var testQueries = map[string]string{
	"okLookup": `# vars: {"id": ["a", "b", "c", "d"]}` + "\nquery okLookup($id: ID!) { node(id: $id) { id } }",
	"gqlerr":   "query gqlerr { node(id: \"missing\") { id } }",
	"fail":     "query fail { stats { entities } }",
}

func find(t *testing.T, rep *loadgen.Report, name string) loadgen.Result {
	t.Helper()
	for _, q := range rep.Queries {
		if q.Name == name {
			return q
		}
	}
	t.Fatalf("no result for %s", name)
	return loadgen.Result{}
}

func TestRunCountsErrors(t *testing.T) {
	srv := newFakeServer(t)
	mix := mixOf(t, testQueries, map[string]int{"okLookup": 2, "gqlerr": 1, "fail": 1})
	rep, err := loadgen.Run(t.Context(), loadgen.Config{
		URL: srv.URL + "/graphql", Mix: mix, Concurrency: 8, MaxRequests: 4000, Seed: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total.Requests != 4000 {
		t.Errorf("total requests = %d, want exactly --max-requests 4000", rep.Total.Requests)
	}
	ok, gq, fail := find(t, rep, "okLookup"), find(t, rep, "gqlerr"), find(t, rep, "fail")
	if ok.Requests+gq.Requests+fail.Requests != rep.Total.Requests {
		t.Errorf("per-query requests do not add up to the total")
	}
	if ok.Errors != 0 {
		t.Errorf("okLookup: %d errors, want 0 (its data contains the word errors: %v)", ok.Errors, ok.ErrorSamples)
	}
	if gq.Errors != gq.Requests || gq.Requests == 0 {
		t.Errorf("gqlerr: %d errors of %d requests, want all", gq.Errors, gq.Requests)
	}
	if fail.Errors != fail.Requests || fail.Requests == 0 {
		t.Errorf("fail: %d errors of %d requests, want all", fail.Errors, fail.Requests)
	}
	if rep.Total.Errors != gq.Errors+fail.Errors {
		t.Errorf("total errors = %d, want %d", rep.Total.Errors, gq.Errors+fail.Errors)
	}
	// Weights 2:1:1 over 4000 picks.
	if ok.Requests < 1800 || ok.Requests > 2200 {
		t.Errorf("okLookup got %d of 4000 requests, want about half", ok.Requests)
	}
	if len(gq.ErrorSamples) != 1 || gq.ErrorSamples[0].Message != "[BAD_USER_INPUT] no such id" || gq.ErrorSamples[0].Count != gq.Errors {
		t.Errorf("gqlerr samples = %+v", gq.ErrorSamples)
	}
	if len(fail.ErrorSamples) != 1 || !strings.HasPrefix(fail.ErrorSamples[0].Message, "HTTP 500: ") {
		t.Errorf("fail samples = %+v", fail.ErrorSamples)
	}
	// The server saw every measured request plus the preflight.
	if got := srv.total.Load(); got != 4000+1 {
		t.Errorf("server saw %d requests, want 4001", got)
	}
	if ok.Latency.P50 <= 0 || ok.Latency.P50 > ok.Latency.P99 || ok.Latency.P99 > ok.Latency.Max {
		t.Errorf("okLookup latency not ordered: %+v", ok.Latency)
	}
	if gq.Latency != (loadgen.Latency{}) {
		t.Errorf("gqlerr latency = %+v, want zeros: latency covers successes only", gq.Latency)
	}
	if rep.Total.Throughput <= 0 || rep.ElapsedSeconds <= 0 {
		t.Errorf("throughput %v over %vs, want positive", rep.Total.Throughput, rep.ElapsedSeconds)
	}
	// Every value of the vars list was used.
	for _, id := range []string{"a", "b", "c", "d"} {
		if srv.vars["okLookup:id="+id] == 0 {
			t.Errorf("id %s never sent: %v", id, srv.vars)
		}
	}
}

func TestRunNonJSONAnswerIsAnError(t *testing.T) {
	srv := newFakeServer(t)
	mix := mixOf(t, map[string]string{"notjson": "query notjson { stats { entities } }"}, map[string]int{"notjson": 1})
	rep, err := loadgen.Run(t.Context(), loadgen.Config{URL: srv.URL + "/graphql", Mix: mix, Concurrency: 2, MaxRequests: 10})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total.Errors != 10 || !strings.HasPrefix(rep.Queries[0].ErrorSamples[0].Message, "response is not a JSON object") {
		t.Errorf("errors = %d, samples %+v; want 10 non-JSON errors", rep.Total.Errors, rep.Queries[0].ErrorSamples)
	}
}

func TestRunStopsAtDurationAndSkipsWarmup(t *testing.T) {
	srv := newFakeServer(t)
	srv.delay = time.Millisecond
	mix := mixOf(t, testQueries, map[string]int{"okLookup": 1})
	start := time.Now()
	rep, err := loadgen.Run(t.Context(), loadgen.Config{
		URL: srv.URL, Mix: mix, Concurrency: 4, Duration: 300 * time.Millisecond, Warmup: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	// Generous upper bounds: the test machine may be busy.
	if took < 500*time.Millisecond || took > 20*time.Second {
		t.Errorf("run took %v, want about warm-up + duration = 500ms", took)
	}
	if rep.ElapsedSeconds < 0.3 || rep.ElapsedSeconds > 20 {
		t.Errorf("elapsed = %vs, want about 0.3s", rep.ElapsedSeconds)
	}
	if rep.URL != srv.URL+"/graphql" {
		t.Errorf("URL = %s, want /graphql added", rep.URL)
	}
	served := srv.total.Load() - 1
	if rep.Total.Requests == 0 || rep.Total.Requests >= served {
		t.Errorf("measured %d of %d served requests: want some, and fewer than served (the warm-up is not counted)", rep.Total.Requests, served)
	}
	want := float64(rep.Total.Requests) / rep.ElapsedSeconds
	if d := rep.Total.Throughput - want; d > 1e-6 || d < -1e-6 {
		t.Errorf("throughput %v, want requests/elapsed %v", rep.Total.Throughput, want)
	}
}

func TestRunIsReproducibleWithSeed(t *testing.T) {
	ops := func(seed uint64) string {
		srv := newFakeServer(t)
		mix := mixOf(t, map[string]string{
			"okA": "query okA { stats { entities } }",
			"okB": "query okB { stats { entities } }",
			"okC": "query okC { stats { entities } }",
		}, map[string]int{"okA": 1, "okB": 2, "okC": 3})
		_, err := loadgen.Run(t.Context(), loadgen.Config{URL: srv.URL, Mix: mix, Concurrency: 1, MaxRequests: 200, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(srv.ops[1:], " ") // without the preflight
	}
	a, b, c := ops(7), ops(7), ops(8)
	if a != b {
		t.Errorf("same seed, different sequences")
	}
	if a == c {
		t.Errorf("different seeds, same sequence")
	}
}

func TestRunInterrupted(t *testing.T) {
	srv := newFakeServer(t)
	srv.delay = 5 * time.Millisecond
	mix := mixOf(t, testQueries, map[string]int{"okLookup": 1})
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	rep, err := loadgen.Run(ctx, loadgen.Config{URL: srv.URL, Mix: mix, Concurrency: 4, Duration: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 20*time.Second {
		t.Errorf("cancelled run took %v", time.Since(start))
	}
	if !rep.Interrupted || rep.Total.Requests == 0 || rep.Total.Errors != 0 {
		t.Errorf("interrupted=%v requests=%d errors=%d; want true, some, and no errors from the cancellation",
			rep.Interrupted, rep.Total.Requests, rep.Total.Errors)
	}
}

func TestRunRefusesBadConfig(t *testing.T) {
	srv := newFakeServer(t)
	mix := mixOf(t, testQueries, map[string]int{"okLookup": 1})
	// A port nothing listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String() + "/graphql"
	l.Close()

	tests := []struct {
		name string
		cfg  loadgen.Config
		want string
	}{
		{"remote", loadgen.Config{URL: "http://192.0.2.1/graphql", Mix: mix, Concurrency: 1, Duration: time.Second}, "not a loopback address"},
		{"nobody listening", loadgen.Config{URL: closed, Mix: mix, Concurrency: 1, Duration: time.Second}, "no server answering"},
		{"no limit", loadgen.Config{URL: srv.URL, Mix: mix, Concurrency: 1}, "set a duration or a maximum"},
		{"no workers", loadgen.Config{URL: srv.URL, Mix: mix, Duration: time.Second}, "concurrency must be positive"},
		{"no mix", loadgen.Config{URL: srv.URL, Concurrency: 1, Duration: time.Second}, "empty mix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := srv.total.Load()
			_, err := loadgen.Run(t.Context(), tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Run = %v, want an error containing %q", err, tt.want)
			}
			if srv.total.Load() != before {
				t.Errorf("a refused run sent requests")
			}
		})
	}
}

func TestCheckURL(t *testing.T) {
	tests := []struct {
		url    string
		remote bool
		ok     bool
	}{
		{"http://127.0.0.1:8080/graphql", false, true},
		{"http://127.9.8.7/graphql", false, true},
		{"http://[::1]:8080/graphql", false, true},
		{"http://[::ffff:127.0.0.1]:8080/", false, true},
		{"http://localhost:8080/graphql", false, true},
		{"https://LocalHost/graphql", false, true},
		{"http://10.0.0.1:8080/graphql", false, false},
		{"http://192.0.2.1/graphql", false, false},
		{"http://[2001:db8::1]/graphql", false, false},
		{"http://0.0.0.0:8080/graphql", false, false},
		{"http://10.0.0.1:8080/graphql", true, true},
		{"ftp://127.0.0.1/", false, false},
		{"127.0.0.1:8080", false, false},
		{"http:///graphql", false, false},
	}
	for _, tt := range tests {
		_, err := loadgen.CheckURL(t.Context(), tt.url, tt.remote)
		if (err == nil) != tt.ok {
			t.Errorf("CheckURL(%q, allowRemote=%v) = %v, want ok=%v", tt.url, tt.remote, err, tt.ok)
		}
	}
	_, err := loadgen.CheckURL(t.Context(), "http://192.0.2.1/", false)
	if !errors.Is(err, loadgen.ErrNotLoopback) {
		t.Errorf("remote URL error %v, want ErrNotLoopback", err)
	}
}

func TestDialGuard(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:80": true, "127.1.1.1:80": true, "[::1]:80": true,
		"10.0.0.1:80": false, "[2001:db8::1]:443": false, "0.0.0.0:80": false,
	} {
		err := loadgen.LoopbackOnly("tcp", addr, nil)
		if (err == nil) != ok {
			t.Errorf("dial guard for %s = %v, want ok=%v", addr, err, ok)
		}
	}
}

func TestReportOutput(t *testing.T) {
	srv := newFakeServer(t)
	mix := mixOf(t, testQueries, map[string]int{"okLookup": 3, "gqlerr": 1})
	rep, err := loadgen.Run(t.Context(), loadgen.Config{URL: srv.URL, Mix: mix, Concurrency: 2, MaxRequests: 100, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}

	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	// The documented field names: scripts depend on them.
	for _, k := range []string{"format", "url", "mix", "concurrency", "seed", "started_at", "warmup_s",
		"duration_s", "max_requests", "elapsed_s", "interrupted", "total", "queries"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("JSON report lacks %q", k)
		}
	}
	if doc["format"] != loadgen.ReportFormat {
		t.Errorf("format = %v", doc["format"])
	}
	q := doc["queries"].([]any)[0].(map[string]any)
	for _, k := range []string{"name", "weight", "requests", "errors", "throughput_rps", "bytes_in", "latency_ms", "error_samples", "other_errors"} {
		if _, ok := q[k]; !ok {
			t.Errorf("JSON query result lacks %q", k)
		}
	}
	lat := q["latency_ms"].(map[string]any)
	for _, k := range []string{"min", "mean", "p50", "p90", "p95", "p99", "p999", "max"} {
		if _, ok := lat[k]; !ok {
			t.Errorf("JSON latency lacks %q", k)
		}
	}

	var tab bytes.Buffer
	if err := rep.WriteTable(&tab); err != nil {
		t.Fatal(err)
	}
	out := tab.String()
	for _, want := range []string{"QUERY", "REQ/S", "P99 ms", "okLookup", "gqlerr", "TOTAL", "[BAD_USER_INPUT] no such id"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	// Fixed width: the header and every row line up.
	lines := strings.Split(out, "\n")
	var header string
	for _, l := range lines {
		if strings.HasPrefix(l, "QUERY") {
			header = l
		}
		if (strings.HasPrefix(l, "okLookup") || strings.HasPrefix(l, "TOTAL")) && len(l) != len(header) {
			t.Errorf("row %q is %d wide, header %d", l, len(l), len(header))
		}
	}
}
