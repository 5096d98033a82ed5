package neo4jstore

import (
	"strings"
	"testing"
)

// A collected row that is not what the statement returns says where it
// differs; a null string reads as "", as a missing property does.
func TestRowReportsWhatDiffers(t *testing.T) {
	ok := rowOf("graph node", []any{"usa", "COUNTRY", nil, int64(48)}, 4)
	if g := ok.graphNode(0); ok.err != nil || g.ID != "usa" || g.Kind != "COUNTRY" || g.Label != "" || g.Degree != 48 {
		t.Fatalf("got %+v, %v", g, ok.err)
	}
	for _, c := range []struct {
		v    any
		want string
	}{
		{"usa", "graph node: row is string, want a list"},
		{[]any{"usa", "COUNTRY", "USA"}, "graph node: row has 3 values, want 4"},
		{[]any{"usa", "COUNTRY", "USA", "48"}, "graph node: value 3 is string, want integer"},
		{[]any{int64(1), "COUNTRY", "USA", nil}, "graph node: value 0 is int64, want string"},
	} {
		r := rowOf("graph node", c.v, 4)
		r.graphNode(0)
		if r.err == nil || !strings.Contains(r.err.Error(), c.want) {
			t.Errorf("%v: got %v, want %q", c.v, r.err, c.want)
		}
	}
}
