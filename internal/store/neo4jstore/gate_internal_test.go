package neo4jstore

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestGate(t *testing.T) {
	g := newGate(2)
	ctx := context.Background()
	for range 2 {
		if err := g.enter(ctx); err != nil {
			t.Fatalf("enter with a free slot: %v", err)
		}
	}

	// Full: a third read waits until its context ends.
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := g.enter(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("enter on a full gate under a deadline = %v, want DeadlineExceeded", err)
	}

	// Full: waiters get the slot a read gives back, in turn.
	got := make(chan error)
	go func() { got <- g.enter(ctx) }()
	g.leave()
	if err := <-got; err != nil {
		t.Fatalf("waiter after leave: %v", err)
	}

	// Full: a read in flight finding the database down sends every waiter
	// away at once, with no slot given back.
	const waiters = 5
	for range waiters {
		go func() { got <- g.enter(ctx) }()
	}
	waitForWaiters(t, g, waiters)
	if n := g.waiting.Load(); n != waiters {
		t.Errorf("waiting = %d, want %d", n, waiters)
	}
	g.unavailable()
	for range waiters {
		if err := <-got; !errors.Is(err, errGateDown) {
			t.Fatalf("waiter when the database is down: %v, want errGateDown", err)
		}
	}

	for deadline := time.Now().Add(5 * time.Second); g.waiting.Load() != 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waiting = %d after the waiters left, want 0", g.waiting.Load())
		}
	}

	// After that the gate works as before: reads that come later wait for
	// a slot (and probe the database) rather than failing.
	go func() { got <- g.enter(ctx) }()
	select {
	case err := <-got:
		t.Fatalf("enter on a full gate after unavailable returned %v without a slot", err)
	case <-time.After(20 * time.Millisecond):
	}
	g.leave()
	if err := <-got; err != nil {
		t.Fatalf("waiter after unavailable and leave: %v", err)
	}

	var none *gate
	if err := none.enter(ctx); err != nil || none.size() != 0 {
		t.Fatalf("nil gate: enter %v, size %d; want no bound", err, none.size())
	}
	none.leave()
	none.unavailable()
	if newGate(0) != nil || newGate(-1) != nil {
		t.Fatal("newGate(n ≤ 0) must be nil, no bound")
	}
}

// waitForWaiters waits until n goroutines are blocked in g.enter, so that
// unavailable surely meets them waiting.
func waitForWaiters(t *testing.T, g *gate, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		if strings.Count(stacks, "(*gate).enter") >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("fewer than %d goroutines waiting in gate.enter", n)
		}
		time.Sleep(time.Millisecond)
	}
}
