package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"net/url"

	"github.com/lib/pq"
)

// openPostgres opens dsn with lib/pq's binary_parameters on (unless dsn
// sets it): a query with arguments then goes to the server in one round
// trip instead of a prepare and an execute. In that mode lib/pq sends
// []byte arguments in binary format, which a jsonb column reads as its
// own binary layout and refuses; ent passes JSON fields as bytes, so the
// connections hand JSON over as text.
func openPostgres(dsn string) (*sql.DB, error) {
	c, err := pq.NewConnector(withBinaryParameters(dsn))
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(jsonAsText{c}), nil
}

func withBinaryParameters(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	if q.Has("binary_parameters") {
		return dsn
	}
	q.Set("binary_parameters", "yes")
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
