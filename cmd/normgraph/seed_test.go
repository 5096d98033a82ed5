package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// seed --offline says what is missing or wrong before it does anything.
func TestSeedOfflineErrors(t *testing.T) {
	notHome := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"seed", "--offline"}, "no Neo4j home: set --neo4j-home or NORMGRAPH_NEO4J_HOME"},
		{[]string{"seed", "--offline", "--neo4j-home", notHome}, notHome + " is not a Neo4j home"},
		{[]string{"seed", "--offline", "--neo4j-home", notHome, "--neo4j-database", "-x"}, `"-x" is not a Neo4j database name`},
		{[]string{"seed", "--offline", "--neo4j-home", notHome, "--data", notHome}, "data files " + notHome},
	} {
		t.Setenv("NORMGRAPH_NEO4J_HOME", "")
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), c.args, &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("normgraph %s: err = %v, want one containing %q", strings.Join(c.args, " "), err, c.want)
		}
		if stdout.Len() > 0 {
			t.Errorf("normgraph %s printed %q", strings.Join(c.args, " "), stdout.String())
		}
	}
}
