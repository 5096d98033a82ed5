// Package seed carries the curated data files inside the binary, so that
// `normgraph serve` and `normgraph validate` work with zero set-up and a
// release always serves the data it was built and tested with.
package seed

import "embed"

// FS holds the data files as they sit in this directory: the YAML files at
// the root, relations/*.csv, and the JSON Schemas editors check the YAML
// against (schema/*.json). internal/dataset.Load reads it.
//
//go:embed *.yaml relations/*.csv schema/*.json
var FS embed.FS
