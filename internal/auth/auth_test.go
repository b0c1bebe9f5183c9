package auth_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

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
	good, exp, err := tokens.Issue(auth.Subject{UserID: 42, Version: 3}, now)
	if err != nil {
		t.Fatal(err)
	}
	if !exp.Equal(now.Add(time.Hour)) {
		t.Errorf("expires at %v, want %v", exp, now.Add(time.Hour))
	}
	expired, _, _ := auth.NewTokens([]byte("secret"), -time.Minute).Issue(auth.Subject{UserID: 42}, now)
	forged, _, _ := auth.NewTokens([]byte("other"), time.Hour).Issue(auth.Subject{UserID: 42}, now)
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
		{"other audience", signed(t, jwt.MapClaims{"iss": "partyorg", "aud": "elsewhere", "sub": "42", "exp": now.Add(time.Hour).Unix()}), 0},
		{"no audience", signed(t, jwt.MapClaims{"iss": "partyorg", "sub": "42", "exp": now.Add(time.Hour).Unix()}), 0},
		{"other issuer", signed(t, jwt.MapClaims{"iss": "elsewhere", "aud": "partyorg-api", "sub": "42", "exp": now.Add(time.Hour).Unix()}), 0},
		{"no expiry", signed(t, jwt.MapClaims{"iss": "partyorg", "aud": "partyorg-api", "sub": "42"}), 0},
		{"issued in the future", signed(t, jwt.MapClaims{"iss": "partyorg", "aud": "partyorg-api", "sub": "42", "iat": now.Add(time.Hour).Unix(), "exp": now.Add(2 * time.Hour).Unix()}), 0},
		{"tampered payload", parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"partyorg","sub":"1","exp":9999999999}`)) + "." + parts[2], 0},
		{"garbage", "not-a-token", 0},
		{"empty", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub, err := tokens.Verify(tt.token)
			if tt.want == 0 {
				if err == nil {
					t.Fatalf("Verify accepted it as user %d", sub.UserID)
				}
				return
			}
			if err != nil || sub.UserID != tt.want || sub.Version != 3 {
				t.Fatalf("Verify = %+v, %v; want user %d at version 3", sub, err, tt.want)
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
		tok, _, _ := tokens.Issue(auth.Subject{UserID: u.ID}, time.Now())
		missing, _, _ := tokens.Issue(auth.Subject{UserID: u.ID + 1000}, time.Now())

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
		// A password change ends every token issued before it, even
		// after the password is changed back; a new one works.
		if _, err := account.Update(sys, d.Client, u.ID, account.Changes{Password: ptr("password456")}); err != nil {
			t.Fatal(err)
		}
		if _, err := auth.Viewer(ctx, d.Client, tokens, az, "Bearer "+tok); !errors.Is(err, auth.ErrBadToken) {
			t.Errorf("token from before a password change: err = %v, want ErrBadToken", err)
		}
		u2, err := account.Authenticate(sys, d.Client, "boss", "password456")
		if err != nil {
			t.Fatal(err)
		}
		fresh, _, _ := tokens.Issue(auth.Subject{UserID: u2.ID, Version: u2.TokenVersion}, time.Now())
		if _, err := auth.Viewer(ctx, d.Client, tokens, az, "Bearer "+fresh); err != nil {
			t.Errorf("token after the change: %v", err)
		}
		// Disabling and enabling again does not bring the token back.
		if _, err := account.Update(sys, d.Client, u.ID, account.Changes{Disabled: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		if _, err := account.Update(sys, d.Client, u.ID, account.Changes{Disabled: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		if _, err := auth.Viewer(ctx, d.Client, tokens, az, "Bearer "+fresh); !errors.Is(err, auth.ErrBadToken) {
			t.Errorf("token from before a disable: err = %v, want ErrBadToken", err)
		}
		// A change of name-only fields keeps tokens.
		u3, _ := d.Client.User.Get(sys, u.ID)
		kept, _, _ := tokens.Issue(auth.Subject{UserID: u.ID, Version: u3.TokenVersion}, time.Now())
		if err := d.Client.User.UpdateOneID(u.ID).ClearMemberID().Exec(sys); err != nil {
			t.Fatal(err)
		}
		if _, err := auth.Viewer(ctx, d.Client, tokens, az, "Bearer "+kept); err != nil {
			t.Errorf("token after an unrelated change: %v", err)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// signed signs arbitrary claims with the test secret, HS256.
func signed(t *testing.T, c jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}
