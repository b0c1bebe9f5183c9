// Package graphiql serves GraphiQL from files embedded in the binary, so
// that it works on an intranet without internet access. The files are
// GraphiQL 3.8.3's and React 18.3.1's UMD builds from npm (assets/,
// with their licences), plus partyorg's page and the example tabs it
// opens with (assets/examples: one .graphql file a tab, in name order,
// and its variables in a .json file of the same name).
package graphiql

import (
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
)

//go:embed assets
var assets embed.FS

// Tab is one example tab, as GraphiQL's defaultTabs takes it.
type Tab struct {
	// Name is the file's, without its extension.
	Name      string `json:"-"`
	Query     string `json:"query"`
	Variables string `json:"variables,omitempty"`
}

// Examples are the example tabs, in order.
func Examples() ([]Tab, error) {
	files, err := fs.Glob(assets, "assets/examples/*.graphql")
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	tabs := make([]Tab, 0, len(files))
	for _, f := range files {
		q, err := assets.ReadFile(f)
		if err != nil {
			return nil, err
		}
		name := strings.TrimSuffix(path.Base(f), ".graphql")
		tab := Tab{Name: name, Query: string(q)}
		if v, err := assets.ReadFile(strings.TrimSuffix(f, ".graphql") + ".json"); err == nil {
			tab.Variables = string(v)
		}
		tabs = append(tabs, tab)
	}
	return tabs, nil
}

// Handler serves the page at /, its files under /graphiql/ and the
// example tabs at /graphiql/examples.json.
func Handler() http.Handler {
	files, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	tabs, err := Examples()
	if err != nil {
		panic(err)
	}
	examples, err := json.Marshal(tabs)
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFileFS(w, r, files, "index.html")
	})
	mux.HandleFunc("GET /graphiql/examples.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(examples)
	})
	mux.Handle("GET /graphiql/", http.StripPrefix("/graphiql/", http.FileServerFS(files)))
	return mux
}
