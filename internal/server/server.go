// Package server wires partyorg together: database, migrations, the
// signing secret, bootstrap accounts, demo data, and the HTTP server with
// GraphiQL, /graphql and /healthz.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql/playground"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/ent/user"
	"github.com/partyorg/partyorg/graph"
	"github.com/partyorg/partyorg/internal/account"
	"github.com/partyorg/partyorg/internal/auth"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/db"
	"github.com/partyorg/partyorg/internal/demo"
	"github.com/partyorg/partyorg/internal/stats"
	"github.com/partyorg/partyorg/internal/viewer"
)

// Config is what `partyorg serve` takes (CONTRACT.md).
type Config struct {
	Addr          string
	DB            string
	AdminPassword string
	// Secret signs tokens; empty means the one stored in the database.
	Secret string
	Demo   bool
	// DebugAddr, when set, serves pprof and the statement counter
	// (internal/stats) on a listener of its own, never on Addr.
	DebugAddr string
}

// shutdownGrace bounds how long requests in flight may take to finish.
const shutdownGrace = 20 * time.Second

// Run serves until ctx is done, then drains requests in flight. ready, if
// not nil, is called with the listening address once requests are served.
func Run(ctx context.Context, cfg Config, out io.Writer, log *slog.Logger, ready func(addr string)) error {
	drv, err := db.OpenDriver(cfg.DB)
	if err != nil {
		return err
	}
	var statements atomic.Int64
	client := ent.NewClient(ent.Driver(db.Counting(drv, &statements)))
	defer client.Close()
	if err := db.Migrate(ctx, client); err != nil {
		return err
	}
	if err := bootstrap(ctx, client, cfg, out); err != nil {
		return err
	}
	h, err := NewHandler(ctx, client, cfg.Secret, log)
	if err != nil {
		return err
	}
	if cfg.DebugAddr != "" {
		dln, err := net.Listen("tcp", cfg.DebugAddr)
		if err != nil {
			return err
		}
		dsrv := &http.Server{Handler: stats.Handler(&statements), ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = dsrv.Serve(dln) }()
		defer dsrv.Close()
		log.Info("debug listener", "addr", "http://"+dln.Addr().String()+"/debug/pprof/")
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("serving", "addr", "http://"+ln.Addr().String(), "db", db.Describe(cfg.DB))
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: draining requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// NewHandler returns partyorg's HTTP handler over a migrated database.
func NewHandler(ctx context.Context, client *ent.Client, secret string, log *slog.Logger) (http.Handler, error) {
	key, err := auth.Secret(ctx, client, secret)
	if err != nil {
		return nil, err
	}
	az, err := authz.New()
	if err != nil {
		return nil, err
	}
	tokens := auth.NewTokens(key, auth.TTL)
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", playground.Handler("partyorg", "/graphql"))
	mux.Handle("POST /graphql", auth.Middleware(client, tokens, az)(graph.NewHandler(client, tokens, log)))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if _, err := client.Setting.Query().Exist(viewer.NewSystemContext(r.Context())); err != nil {
			log.ErrorContext(r.Context(), "health check", "err", err)
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ok\n")
	})
	return mux, nil
}

// bootstrap creates the admin account and the demo county when asked to.
func bootstrap(ctx context.Context, client *ent.Client, cfg Config, out io.Writer) error {
	ctx = viewer.NewSystemContext(ctx)
	if cfg.AdminPassword != "" {
		exists, err := client.User.Query().Where(user.Username("admin")).Exist(ctx)
		if err != nil {
			return err
		}
		if !exists {
			if err := db.WithTx(ctx, client, func(tx *ent.Tx) error {
				admin := rolebinding.RoleAdmin
				_, err := account.Create(ctx, tx.Client(), account.NewUser{Username: "admin", Password: cfg.AdminPassword, Role: &admin})
				return err
			}); err != nil {
				return fmt.Errorf("creating admin: %w", err)
			}
			fmt.Fprintln(out, "created user admin (ADMIN)")
		}
	}
	if !cfg.Demo {
		return nil
	}
	accounts, err := demo.Load(ctx, client)
	if err != nil {
		return fmt.Errorf("loading demo data: %w", err)
	}
	if accounts == nil {
		fmt.Fprintln(out, "demo: the database already holds data, so no demo was loaded and no passwords are shown;")
		fmt.Fprintln(out, "      remove it (e.g. rm partyorg.db*) for a fresh demo, or add an account with `partyorg user`")
		return nil
	}
	fmt.Fprintln(out, "demo county loaded; accounts:")
	for _, a := range accounts {
		fmt.Fprintf(out, "  %-24s %-14s %-10s %s\n", a.Username, a.Password, a.Role, a.Org)
	}
	return nil
}
