// Package graphiql serves GraphiQL from files embedded in the binary, so
// that it works on an intranet without internet access. The files are
// GraphiQL 3.8.3's and React 18.3.1's UMD builds from npm (assets/,
// with their licences), plus partyorg's page and example tabs.
package graphiql

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed assets
var assets embed.FS

// Handler serves the page at / and its files under /graphiql/.
func Handler() http.Handler {
	files, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFileFS(w, r, files, "index.html")
	})
	mux.Handle("GET /graphiql/", http.StripPrefix("/graphiql/", http.FileServerFS(files)))
	return mux
}
