package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"net/url"

	"github.com/lib/pq"
)

// settings are the server settings of every connection, unless the DSN
// sets them:
//   - statement_timeout bounds each statement (ms): a request's own
//     deadline cancels its SQL, and this backs it for anything else that
//     might run away.
//   - jit off: the planner turns JIT compilation on for statements it
//     estimates dear, such as the dashboards' GROUP BYs with hashed
//     subplans, and compiling took 2.5 s of a 0.1 s county statement
//     (BENCHMARKS.md, issue 11); the API's statements never run long
//     enough to win it back.
var settings = [][2]string{{"statement_timeout", "30000"}, {"jit", "off"}}

// openPostgres opens dsn with lib/pq's binary_parameters on (unless dsn
// sets it): a query with arguments then goes to the server in one round
// trip instead of a prepare and an execute. It also sets the server
// settings above. In that mode lib/pq sends
// []byte arguments in binary format, which a jsonb column reads as its
// own binary layout and refuses; ent passes JSON fields as bytes, so the
// connections hand JSON over as text.
func openPostgres(dsn string) (*sql.DB, error) {
	c, err := pq.NewConnector(withSettings(dsn))
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(jsonAsText{c}), nil
}

func withSettings(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	if !q.Has("binary_parameters") {
		q.Set("binary_parameters", "yes")
	}
	// lib/pq passes parameters it does not know to the server as settings.
	for _, kv := range settings {
		if !q.Has(kv[0]) {
			q.Set(kv[0], kv[1])
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

type jsonAsText struct{ *pq.Connector }

func (c jsonAsText) Connect(ctx context.Context) (driver.Conn, error) {
	cn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return textConn{cn.(pqConn)}, nil
}

// pqConn is what lib/pq's connection implements and database/sql uses.
type pqConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.NamedValueChecker
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

type textConn struct{ pqConn }

// CheckNamedValue passes JSON (ent's JSON fields are json.RawMessage) as
// a string; other bytes (bytea) stay binary.
func (c textConn) CheckNamedValue(nv *driver.NamedValue) error {
	if b, ok := nv.Value.(json.RawMessage); ok {
		nv.Value = string(b)
	}
	return c.pqConn.CheckNamedValue(nv)
}
