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

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/ent/user"
	"github.com/partyorg/partyorg/graph"
	"github.com/partyorg/partyorg/internal/account"
	"github.com/partyorg/partyorg/internal/auth"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/db"
	"github.com/partyorg/partyorg/internal/demo"
	"github.com/partyorg/partyorg/internal/export"
	"github.com/partyorg/partyorg/internal/graphiql"
	"github.com/partyorg/partyorg/internal/idempotency"
	"github.com/partyorg/partyorg/internal/logging"
	"github.com/partyorg/partyorg/internal/stats"
	"github.com/partyorg/partyorg/internal/throttle"
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
	// Production turns off introspection and GraphiQL and needs Secret.
	Production bool
	// RateLimit is how many requests a second one user (or, signed out,
	// one address) may make on average; 0 is DefaultRateLimit, below 0
	// none. Login is the login throttle (nil: auth.NewLogins()).
	RateLimit float64
	Logins    *auth.Logins
	// RequestTimeout bounds each request (0: the default, RequestTimeout).
	RequestTimeout time.Duration
	// DebugAddr, when set, serves pprof and the statement counter
	// (internal/stats) on a listener of its own, never on Addr.
	DebugAddr string
	// DashboardCache is how many dashboard answers to keep (0: the
	// default, graph.DefaultDashboardCache; below 0: none).
	DashboardCache int
}

// DefaultRateLimit lets a dashboard open many panels at once (a burst of
// five seconds' worth) and stops scripts that hammer the API.
const DefaultRateLimit = 50

// ErrNoSecret refuses a production start without PARTYORG_SECRET: a
// secret generated into the database would be readable by anyone who can
// read a backup.
var ErrNoSecret = errors.New("--production needs PARTYORG_SECRET: set it to a long random value shared by all replicas")

// shutdownGrace bounds how long requests in flight may take to finish.
const shutdownGrace = 20 * time.Second

// Run serves until ctx is done, then drains requests in flight. ready, if
// not nil, is called with the listening address once requests are served.
func Run(ctx context.Context, cfg Config, out io.Writer, log *slog.Logger, ready func(addr string)) error {
	if cfg.Production && cfg.Secret == "" {
		return ErrNoSecret
	}
	if cfg.RateLimit == 0 {
		cfg.RateLimit = DefaultRateLimit // so that the log says what is in force
	}
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
	h, err := NewHandler(ctx, client, cfg, log)
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
	log.Info("serving", "addr", "http://"+ln.Addr().String(), "db", db.Describe(cfg.DB), "production", cfg.Production)
	log.Info("limits", "maxBody", MaxBody, "maxPage", graph.MaxPage, "maxComplexity", graph.MaxComplexity,
		"maxDepth", graph.MaxDepth, "maxNodes", graph.MaxNodes, "requestTimeout", RequestTimeout, "rateLimit", cfg.RateLimit, "introspection", !cfg.Production, "graphiql", !cfg.Production)
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
func NewHandler(ctx context.Context, client *ent.Client, cfg Config, log *slog.Logger) (http.Handler, error) {
	key, err := auth.Secret(ctx, client, cfg.Secret)
	if err != nil {
		return nil, err
	}
	az, err := authz.New()
	if err != nil {
		return nil, err
	}
	tokens := auth.NewTokens(key, auth.TTL)
	mux := http.NewServeMux()
	if !cfg.Production {
		ui := graphiql.Handler()
		mux.Handle("GET /{$}", ui)
		mux.Handle("GET /graphiql/", ui)
	}
	gql := graph.NewHandler(client, tokens, log, graph.Options{NoIntrospection: cfg.Production, Logins: cfg.Logins, DashboardCache: cfg.DashboardCache})
	keyed := idempotency.Middleware(client)
	mux.Handle("GET /export/{file}", auth.Middleware(client, tokens, az)(limitRequests(cfg.RateLimit, export.Handler(client, export.Tables))))
	mux.Handle("POST /graphql", singleOperation(auth.Middleware(client, tokens, az)(limitRequests(cfg.RateLimit, keyed(throttle.Middleware(timeout(cfg.RequestTimeout, gql)))))))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if _, err := client.Setting.Query().Exist(viewer.NewSystemContext(r.Context())); err != nil {
			log.ErrorContext(r.Context(), "health check", "err", err)
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ok\n")
	})
	return logging.Middleware(mux), nil
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
