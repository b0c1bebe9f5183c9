// Package pairing holds the rules of the pairing practices (seed 一(二) and
// 三): branch co-building between a county unit's branch and a village or
// community branch (支部结对共联建), members helping poor households
// (结对帮扶贫困户) and county-level leaders' assignments, visits and
// monthly quotas (党员干部做表率).
//
// Each function runs on the client it is given (the request's
// transaction) with the caller in ctx: everything it names is read in
// the caller's scope (NOT_FOUND otherwise), each step checks the policy
// with authz, and every bad input is refused before anything is written.
package pairing

import (
	"context"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/viewer"
)

// facts is a context that reads rows whatever the caller's scope, for
// the rules that must count rows the caller may not see (a member's
// households in other villages, a leader's assignment elsewhere). Only
// counts and checks are read with it, never returned.
func facts(ctx context.Context) context.Context {
	return viewer.NewSystemContext(ctx)
}

// notFound turns an ent lookup that the scope hid into NOT_FOUND.
func notFound(err error, what string) error {
	if ent.IsNotFound(err) {
		return errs.New(errs.NotFound, "%s not found", what)
	}
	return err
}

// conflictOnConstraint turns a unique-index violation (a concurrent
// duplicate that the check before the insert could not see) into
// CONFLICT.
func conflictOnConstraint(err error, msg string) error {
	if ent.IsConstraintError(err) {
		return errs.New(errs.Conflict, "%s", msg)
	}
	return err
}

// notBefore refuses a day before an earlier one it must follow.
func notBefore(what string, d time.Time, whatFirst string, first time.Time) error {
	if day.Trunc(d).Before(day.Trunc(first)) {
		return errs.New(errs.BadUserInput, "%s %s is before %s %s", what, day.Format(d), whatFirst, day.Format(first))
	}
	return nil
}

// distinct refuses a list that names the same ID twice.
func distinct(what string, ids []int) error {
	seen := make(map[int]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			return errs.New(errs.BadUserInput, "%s names the same household twice", what)
		}
		seen[id] = true
	}
	return nil
}
