package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/peterbourgon/ff/v3"
	"github.com/peterbourgon/ff/v3/ffcli"
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
			s, err := openNeo4j(ctx, log, common)
			if err != nil {
				return err
			}
			defer func() { _ = s.Close(context.Background()) }()
			rep, err := s.Seed(ctx, ds)
			if err != nil {
				return fmt.Errorf("seed: %w", err)
			}
			fmt.Fprintln(stdout, rep.String())
			return nil
		},
	}
}
