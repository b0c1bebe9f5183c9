// Command partyorg runs the partyorg GraphQL API and its maintenance
// tasks.
//
//	partyorg serve   [--addr A] [--db DSN] [--admin-password P] [--demo] [--production] [--debug-addr A]
//	partyorg migrate [--db DSN]
//	partyorg user    [--db DSN] --username U --password P [--role R] [--org ID] [--member ID]
//	partyorg gen     [--db DSN] [--counties N] [--townships N] [--villages N] [--branches N] [--members N] [--seed N] [--year Y]
//	partyorg bench   [--db DSN] [--url U] [--debug-url U] [--clients N] [--slice D] [--rounds N] [--only W,W] [--soak D --every D]
//	partyorg audit verify [--db DSN]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/internal/account"
	"github.com/partyorg/partyorg/internal/audit"
	"github.com/partyorg/partyorg/internal/bench"
	"github.com/partyorg/partyorg/internal/db"
	"github.com/partyorg/partyorg/internal/demo"
	"github.com/partyorg/partyorg/internal/logging"
	"github.com/partyorg/partyorg/internal/rollup"
	"github.com/partyorg/partyorg/internal/server"
	"github.com/partyorg/partyorg/internal/viewer"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "partyorg:", err)
		os.Exit(1)
	}
}

const usage = `usage: partyorg <command> [flags]

commands:
  serve     run the GraphQL API (GraphiQL at /, POST /graphql, /healthz)
  migrate   create or update the database schema
  user      create an account from the shell
  gen       generate county-size trees for benchmarks
  bench     benchmark a running server against hand-written SQL
  audit     audit verify: check the audit trail's hash chains
  rollup    rollup --rebuild: recompute the dashboards' rollup tables

Run "partyorg <command> -h" for a command's flags.`

// serveGOGC is the server's garbage-collection target unless GOGC says
// otherwise: a request allocates a great deal that lives shortly over a
// small live heap, and collecting at 4× rather than 2× the live heap
// takes 10–15 % off the CPU of a request (BENCHMARKS.md) for tens of MB.
const serveGOGC = 400

// errUsage reports a command line without a command.
var errUsage = errors.New("no command given")

