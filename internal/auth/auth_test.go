package auth_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/internal/account"
	"github.com/partyorg/partyorg/internal/auth"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/testdb"
	"github.com/partyorg/partyorg/internal/viewer"
)

func TestTokens(t *testing.T) {
	now := time.Now()
	tokens := auth.NewTokens([]byte("secret"), time.Hour)
	good, exp, err := tokens.Issue(42, now)
	if err != nil {
		t.Fatal(err)
	}
	if !exp.Equal(now.Add(time.Hour)) {
		t.Errorf("expires at %v, want %v", exp, now.Add(time.Hour))
	}
	expired, _, _ := auth.NewTokens([]byte("secret"), -time.Minute).Issue(42, now)
	forged, _, _ := auth.NewTokens([]byte("other"), time.Hour).Issue(42, now)
	// An unsigned token with the same claims: alg "none" must not pass.
	parts := strings.Split(good, ".")
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."

	tests := []struct {
		name  string
		token string
		want  int
	}{
		{"valid", good, 42},
		{"expired", expired, 0},
		{"other secret", forged, 0},
		{"alg none", none, 0},
		{"tampered payload", parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"partyorg","sub":"1","exp":9999999999}`)) + "." + parts[2], 0},
		{"garbage", "not-a-token", 0},
		{"empty", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := tokens.Verify(tt.token)
			if tt.want == 0 {
				if err == nil {
					t.Fatalf("Verify accepted it as user %d", id)
				}
				return
			}
			if err != nil || id != tt.want {
				t.Fatalf("Verify = %d, %v; want %d", id, err, tt.want)
			}
		})
	}
}

// The generated secret is stored once and shared by every later start
// (and every replica); PARTYORG_SECRET overrides it.
func TestSecret(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		ctx := context.Background()
		first, err := auth.Secret(ctx, d.Client, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(first) != 32 {
			t.Fatalf("generated secret has %d bytes, want 32", len(first))
		}
		again, err := auth.Secret(ctx, d.Client, "")
		if err != nil || !bytes.Equal(first, again) {
			t.Fatalf("second start got another secret (%v)", err)
		}
		env, err := auth.Secret(ctx, d.Client, "from-env")
		if err != nil || string(env) != "from-env" {
			t.Fatalf("Secret with PARTYORG_SECRET = %q, %v", env, err)
		}
	})
}

// Viewer turns a header into the account's viewer, and refuses every
// header that is not a valid token of an enabled account the same way.
func TestViewer(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		ctx := context.Background()
		sys := viewer.NewSystemContext(ctx)
		az, err := authz.New()
		if err != nil {
			t.Fatal(err)
		}
		admin := rolebinding.RoleAdmin
		u, err := account.Create(sys, d.Client, account.NewUser{Username: "boss", Password: "password123", Role: &admin})
		if err != nil {
			t.Fatal(err)
		}
		tokens := auth.NewTokens([]byte("secret"), time.Hour)
		tok, _, _ := tokens.Issue(u.ID, time.Now())
		missing, _, _ := tokens.Issue(u.ID+1000, time.Now())

		v, err := auth.Viewer(ctx, d.Client, tokens, az, "Bearer "+tok)
		if err != nil {
			t.Fatal(err)
		}
		if v.UserID != u.ID || v.Username != "boss" || len(v.Grants) != 1 || v.Grants[0].Role != "ADMIN" || !v.Scope("Org").All {
			t.Fatalf("viewer = %+v", v)
		}
		if v, err := auth.Viewer(ctx, d.Client, tokens, az, "bearer "+tok); err != nil || v.UserID != u.ID {
			t.Errorf("lowercase scheme: %v", err)
		}
		for name, header := range map[string]string{
			"no Bearer":       tok,
			"basic auth":      "Basic Ym9zczpwYXNzd29yZDEyMw==",
			"unknown account": "Bearer " + missing,
			"not a token":     "Bearer x.y.z",
		} {
			if _, err := auth.Viewer(ctx, d.Client, tokens, az, header); !errors.Is(err, auth.ErrBadToken) {
				t.Errorf("%s: err = %v, want ErrBadToken", name, err)
			}
		}
		if err := d.Client.User.UpdateOneID(u.ID).SetDisabled(true).Exec(sys); err != nil {
			t.Fatal(err)
		}
		if _, err := auth.Viewer(ctx, d.Client, tokens, az, "Bearer "+tok); !errors.Is(err, auth.ErrBadToken) {
			t.Errorf("disabled account: err = %v, want ErrBadToken", err)
		}
	})
}
