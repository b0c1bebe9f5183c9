// Package workflow holds what the practices' workflows (pledges, points,
// nominations, the care fund) share: a step moves an object from the
// state it must be in with one guarded update, so that of two callers at
// once one wins and the other gets CONFLICT.
//
// A step reads the object in the caller's scope (NOT_FOUND when it cannot
// see it), checks the policy (authz.Require), validates its input, and
// then writes
//
//	err := c.Pledge.UpdateOneID(id).Where(pledge.StateEQ(from)).SetState(to).Exec(ctx)
//	if err := workflow.Moved(err, "pledge", from); err != nil { … }
//
// in the request's transaction.
package workflow

import (
	"fmt"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/internal/errs"
)

// Moved turns the error of a guarded one-row update into the step's
// answer: the row was there when the step read it, so "not found" now
// means another caller moved it first (CONFLICT).
func Moved(err error, what string, from fmt.Stringer) error {
	if ent.IsNotFound(err) {
		return errs.New(errs.Conflict, "the %s is no longer %s: someone else acted on it first", what, from)
	}
	return err
}

// In refuses a step from a state not in allowed (CONFLICT).
func In[S comparable](what string, state S, allowed ...S) error {
	for _, a := range allowed {
		if state == a {
			return nil
		}
	}
	return errs.New(errs.Conflict, "the %s is %v: this step needs %v", what, state, allowed)
}
