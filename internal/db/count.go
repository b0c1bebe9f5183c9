package db

import (
	"context"
	"database/sql"
	"sync/atomic"

	"entgo.io/ent/dialect"
)

// Counting returns drv counting every statement it runs into n,
// statements inside transactions included: the benchmark's and the
// tests' measure of statements per request.
func Counting(drv dialect.Driver, n *atomic.Int64) dialect.Driver {
	return counting{Driver: drv, n: n}
}

type counting struct {
	dialect.Driver
	n *atomic.Int64
}

func (c counting) Exec(ctx context.Context, query string, args, v any) error {
	c.n.Add(1)
	return c.Driver.Exec(ctx, query, args, v)
}

func (c counting) Query(ctx context.Context, query string, args, v any) error {
	c.n.Add(1)
	return c.Driver.Query(ctx, query, args, v)
}

// ExecContext and QueryContext serve raw statements (ent's sql/execquery
// feature).
func (c counting) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	c.n.Add(1)
	return c.Driver.(execer).ExecContext(ctx, query, args...)
}

func (c counting) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c.n.Add(1)
	return c.Driver.(querier).QueryContext(ctx, query, args...)
}

func (c counting) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := c.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return countingTx{Tx: tx, n: c.n}, nil
}

type countingTx struct {
	dialect.Tx
	n *atomic.Int64
}

func (c countingTx) Exec(ctx context.Context, query string, args, v any) error {
	c.n.Add(1)
	return c.Tx.Exec(ctx, query, args, v)
}

func (c countingTx) Query(ctx context.Context, query string, args, v any) error {
	c.n.Add(1)
	return c.Tx.Query(ctx, query, args, v)
}

func (c countingTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	c.n.Add(1)
	return c.Tx.(execer).ExecContext(ctx, query, args...)
}

func (c countingTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c.n.Add(1)
	return c.Tx.(querier).QueryContext(ctx, query, args...)
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}
