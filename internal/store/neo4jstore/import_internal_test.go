package neo4jstore

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// importFailure turns the importer's output (as neo4j-admin 5.26 prints it
// with --verbose) into an error that says what went wrong.
func TestImportFailure(t *testing.T) {
	exit := &exec.ExitError{}
	for _, c := range []struct {
		name, out string
		want      []string
		inUse     bool
	}{
		{
			name:  "database in use",
			out:   "org.neo4j.cli.CommandFailedException: The database is in use. Stop database 'neo4j' and try again.\n\tat org.neo4j...\nRun with '--verbose' for a more detailed error message.\n",
			want:  []string{`database "neo4j" in /h is in use`, "neo4j.sh stop"},
			inUse: true,
		},
		{
			name: "root cause",
			out: "WARNING Import failed. The store files in /h/data/databases/neo4j are left as they are, although they are likely in an unusable state.\n\n" +
				"org.neo4j.cli.CommandFailedException: Error importing csv file.\n\tat picocli.CommandLine.execute(CommandLine.java:2174)\n" +
				"Caused by: org.neo4j.importer.FileImporter$CsvImportException: java.nio.file.DirectoryNotEmptyException: /h/data/databases/neo4j already contains data, cannot do import here\n\t... 13 more\n" +
				"Caused by: java.nio.file.DirectoryNotEmptyException: /h/data/databases/neo4j already contains data, cannot do import here\n\t... 15 more\n",
			want: []string{"java.nio.file.DirectoryNotEmptyException: /h/data/databases/neo4j already contains data, cannot do import here",
				`the database "neo4j" in /h is left unusable`, "full output in /h/logs/normgraph-import.log"},
		},
		{
			name: "no cause line",
			out:  "NEO4J_HOME path doesn't exist or not a directory: /h\n",
			want: []string{"NEO4J_HOME path doesn't exist or not a directory: /h"},
		},
		{
			name: "no output",
			want: []string{"no output"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := importFailure(exit, c.out, "neo4j", "/h", "/h/logs/normgraph-import.log")
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%v\ndoes not say %q", err, w)
				}
			}
			if errors.Is(err, ErrDatabaseInUse) != c.inUse {
				t.Errorf("errors.Is(err, ErrDatabaseInUse) = %t, want %t", !c.inUse, c.inUse)
			}
		})
	}
}
