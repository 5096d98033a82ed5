package normgraph

import (
	"encoding/base64"
	"strings"
)

// Cursor is a position in a list ordered by (Key, ID). Lists page by keyset:
// a cursor stays valid and means the same place however the data changes.
type Cursor struct {
	Key string
	ID  string
}

const cursorPrefix = "c1\x00"

// CursorOf is the cursor just after n in its list.
func CursorOf(n Node) Cursor {
	switch v := n.(type) {
	case Entity:
		return Cursor{Key: SortKey(v), ID: v.NodeID()}
	case *Source:
		return Cursor{Key: v.Title, ID: v.ID}
	}
	return Cursor{ID: n.NodeID()}
}

// Encode returns the opaque string form of c.
func (c Cursor) Encode() string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + c.Key + "\x00" + c.ID))
}

// DecodeCursor parses the opaque string form of a cursor.
func DecodeCursor(s string) (Cursor, error) {
	bad := Errorf(EINVALID, "after: %q is not a cursor returned by this API", truncate(s, 64))
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, bad
	}
	rest, ok := strings.CutPrefix(string(b), cursorPrefix)
	if !ok {
		return Cursor{}, bad
	}
	key, id, ok := strings.Cut(rest, "\x00")
	if !ok || !ValidID(id) {
		return Cursor{}, bad
	}
	return Cursor{Key: key, ID: id}, nil
}

// Before reports whether an item with (key, id) comes at or before c, that is,
// whether a page after c excludes it.
func (c Cursor) Before(key, id string) bool {
	return key < c.Key || (key == c.Key && id <= c.ID)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// PageOf builds a Page from the whole ordered list of matches: it skips the
// items at or before args.After and keeps args.First of the rest. rel, if not
// nil, gives each item's relationship.
func PageOf(items []Node, rels []*Relation, args PageArgs) *Page {
	start := 0
	if args.After != nil {
		for start < len(items) {
			c := CursorOf(items[start])
			if !args.After.Before(c.Key, c.ID) {
				break
			}
			start++
		}
	}
	end := len(items)
	if args.First != Unlimited && start+args.First < end {
		end = start + args.First
	}
	p := &Page{TotalCount: len(items), Edges: make([]Edge, 0, end-start)}
	for i := start; i < end; i++ {
		e := Edge{Cursor: CursorOf(items[i]).Encode(), Node: items[i]}
		if rels != nil {
			e.Relation = rels[i]
		}
		p.Edges = append(p.Edges, e)
	}
	p.PageInfo = PageInfo{HasNextPage: end < len(items), HasPreviousPage: start > 0}
	if len(p.Edges) > 0 {
		s, e := p.Edges[0].Cursor, p.Edges[len(p.Edges)-1].Cursor
		p.PageInfo.StartCursor, p.PageInfo.EndCursor = &s, &e
	}
	return p
}
