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

const issuer = "partyorg"

// Tokens signs and verifies HS256 tokens whose subject is a user ID.
type Tokens struct {
	secret []byte
	ttl    time.Duration
}

// NewTokens returns Tokens that sign with secret.
func NewTokens(secret []byte, ttl time.Duration) *Tokens {
	return &Tokens{secret: secret, ttl: ttl}
}

// Issue returns a signed token for userID and when it expires.
func (t *Tokens) Issue(userID int, now time.Time) (string, time.Time, error) {
	exp := now.Add(t.ttl)
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
		Issuer:    issuer,
		Subject:   strconv.Itoa(userID),
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(exp),
	})
	s, err := tok.SignedString(t.secret)
	return s, exp, err
}

// Verify returns the user ID of a valid, unexpired token.
func (t *Tokens) Verify(token string) (int, error) {
	var claims jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) {
		return t.secret, nil
	},
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer),
		jwt.WithExpirationRequired(),
	)
	if err != nil {
		return 0, err
	}
	id, err := strconv.Atoi(claims.Subject)
	if err != nil {
		return 0, errors.New("auth: token subject is not a user")
	}
	return id, nil
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
