package farmstay

import (
	"context"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/farmstaynomination"
	"github.com/partyorg/partyorg/ent/farmstayobjection"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/day"
)

// The viewerCan… answers: the same policy and state checks as the steps,
// for an act dated today.

// CanNominate reports whether the caller may recommend farm stays at o.
func CanNominate(ctx context.Context, o *ent.Org) bool {
	return o.Kind == org.KindVillage && authz.Can(ctx, o.Path, Type, ActNominate)
}

// CanStartNotice answers for StartNotice.
func CanStartNotice(ctx context.Context, n *ent.FarmStayNomination) bool {
	return n.Stage == farmstaynomination.StageRecommended && can(ctx, n, ActStartNotice)
}

// CanLodgeObjection answers for LodgeObjection.
func CanLodgeObjection(ctx context.Context, n *ent.FarmStayNomination) bool {
	return noticeOpen(n, day.Today()) && can(ctx, n, ActLodgeObjection)
}

// CanReview answers for ReviewNomination.
func CanReview(ctx context.Context, n *ent.FarmStayNomination) bool {
	return noticeOver(n, day.Today()) && n.OpenObjections == 0 && can(ctx, n, ActReview)
}

// CanApprove answers for Approve.
func CanApprove(ctx context.Context, n *ent.FarmStayNomination) bool {
	return n.Stage == farmstaynomination.StageTownshipReviewed && can(ctx, n, ActApprove)
}

// CanReject answers for Reject.
func CanReject(ctx context.Context, n *ent.FarmStayNomination) bool {
	return n.Stage == farmstaynomination.StageTownshipReviewed && can(ctx, n, ActReject)
}

// CanWithdrawPlaque answers for WithdrawPlaque.
func CanWithdrawPlaque(ctx context.Context, n *ent.FarmStayNomination) bool {
	return n.Stage == farmstaynomination.StageApproved && n.PlaqueWithdrawnOn == nil && can(ctx, n, ActWithdrawPlaque)
}

// CanResolve answers for ResolveObjection.
func CanResolve(ctx context.Context, o *ent.FarmStayObjection) bool {
	return o.State == farmstayobjection.StateOpen && authz.CanAt(ctx, o.VillageID, Type, ActResolve, false)
}

func can(ctx context.Context, n *ent.FarmStayNomination, act string) bool {
	return authz.CanAt(ctx, n.VillageID, Type, act, false)
}
