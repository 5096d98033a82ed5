package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"

	"github.com/rs/zerolog"
)

// Garbage collector defaults for serving, applied once the store is ready.
// A request allocates tens to hundreds of kilobytes that die with it, while
// the live heap (the graph) stays put: with Go's default GOGC=100 and a small
// live heap the collector runs every few hundred requests and takes a third
// of the CPU. A higher GOGC makes it run rarely; the soft memory limit keeps
// that from letting the heap grow without bound on a large graph.
const (
	serveGCPercent   = 400
	startupGCPercent = 25
	// minHeadroom is the least room for per-request garbage above the live
	// heap under the memory limit.
	minHeadroom = 64 << 20
)

// tuneGC sets GOGC and the soft memory limit unless the environment already
// does (GOGC, GOMEMLIMIT win, as the Go runtime documents). The limit is the
// live heap after start-up plus max(64 MiB, half of it): resident memory then
// stays near 1.5x what the graph needs instead of 5x, and the collector works
// harder only when requests produce garbage faster than that.
func tuneGC(log zerolog.Logger) {
	// Loading builds large short-lived trees: collect them and hand their
	// pages back to the OS now rather than whenever the scavenger gets to
	// them. The collection also measures the live heap read below.
	debug.FreeOSMemory()
	ev := log.Info()
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(serveGCPercent)
		ev = ev.Int("gc_percent", serveGCPercent)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		live := liveHeap()
		limit := memoryLimit(live)
		debug.SetMemoryLimit(int64(limit))
		ev = ev.Uint64("live_heap_bytes", live).Uint64("memory_limit_bytes", limit)
	}
	ev.Msg("garbage collector tuned for serving (GOGC and GOMEMLIMIT override)")
}

// memoryLimit is the soft limit for a live heap of live bytes.
func memoryLimit(live uint64) uint64 { return live + max(minHeadroom, live/2) }

// liveHeap is the heap in use by reachable objects after the last collection.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
