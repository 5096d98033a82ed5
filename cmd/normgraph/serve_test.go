package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// serve rejects a bad flag before it opens anything.
func TestServeFlagErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--neo4j-max-connections", "-1"}, "--neo4j-max-connections -1 is negative"},
		{[]string{"serve", "--neo4j-max-reads", "-2"}, "--neo4j-max-reads -2 is invalid"},
		{[]string{"serve", "extra"}, `unexpected arguments ["extra"]`},
	} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), c.args, &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("normgraph %s: err = %v, want one containing %q", strings.Join(c.args, " "), err, c.want)
		}
	}
}