// run is main without the process: tests run whole commands through it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return errUsage
	}
	log := logging.New(stderr)
	cmd, args := args[0], args[1:]
	fs := flag.NewFlagSet("partyorg "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := fs.String("db", envOr(getenv, "PARTYORG_DB", "partyorg.db"), "SQLite file, or a postgres:// URL (PARTYORG_DB)")
	switch cmd {
	case "serve":
		cfg := server.Config{Secret: getenv("PARTYORG_SECRET")}
		fs.StringVar(&cfg.Addr, "addr", envOr(getenv, "PARTYORG_ADDR", "127.0.0.1:8080"), "listen address (PARTYORG_ADDR)")
		fs.StringVar(&cfg.AdminPassword, "admin-password", getenv("PARTYORG_ADMIN_PASSWORD"), "create user admin with this password if missing (PARTYORG_ADMIN_PASSWORD)")
		fs.BoolVar(&cfg.Demo, "demo", false, "load a demo county into an empty database and print its accounts")
		fs.Float64Var(&cfg.RateLimit, "rate-limit", envFloat(getenv, "PARTYORG_RATE_LIMIT"), "requests a second per user on average (PARTYORG_RATE_LIMIT; 0: the default, 50; below 0: none)")
		fs.IntVar(&cfg.DashboardCache, "dashboard-cache", int(envFloat(getenv, "PARTYORG_DASHBOARD_CACHE")), "dashboard answers kept, each until its county's data changes (PARTYORG_DASHBOARD_CACHE; 0: the default, 256; below 0: none)")
		fs.BoolVar(&cfg.Production, "production", getenv("PARTYORG_PRODUCTION") == "1", "no introspection, no GraphiQL; needs PARTYORG_SECRET (PARTYORG_PRODUCTION=1)")
		fs.StringVar(&cfg.DebugAddr, "debug-addr", getenv("PARTYORG_DEBUG_ADDR"), "serve pprof and counters on this address; off when empty (PARTYORG_DEBUG_ADDR)")
		if err := fs.Parse(args); err != nil {
			return err
		}
		cfg.DB = *dsn
		if getenv("GOGC") == "" {
			debug.SetGCPercent(serveGOGC)
		}
		return server.Run(ctx, cfg, stdout, log, nil)
	case "migrate":
		if err := fs.Parse(args); err != nil {
			return err
		}
		return withClient(ctx, *dsn, func(context.Context, *ent.Client) error {
			fmt.Fprintln(stdout, "migrated", db.Describe(*dsn))
			return nil
		})
	case "user":
		var in account.NewUser
		var role string
		var org, member int
		fs.StringVar(&in.Username, "username", "", "login name")
		fs.StringVar(&in.Password, "password", "", "password (at least 8 characters)")
		fs.StringVar(&role, "role", "", "first role: ADMIN, ORG_ADMIN, VIEWER or MEMBER")
		fs.IntVar(&org, "org", 0, "ID of the org the role is held at")
		fs.IntVar(&member, "member", 0, "ID of the account's member record")
		if err := fs.Parse(args); err != nil {
			return err
		}
		if role != "" {
			r := rolebinding.Role(role)
			in.Role = &r
		}
		if org != 0 {
			in.OrgID = &org
		}
		if member != 0 {
			in.MemberID = &member
		}
		return withClient(ctx, *dsn, func(ctx context.Context, c *ent.Client) error {
			return db.WithTx(ctx, c, func(tx *ent.Tx) error {
				u, err := account.Create(ctx, tx.Client(), in)
				if err == nil {
					fmt.Fprintf(stdout, "created user %s (id %d)\n", u.Username, u.ID)
				}
				return err
			})
		})
	case "gen":
		size := demo.County
		counties := fs.Int("counties", 1, "counties to generate, with seeds seed, seed+1, …")
		fs.IntVar(&size.Townships, "townships", size.Townships, "townships in the county")
		fs.IntVar(&size.VillagesPerTownship, "villages", size.VillagesPerTownship, "villages per township")
		fs.IntVar(&size.BranchesPerVillage, "branches", size.BranchesPerVillage, "branches per village")
		fs.IntVar(&size.MembersPerBranch, "members", size.MembersPerBranch, "members per branch")
		fs.Int64Var(&size.Seed, "seed", size.Seed, "random seed; the same seed builds the same county")
		fs.IntVar(&size.Year, "year", time.Now().Year()-1, "add county units and a year of work (closed points year, pledges, visits, contacts, care funds, households, pairings, leaders) for this year; 0: tree and members only")
		if err := fs.Parse(args); err != nil {
			return err
		}
		return withClient(ctx, *dsn, func(ctx context.Context, c *ent.Client) error {
			for range *counties {
				start := time.Now()
				g, err := demo.Generate(ctx, c, size)
				if err != nil {
					return err
				}
				fmt.Fprintf(stdout, "generated county %d: %d orgs, %d members%s in %s\n", g.CountyID, g.Orgs, g.Members, records(g), time.Since(start).Round(time.Millisecond))
				size.Seed++
			}
			return nil
		})
	case "audit":
		if len(args) == 0 || args[0] != "verify" {
			fmt.Fprintln(stderr, "usage: partyorg audit verify [--db DSN]")
			return errUsage
		}
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return withClient(ctx, *dsn, func(ctx context.Context, c *ent.Client) error {
			n, brk, err := audit.Verify(ctx, c)
			if err != nil {
				return err
			}
			if brk != nil {
				return brk
			}
			fmt.Fprintf(stdout, "audit trail intact: %d entries verified\n", n)
			return nil
		})
	case "rollup":
		rebuild := fs.Bool("rebuild", false, "recompute the dashboards' rollup tables from the rows they count")
		if err := fs.Parse(args); err != nil {
			return err
		}
		if !*rebuild {
			fmt.Fprintln(stderr, "usage: partyorg rollup --rebuild [--db DSN]")
			return errUsage
		}
		return withClient(ctx, *dsn, func(ctx context.Context, c *ent.Client) error {
			start := time.Now()
			err := db.WithTx(ctx, c, func(tx *ent.Tx) error { return rollup.Rebuild(ctx, tx.Client()) })
			if err == nil {
				fmt.Fprintf(stdout, "rollups rebuilt in %s\n", time.Since(start).Round(time.Millisecond))
			}
			return err
		})
	case "bench":
		cfg := bench.Config{DB: *dsn}
		var only string
		fs.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080", "base URL of the running server")
		fs.StringVar(&cfg.DebugURL, "debug-url", "", "base URL of the server's --debug-addr listener, for statements, CPU and allocations per request")
		fs.IntVar(&cfg.Clients, "clients", 16, "concurrent clients")
		fs.DurationVar(&cfg.Slice, "slice", 2*time.Second, "how long each arm runs at a turn")
		fs.IntVar(&cfg.Rounds, "rounds", 5, "turns each arm gets; arms alternate")
		fs.StringVar(&only, "only", "", "comma-separated workloads to run (default all: "+bench.Names()+")")
		soak := fs.Duration("soak", 0, "instead of comparing, hold a steady load of every workload this long (e.g. 10m)")
		every := fs.Duration("every", time.Minute, "with --soak, how often to record requests, errors, p99 and the server's heap")
		if err := fs.Parse(args); err != nil {
			return err
		}
		cfg.DB = *dsn
		if only != "" {
			cfg.Only = strings.Split(only, ",")
		}
		if *soak > 0 {
			ivs, err := bench.Soak(ctx, cfg, *soak, *every)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "soak: %d clients for %s, %s\n\n", cfg.Clients, *soak, db.Describe(cfg.DB))
			bench.WriteSoak(stdout, ivs)
			return nil
		}
		report, err := bench.Run(ctx, cfg)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d clients, %d rounds of %s per arm, %s\n\n", cfg.Clients, cfg.Rounds, cfg.Slice, db.Describe(cfg.DB))
		bench.Write(stdout, report)
		return nil
	default:
		fmt.Fprintln(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

// records describes the year's rows Generate added, by table.
func records(g *demo.Generated) string {
	if len(g.Records) == 0 {
		return ""
	}
	tables := slices.Sorted(maps.Keys(g.Records))
	parts := make([]string, len(tables))
	for i, t := range tables {
		parts[i] = fmt.Sprintf("%d %s", g.Records[t], t)
	}
	return fmt.Sprintf(" and a year of work (%s, in %s)", strings.Join(parts, ", "), g.RecordsTook.Round(time.Millisecond))
}

// withClient opens and migrates the database and runs fn as the server
// itself: shell commands act with full rights.
func withClient(ctx context.Context, dsn string, fn func(context.Context, *ent.Client) error) error {
	c, err := db.Open(dsn)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := db.Migrate(ctx, c); err != nil {
		return err
	}
	return fn(viewer.NewSystemContext(ctx), c)
}

// envFloat reads a number from the environment; unset or malformed is 0.
func envFloat(getenv func(string) string, key string) float64 {
	f, _ := strconv.ParseFloat(getenv(key), 64)
	return f
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}
