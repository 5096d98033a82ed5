package neo4jstore

import (
	"context"
	"errors"
	"net"
	"net/url"
	"runtime"
	"sync"
	"sync/atomic"
)

// gate bounds the reads in flight. A Neo4j on the same few cores as this
// process answers more, and sooner, when it runs about as many statements
// at once as there are cores to run them (bench/README.md, "Connection
// cap"). The gate does that here rather than through the driver's pool
// size: a pool waiter is woken only when a connection comes back, not when
// a dial fails, so with a small pool and Neo4j down a request could wait
// out its deadline instead of failing with DATABASE_UNAVAILABLE.
type gate struct {
	slots chan struct{}
	// waiting counts the reads waiting for a slot, for metrics.
	waiting atomic.Int64

	mu sync.Mutex
	// down is closed when a read finds the database unavailable, which
	// sends every waiter away at once: each read in flight takes the
	// driver's retry budget to fail, and waiting behind them would turn a
	// prompt DATABASE_UNAVAILABLE into a queue of them, or a TIMEOUT.
	down chan struct{}
}

// errGateDown is what a waiter gets when a read in flight found the
// database unavailable.
var errGateDown = errors.New("a read in flight found the database unavailable")

// newGate returns a gate for n reads at once, or nil (no bound) for n ≤ 0.
func newGate(n int) *gate {
	if n <= 0 {
		return nil
	}
	return &gate{slots: make(chan struct{}, n), down: make(chan struct{})}
}

// enter takes a slot, waiting for one until ctx is done or a read in flight
// finds the database unavailable. A nil gate admits every read.
func (g *gate) enter(ctx context.Context) error {
	if g == nil {
		return nil
	}
	select {
	case g.slots <- struct{}{}:
		return nil
	default:
	}
	g.waiting.Add(1)
	defer g.waiting.Add(-1)
	g.mu.Lock()
	down := g.down
	g.mu.Unlock()
	select {
	case g.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-down:
		return errGateDown
	}
}

// leave gives the slot back.
func (g *gate) leave() {
	if g != nil {
		<-g.slots
	}
}

// unavailable sends the current waiters away; later reads wait, and probe
// the database, as before.
func (g *gate) unavailable() {
	if g == nil {
		return
	}
	g.mu.Lock()
	close(g.down)
	g.down = make(chan struct{})
	g.mu.Unlock()
}

// size is the number of reads the gate lets run at once, 0 for no bound.
func (g *gate) size() int {
	if g == nil {
		return 0
	}
	return cap(g.slots)
}

// DefaultMaxReads is the bound on reads in flight that Open picks for uri
// when Config.MaxReads is zero: twice GOMAXPROCS, at least 4, for a server on
// a loopback address, which shares this machine's cores, and 0 (no bound)
// for any other. On 2 cores, 4 statements at once took the p99 of
// three-level traversals from 52–77 to 35–49 ms; lookups kept their p99
// (bench/README.md, "Connection cap").
func DefaultMaxReads(uri string) int {
	u, err := url.Parse(uri)
	if err != nil || u.Hostname() == "" {
		return 0
	}
	host := u.Hostname()
	if host != "localhost" {
		ip := net.ParseIP(host)
		if ip == nil || !ip.IsLoopback() {
			return 0
		}
	}
	return max(4, 2*runtime.GOMAXPROCS(0))
}
