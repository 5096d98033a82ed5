package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/peterbourgon/ff/v3"
	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/normgraph/normgraph/internal/dataset"
)

func newValidateCmd(opts []ff.Option, stdout, stderr io.Writer) *ffcli.Command {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	report := fs.Bool("report", false, "also print counts, sourcing and the as-of date of each list")
	return &ffcli.Command{
		Name:       "validate",
		ShortUsage: "normgraph validate [--report] [DIR]",
		ShortHelp:  "check the data files (default: the ones compiled in); every problem as file:line: message",
		FlagSet:    fs,
		Options:    opts,
		Exec: func(_ context.Context, args []string) error {
			if len(args) > 1 {
				return fmt.Errorf("validate: at most one directory, got %q", args)
			}
			dir := ""
			if len(args) == 1 {
				dir = args[0]
			}
			fsys, name := dataFS(dir)
			ds, err := dataset.Load(fsys)
			var verr *dataset.ValidationError
			if errors.As(err, &verr) {
				fmt.Fprintln(stderr, verr.Error())
				fmt.Fprintf(stderr, "%s: %d problem(s)\n", name, len(verr.Problems))
				return errSilent
			}
			if err != nil {
				return err
			}
			st := ds.Stats()
			fmt.Fprintf(stdout, "%s: ok: %d entities, %d relationships, %d sources (version %s)\n",
				name, st.Entities, st.Relations, st.Sources, st.DatasetVersion)
			if *report {
				fmt.Fprint(stdout, dataset.Report(ds).String())
			}
			return nil
		},
	}
}
