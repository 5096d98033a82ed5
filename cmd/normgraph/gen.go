package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"github.com/peterbourgon/ff/v3"
	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/normgraph/normgraph/internal/dataset/synth"
	"github.com/normgraph/normgraph/internal/normgraph"
)

// genEnvPrefix gives gen its own environment twins, as bench has: under the
// common NORMGRAPH_ prefix its --seed would read NORMGRAPH_SEED, which is
// serve's boolean --seed (and would not parse as a number), and --out or
// --force set for one run would leak into every other.
const genEnvPrefix = "NORMGRAPH_GEN"

// newGenCmd is `normgraph gen`: a synthetic dataset for scale tests.
func newGenCmd(opts []ff.Option, stdout, stderr io.Writer) *ffcli.Command {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	var cfg synth.Config
	out := fs.String("out", "", "directory to write the dataset to (required); it must not exist or be empty, unless --force")
	scale := fs.Float64("scale", 1, "size: --relations defaults to scale × 10,000 (1 ≈ 10k, 10 ≈ 100k, 100 ≈ 1M relationships)")
	force := fs.Bool("force", false, "replace a non-empty --out (only if it holds nothing but dataset files)")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "random seed: the same seed and sizes give byte-identical files")
	fs.IntVar(&cfg.Relations, "relations", 0, "number of relationships, generated exactly; overrides --scale (default: scale × 10,000)")
	fs.IntVar(&cfg.Countries, "countries", 0, fmt.Sprintf("number of countries, at most %d (default: 200 × √s, s = relations / 10,000)", synth.MaxCountries))
	fs.IntVar(&cfg.Fora, "fora", 0, "number of fora (default: 120 × s)")
	fs.IntVar(&cfg.Initiatives, "initiatives", 0, "number of initiatives (default: 120 × s)")
	fs.IntVar(&cfg.Norms, "norms", 0, "number of norms (default: 262 × s)")
	fs.IntVar(&cfg.Sources, "sources", 0, "number of sources (default: 100 × √s, at most 400)")
	return &ffcli.Command{
		Name:       "gen",
		ShortUsage: "normgraph gen --out DIR [--scale N | --relations N] [--countries N] [--fora N] [--initiatives N] [--norms N] [--sources N] [--seed N] [--force]",
		ShortHelp:  "generate a synthetic dataset in the data file format, for scale tests",
		LongHelp: "gen writes a synthetic dataset shaped like the curated one (same files, same proportions of\n" +
			"entities and relationships, skewed forum sizes, dated memberships) that validate, serve --data\n" +
			"and seed --data read unchanged, plus bench-vars.json for bench --vars. The output is a pure\n" +
			"function of the flags. --scale N asks for N × 10,000 relationships: 1 ≈ 10k, 10 ≈ 100k,\n" +
			"100 ≈ 1M; the entity counts follow unless given. The directory is written all or nothing.\n" +
			"Flags have " + genEnvPrefix + "_* environment twins (--scale is " + genEnvPrefix + "_SCALE).",
		FlagSet: fs,
		// Appended last, so it wins over the NORMGRAPH prefix in opts.
		Options: append(slices.Clip(opts), ff.WithEnvVarPrefix(genEnvPrefix)),
		Exec: func(ctx context.Context, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("gen: unexpected arguments %q", args)
			}
			if *out == "" {
				return errors.New("gen: --out DIR is required")
			}
			if cfg.Relations == 0 {
				if *scale <= 0 || math.IsNaN(*scale) || math.IsInf(*scale, 0) {
					return fmt.Errorf("gen: --scale must be positive, got %v", *scale)
				}
				if *scale*synth.RelationsPerScale > synth.MaxRelations {
					return fmt.Errorf("gen: --scale %v is over %d relationships (the most is --scale %d)", *scale, synth.MaxRelations, synth.MaxRelations/synth.RelationsPerScale)
				}
				cfg.Relations = int(math.Round(*scale * synth.RelationsPerScale))
			}
			start := time.Now()
			res, err := synth.Generate(cfg)
			if err != nil {
				return fmt.Errorf("gen: %w", err)
			}
			generated := time.Since(start)
			start = time.Now()
			if err := res.WriteDir(ctx, *out, *force); err != nil {
				return fmt.Errorf("gen: %w", err)
			}
			written := time.Since(start)
			fmt.Fprintf(stdout, "%s: %d relationships, %d entities, %d sources (seed %d)\n",
				*out, res.TotalRelations(), total(res.Entities), res.Sources, res.Config.Seed)
			for _, k := range normgraph.EntityKinds {
				fmt.Fprintf(stdout, "  %-16s %9d\n", k, res.Entities[k])
			}
			for _, t := range normgraph.RelationTypes {
				fmt.Fprintf(stdout, "  %-16s %9d\n", t, res.Relations[t])
			}
			fmt.Fprintf(stdout, "%d files, %.1f MB; generated in %s, written in %s\n",
				len(res.Files), float64(res.Size())/1e6, generated.Round(time.Millisecond), written.Round(time.Millisecond))
			return nil
		},
	}
}

func total[K comparable](m map[K]int) int {
	n := 0
	for _, c := range m {
		n += c
	}
	return n
}
