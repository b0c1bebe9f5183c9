// Package apitest runs partyorg's real HTTP handler for tests and talks
// GraphQL to it the way a client does.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/partyorg/partyorg/internal/auth"
	"github.com/partyorg/partyorg/internal/logging"
	"github.com/partyorg/partyorg/internal/server"
	"github.com/partyorg/partyorg/internal/testdb"
	"github.com/partyorg/partyorg/internal/throttle"
)

// Secret signs the test server's tokens.
const Secret = "apitest-secret"

// API is a running test server over one database.
type API struct {
	URL string
	DB  *testdb.DB
	// Log holds what the server logged.
	Log *Log
}

// Log is a log that the server writes while a test reads it.
type Log struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *Log) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *Log) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// New serves partyorg over d until the test ends, configured by Config;
// NewWith takes a configuration of the test's own.
func New(tb testing.TB, d *testdb.DB) *API { return NewWith(tb, d, Config()) }

// Config is New's configuration. Tests fire requests and sign-ins far
// faster than people do, so it sets no rate limit and a login throttle
// that never bites.
func Config() server.Config {
	unlimited := throttle.New(time.Nanosecond, 1<<30)
	return server.Config{RateLimit: -1, Logins: auth.NewLoginsWith(unlimited, unlimited)}
}

// NewWith is New with a server configuration (its Secret is Secret).
func NewWith(tb testing.TB, d *testdb.DB, cfg server.Config) *API {
	tb.Helper()
	cfg.Secret = Secret
	log := &Log{}
	h, err := server.NewHandler(context.Background(), d.Client, cfg, logging.New(log))
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return &API{URL: srv.URL, DB: d, Log: log}
}

// Client is a caller of the API, signed in or not.
type Client struct {
	api   *API
	Token string
}

// Anonymous returns a client without a token.
func (a *API) Anonymous() *Client { return &Client{api: a} }

// WithToken returns a client that sends token.
func (a *API) WithToken(token string) *Client { return &Client{api: a, Token: token} }

// Login signs in and fails the test if it cannot.
func (a *API) Login(tb testing.TB, username, password string) *Client {
	tb.Helper()
	var out struct {
		Login struct{ Token string }
	}
	if errs := a.Anonymous().Do(tb, `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`,
		map[string]any{"u": username, "p": password}, &out); len(errs) > 0 {
		tb.Fatalf("login %s: %v", username, errs)
	}
	return a.WithToken(out.Login.Token)
}

// Error is a GraphQL error as clients see it.
type Error struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// Code is the error's extensions.code.
func (e Error) Code() string {
	s, _ := e.Extensions["code"].(string)
	return s
}

func (e Error) Error() string { return e.Code() + ": " + e.Message }

// Do runs a GraphQL operation, decodes its data into out (when not nil)
// and returns its errors.
func (c *Client) Do(tb testing.TB, query string, vars map[string]any, out any) []Error {
	tb.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		tb.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, c.api.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var res struct {
		Data   json.RawMessage `json:"data"`
		Errors []Error         `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		tb.Fatalf("decoding response (HTTP %d): %v", resp.StatusCode, err)
	}
	if out != nil && len(res.Data) > 0 && string(res.Data) != "null" {
		if err := json.Unmarshal(res.Data, out); err != nil {
			tb.Fatalf("decoding data %s: %v", res.Data, err)
		}
	}
	return res.Errors
}

// MustDo is Do that fails the test on any error.
func (c *Client) MustDo(tb testing.TB, query string, vars map[string]any, out any) {
	tb.Helper()
	if errs := c.Do(tb, query, vars, out); len(errs) > 0 {
		tb.Fatalf("%v\nquery: %s", errs, query)
	}
}
