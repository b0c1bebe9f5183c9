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
	"github.com/partyorg/partyorg/internal/logging"
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

// overtime answers an operation that ran past the request's time limit.
const overtime = "the operation ran past the time limit: ask for less at once"

// presentError gives every error one of the codes of CONTRACT.md. Errors
// without a known meaning are INTERNAL: logged with their detail and
// shown without it.
func presentError(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		code, msg := classify(err, gerr)
		// A statement cancelled by the request's deadline fails with the
		// driver's own error.
		if code == errs.Internal && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			code, msg = errs.TooComplex, overtime
		}
		if gerr.Extensions == nil {
			gerr.Extensions = map[string]any{}
		}
		if code == errs.Internal {
			id := logging.RequestID(ctx)
			log.ErrorContext(ctx, "internal error", "err", err, "path", gerr.Path.String(), "requestID", id)
			msg = "internal error: quote request " + id + " when you report it"
			gerr.Extensions["requestID"] = id
		}
		gerr.Message = msg
		gerr.Extensions["code"] = string(code)
		var limited *throttle.Limited
		if errors.As(err, &limited) {
			gerr.Extensions["retryAfter"] = throttle.Seconds(limited.Wait)
			throttle.Hinted(ctx, limited.Wait)
		}
		return gerr
	}
}

// maskUnpresented catches errors that reach the response without the
// presenter (entgql's Transactioner writes a failure to begin a
// transaction straight into it): every error leaves with a code, and
// none with internal detail.
func maskUnpresented(log *slog.Logger) graphql.OperationMiddleware {
	present := presentError(log)
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		h := next(ctx)
		return func(ctx context.Context) *graphql.Response {
			resp := h(ctx)
			if resp == nil {
				// gqlgen gives no response at all once the deadline has
				// passed.
				if errors.Is(ctx.Err(), context.DeadlineExceeded) {
					return &graphql.Response{Errors: gqlerror.List{present(ctx, ctx.Err())}}
				}
				return nil
			}
			for i, e := range resp.Errors {
				if _, ok := e.Extensions["code"]; !ok {
					resp.Errors[i] = present(ctx, errors.New(e.Message))
				}
			}
			return resp
		}
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
	case errors.Is(err, context.DeadlineExceeded):
		return errs.TooComplex, overtime
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
