package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/audithead"
	"github.com/partyorg/partyorg/ent/auditlog"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/privacy"
	"github.com/partyorg/partyorg/internal/viewer"
)

// The trail is a hash chain per county: a county's entries are numbered
// 1, 2, … and each entry's hash is SHA-256 over its canonical form and
// the previous entry's hash; the county's head row holds the last number
// and hash. A changed entry no longer matches its hash, a removed one
// leaves a gap in the numbers (or a head ahead of the last entry), and
// Verify finds both.

// Sum is an entry's hash: SHA-256 over its canonical form, which ends
// with the previous entry's hash, in hex. The second org is in the form
// only when the entry has one, so entries written before it existed keep
// their hashes.
func Sum(e *ent.AuditLog) (string, error) {
	changes, err := json.Marshal(e.Changes)
	if err != nil {
		return "", err
	}
	var orgID *int
	if e.OrgID != 0 {
		orgID = &e.OrgID
	}
	form := []any{
		e.CountyID, e.Seq, e.At.UTC().Format(time.RFC3339Nano), e.ActorID, e.Actor,
		e.Op, e.Type, e.ObjectID, json.RawMessage(changes), orgID,
	}
	if e.AlsoOrgID != 0 {
		form = append(form, e.AlsoOrgID)
	}
	canon, err := json.Marshal(append(form, e.PrevHash))
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:]), nil
}

// normalize gives changes the form they have when read back from the
// database (JSON numbers as float64), so that the hash written and the
// hash verified cover the same bytes.
func normalize(changes map[string]any) (map[string]any, error) {
	b, err := json.Marshal(changes)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	return out, json.Unmarshal(b, &out)
}

// countyOf returns the ID of an org's county: the first segment of its
// path, which is an ID within the orgs table (orgtree.Segment), put back
// in the orgs' range of global IDs.
func countyOf(ctx context.Context, c *ent.Client, orgID int) (int, error) {
	p, err := c.Org.Query().Where(org.ID(orgID)).Select(org.FieldPath).String(viewer.NewSystemContext(ctx))
	if err != nil {
		return 0, fmt.Errorf("audit: org %d: %w", orgID, err)
	}
	first, _, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
	local, err := strconv.Atoi(first)
	if err != nil {
		return 0, fmt.Errorf("audit: org %d: path %q: %w", orgID, p, err)
	}
	const low = 1<<32 - 1
	return orgID&^low | local, nil
}

// appendEntry chains e to its county's head and writes it. The head row
// is locked until the transaction ends (on SQLite write transactions are
// serialized already), so concurrent writers append one after another.
func appendEntry(ctx context.Context, c *ent.Client, e *ent.AuditLog) error {
	if vw := viewer.FromContext(ctx); vw != nil {
		e.Actor, e.ActorID = vw.Username, vw.UserID
	}
	// The trail is written by the server, whatever the caller may write.
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	head, err := lockHead(ctx, c, e.CountyID)
	if err != nil {
		return err
	}
	e.At = e.At.UTC().Truncate(time.Microsecond) // what PostgreSQL keeps
	if e.Changes, err = normalize(e.Changes); err != nil {
		return err
	}
	e.Seq, e.PrevHash = head.Seq+1, head.Hash
	if e.Hash, err = Sum(e); err != nil {
		return err
	}
	q := c.AuditLog.Create().
		SetAt(e.At).SetOp(e.Op).SetType(e.Type).SetObjectID(e.ObjectID).SetChanges(e.Changes).
		SetActor(e.Actor).SetCountyID(e.CountyID).SetSeq(e.Seq).SetPrevHash(e.PrevHash).SetHash(e.Hash)
	if e.ActorID != 0 {
		q.SetActorID(e.ActorID)
	}
	if e.OrgID != 0 {
		q.SetOrgID(e.OrgID)
	}
	if e.AlsoOrgID != 0 {
		q.SetAlsoOrgID(e.AlsoOrgID)
	}
	if err := q.Exec(ctx); err != nil {
		return err
	}
	return c.AuditHead.UpdateOneID(head.ID).SetSeq(e.Seq).SetHash(e.Hash).Exec(ctx)
}

// lockHead returns the county's chain head, locked for update, creating
// it at the county's first entry.
func lockHead(ctx context.Context, c *ent.Client, county int) (*ent.AuditHead, error) {
	query := func() (*ent.AuditHead, error) {
		q := c.AuditHead.Query().Where(audithead.CountyID(county))
		if c.Dialect() == dialect.Postgres {
			q.ForUpdate()
		}
		return q.Only(ctx)
	}
	h, err := query()
	if !ent.IsNotFound(err) {
		return h, err
	}
	ins, args := sql.Dialect(c.Dialect()).Insert(audithead.Table).
		Columns(audithead.FieldCountyID, audithead.FieldSeq, audithead.FieldHash).
		Values(county, 0, "").
		OnConflict(sql.ConflictColumns(audithead.FieldCountyID), sql.DoNothing()).
		Query()
	if _, err := c.ExecContext(ctx, ins, args...); err != nil {
		return nil, fmt.Errorf("audit: chain head: %w", err)
	}
	return query()
}

