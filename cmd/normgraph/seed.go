package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/peterbourgon/ff/v3"
	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/normgraph/normgraph/internal/store/neo4jstore"
)

func newSeedCmd(common *commonFlags, opts []ff.Option, stdout, stderr io.Writer) *ffcli.Command {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	common.register(fs)
	var off offlineFlags
	fs.BoolVar(&off.offline, "offline", false, "build the database with Neo4j's offline importer instead of over Bolt (server stopped; replaces the database)")
	fs.StringVar(&off.home, "neo4j-home", "", "with --offline: the Neo4j home (lib/ jars, conf/, data/), as scripts/neo4j/neo4j.sh's NORMGRAPH_NEO4J_HOME")
	fs.StringVar(&off.javaOptions, "importer-java-options", strings.Join(neo4jstore.DefaultImportJavaOptions, " "), "with --offline: the importer's JVM options, space-separated")
	fs.StringVar(&off.csvDir, "csv-dir", "", "with --offline: write the importer's CSV files here and keep them (default: a temporary directory)")
	return &ffcli.Command{
		Name:       "seed",
		ShortUsage: "normgraph seed [--data DIR] --neo4j-uri URI | normgraph seed --offline --neo4j-home DIR [--data DIR]",
		ShortHelp:  "make the Neo4j graph equal to the data files (validates first; idempotent)",
		LongHelp: "seed makes the Neo4j graph equal to the data files over Bolt: it writes only the difference,\n" +
			"so a second run writes nothing, and it creates the constraints and indexes.\n\n" +
			"seed --offline --neo4j-home DIR builds the database (--neo4j-database, default neo4j) with\n" +
			"Neo4j's offline importer, neo4j-admin database import full, run with java from DIR/lib: the\n" +
			"bulk path for a first load, several times faster than over Bolt for large data. The server of\n" +
			"DIR must be stopped (seed refuses otherwise), and the database's contents are replaced.\n" +
			"The importer cannot create indexes: start the server, then run seed (online) once. It finds\n" +
			"the graph equal to the data, writes nothing, and creates the constraints and indexes (serve\n" +
			"--seed does the same). scripts/neo4j/neo4j.sh import does all of it: stop, import, start,\n" +
			"schema. The importer's output goes to stderr and DIR/logs/normgraph-import.log.",
		FlagSet: fs,
		Options: opts,
		Exec: func(ctx context.Context, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("seed: unexpected arguments %q", args)
			}
			if off.offline {
				return seedOffline(ctx, common, off, stdout, stderr)
			}
			if common.neo4j.uri == "" {
				return fmt.Errorf("seed: no Neo4j configured: set --neo4j-uri or NEO4J_URI (or import offline: --offline --neo4j-home DIR)")
			}
			log, err := common.logger(stderr)
			if err != nil {
				return err
			}
			ds, err := loadData(log, common.data)
			if err != nil {
				return err
			}
			s, err := openNeo4j(ctx, log, common, 30*time.Second)
			if err != nil {
				return err
			}
			defer func() { _ = s.Close(context.Background()) }()
			rep, err := s.Seed(ctx, ds)
			if err != nil {
				return fmt.Errorf("seed: %w", err)
			}
			fmt.Fprint(stdout, seedSummary(rep))
			return nil
		},
	}
}

// seedSummary is the human summary of a seed run.
func seedSummary(r *neo4jstore.SeedReport) string {
	line := func(what string, c neo4jstore.SeedCounts) string {
		return fmt.Sprintf("%-13s created %d, updated %d, deleted %d, unchanged %d\n",
			what+":", c.Created, c.Updated, c.Deleted, c.Unchanged)
	}
	out := line("nodes", r.Nodes) + line("relationships", r.Relationships) +
		fmt.Sprintf("writes:       %d\ndataset:      %s\nelapsed:      %s\n", r.Writes, r.DatasetVersion, r.Elapsed.Round(time.Millisecond))
	// The phases say where a slow load spends its time.
	for _, p := range r.Phases {
		out += fmt.Sprintf("  %-50s %8d rows %10s\n", p.Name, p.Rows, p.Elapsed.Round(time.Millisecond))
	}
	return out
}

type offlineFlags struct {
	offline                   bool
	home, csvDir, javaOptions string
}

// seedOffline is seed --offline: the offline importer, then advice on the
// schema, which only a running server can build.
func seedOffline(ctx context.Context, common *commonFlags, off offlineFlags, stdout, stderr io.Writer) error {
	if off.home == "" {
		return fmt.Errorf("seed --offline: no Neo4j home: set --neo4j-home or NORMGRAPH_NEO4J_HOME")
	}
	log, err := common.logger(stderr)
	if err != nil {
		return err
	}
	ds, err := loadData(log, common.data)
	if err != nil {
		return err
	}
	rep, err := neo4jstore.Import(ctx, ds, neo4jstore.ImportConfig{
		Home:        off.home,
		Database:    common.neo4j.database,
		Dir:         off.csvDir,
		Output:      stderr,
		JavaOptions: append([]string{}, strings.Fields(off.javaOptions)...),
	})
	if err != nil {
		return fmt.Errorf("seed --offline: %w", err)
	}
	fmt.Fprint(stdout, importSummary(rep))
	return nil
}

// importSummary is the human summary of an offline import.
func importSummary(r *neo4jstore.ImportReport) string {
	secs := r.Elapsed.Seconds()
	out := fmt.Sprintf("nodes:         imported %d\nrelationships: imported %d\ndataset:       %s\n"+
		"elapsed:       %s (%.0f relationships/s, %.0f nodes+relationships/s)\n",
		r.Nodes, r.Relationships, r.DatasetVersion, r.Elapsed.Round(time.Millisecond),
		float64(r.Relationships)/secs, float64(r.Nodes+r.Relationships)/secs)
	for _, p := range r.Phases {
		out += fmt.Sprintf("  %-50s %8d rows %10s\n", p.Name, p.Rows, p.Elapsed.Round(time.Millisecond))
	}
	out += fmt.Sprintf("importer CPU:  %s (user + system)\n", r.ImporterCPU.Round(time.Millisecond))
	return out + "next: start the server and run `normgraph seed` once: it writes nothing and creates the indexes\n"
}
