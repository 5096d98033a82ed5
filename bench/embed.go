// Package bench carries the analyst query mix that `normgraph bench` replays
// against a server. The queries live here, next to their README, rather than
// inside internal/loadgen so that analysts and curators can read and edit them
// as plain .graphql files; go:embed cannot reach outside a package directory,
// so this small package is what compiles them into the binary.
package bench

import (
	"embed"
	"io/fs"
)

//go:embed queries
var files embed.FS

// Queries returns the built-in query files (*.graphql and mixes.json) at the
// root of the returned FS, the layout loadgen.LoadSuite expects from any
// query directory, embedded or given with `normgraph bench --queries DIR`.
func Queries() fs.FS {
	sub, err := fs.Sub(files, "queries")
	if err != nil {
		// fs.Sub fails only on an invalid path literal: a programming error.
		panic(err)
	}
	return sub
}
