package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/peterbourgon/ff/v3"
	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/normgraph/normgraph/internal/store/neo4jstore"
)

func newSeedCmd(common *commonFlags, opts []ff.Option, stdout, stderr io.Writer) *ffcli.Command {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	common.register(fs)
	return &ffcli.Command{
		Name:       "seed",
		ShortUsage: "normgraph seed [--data DIR] --neo4j-uri URI",
		ShortHelp:  "make the Neo4j graph equal to the data files (validates first; idempotent)",
		FlagSet:    fs,
		Options:    opts,
		Exec: func(ctx context.Context, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("seed: unexpected arguments %q", args)
			}
			if common.neo4j.uri == "" {
				return fmt.Errorf("seed: no Neo4j configured: set --neo4j-uri or NEO4J_URI")
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
