package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/privacy"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/throttle"
)

// codes maps the codes that gqlgen and entgql set themselves: ours pass
// through, and requests refused before any resolver ran are bad input.
var codes = map[string]errs.Code{
	"GRAPHQL_PARSE_FAILED":       errs.BadUserInput,
	"GRAPHQL_VALIDATION_FAILED":  errs.BadUserInput,
	"COMPLEXITY_LIMIT_EXCEEDED":  errs.TooComplex,
	string(errs.Unauthenticated): errs.Unauthenticated,
	string(errs.Forbidden):       errs.Forbidden,
	string(errs.NotFound):        errs.NotFound,
	string(errs.BadUserInput):    errs.BadUserInput,
	string(errs.Conflict):        errs.Conflict,
	string(errs.RateLimited):     errs.RateLimited,
	string(errs.TooComplex):      errs.TooComplex,
}

// presentError gives every error one of the codes of CONTRACT.md. Errors
// without a known meaning are INTERNAL: logged with their detail and
// shown without it.
func presentError(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		code, msg := classify(err, gerr)
		if code == errs.Internal {
			log.ErrorContext(ctx, "internal error", "err", err, "path", gerr.Path.String())
			msg = "internal error"
		}
		gerr.Message = msg
		if gerr.Extensions == nil {
			gerr.Extensions = map[string]any{}
		}
		gerr.Extensions["code"] = string(code)
		var limited *throttle.Limited
		if errors.As(err, &limited) {
			gerr.Extensions["retryAfter"] = throttle.Seconds(limited.Wait)
			throttle.Hinted(ctx, limited.Wait)
		}
		return gerr
	}
}

func classify(err error, gerr *gqlerror.Error) (errs.Code, string) {
	if code, ok := errs.CodeOf(err); ok {
		var e *errs.Error
		errors.As(err, &e)
		return code, e.Message
	}
	if code, ok := codes[fmt.Sprint(gerr.Extensions["code"])]; ok {
		return code, gerr.Message
	}
	var verr *ent.ValidationError
	switch {
	case errors.As(err, &verr):
		return errs.BadUserInput, validationMessage(verr)
	case ent.IsNotFound(err):
		return errs.NotFound, "not found"
	case ent.IsConstraintError(err):
		return errs.Conflict, "conflicts with an existing record"
	case errors.Is(err, privacy.Deny):
		return errs.Forbidden, "not permitted"
	}
	return errs.Internal, ""
}

// validationMessage turns `ent: validator failed for field "Org.name": …`
// into `invalid name: …`.
func validationMessage(e *ent.ValidationError) string {
	name := e.Name
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	msg := e.Unwrap().Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return "invalid " + name + ": " + msg
}
