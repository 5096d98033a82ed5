package loadgen

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Config is one run. The zero values of the optional fields are sensible.
type Config struct {
	// URL is the GraphQL endpoint. A URL without a path gets /graphql.
	URL string
	// Mix is what to replay.
	Mix *Mix
	// Concurrency is the number of workers, each with one request in flight
	// at a time (a closed loop: see the README on what that hides).
	Concurrency int
	// Duration is how long requests are measured, after Warmup. Zero means
	// no time limit, and then MaxRequests must be set.
	Duration time.Duration
	// Warmup runs the mix unmeasured first, so that connections, the
	// server's query cache and the Go heap are in their steady state.
	Warmup time.Duration
	// MaxRequests stops the run after that many measured requests (0: no limit).
	MaxRequests int64
	// Seed makes the sequence of queries each worker sends reproducible.
	Seed uint64
	// RequestTimeout bounds one request (default 30s) so that a stuck
	// server ends the run instead of hanging it.
	RequestTimeout time.Duration
	// AllowRemote permits a target that is not on this machine.
	AllowRemote bool
	// ErrorSamples is how many distinct error messages to keep per query (default 5).
	ErrorSamples int
}

// maxResponseBytes bounds what a response may be before the tool calls it an
// error rather than buffer it: far above any answer the API caps allow.
const maxResponseBytes = 64 << 20

// errorBackoff slows a worker down after a failed connection, so a server
// that died mid-run does not turn the tool into a busy loop of dial errors.
const errorBackoff = 10 * time.Millisecond

// Run replays cfg.Mix against cfg.URL until the duration or request budget
// is spent, or ctx is cancelled (then the report says Interrupted and covers
// what was measured until then; requests cut off by the cancellation are not
// counted). It fails before sending load if the URL is refused or no HTTP
// server answers it.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Mix == nil || len(cfg.Mix.Entries) == 0 {
		return nil, errors.New("loadgen: empty mix")
	}
	if cfg.Concurrency <= 0 {
		return nil, fmt.Errorf("loadgen: concurrency must be positive, got %d", cfg.Concurrency)
	}
	if cfg.Duration < 0 || cfg.Warmup < 0 || cfg.MaxRequests < 0 {
		return nil, errors.New("loadgen: duration, warm-up and max requests must not be negative")
	}
	if cfg.Duration == 0 && cfg.MaxRequests == 0 {
		return nil, errors.New("loadgen: set a duration or a maximum number of requests, or the run never ends")
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.ErrorSamples <= 0 {
		cfg.ErrorSamples = 5
	}
	u, err := CheckURL(ctx, cfg.URL, cfg.AllowRemote)
	if err != nil {
		return nil, err
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/graphql"
	}
	target := u.String()

	weights := make([]int, len(cfg.Mix.Entries))
	for i, e := range cfg.Mix.Entries {
		weights[i] = e.Weight
		if len(e.Query.bodies) == 0 {
			return nil, fmt.Errorf("loadgen: query %s has no request bodies (built outside LoadSuite?)", e.Query.Name)
		}
	}
	picker, err := NewPicker(weights)
	if err != nil {
		return nil, err
	}

	client := newClient(cfg.Concurrency, cfg.RequestTimeout, cfg.AllowRemote)
	defer client.CloseIdleConnections()
	if err := preflight(ctx, client, target); err != nil {
		return nil, err
	}

	started := time.Now()
	r := &run{
		cfg:          cfg,
		url:          target,
		client:       client,
		picker:       picker,
		measureStart: started.Add(cfg.Warmup),
	}
	if cfg.Duration > 0 {
		r.end = r.measureStart.Add(cfg.Duration)
	}
	workers := make([]*worker, cfg.Concurrency)
	var wg sync.WaitGroup
	for i := range workers {
		w := newWorker(r, i)
		workers[i] = w
		wg.Go(func() { w.loop(ctx) })
	}
	wg.Wait()
	finished := time.Now()

	elapsed := finished.Sub(r.measureStart)
	if elapsed < 0 {
		elapsed = 0 // interrupted during the warm-up
	}
	return r.report(workers, started, elapsed, ctx.Err() != nil), nil
}

