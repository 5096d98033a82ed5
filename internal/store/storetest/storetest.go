// Package storetest is the contract every normgraph.Store backend must pass
// unchanged: the same questions about one fixed dataset (Fixture), with the
// exact answers, order and page info the API promises. Running it against
// memstore and neo4jstore is what makes "both backends give the same answers"
// checkable rather than hoped for.
//
// The suite compares ids and field values, never pointers, so a backend may
// build fresh values for every answer.
package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/normgraph/normgraph/internal/normgraph"
)

// Run opens a store holding Fixture() once and runs every contract case
// against it. The cases only read, so they share the store and run in
// parallel; Run returns when all of them have finished, so open may register
// the store's shutdown with t.Cleanup.
func Run(t *testing.T, open func(t *testing.T, ds *normgraph.Dataset) normgraph.Store) {
	t.Helper()
	s := open(t, Fixture())
	if s == nil {
		t.Fatal("storetest: open returned a nil Store")
	}
	t.Run("contract", func(t *testing.T) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				c.run(t, s)
			})
		}
	})
}

// testCase is one named contract case.
type testCase struct {
	name string
	run  func(t *testing.T, s normgraph.Store)
}

// cases lists every contract case; each file of the package appends its own.
var cases []testCase

func register(group string, cs ...testCase) bool {
	for _, c := range cs {
		cases = append(cases, testCase{name: group + "/" + c.name, run: c.run})
	}
	return true
}

// ids returns the ids of a page's nodes, in order.
func ids(p *normgraph.Page) []string {
	if p == nil {
		return nil
	}
	out := make([]string, 0, len(p.Edges))
	for _, e := range p.Edges {
		out = append(out, nodeID(e.Node))
	}
	return out
}

func nodeID(n normgraph.Node) string {
	if n == nil {
		return "<nil>"
	}
	return n.NodeID()
}

// entityIDs returns the ids of entities, "<nil>" where an entry is nil.
func entityIDs(es []normgraph.Entity) []string {
	out := make([]string, 0, len(es))
	for _, e := range es {
		if e == nil {
			out = append(out, "<nil>")
			continue
		}
		out = append(out, e.NodeID())
	}
	return out
}

func hitIDs(hits []normgraph.SearchHit) []string {
	out := make([]string, 0, len(hits))
	for _, h := range hits {
		out = append(out, nodeID(h.Node))
	}
	return out
}

func graphNodeIDs(ns []normgraph.GraphNode) []string {
	out := make([]string, 0, len(ns))
	for _, n := range ns {
		out = append(out, n.ID)
	}
	return out
}

