package graph

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/internal/auth"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/viewer"
)

// Options change the endpoint for production.
type Options struct {
	// NoIntrospection refuses __schema and __type queries.
	NoIntrospection bool
	// Logins throttles sign-ins (nil: partyorg's default limits).
	Logins *auth.Logins
	// DashboardCache is how many dashboard answers to keep
	// (0: DefaultDashboardCache; below 0: none).
	DashboardCache int
}

// parserTokenLimit bounds the size of a query document (CVE-2023-49559).
const parserTokenLimit = 15_000

// NewHandler returns the GraphQL endpoint: POST only, each mutation in
// one transaction, errors carrying CONTRACT.md's codes, and limits on
// page size, complexity, depth and document size; dashboards asked again
// are answered from a cache (dashboardCache). The request context must
// carry the viewer (auth.Middleware).
func NewHandler(client *ent.Client, tokens *auth.Tokens, log *slog.Logger, opts Options) http.Handler {
	srv := handler.New(NewSchema(client, tokens, opts.Logins))
	srv.AddTransport(transport.POST{})
	docs := lru.New[*ast.QueryDocument](1000)
	srv.SetQueryCache(docs)
	srv.SetParserTokenLimit(parserTokenLimit)
	if !opts.NoIntrospection {
		srv.Use(extension.Introspection{})
	}
	// Before the complexity limit: a page out of range is bad input,
	// whatever it would cost.
	srv.Use(limits{maxDepth: MaxDepth})
	srv.Use(extension.FixedComplexityLimit(MaxComplexity, complexityOptions...))
	// Before the Transactioner, which answers a failure to begin a
	// transaction itself.
	srv.AroundOperations(maskUnpresented(log))
	srv.Use(entgql.Transactioner{TxOpener: client, SkipTxFunc: onlyLogin})
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		return next(withLoaders(authz.WithPathLoader(ctx, client), client))
	})
	srv.AroundRootFields(requireViewer)
	srv.SetErrorPresenter(presentError(log))
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic in resolver", "panic", p, "stack", string(debug.Stack()))
		return fmt.Errorf("panic: %v", p)
	})
	if n := cmp.Or(opts.DashboardCache, DefaultDashboardCache); n > 0 {
		c := &dashboardCache{client: client, log: log, docs: docs, kept: lru.New[answer](n)}
		return c.wrap(srv)
	}
	return srv
}

// onlyLogin reports a mutation that only signs in. It writes nothing and
// reads outside any transaction, but spends ~60 ms of CPU in bcrypt: in a
// transaction it would hold SQLite's write lock (and a PostgreSQL
// connection) that long, so that concurrent sign-ins queued behind each
// other and every other write behind them.
func onlyLogin(op *ast.OperationDefinition) bool {
	for _, sel := range op.SelectionSet {
		if f, ok := sel.(*ast.Field); !ok || (f.Name != "login" && f.Name != "__typename") {
			return false
		}
	}
	return true
}

// open root fields answer without a viewer.
var open = map[string]bool{"login": true, "__schema": true, "__type": true, "__typename": true}

// requireViewer fails every root field but login and introspection for a
// caller without a valid token.
func requireViewer(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	if viewer.FromContext(ctx) == nil && !open[graphql.GetRootFieldContext(ctx).Field.Name] {
		graphql.AddError(ctx, auth.Failure(ctx))
		return graphql.Null
	}
	return next(ctx)
}
