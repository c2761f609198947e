package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// Approvals (결재) of the staff console, its supervisors' reports, and the time of a
// customer's last throttle reset.

const approvalColumns = `id, institution_code, action, customer_id, subject, params, reason_cipher, asked_by, asked_at,
expires_at, status, decided_by, decided_at, decision_cipher, outcome, result_cipher`

// CreateApproval stores a pending request and appends ev in one transaction.
func (db *DB) CreateApproval(ctx context.Context, a model.Approval, ev model.AuditEvent) error {
	params, err := json.Marshal(a.Params)
	if err != nil {
		return fmt.Errorf("sqlstore: approval %s params: %w", a.ID, err)
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, db.d.rebind(`INSERT INTO approvals (`+approvalColumns+`)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', NULL, NULL, '', NULL)`), a.ID, a.InstitutionCode, a.Action, a.CustomerID, a.Subject,
			string(params), a.ReasonCipher, a.AskedBy, micros(a.AskedAt), micros(a.ExpiresAt), model.ApprovalPending)
		if err != nil {
			return wrapf(err, "create approval %s", a.ID)
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

func scanApproval(sc interface{ Scan(...any) error }) (model.Approval, error) {
	var (
		a              model.Approval
		params         string
		asked, expires int64
		decided        sql.NullInt64
	)
	if err := sc.Scan(&a.ID, &a.InstitutionCode, &a.Action, &a.CustomerID, &a.Subject, &params, &a.ReasonCipher, &a.AskedBy,
		&asked, &expires, &a.Status, &a.DecidedBy, &decided, &a.DecisionCipher, &a.Outcome, &a.ResultCipher); err != nil {
		return a, err
	}
	if err := json.Unmarshal([]byte(params), &a.Params); err != nil {
		return a, fmt.Errorf("approval %s params: %w", a.ID, err)
	}
	a.AskedAt, a.ExpiresAt, a.DecidedAt = fromMicros(asked), fromMicros(expires), fromNullMicros(decided)
	return a, nil
}

// Approval returns the request with id, or store.ErrNotFound.
func (db *DB) Approval(ctx context.Context, id string) (model.Approval, error) {
	a, err := scanApproval(db.w.QueryRowContext(ctx, db.d.rebind(`SELECT `+approvalColumns+` FROM approvals WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("sqlstore: approval %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return a, wrapf(err, "approval %s", id)
	}
	return a, nil
}

func (db *DB) approvals(ctx context.Context, what, where string, args ...any) ([]model.Approval, error) {
	rows, err := db.r.QueryContext(ctx, db.d.rebind(`SELECT `+approvalColumns+` FROM approvals WHERE `+where), args...)
	if err != nil {
		return nil, wrapf(err, "%s", what)
	}
	defer rows.Close()
	var out []model.Approval
	for rows.Next() {
		a, err := scanApproval(rows)
		if err != nil {
			return nil, wrapf(err, "%s", what)
		}
		out = append(out, a)
	}
	return out, wrapRowsErr(rows.Err(), what)
}

// PendingApprovals lists the institution's requests still pending and unexpired at
// now, oldest first.
func (db *DB) PendingApprovals(ctx context.Context, institution string, now time.Time, limit int) ([]model.Approval, error) {
	return db.approvals(ctx, "pending approvals", `institution_code = ? AND status = ? AND expires_at > ? ORDER BY asked_at, id LIMIT ?`,
		institution, model.ApprovalPending, micros(now), limit)
}

// CountPendingApprovals counts them.
func (db *DB) CountPendingApprovals(ctx context.Context, institution string, now time.Time) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, db.d.rebind(`SELECT COUNT(*) FROM approvals WHERE institution_code = ? AND status = ? AND expires_at > ?`),
		institution, model.ApprovalPending, micros(now)).Scan(&n)
	if err != nil {
		return 0, wrapf(err, "count pending approvals")
	}
	return n, nil
}

// RecentApprovals lists the institution's requests asked at or after since, newest
// first (decided, expired and pending alike).
func (db *DB) RecentApprovals(ctx context.Context, institution string, since time.Time, limit int) ([]model.Approval, error) {
	return db.approvals(ctx, "recent approvals", `institution_code = ? AND asked_at >= ? ORDER BY asked_at DESC, id LIMIT ?`,
		institution, micros(since), limit)
}

// CustomerApprovals lists a customer's requests asked at or after since, newest first.
func (db *DB) CustomerApprovals(ctx context.Context, customerID string, since time.Time, limit int) ([]model.Approval, error) {
	return db.approvals(ctx, "customer approvals", `customer_id = ? AND asked_at >= ? ORDER BY asked_at DESC, id LIMIT ?`,
		customerID, micros(since), limit)
}

// DecideApproval moves a pending, unexpired request that by did not ask for to status
// (executing, for an approval about to be carried out, or rejected), recording the
// decider, the time and the sealed decision, and appends ev, in one transaction.
// store.ErrConflict, having written nothing, when the request is not pending, has
// expired at now, or was asked for by by: of two concurrent approvals exactly one
// succeeds.
func (db *DB) DecideApproval(ctx context.Context, id, status, by string, now time.Time, decision []byte, ev model.AuditEvent) error {
	if status != model.ApprovalExecuting && status != model.ApprovalRejected {
		return fmt.Errorf("sqlstore: decide approval %s: status %q", id, status)
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.d.rebind(`UPDATE approvals SET status = ?, decided_by = ?, decided_at = ?, decision_cipher = ?
WHERE id = ? AND status = ? AND expires_at > ? AND asked_by <> ?`), status, by, micros(now), decision, id, model.ApprovalPending, micros(now), by)
		if err != nil {
			return wrapf(err, "decide approval %s", id)
		}
		if n, err := res.RowsAffected(); err != nil {
			return wrapf(err, "decide approval %s", id)
		} else if n == 0 {
			return fmt.Errorf("sqlstore: decide approval %s: not pending, expired or the decider's own: %w", id, store.ErrConflict)
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// FinishApproval records the outcome of an executing request: approved with its
// sealed result (nil for none), or failed with the error code as outcome; ev is
// appended in the same transaction. store.ErrConflict when it is not executing.
func (db *DB) FinishApproval(ctx context.Context, id, status, outcome string, result []byte, ev model.AuditEvent) error {
	if status != model.ApprovalApproved && status != model.ApprovalFailed {
		return fmt.Errorf("sqlstore: finish approval %s: status %q", id, status)
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.d.rebind(`UPDATE approvals SET status = ?, outcome = ?, result_cipher = ? WHERE id = ? AND status = ?`),
			status, outcome, result, id, model.ApprovalExecuting)
		if err != nil {
			return wrapf(err, "finish approval %s", id)
		}
		if n, err := res.RowsAffected(); err != nil {
			return wrapf(err, "finish approval %s", id)
		} else if n == 0 {
			return fmt.Errorf("sqlstore: finish approval %s: not executing: %w", id, store.ErrConflict)
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// TakeApprovalResult returns the sealed result of an approved request asked by asker
// and clears it, appending ev, in one transaction: the slip is printed once.
// store.ErrNotFound when there is none (not approved, not the asker's, or taken).
func (db *DB) TakeApprovalResult(ctx context.Context, id, asker string, ev model.AuditEvent) ([]byte, error) {
	var out []byte
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, db.d.rebind(`SELECT result_cipher FROM approvals
WHERE id = ? AND asked_by = ? AND status = ? AND result_cipher IS NOT NULL`), id, asker, model.ApprovalApproved).Scan(&out)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlstore: result of approval %s: %w", id, store.ErrNotFound)
		}
		if err != nil {
			return wrapf(err, "result of approval %s", id)
		}
		res, err := tx.ExecContext(ctx, db.d.rebind(`UPDATE approvals SET result_cipher = NULL WHERE id = ? AND result_cipher IS NOT NULL`), id)
		if err != nil {
			return wrapf(err, "take result of approval %s", id)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("sqlstore: result of approval %s: %w", id, store.ErrNotFound)
		}
		return db.appendAudit(ctx, tx, ev)
	})
	return out, err
}

// LatestVerificationAt returns when the customer's latest verification of method was
// created, or the zero time when there is none.
func (db *DB) LatestVerificationAt(ctx context.Context, customerID, method string) (time.Time, error) {
	var v sql.NullInt64
	err := db.r.QueryRowContext(ctx, db.d.rebind(`SELECT MAX(created_at) FROM verifications WHERE customer_id = ? AND method = ?`),
		customerID, method).Scan(&v)
	if err != nil {
		return time.Time{}, wrapf(err, "latest %s verification", method)
	}
	if !v.Valid {
		return time.Time{}, nil
	}
	return fromMicros(v.Int64), nil
}

// kstDay is the SQL expression of the KST calendar day number (days since 1970-01-01
// KST) of a microsecond column; integer division in both dialects, on positive times.
func kstDay(col string) string {
	return `((` + col + `/1000000 + 32400) / 86400)`
}

// ReportDays counts the institution's certificates by KST day in [from, to): issued
// (new), renewed and reissued by their creation, revoked (except those superseded by a
// reissue, counted as reissues) by their revocation. Days with nothing are absent.
func (db *DB) ReportDays(ctx context.Context, institution string, from, to time.Time) ([]model.ReportDay, error) {
	days := map[int64]*model.ReportDay{}
	get := func(d int64) *model.ReportDay {
		if days[d] == nil {
			days[d] = &model.ReportDay{Day: time.Unix(d*86400, 0).UTC().Format("2006-01-02")}
		}
		return days[d]
	}
	// A reissue is a certificate whose enrollment names the certificate it replaces; a
	// renewal replaces one without such an enrollment.
	rows, err := db.r.QueryContext(ctx, db.d.rebind(`SELECT `+kstDay("c.created_at")+` AS day,
  SUM(CASE WHEN c.replaces IS NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN c.replaces IS NOT NULL AND (e.replaces_serial IS NULL OR e.replaces_serial <> c.replaces) THEN 1 ELSE 0 END),
  SUM(CASE WHEN c.replaces IS NOT NULL AND e.replaces_serial = c.replaces THEN 1 ELSE 0 END)
FROM certificates c LEFT JOIN enrollments e ON e.reference = c.enrollment_ref
WHERE c.institution_code = ? AND c.created_at >= ? AND c.created_at < ? GROUP BY day`), institution, micros(from), micros(to))
	if err != nil {
		return nil, wrapf(err, "report of %s", institution)
	}
	for rows.Next() {
		var d, issued, renewed, reissued int64
		if err := rows.Scan(&d, &issued, &renewed, &reissued); err != nil {
			rows.Close()
			return nil, wrapf(err, "report of %s", institution)
		}
		r := get(d)
		r.Issued, r.Renewed, r.Reissued = int(issued), int(renewed), int(reissued)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrapf(err, "report of %s", institution)
	}
	rows, err = db.r.QueryContext(ctx, db.d.rebind(`SELECT `+kstDay("revoked_at")+` AS day, COUNT(*) FROM certificates
WHERE institution_code = ? AND status = ? AND revoked_at >= ? AND revoked_at < ? AND (reason IS NULL OR reason <> ?) GROUP BY day`),
		institution, string(model.StatusRevoked), micros(from), micros(to), int(model.ReasonSuperseded))
	if err != nil {
		return nil, wrapf(err, "revocations of %s", institution)
	}
	defer rows.Close()
	for rows.Next() {
		var d, n int64
		if err := rows.Scan(&d, &n); err != nil {
			return nil, wrapf(err, "revocations of %s", institution)
		}
		get(d).Revoked = int(n)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapf(err, "revocations of %s", institution)
	}
	out := make([]model.ReportDay, 0, len(days))
	for _, r := range days {
		out = append(out, *r)
	}
	sortDays(out)
	return out, nil
}

func sortDays(d []model.ReportDay) {
	for i := 1; i < len(d); i++ {
		for j := i; j > 0 && d[j].Day < d[j-1].Day; j-- {
			d[j], d[j-1] = d[j-1], d[j]
		}
	}
}

// ReportFees sums the institution's billing in [from, to) by kind and usage.
func (db *DB) ReportFees(ctx context.Context, institution string, from, to time.Time) ([]model.ReportFee, error) {
	rows, err := db.r.QueryContext(ctx, db.d.rebind(`SELECT kind, usage, COUNT(*), COALESCE(SUM(amount_krw), 0) FROM billing
WHERE institution_code = ? AND created_at >= ? AND created_at < ? GROUP BY kind, usage ORDER BY kind, usage`), institution, micros(from), micros(to))
	if err != nil {
		return nil, wrapf(err, "fees of %s", institution)
	}
	defer rows.Close()
	var out []model.ReportFee
	for rows.Next() {
		var f model.ReportFee
		var n int64
		if err := rows.Scan(&f.Kind, &f.Usage, &n, &f.AmountKRW); err != nil {
			return nil, wrapf(err, "fees of %s", institution)
		}
		f.Count = int(n)
		out = append(out, f)
	}
	return out, wrapRowsErr(rows.Err(), "fees")
}
