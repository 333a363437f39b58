// Package frontend embeds the built console (dist/, produced by `npm run build`) into the
// binary. A clone that has not built the console embeds only dist/.keep; the server then
// answers / with a page that says how to build it.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built console's files, rooted at dist/.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // dist/ is embedded at compile time; it always exists
	}
	return sub
}