// newClient builds the one client all workers share. The transport keeps one
// idle connection per worker so that every request after the first reuses a
// keep-alive connection (the default of 2 per host would make most workers
// dial anew and measure TCP set-up, and exhaust ephemeral ports). No proxy:
// HTTP_PROXY must not route local load elsewhere. No redirects: a 3xx is an
// error to report, not a hop to another host.
func newClient(concurrency int, timeout time.Duration, allowRemote bool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	if !allowRemote {
		dialer.Control = loopbackOnly
	}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		MaxIdleConns:          concurrency,
		MaxIdleConnsPerHost:   concurrency,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ExpectContinueTimeout: time.Second,
		// Compression would only burn CPU the client shares with the server.
		DisableCompression: true,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// preflight sends one trivial query so that a wrong port or a server not yet
// up fails the run at once, instead of reporting a million dial errors. Any
// HTTP answer will do: judging answers is the run's job.
func preflight(ctx context.Context, client *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url,
		strings.NewReader(`{"query":"query preflight { __typename }"}`))
	if err != nil {
		return fmt.Errorf("loadgen: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("loadgen: no server answering at %s: %w", url, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return nil
}

// run is the state the workers share; everything mutable is per worker
// except the request budget.
type run struct {
	cfg          Config
	url          string
	client       *http.Client
	picker       *Picker
	measureStart time.Time
	end          time.Time // zero: no time limit
	issued       atomic.Int64
}

// queryStats is one worker's tally for one query of the mix.
type queryStats struct {
	hist     Histogram
	requests int64
	errors   int64
	bytesIn  int64
	samples  map[string]int64 // distinct error messages, at most cfg.ErrorSamples
	dropped  int64            // errors whose message did not fit in samples
}

type worker struct {
	r     *run
	rng   *rand.Rand
	stats []queryStats
	next  []int // per entry: index of the next body to send
	buf   bytes.Buffer
}

func newWorker(r *run, id int) *worker {
	w := &worker{
		r: r,
		// PCG with the worker's id as the stream: reproducible per --seed
		// and independent between workers.
		rng:   rand.New(rand.NewPCG(r.cfg.Seed, uint64(id))),
		stats: make([]queryStats, len(r.cfg.Mix.Entries)),
		next:  make([]int, len(r.cfg.Mix.Entries)),
	}
	// Start each worker at a different value of each list, so that the
	// workers do not all look up the same id at the same moment.
	for i, e := range r.cfg.Mix.Entries {
		w.next[i] = id % len(e.Query.bodies)
	}
	return w
}

func (w *worker) loop(ctx context.Context) {
	r := w.r
	for ctx.Err() == nil {
		start := time.Now()
		if !r.end.IsZero() && !start.Before(r.end) {
			return
		}
		measured := !start.Before(r.measureStart)
		if measured && r.cfg.MaxRequests > 0 && r.issued.Add(1) > r.cfg.MaxRequests {
			return
		}
		i := r.picker.Pick(w.rng)
		bodies := r.cfg.Mix.Entries[i].Query.bodies
		body := bodies[w.next[i]]
		w.next[i] = (w.next[i] + 1) % len(bodies)

		n, msg, transportErr := w.do(ctx, body)
		latency := time.Since(start)
		if ctx.Err() != nil {
			return // cut off by the interruption: neither a success nor a server error
		}
		if measured {
			st := &w.stats[i]
			st.requests++
			st.bytesIn += n
			if msg == "" {
				st.hist.Record(latency)
			} else {
				st.errors++
				w.sample(st, msg)
			}
		}
		if transportErr {
			select {
			case <-ctx.Done():
			case <-time.After(errorBackoff):
			}
		}
	}
}

func (w *worker) sample(st *queryStats, msg string) {
	if st.samples == nil {
		st.samples = map[string]int64{}
	}
	if _, ok := st.samples[msg]; ok || len(st.samples) < w.r.cfg.ErrorSamples {
		st.samples[msg]++
		return
	}
	st.dropped++
}

// graphQLErrors is the part of a response the check needs.
type graphQLErrors struct {
	Errors []struct {
		Message    string `json:"message"`
		Extensions struct {
			Code string `json:"code"`
		} `json:"extensions"`
	} `json:"errors"`
}

var errorsKey = []byte(`"errors"`)

// do sends one request. It returns the response size and, for a failure, a
// message fit to group failures by (empty on success); transportErr marks a
// failure without an HTTP response.
func (w *worker) do(ctx context.Context, body []byte) (n int64, msg string, transportErr bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.r.url, bytes.NewReader(body))
	if err != nil {
		return 0, err.Error(), true
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := w.r.client.Do(req)
	if err != nil {
		return 0, "transport: " + err.Error(), true
	}
	w.buf.Reset()
	n, err = w.buf.ReadFrom(io.LimitReader(resp.Body, maxResponseBytes+1))
	_ = resp.Body.Close()
	if err != nil {
		return n, "reading response: " + err.Error(), true
	}
	b := w.buf.Bytes()
	if resp.StatusCode != http.StatusOK {
		return n, fmt.Sprintf("HTTP %d: %s", resp.StatusCode, snippet(b, 160)), false
	}
	if n > maxResponseBytes {
		return n, fmt.Sprintf("response over %d bytes", maxResponseBytes), false
	}
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 || b[0] != '{' {
		return n, "response is not a JSON object: " + snippet(b, 80), false
	}
	// Fast path: a response without the "errors" key anywhere cannot carry
	// errors, and skipping the decode of large successful answers keeps the
	// client's CPU share small.
	if !bytes.Contains(b, errorsKey) {
		return n, "", false
	}
	var ge graphQLErrors
	if err := json.Unmarshal(b, &ge); err != nil {
		return n, "invalid JSON response: " + err.Error(), false
	}
	if len(ge.Errors) == 0 {
		return n, "", false
	}
	e := ge.Errors[0]
	code := e.Extensions.Code
	if code == "" {
		code = "no code"
	}
	// Only the first error, without its path: messages must repeat exactly
	// to be grouped, and paths carry list indices that vary per response.
	return n, fmt.Sprintf("[%s] %s", code, e.Message), false
}

// snippet shortens a body for an error message, on a rune boundary.
func snippet(b []byte, max int) string {
	s := strings.TrimSpace(string(b))
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

func (r *run) report(workers []*worker, started time.Time, elapsed time.Duration, interrupted bool) *Report {
	rep := &Report{
		Format:         ReportFormat,
		URL:            r.url,
		Mix:            r.cfg.Mix.Name,
		Concurrency:    r.cfg.Concurrency,
		Seed:           r.cfg.Seed,
		StartedAt:      started.UTC().Truncate(time.Millisecond),
		WarmupSeconds:  r.cfg.Warmup.Seconds(),
		DurationLimit:  r.cfg.Duration.Seconds(),
		MaxRequests:    r.cfg.MaxRequests,
		ElapsedSeconds: elapsed.Seconds(),
		Interrupted:    interrupted,
		Queries:        []Result{},
	}
	var total queryStats
	for i, e := range r.cfg.Mix.Entries {
		var q queryStats
		for _, w := range workers {
			q.merge(&w.stats[i], r.cfg.ErrorSamples)
		}
		total.merge(&q, r.cfg.ErrorSamples)
		rep.Queries = append(rep.Queries, q.result(e.Query.Name, e.Weight, elapsed))
	}
	rep.Total = total.result("TOTAL", 0, elapsed)
	return rep
}

func (s *queryStats) merge(o *queryStats, keep int) {
	s.hist.Merge(&o.hist)
	s.requests += o.requests
	s.errors += o.errors
	s.bytesIn += o.bytesIn
	s.dropped += o.dropped
	for _, msg := range slices.Sorted(maps.Keys(o.samples)) {
		if s.samples == nil {
			s.samples = map[string]int64{}
		}
		if _, ok := s.samples[msg]; ok || len(s.samples) < keep {
			s.samples[msg] += o.samples[msg]
		} else {
			s.dropped += o.samples[msg]
		}
	}
}

func (s *queryStats) result(name string, weight int, elapsed time.Duration) Result {
	res := Result{
		Name:         name,
		Weight:       weight,
		Requests:     s.requests,
		Errors:       s.errors,
		BytesIn:      s.bytesIn,
		Latency:      summarize(&s.hist),
		ErrorSamples: []ErrorSample{},
		OtherErrors:  s.dropped,
	}
	if elapsed > 0 {
		res.Throughput = float64(s.requests) / elapsed.Seconds()
	}
	for msg, n := range s.samples {
		res.ErrorSamples = append(res.ErrorSamples, ErrorSample{Message: msg, Count: n})
	}
	slices.SortFunc(res.ErrorSamples, func(a, b ErrorSample) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return strings.Compare(a.Message, b.Message)
	})
	return res
}

func summarize(h *Histogram) Latency {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	return Latency{
		Min:  ms(h.Min()),
		Mean: ms(h.Mean()),
		P50:  ms(h.Quantile(0.50)),
		P90:  ms(h.Quantile(0.90)),
		P95:  ms(h.Quantile(0.95)),
		P99:  ms(h.Quantile(0.99)),
		P999: ms(h.Quantile(0.999)),
		Max:  ms(h.Max()),
	}
}