// Break is the first entry at which a county's chain is broken.
type Break struct {
	County int
	// Seq is the number the entry should have; EntryID is 0 when the
	// entry is missing.
	Seq     int
	EntryID int
	Reason  string
}

func (b *Break) Error() string {
	if b.EntryID == 0 {
		return fmt.Sprintf("audit chain of county %d broken at #%d: %s", b.County, b.Seq, b.Reason)
	}
	return fmt.Sprintf("audit chain of county %d broken at #%d (entry %d): %s", b.County, b.Seq, b.EntryID, b.Reason)
}

// Verify walks every county's chain in order and returns the first break
// (nil when every chain holds) and how many entries it checked.
func Verify(ctx context.Context, c *ent.Client) (int, *Break, error) {
	ctx = viewer.NewSystemContext(ctx)
	heads, err := c.AuditHead.Query().Order(audithead.ByCountyID()).All(ctx)
	if err != nil {
		return 0, nil, err
	}
	n := 0
	for _, h := range heads {
		k, b, err := verifyChain(ctx, c, h)
		n += k
		if err != nil || b != nil {
			return n, b, err
		}
	}
	// Chained entries of a county without a head: its head was removed.
	orphan, err := c.AuditLog.Query().Where(auditlog.CountyIDNotIn(countyIDs(heads)...), auditlog.SeqGT(0)).Order(auditlog.BySeq()).First(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return n, nil, err
	}
	if orphan != nil {
		return n, &Break{County: orphan.CountyID, Seq: orphan.Seq, EntryID: orphan.ID, Reason: "the chain's head is missing"}, nil
	}
	return n, nil, nil
}

func countyIDs(heads []*ent.AuditHead) []int {
	ids := make([]int, len(heads))
	for i, h := range heads {
		ids[i] = h.CountyID
	}
	return ids
}

// verifyPage bounds the memory of a walk over a long chain.
const verifyPage = 1000

func verifyChain(ctx context.Context, c *ent.Client, h *ent.AuditHead) (int, *Break, error) {
	prev, seq, n := "", 0, 0
	for {
		page, err := c.AuditLog.Query().
			Where(auditlog.CountyID(h.CountyID), auditlog.SeqGT(seq)).
			Order(auditlog.BySeq()).Limit(verifyPage).All(ctx)
		if err != nil {
			return n, nil, err
		}
		for _, e := range page {
			n++
			brk := func(reason string) (int, *Break, error) {
				return n, &Break{County: h.CountyID, Seq: seq + 1, EntryID: e.ID, Reason: reason}, nil
			}
			switch sum, err := Sum(e); {
			case err != nil:
				return n, nil, err
			case e.Seq != seq+1:
				return n, &Break{County: h.CountyID, Seq: seq + 1, Reason: fmt.Sprintf("entries #%d to #%d are missing", seq+1, e.Seq-1)}, nil
			case e.PrevHash != prev:
				return brk("it does not follow the entry before it")
			case sum != e.Hash:
				return brk("its content does not match its hash")
			}
			prev, seq = e.Hash, e.Seq
		}
		if len(page) < verifyPage {
			break
		}
	}
	if seq != h.Seq || prev != h.Hash {
		return n, &Break{County: h.CountyID, Seq: seq + 1, Reason: fmt.Sprintf("the chain ends at #%d but its head is at #%d", seq, h.Seq)}, nil
	}
	return n, nil, nil
}

// Version names the state of the data under the given orgs: the heads of
// their counties' chains and of chain 0 (entries of no org), read in one
// statement. Every audited write moves its county's head in its own
// transaction, so while the version stands nothing in the orgs' subtrees
// has changed; caches of figures key on it.
func Version(ctx context.Context, c *ent.Client, orgIDs ...int) (string, error) {
	heads, err := c.AuditHead.Query().
		Where(func(s *sql.Selector) {
			// An org's county is the org whose path is the first segment of
			// the org's path (countyOf).
			d := sql.Dialect(c.Dialect())
			o, county := d.Table(org.Table).As("o"), d.Table(org.Table).As("county")
			find := "instr"
			if c.Dialect() == dialect.Postgres {
				find = "strpos"
			}
			p := o.C(org.FieldPath)
			counties := d.Select(county.C(org.FieldID)).From(o).
				Join(county).OnP(sql.ExprP(fmt.Sprintf("%s = substr(%s, 1, 1 + %s(substr(%s, 2), '/'))", county.C(org.FieldPath), p, find, p))).
				Where(sql.InInts(o.C(org.FieldID), orgIDs...))
			s.Where(sql.Or(sql.EQ(s.C(audithead.FieldCountyID), 0), sql.In(s.C(audithead.FieldCountyID), counties)))
		}).
		Order(audithead.ByCountyID()).
		All(viewer.NewSystemContext(ctx))
	if err != nil {
		return "", fmt.Errorf("audit: version: %w", err)
	}
	var b strings.Builder
	for _, h := range heads {
		fmt.Fprintf(&b, "%d:%d;", h.CountyID, h.Seq)
	}
	return b.String(), nil
}
