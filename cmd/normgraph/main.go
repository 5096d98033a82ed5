// Command normgraph serves the cyber-diplomacy knowledge graph over GraphQL,
// validates its data files and seeds Neo4j from them. main only wires: flags
// and environment into configuration, the root logger, the backend choice.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/peterbourgon/ff/v3"
	"github.com/peterbourgon/ff/v3/ffcli"
	"github.com/rs/zerolog"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// errSilent marks a failure already reported to the user (exit 1, no extra message).
var errSilent = errors.New("")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	case errors.Is(err, errSilent):
		os.Exit(1)
	default:
		fmt.Fprintln(os.Stderr, "normgraph:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	envOpts := []ff.Option{ff.WithEnvVarPrefix("NORMGRAPH")}

	var common commonFlags
	serveCmd := newServeCmd(&common, envOpts, stdout, stderr)
	validateCmd := newValidateCmd(envOpts, stdout, stderr)
	seedCmd := newSeedCmd(&common, envOpts, stdout, stderr)

	root := &ffcli.Command{
		Name:       "normgraph",
		ShortUsage: "normgraph <serve|validate|seed|gen|bench|version> [flags]",
		LongHelp: "normgraph: a GraphQL knowledge graph of international cyber diplomacy.\n" +
			"Every flag has a NORMGRAPH_* environment twin (--neo4j-uri is NORMGRAPH_NEO4J_URI);\n" +
			"the Neo4j flags also read NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE.",
		Subcommands: []*ffcli.Command{serveCmd, validateCmd, seedCmd, newBenchCmd(envOpts, stdout, stderr), newGenCmd(envOpts, stdout, stderr), {
			Name:       "version",
			ShortUsage: "normgraph version",
			ShortHelp:  "print the version",
			Exec: func(context.Context, []string) error {
				fmt.Fprintln(stdout, version)
				return nil
			},
		}},
		Exec: func(context.Context, []string) error { return flag.ErrHelp },
	}
	for _, c := range append([]*ffcli.Command{root}, root.Subcommands...) {
		if c.FlagSet == nil {
			c.FlagSet = flag.NewFlagSet(c.Name, flag.ContinueOnError)
		}
		c.FlagSet.SetOutput(stderr)
	}
	if err := root.Parse(args); err != nil {
		return err
	}
	return root.Run(ctx)
}

// commonFlags are shared by the commands that touch a store.
type commonFlags struct {
	data      string
	logLevel  string
	logFormat string
	neo4j     neo4jFlags
}

type neo4jFlags struct {
	uri, username, password, database string
	// maxConnections caps the driver's connection pool (0: the driver's
	// default); serve registers it.
	maxConnections int
	// maxReads bounds the reads in flight (0: the store picks, -1: no
	// bound); serve registers it.
	maxReads int
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.data, "data", "", "directory of data files (default: the data compiled into the binary)")
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	fs.StringVar(&c.logFormat, "log-format", "auto", "log format: auto (console on a terminal, JSON otherwise), console, json")
	fs.StringVar(&c.neo4j.uri, "neo4j-uri", os.Getenv("NEO4J_URI"), "Neo4j URI (bolt:// or neo4j://); empty serves the embedded graph (env NEO4J_URI too)")
	fs.StringVar(&c.neo4j.username, "neo4j-username", envOr("NEO4J_USERNAME", "neo4j"), "Neo4j user (env NEO4J_USERNAME too)")
	fs.StringVar(&c.neo4j.password, "neo4j-password", os.Getenv("NEO4J_PASSWORD"), "Neo4j password (env NEO4J_PASSWORD too)")
	fs.StringVar(&c.neo4j.database, "neo4j-database", envOr("NEO4J_DATABASE", "neo4j"), "Neo4j database (env NEO4J_DATABASE too)")
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// logger builds the root logger: console output on a terminal, JSON otherwise.
func (c *commonFlags) logger(w io.Writer) (zerolog.Logger, error) {
	lvl, err := zerolog.ParseLevel(c.logLevel)
	if err != nil {
		return zerolog.Nop(), fmt.Errorf("--log-level: %w", err)
	}
	format := c.logFormat
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				format = "console"
			}
		}
	}
	switch format {
	case "json":
	case "console":
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: time.TimeOnly}
	default:
		return zerolog.Nop(), fmt.Errorf("--log-format: want auto, console or json, got %q", c.logFormat)
	}
	return zerolog.New(w).Level(lvl).With().Timestamp().Logger(), nil
}
