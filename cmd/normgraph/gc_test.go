package main

import (
	"runtime"
	"testing"
)

func TestMemoryLimit(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct{ live, want uint64 }{
		{0, 64 * mib},            // an empty heap still gets room for requests
		{15 * mib, 79 * mib},     // curated data: the 64 MiB floor
		{128 * mib, 192 * mib},   // the floor and half the heap meet
		{90 * mib, 154 * mib},    // 1M relationships: resident memory stays under 200 MB
		{1024 * mib, 1536 * mib}, // large graphs: half the live heap on top
	} {
		if got := memoryLimit(tc.live); got != tc.want {
			t.Errorf("memoryLimit(%d MiB) = %d MiB, want %d MiB", tc.live/mib, got/mib, tc.want/mib)
		}
	}
	runtime.GC() // the metric is measured by a collection, as tuneGC does first
	if liveHeap() == 0 {
		t.Error("liveHeap() = 0: the runtime metric is missing")
	}
}
