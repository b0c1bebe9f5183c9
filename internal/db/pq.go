package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"net/url"

	"github.com/lib/pq"
)

// statementTimeout bounds each statement on the server (unless the DSN
// sets statement_timeout): a request's own deadline cancels its SQL, and
// this backs it for anything else that might run away.
const statementTimeout = "30000" // ms

// openPostgres opens dsn with lib/pq's binary_parameters on (unless dsn
// sets it): a query with arguments then goes to the server in one round
// trip instead of a prepare and an execute. It also sets the server-side
// statement timeout. In that mode lib/pq sends
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
	if !q.Has("statement_timeout") {
		q.Set("statement_timeout", statementTimeout)
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