func graphEdgeIDs(es []normgraph.GraphEdge) []string {
	out := make([]string, 0, len(es))
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

// equalIDs fails the test when got and want differ, showing both in full.
func equalIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	if got == nil {
		got = []string{}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

// date parses a literal date for a query argument.
func date(s string) *normgraph.Date {
	v := normgraph.MustParseDate(s)
	return &v
}

// dateString formats an optional date, "-" for none: what the suite compares,
// since two backends may build equal dates differently.
func dateString(d *normgraph.Date) string {
	if d == nil || d.IsZero() {
		return "-"
	}
	return d.String()
}

func all() normgraph.PageArgs { return normgraph.PageArgs{First: normgraph.Unlimited} }

func first(n int) normgraph.PageArgs { return normgraph.PageArgs{First: n} }

func after(n int, c *normgraph.Cursor) normgraph.PageArgs {
	return normgraph.PageArgs{First: n, After: c}
}

// cursorAt decodes a cursor string returned by the store, failing the test if
// it is not one.
func cursorAt(t *testing.T, s *string) *normgraph.Cursor {
	t.Helper()
	if s == nil {
		t.Fatal("cursor is nil")
	}
	c, err := normgraph.DecodeCursor(*s)
	if err != nil {
		t.Fatalf("cursor %q does not decode: %v", *s, err)
	}
	return &c
}

// mustPage returns a checker for a (page, error) result: it fails the test
// on an error or a nil page, so calls read mustPage(t)(s.List(...)).
func mustPage(t *testing.T) func(*normgraph.Page, error) *normgraph.Page {
	return func(p *normgraph.Page, err error) *normgraph.Page {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		if p == nil {
			t.Fatal("nil page without error")
		}
		return p
	}
}

// wantInvalid checks that err is an EINVALID error whose message starts with
// the name of the bad argument, the form every validation message takes.
func wantInvalid(t *testing.T, err error, argPrefix string) {
	t.Helper()
	if got := normgraph.ErrorCode(err); got != normgraph.EINVALID {
		t.Fatalf("error code = %q (%v), want %q", got, err, normgraph.EINVALID)
	}
	if msg := normgraph.ErrorMessage(err); !strings.HasPrefix(msg, argPrefix) {
		t.Errorf("error message %q does not start with %q", msg, argPrefix)
	}
}

// wantDomainError checks that err is exactly the validation error the domain
// reports for the same arguments, so every backend rejects them alike.
func wantDomainError(t *testing.T, err, want error) {
	t.Helper()
	if want == nil {
		t.Fatal("test bug: the domain accepts these arguments")
	}
	if normgraph.ErrorCode(err) != normgraph.ErrorCode(want) || normgraph.ErrorMessage(err) != normgraph.ErrorMessage(want) {
		t.Errorf("error = %q (%s), want %q (%s)", normgraph.ErrorMessage(err), normgraph.ErrorCode(err),
			normgraph.ErrorMessage(want), normgraph.ErrorCode(want))
	}
}

// pageInfo renders the parts of a page that are not its items, for exact
// comparison in one line.
func pageInfo(p *normgraph.Page) string {
	return fmt.Sprintf("total=%d next=%t prev=%t", p.TotalCount, p.PageInfo.HasNextPage, p.PageInfo.HasPreviousPage)
}

func wantPageInfo(t *testing.T, p *normgraph.Page, total int, next, prev bool) {
	t.Helper()
	want := fmt.Sprintf("total=%d next=%t prev=%t", total, next, prev)
	if got := pageInfo(p); got != want {
		t.Errorf("page info = %s, want %s", got, want)
	}
	checkCursors(t, p)
}

// checkCursors checks the invariants of any page: every edge's cursor
// decodes to its node's position, and start/end cursors are the first and
// last edges' cursors (nil on an empty page).
func checkCursors(t *testing.T, p *normgraph.Page) {
	t.Helper()
	for _, e := range p.Edges {
		want := normgraph.CursorOf(e.Node).Encode()
		if e.Cursor != want {
			t.Errorf("cursor of %s = %q, want %q", nodeID(e.Node), e.Cursor, want)
		}
	}
	if len(p.Edges) == 0 {
		if p.PageInfo.StartCursor != nil || p.PageInfo.EndCursor != nil {
			t.Errorf("empty page has start/end cursors %v/%v", p.PageInfo.StartCursor, p.PageInfo.EndCursor)
		}
		return
	}
	if p.PageInfo.StartCursor == nil || *p.PageInfo.StartCursor != p.Edges[0].Cursor {
		t.Errorf("startCursor is not the first edge's cursor")
	}
	if p.PageInfo.EndCursor == nil || *p.PageInfo.EndCursor != p.Edges[len(p.Edges)-1].Cursor {
		t.Errorf("endCursor is not the last edge's cursor")
	}
}

// walk reads a whole list page by page, following endCursor, and returns the
// ids in the order visited and the number of pages read.
func walk(t *testing.T, size int, fetch func(normgraph.PageArgs) (*normgraph.Page, error)) (visited []string, pages int) {
	t.Helper()
	args := first(size)
	for {
		p := mustPage(t)(fetch(args))
		pages++
		checkCursors(t, p)
		if got := len(p.Edges); got > size {
			t.Fatalf("page %d has %d edges, asked for %d", pages, got, size)
		}
		if pages > 1 && !p.PageInfo.HasPreviousPage {
			t.Errorf("page %d: hasPreviousPage = false", pages)
		}
		visited = append(visited, ids(p)...)
		if !p.PageInfo.HasNextPage {
			return visited, pages
		}
		if len(p.Edges) == 0 {
			t.Fatalf("page %d: empty page with hasNextPage = true", pages)
		}
		if pages > 1000 {
			t.Fatal("paging does not terminate")
		}
		args = after(size, cursorAt(t, p.PageInfo.EndCursor))
	}
}

// ctx returns the test's context: cancelled when the test ends.
func ctx(t *testing.T) context.Context { return t.Context() }
