package server

import (
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// PoolStatser is implemented by stores that keep a connection pool (the
// Neo4j store may). When Config.Store implements it, /metrics reports the
// pool's figures, read at every scrape: connections in use, idle, and the
// pool's maximum size. A figure the store cannot know is negative and is left
// out rather than reported as a misleading zero. A store without a pool
// simply does not implement the interface.
type PoolStatser interface {
	PoolStats() (inUse, idle, max int)
}

// ReadStatser is implemented by stores that bound the reads they send at
// once (the Neo4j store does). /metrics then reports, at every scrape, the
// reads waiting for a slot and the bound; reads that wait for long mean the
// database, not this process, is the bottleneck.
type ReadStatser interface {
	ReadStats() (waiting, max int)
}

// Label values that stand in for operation names a client cannot be trusted
// with: metrics must not let clients mint time series at will.
const (
	opAnonymous = "anonymous" // no operation name
	opInvalid   = "invalid"   // not a plain GraphQL-ish identifier of at most 64 characters
	opOther     = "other"     // a new name after maxOperationNames distinct ones
)

// maxOperationNames caps the distinct operation names the GraphQL metrics
// track; a deployment's real clients use far fewer.
const maxOperationNames = 200

var operationNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// operationNames turns client-supplied operation names into label values
// with bounded cardinality.
type operationNames struct {
	mu   sync.Mutex
	seen map[string]struct{}
	max  int
}

func (o *operationNames) label(name string) string {
	switch {
	case name == "":
		return opAnonymous
	case !operationNameRE.MatchString(name):
		return opInvalid
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.seen[name]; ok {
		return name
	}
	if len(o.seen) >= o.max {
		return opOther
	}
	o.seen[name] = struct{}{}
	return name
}

// metrics are the server's Prometheus metrics, in a registry of its own so
// that two servers in one process (tests) never collide and nothing global
// leaks in.
type metrics struct {
	reg *prometheus.Registry
	ops *operationNames

	gqlRequests   *prometheus.CounterVec
	gqlDuration   *prometheus.HistogramVec
	gqlErrors     *prometheus.CounterVec
	httpRequests  *prometheus.CounterVec
	httpDuration  *prometheus.HistogramVec
	inFlight      prometheus.Gauge
	storeCalls    *prometheus.CounterVec
	storeDuration *prometheus.HistogramVec
	// store holds each store method's duration and ok-call children, bound
	// once: a call of the embedded store takes microseconds, and looking
	// the children up by label values on every call cost 2–3% of a
	// traversal's CPU.
	store map[string]storeMethodMetrics
}

type storeMethodMetrics struct {
	duration prometheus.Observer
	ok       prometheus.Counter
}

// storeBuckets reach down to 100µs: the embedded store answers in
// microseconds, Neo4j in milliseconds, and both matter.
var storeBuckets = prometheus.ExponentialBuckets(0.0001, 4, 9) // 100µs .. 6.5s

func newMetrics(store any) *metrics {
	reg := prometheus.NewRegistry()
	m := &metrics{
		reg: reg,
		ops: &operationNames{seen: map[string]struct{}{}, max: maxOperationNames},
		gqlRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "normgraph_graphql_requests_total",
			Help: "GraphQL requests by operation name (sanitized; anonymous, invalid, other) and outcome (ok, error: some fields failed, rejected: not executed).",
		}, []string{"operation", "outcome"}),
		gqlDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "normgraph_graphql_request_duration_seconds",
			Help:    "Time to answer a GraphQL request, by operation name.",
			Buckets: prometheus.DefBuckets,
		}, []string{"operation"}),
		gqlErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "normgraph_graphql_errors_total",
			Help: "GraphQL errors returned, by extensions.code.",
		}, []string{"code"}),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "normgraph_http_requests_total",
			Help: "HTTP requests by route path (unmatched for unknown paths) and status code.",
		}, []string{"path", "status"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "normgraph_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route path.",
			Buckets: prometheus.DefBuckets,
		}, []string{"path"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "normgraph_graphql_in_flight_requests",
			Help: "GraphQL requests running now (the max-in-flight limit caps it).",
		}),
		storeCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "normgraph_store_calls_total",
			Help: "Store calls by method and outcome (ok, or what failed: invalid, too_complex, timeout, canceled, unavailable, internal, panic).",
		}, []string{"method", "outcome"}),
		storeDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "normgraph_store_call_duration_seconds",
			Help:    "Time of one Store call, by method.",
			Buckets: storeBuckets,
		}, []string{"method"}),
	}
	reg.MustRegister(m.gqlRequests, m.gqlDuration, m.gqlErrors, m.httpRequests, m.httpDuration,
		m.inFlight, m.storeCalls, m.storeDuration,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if ps, ok := store.(PoolStatser); ok {
		reg.MustRegister(poolCollector{ps})
	}
	if rs, ok := store.(ReadStatser); ok {
		// Read at scrape time, like the pool's figures.
		reg.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name: "normgraph_neo4j_reads_waiting",
				Help: "Reads waiting for a slot of the bound on Neo4j reads in flight (--neo4j-max-reads).",
			}, func() float64 { waiting, _ := rs.ReadStats(); return float64(waiting) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name: "normgraph_neo4j_reads_max",
				Help: "The bound on Neo4j reads in flight; 0 means none.",
			}, func() float64 { _, bound := rs.ReadStats(); return float64(bound) }))
	}
	m.store = make(map[string]storeMethodMetrics, len(storeMethods))
	for _, method := range storeMethods {
		// Every method shows up from the start, so rates work before the first call.
		m.store[method] = storeMethodMetrics{
			duration: m.storeDuration.WithLabelValues(method),
			ok:       m.storeCalls.WithLabelValues(method, "ok"),
		}
	}
	return m
}

