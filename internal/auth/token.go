// Package auth signs and checks tokens and turns the Authorization header
// of a request into the request's viewer.
package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/setting"
	"github.com/partyorg/partyorg/internal/viewer"
)

// TTL is how long a token stays valid.
const TTL = 12 * time.Hour

// issuer and audience pin who made a token and for whom: a token of
// another service signed with the same secret is refused.
const (
	issuer   = "partyorg"
	audience = "partyorg-api"
)

// Tokens signs and verifies HS256 tokens whose subject is a user ID.
type Tokens struct {
	secret []byte
	ttl    time.Duration
}

// NewTokens returns Tokens that sign with secret.
func NewTokens(secret []byte, ttl time.Duration) *Tokens {
	return &Tokens{secret: secret, ttl: ttl}
}

// Subject is who a token speaks for: a user, at the version of its
// credentials when the token was issued. A password change or a disable
// moves the account's version on (internal/account), and every older
// token dies with it.
type Subject struct {
	UserID, Version int
}

type claims struct {
	jwt.RegisteredClaims
	Version int `json:"ver"`
}

// Issue returns a signed token for the subject and when it expires.
func (t *Tokens) Issue(s Subject, now time.Time) (string, time.Time, error) {
	exp := now.Add(t.ttl)
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    issuer,
			Audience:  jwt.ClaimStrings{audience},
			Subject:   strconv.Itoa(s.UserID),
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp),
		},
		Version: s.Version,
	})
	str, err := tok.SignedString(t.secret)
	return str, exp, err
}

// Verify returns the subject of a valid, unexpired token: HS256 only
// (never the token's own choice), this issuer and audience, an expiry.
func (t *Tokens) Verify(token string) (Subject, error) {
	var c claims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) {
		return t.secret, nil
	},
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer),
		jwt.WithAudience(audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
	)
	if err != nil {
		return Subject{}, err
	}
	id, err := strconv.Atoi(c.Subject)
	if err != nil {
		return Subject{}, errors.New("auth: token subject is not a user")
	}
	return Subject{UserID: id, Version: c.Version}, nil
}

const secretKey = "token_secret"

// Secret returns the signing secret: fromEnv when set, else the one
// stored in the database, generated on first use. Storing it in the
// database lets every replica verify every other replica's tokens.
func Secret(ctx context.Context, c *ent.Client, fromEnv string) ([]byte, error) {
	if fromEnv != "" {
		return []byte(fromEnv), nil
	}
	ctx = viewer.NewSystemContext(ctx)
	if s, err := c.Setting.Query().Where(setting.Key(secretKey)).Only(ctx); err == nil {
		return hex.DecodeString(s.Value)
	} else if !ent.IsNotFound(err) {
		return nil, err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	err := c.Setting.Create().SetKey(secretKey).SetValue(hex.EncodeToString(b)).Exec(ctx)
	if ent.IsConstraintError(err) {
		// Another replica stored one first: use it.
		return Secret(ctx, c, "")
	}
	if err != nil {
		return nil, fmt.Errorf("auth: storing secret: %w", err)
	}
	return b, nil
}
