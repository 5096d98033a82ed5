package server_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/rs/zerolog"

	"github.com/normgraph/normgraph/bench"
	"github.com/normgraph/normgraph/internal/loadgen"
	"github.com/normgraph/normgraph/internal/server"
	"github.com/normgraph/normgraph/internal/store/memstore"
)

// BenchmarkQuery runs each query of `normgraph bench` through the whole HTTP
// handler over the embedded curated graph, without a network or a client:
// the server's own CPU and allocations per request, which bound its
// throughput on a machine where the load generator shares the cores.
//
//	go test -run '^$' -bench BenchmarkQuery -benchmem ./internal/server/
func BenchmarkQuery(b *testing.B) {
	suite, err := loadgen.LoadSuite(bench.Queries())
	if err != nil {
		b.Fatal(err)
	}
	mem, err := memstore.New(curated(b))
	if err != nil {
		b.Fatal(err)
	}
	h := server.New(server.Config{Store: mem, Logger: zerolog.Nop()})
	for _, q := range suite.Queries {
		bodies := q.Bodies()
		b.Run(q.Name, func(b *testing.B) {
			var next atomic.Uint64
			cpu := processCPU()
			b.ReportAllocs()
			b.SetParallelism(8) // 16 requests in flight on 2 cores, as `normgraph bench` sends
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					body := bodies[next.Add(1)%uint64(len(bodies))]
					req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
						b.Fatalf("%s: HTTP %d: %s", q.Name, rec.Code, rec.Body.String())
					}
				}
			})
			// Wall time per op depends on what else the 2 cores run; the
			// process's CPU time per op does much less.
			b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}

// processCPU is the user+system CPU time this process has used, in ns.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