// observeStoreCall records one store call of method that ended with
// outcome after d.
func (m *metrics) observeStoreCall(method, outcome string, d time.Duration) {
	mm, bound := m.store[method]
	if !bound {
		mm.duration = m.storeDuration.WithLabelValues(method)
	}
	if bound && outcome == "ok" {
		mm.ok.Inc()
	} else {
		m.storeCalls.WithLabelValues(method, outcome).Inc()
	}
	mm.duration.Observe(d.Seconds())
}

// handler serves the registry in the Prometheus (or OpenMetrics) text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, EnableOpenMetrics: true})
}

// observe records one GraphQL request and returns the operation's label.
func (m *metrics) observe(ob observation) string {
	if m == nil {
		return ob.name
	}
	op := m.ops.label(ob.name)
	m.gqlRequests.WithLabelValues(op, ob.outcome).Inc()
	m.gqlDuration.WithLabelValues(op).Observe(time.Since(ob.start).Seconds())
	for _, e := range ob.errs {
		code := codeOf(e)
		if !operationNameRE.MatchString(code) {
			code = opOther
		}
		m.gqlErrors.WithLabelValues(code).Inc()
	}
	return op
}

// observeHTTP records one HTTP request under its route.
func (m *metrics) observeHTTP(path string, status int, d time.Duration) {
	if path == "" {
		path = "unmatched"
	}
	if status == 0 {
		status = http.StatusOK
	}
	m.httpRequests.WithLabelValues(path, strconv.Itoa(status)).Inc()
	m.httpDuration.WithLabelValues(path).Observe(d.Seconds())
}

// poolCollector reads the pool's figures at scrape time, so they are current
// and cost nothing between scrapes.
type poolCollector struct{ ps PoolStatser }

var (
	poolConnectionsDesc = prometheus.NewDesc("normgraph_neo4j_pool_connections",
		"Connections in the Neo4j driver's pool, by state (in_use, idle).", []string{"state"}, nil)
	poolMaxDesc = prometheus.NewDesc("normgraph_neo4j_pool_max_connections",
		"Maximum size of the Neo4j driver's connection pool.", nil, nil)
)

// Describe implements prometheus.Collector.
func (poolCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- poolConnectionsDesc
	ch <- poolMaxDesc
}

// Collect implements prometheus.Collector.
func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	inUse, idle, maxConns := c.ps.PoolStats()
	if inUse >= 0 {
		ch <- prometheus.MustNewConstMetric(poolConnectionsDesc, prometheus.GaugeValue, float64(inUse), "in_use")
	}
	if idle >= 0 {
		ch <- prometheus.MustNewConstMetric(poolConnectionsDesc, prometheus.GaugeValue, float64(idle), "idle")
	}
	if maxConns >= 0 {
		ch <- prometheus.MustNewConstMetric(poolMaxDesc, prometheus.GaugeValue, float64(maxConns))
	}
}
