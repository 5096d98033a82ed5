package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/peterbourgon/ff/v3"
	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/normgraph/normgraph/bench"
	"github.com/normgraph/normgraph/internal/loadgen"
)

// benchEnvPrefix gives bench its own environment twins: with the common
// NORMGRAPH_ prefix its --seed, --timeout-like and --data-like flags would
// read the variables set for serve (NORMGRAPH_SEED=true is a bool there and
// would not even parse as bench's uint seed).
const benchEnvPrefix = "NORMGRAPH_BENCH"

func newBenchCmd(opts []ff.Option, stdout, stderr io.Writer) *ffcli.Command {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var (
		cfg         loadgen.Config
		mix         = fs.String("mix", "analyst", "mix to replay (see --list), or the name of a single query")
		jsonOut     = fs.Bool("json", false, "write the report as JSON (format normgraph-bench/1, see bench/README.md)")
		varsFile    = fs.String("vars", "", "JSON file overriding variable values, {\"var\": [...], \"query.var\": [...]}, for data sets with other ids")
		queriesDir  = fs.String("queries", "", "directory of *.graphql files and mixes.json to use instead of the built-in bench/queries")
		list        = fs.Bool("list", false, "list the mixes and queries, then exit")
		failOnError = fs.Bool("fail-on-error", false, "exit 1 if any request failed")
	)
	fs.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080/graphql", "GraphQL endpoint; must be on this machine unless --allow-remote")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "measuring time after the warm-up (0: until --max-requests)")
	fs.IntVar(&cfg.Concurrency, "concurrency", 16, "concurrent workers, one request in flight each")
	fs.DurationVar(&cfg.Warmup, "warmup", time.Second, "unmeasured warm-up before measuring")
	fs.Int64Var(&cfg.MaxRequests, "max-requests", 0, "stop after this many measured requests (0: no limit)")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "random seed of the query choice; the same seed replays the same sequence per worker")
	fs.DurationVar(&cfg.RequestTimeout, "request-timeout", 30*time.Second, "timeout of one request")
	fs.BoolVar(&cfg.AllowRemote, "allow-remote", false, "allow a target that is not a loopback address")

	return &ffcli.Command{
		Name:       "bench",
		ShortUsage: "normgraph bench [--url URL] [--duration 10s] [--concurrency 16] [--mix analyst] [--json] [--warmup 1s] [--max-requests N]",
		ShortHelp:  "measure a running server under a weighted mix of analyst queries",
		LongHelp: "bench replays the analyst query mix (bench/queries, compiled in) against a normgraph\n" +
			"server on this machine and reports requests, errors, req/s and p50/p95/p99/max latency per\n" +
			"query. Flags have " + benchEnvPrefix + "_* environment twins (--url is " + benchEnvPrefix + "_URL).\n" +
			"For a data set whose ids differ from the curated ones, pass --vars FILE (see bench/README.md).",
		FlagSet: fs,
		// Appended last, so it wins over the NORMGRAPH prefix in opts.
		Options: append(slices.Clip(opts), ff.WithEnvVarPrefix(benchEnvPrefix)),
		Exec: func(ctx context.Context, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("bench: unexpected arguments %q", args)
			}
			queries := bench.Queries()
			if *queriesDir != "" {
				queries = os.DirFS(*queriesDir)
			}
			suite, err := loadgen.LoadSuite(queries)
			if err != nil {
				return fmt.Errorf("bench: %w", err)
			}
			if *varsFile != "" {
				data, err := os.ReadFile(*varsFile)
				if err != nil {
					return fmt.Errorf("bench: %w", err)
				}
				if err := suite.OverrideVars(data); err != nil {
					return fmt.Errorf("bench: %s: %w", *varsFile, err)
				}
			}
			if *list {
				return listSuite(stdout, suite)
			}
			if cfg.Mix, err = suite.Mix(*mix); err != nil {
				return fmt.Errorf("bench: %w", err)
			}

			// Refuse a remote target before announcing a run that will not happen.
			if _, err := loadgen.CheckURL(ctx, cfg.URL, cfg.AllowRemote); err != nil {
				return fmt.Errorf("bench: %w", err)
			}
			var limits []string
			if cfg.Duration > 0 {
				limits = append(limits, cfg.Duration.String())
			}
			if cfg.MaxRequests > 0 {
				limits = append(limits, fmt.Sprintf("%d requests", cfg.MaxRequests))
			}
			fmt.Fprintf(stderr, "bench: %s: mix %s, concurrency %d, %s warm-up, then %s\n",
				cfg.URL, cfg.Mix.Name, cfg.Concurrency, cfg.Warmup, strings.Join(limits, " or "))
			report, err := loadgen.Run(ctx, cfg)
			if err != nil {
				return fmt.Errorf("bench: %w", err)
			}
			if *jsonOut {
				err = report.WriteJSON(stdout)
			} else {
				err = report.WriteTable(stdout)
			}
			if err != nil {
				return err
			}
			if *failOnError && report.Total.Errors > 0 {
				fmt.Fprintf(stderr, "bench: %d of %d requests failed\n", report.Total.Errors, report.Total.Requests)
				return errSilent
			}
			return nil
		},
	}
}

// listSuite prints each mix with its queries' weights and variables, so one
// can see what a mix sends and which names a --vars file may override.
func listSuite(w io.Writer, s *loadgen.Suite) error {
	var b strings.Builder
	for _, name := range s.MixNames() {
		m := s.Mixes[name]
		fmt.Fprintf(&b, "mix %s\n", name)
		for _, e := range m.Entries {
			fmt.Fprintf(&b, "  %-26s weight %d\n", e.Query.Name, e.Weight)
		}
	}
	b.WriteString("queries (variable: values)\n")
	for _, q := range s.Queries {
		fmt.Fprintf(&b, "  %s\n", q.Name)
		for _, v := range q.Variables {
			vals := make([]string, len(q.Values[v]))
			for i, raw := range q.Values[v] {
				vals[i] = string(raw)
			}
			fmt.Fprintf(&b, "    $%s: %s\n", v, strings.Join(vals, " "))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
