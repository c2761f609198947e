package sqlstore

// Storage of the certificate center (center.DeskStore): customers, identity
// verifications, enrollments created from a verification, other-institution
// registrations, billing, expiry-reminder claims and the development outbox. Every
// change that the audit log records is appended in the same transaction.

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// CreateCustomer stores c and appends ev in one transaction. store.ErrConflict when the
// institution already has a customer with the same identity-number hash.
func (db *DB) CreateCustomer(ctx context.Context, c model.Customer, ev model.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, db.d.rebind(`INSERT INTO customers (id, institution_code, idn_hash, idn_cipher, profile_cipher, created_at,
name_birth_hash, phone_hash, search_keys) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`), c.ID, c.InstitutionCode, c.IDNHash, c.IDNCipher, c.ProfileCipher,
			micros(c.CreatedAt), nilIfEmpty(c.NameBirthHash), nilIfEmpty(c.PhoneHash), b2i(c.SearchKeyed))
		if db.d.isUniqueViolation(err) {
			return fmt.Errorf("sqlstore: create customer %s: %w", c.ID, store.ErrConflict)
		}
		if err != nil {
			return wrapf(err, "create customer %s", c.ID)
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

const customerColumns = `id, institution_code, idn_hash, idn_cipher, profile_cipher, created_at, name_birth_hash, phone_hash, search_keys`

func scanCustomer(sc interface{ Scan(...any) error }) (model.Customer, error) {
	var (
		c       model.Customer
		created int64
		keyed   int
	)
	if err := sc.Scan(&c.ID, &c.InstitutionCode, &c.IDNHash, &c.IDNCipher, &c.ProfileCipher, &created, &c.NameBirthHash, &c.PhoneHash, &keyed); err != nil {
		return c, err
	}
	c.CreatedAt = fromMicros(created)
	c.SearchKeyed = keyed != 0
	return c, nil
}

// Customer returns the customer with id, or store.ErrNotFound.
func (db *DB) Customer(ctx context.Context, id string) (model.Customer, error) {
	c, err := scanCustomer(db.r.QueryRowContext(ctx, db.d.rebind(`SELECT `+customerColumns+` FROM customers WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("sqlstore: customer %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return c, wrapf(err, "customer %s", id)
	}
	return c, nil
}

// CustomerByIDNHash returns the institution's customer with this identity-number hash,
// or store.ErrNotFound.
func (db *DB) CustomerByIDNHash(ctx context.Context, institution string, hash []byte) (model.Customer, error) {
	c, err := scanCustomer(db.r.QueryRowContext(ctx, db.d.rebind(`SELECT `+customerColumns+` FROM customers
WHERE institution_code = ? AND idn_hash = ?`), institution, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("sqlstore: customer by identity number: %w", store.ErrNotFound)
	}
	if err != nil {
		return c, wrapf(err, "customer by identity number")
	}
	return c, nil
}

// CreateVerification stores v and appends ev in one transaction. Pending verifications
// of the same customer and method are marked superseded first, so a customer has at
// most one live one-time code or challenge per method.
func (db *DB) CreateVerification(ctx context.Context, v model.Verification, ev model.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.d.rebind(`UPDATE verifications SET status = ?
WHERE customer_id = ? AND method = ? AND status = ?`), string(model.VerificationSuperseded), v.CustomerID, v.Method, string(model.VerificationPending)); err != nil {
			return wrapf(err, "create verification %s: supersede", v.ID)
		}
		_, err := tx.ExecContext(ctx, db.d.rebind(`INSERT INTO verifications (id, institution_code, customer_id, method, status, secret,
tries, created_at, expires_at, verified_at, used_at, teller_id, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			v.ID, v.InstitutionCode, v.CustomerID, v.Method, string(v.Status), v.Secret, v.Tries, micros(v.CreatedAt), micros(v.ExpiresAt),
			nullMicros(v.VerifiedAt), nullMicros(v.UsedAt), v.TellerID, v.Evidence)
		if db.d.isUniqueViolation(err) {
			return fmt.Errorf("sqlstore: create verification %s: %w", v.ID, store.ErrConflict)
		}
		if err != nil {
			return wrapf(err, "create verification %s (does customer %s exist?)", v.ID, v.CustomerID)
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

const verificationColumns = `id, institution_code, customer_id, method, status, secret, tries, created_at, expires_at,
verified_at, used_at, teller_id, evidence`

func scanVerification(sc interface{ Scan(...any) error }) (model.Verification, error) {
	var (
		v                model.Verification
		status           string
		created, expires int64
		verified, used   sql.NullInt64
	)
	if err := sc.Scan(&v.ID, &v.InstitutionCode, &v.CustomerID, &v.Method, &status, &v.Secret, &v.Tries, &created, &expires,
		&verified, &used, &v.TellerID, &v.Evidence); err != nil {
		return v, err
	}
	v.Status = model.VerificationStatus(status)
	v.CreatedAt, v.ExpiresAt = fromMicros(created), fromMicros(expires)
	v.VerifiedAt, v.UsedAt = fromNullMicros(verified), fromNullMicros(used)
	return v, nil
}

// Verification returns the verification with id, or store.ErrNotFound.
func (db *DB) Verification(ctx context.Context, id string) (model.Verification, error) {
	v, err := scanVerification(db.r.QueryRowContext(ctx, db.d.rebind(`SELECT `+verificationColumns+` FROM verifications WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("sqlstore: verification %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return v, wrapf(err, "verification %s", id)
	}
	return v, nil
}

// CompleteVerification marks a pending, unexpired verification verified at now with
// its evidence and appends ev, in one transaction. store.ErrNotFound for an unknown id;
// store.ErrConflict when it is not pending or expired at now.
func (db *DB) CompleteVerification(ctx context.Context, id string, now time.Time, evidence string, ev model.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.d.rebind(`UPDATE verifications SET status = ?, verified_at = ?, evidence = ?
WHERE id = ? AND status = ? AND expires_at > ?`), string(model.VerificationVerified), micros(now), evidence, id,
			string(model.VerificationPending), micros(now))
		if err != nil {
			return wrapf(err, "complete verification %s", id)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return db.verificationWhyNot(ctx, tx, id, "complete")
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

func (db *DB) verificationWhyNot(ctx context.Context, tx *sql.Tx, id, op string) error {
	var status string
	err := tx.QueryRowContext(ctx, db.d.rebind(`SELECT status FROM verifications WHERE id = ?`), id).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlstore: %s verification %s: %w", op, id, store.ErrNotFound)
	}
	if err != nil {
		return wrapf(err, "%s verification %s", op, id)
	}
	return fmt.Errorf("sqlstore: %s verification %s: it is %s or expired: %w", op, id, status, store.ErrConflict)
}

// FailVerification counts a wrong answer to a pending verification: tries+1, and the
// status becomes locked when tries reaches max, or failed at once when final (a wrong
// account PIN or certificate settles the verification). It appends ev in the same
// transaction and returns the new count and status. store.ErrNotFound for an unknown
// id; store.ErrConflict when it is not pending.
func (db *DB) FailVerification(ctx context.Context, id string, max int, final bool, ev model.AuditEvent) (int, model.VerificationStatus, error) {
	var (
		tries  int
		status string
	)
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, db.d.rebind(`UPDATE verifications SET tries = tries + 1,
status = CASE WHEN ? OR tries + 1 >= ? THEN (CASE WHEN ? THEN ? ELSE ? END) ELSE status END
WHERE id = ? AND status = ?
RETURNING tries, status`), final, max, final, string(model.VerificationFailed), string(model.VerificationLocked), id,
			string(model.VerificationPending)).Scan(&tries, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return db.verificationWhyNot(ctx, tx, id, "fail")
		}
		if err != nil {
			return wrapf(err, "fail verification %s", id)
		}
		return db.appendAudit(ctx, tx, ev)
	})
	return tries, model.VerificationStatus(status), err
}

// CreateEnrollmentVerified stores an enrollment created from a verification: in one
// transaction it marks the verification used (it must be verified at or after
// verifiedAfter, unused, and of customerID), stores e, links it to the customer and
// appends ev. store.ErrConflict, having written nothing, when the verification is not
// usable or the reference number is taken; store.ErrNotFound for an unknown verification.
func (db *DB) CreateEnrollmentVerified(ctx context.Context, e model.Enrollment, verificationID, customerID string, verifiedAfter, now time.Time, ev model.AuditEvent) error {
	var replaces sql.NullString
	if len(e.Replaces) > 0 {
		replaces = sql.NullString{String: e.Replaces.String(), Valid: true}
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.useVerificationTx(ctx, tx, verificationID, customerID, model.VerificationVerified, "verified_at", verifiedAfter, now); err != nil {
			return err
		}
		n, err := execTx(ctx, tx, db.st.insertEnrollment, e.Reference, e.InstitutionCode, e.Name, e.IDNCipher, e.AuthCodeCipher,
			string(e.Kind), string(e.Usage), e.Verification, e.TellerID, micros(e.CreatedAt), micros(e.ExpiresAt),
			e.FailedTries, e.Locked, nullMicros(e.UsedAt), nullMicros(e.ClaimedUntil), sql.NullString{}, replaces)
		if err != nil {
			return wrapf(err, "create enrollment %s", e.Reference)
		}
		if n == 0 {
			return fmt.Errorf("sqlstore: create enrollment %s: duplicate reference number: %w", e.Reference, store.ErrConflict)
		}
		if _, err := tx.ExecContext(ctx, db.d.rebind(`INSERT INTO enrollment_customers (reference, customer_id, verification_id) VALUES (?, ?, ?)`),
			e.Reference, customerID, verificationID); err != nil {
			return wrapf(err, "link enrollment %s to its customer", e.Reference)
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// useVerificationTx marks a verification used if it has status from, belongs to
// customerID and its time column is after `after` (for a pending challenge, expires_at
// after now).
func (db *DB) useVerificationTx(ctx context.Context, tx *sql.Tx, id, customerID string, from model.VerificationStatus, col string, after, now time.Time) error {
	res, err := tx.ExecContext(ctx, db.d.rebind(`UPDATE verifications SET status = ?, used_at = ?
WHERE id = ? AND customer_id = ? AND status = ? AND `+col+` > ?`), string(model.VerificationUsed), micros(now), id, customerID, string(from), micros(after))
	if err != nil {
		return wrapf(err, "use verification %s", id)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return db.verificationWhyNot(ctx, tx, id, "use")
	}
	return nil
}

// EnrollmentCustomer returns the customer an enrollment was created for, or
// store.ErrNotFound (counter enrollments have none).
func (db *DB) EnrollmentCustomer(ctx context.Context, ref string) (string, error) {
	var id string
	err := db.r.QueryRowContext(ctx, db.d.rebind(`SELECT customer_id FROM enrollment_customers WHERE reference = ?`), ref).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("sqlstore: customer of enrollment %s: %w", ref, store.ErrNotFound)
	}
	if err != nil {
		return "", wrapf(err, "customer of enrollment %s", ref)
	}
	return id, nil
}

// CreateRegistration binds a certificate to a customer: in one transaction it uses the
// registration challenge (pending, unexpired at now, of r.CustomerID), stores r and
// appends ev. store.ErrConflict, having written nothing, when the challenge is not
// usable or the certificate is already registered for the customer.
func (db *DB) CreateRegistration(ctx context.Context, r model.Registration, challengeID string, now time.Time, ev model.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.useVerificationTx(ctx, tx, challengeID, r.CustomerID, model.VerificationPending, "expires_at", now, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, db.d.rebind(`INSERT INTO registrations (id, institution_code, customer_id, serial, issuer, subject,
cert_der, not_after, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`), r.ID, r.InstitutionCode, r.CustomerID, r.Serial.String(),
			r.Issuer, r.Subject, r.CertDER, micros(r.NotAfter), micros(r.CreatedAt))
		if db.d.isUniqueViolation(err) {
			return fmt.Errorf("sqlstore: registration of %s: already registered: %w", r.Serial, store.ErrConflict)
		}
		if err != nil {
			return wrapf(err, "create registration %s", r.ID)
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

const registrationColumns = `id, institution_code, customer_id, serial, issuer, subject, cert_der, not_after, created_at`

func scanRegistration(sc interface{ Scan(...any) error }) (model.Registration, error) {
	var (
		r                 model.Registration
		serial            string
		notAfter, created int64
	)
	if err := sc.Scan(&r.ID, &r.InstitutionCode, &r.CustomerID, &serial, &r.Issuer, &r.Subject, &r.CertDER, &notAfter, &created); err != nil {
		return r, err
	}
	s, err := hex.DecodeString(serial)
	if err != nil {
		return r, fmt.Errorf("stored serial %q is not hex: %w", serial, err)
	}
	r.Serial, r.NotAfter, r.CreatedAt = s, fromMicros(notAfter), fromMicros(created)
	return r, nil
}

// Registration returns the registration with id, or store.ErrNotFound.
func (db *DB) Registration(ctx context.Context, id string) (model.Registration, error) {
	r, err := scanRegistration(db.r.QueryRowContext(ctx, db.d.rebind(`SELECT `+registrationColumns+` FROM registrations WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("sqlstore: registration %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return r, wrapf(err, "registration %s", id)
	}
	return r, nil
}

// Registrations lists a customer's registrations, oldest first.
func (db *DB) Registrations(ctx context.Context, customerID string) ([]model.Registration, error) {
	rows, err := db.r.QueryContext(ctx, db.d.rebind(`SELECT `+registrationColumns+` FROM registrations WHERE customer_id = ? ORDER BY created_at, id`), customerID)
	if err != nil {
		return nil, wrapf(err, "registrations of %s", customerID)
	}
	defer rows.Close()
	var out []model.Registration
	for rows.Next() {
		r, err := scanRegistration(rows)
		if err != nil {
			return nil, wrapf(err, "registrations of %s", customerID)
		}
		out = append(out, r)
	}
	return out, wrapRowsErr(rows.Err(), "registrations")
}

func wrapRowsErr(err error, what string) error {
	if err != nil {
		return wrapf(err, "%s", what)
	}
	return nil
}

// DeleteRegistration removes a registration (해제) and appends ev in one transaction;
// store.ErrNotFound when it does not exist.
func (db *DB) DeleteRegistration(ctx context.Context, id string, ev model.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.d.rebind(`DELETE FROM registrations WHERE id = ?`), id)
		if err != nil {
			return wrapf(err, "delete registration %s", id)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("sqlstore: delete registration %s: %w", id, store.ErrNotFound)
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// RecordBilling stores a billing record and appends ev in one transaction;
// store.ErrConflict when the certificate is already billed.
func (db *DB) RecordBilling(ctx context.Context, b model.BillingRecord, ev model.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.d.rebind(`INSERT INTO billing (serial, institution_code, kind, usage, policy_oid, amount_krw, note, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (serial) DO NOTHING`), b.Serial.String(), b.InstitutionCode, string(b.Kind), string(b.Usage),
			b.PolicyOID, b.AmountKRW, b.Note, micros(b.CreatedAt))
		if err != nil {
			return wrapf(err, "billing of %s", b.Serial)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("sqlstore: billing of %s: already billed: %w", b.Serial, store.ErrConflict)
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// Unbilled lists up to limit universal certificates that have no billing record yet,
// oldest first.
func (db *DB) Unbilled(ctx context.Context, limit int) ([]model.Certificate, error) {
	return db.certificates(ctx, "unbilled certificates", `SELECT `+prefixed("c.", certificateColumns)+` FROM certificates c
WHERE c.usage = ? AND NOT EXISTS (SELECT 1 FROM billing b WHERE b.serial = c.serial)
ORDER BY c.created_at LIMIT ?`, string(model.Universal), limit)
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// Billing lists an institution's billing records, newest first, up to limit.
func (db *DB) Billing(ctx context.Context, institution string, limit int) ([]model.BillingRecord, error) {
	rows, err := db.r.QueryContext(ctx, db.d.rebind(`SELECT serial, institution_code, kind, usage, policy_oid, amount_krw, note, created_at
FROM billing WHERE institution_code = ? ORDER BY created_at DESC, serial LIMIT ?`), institution, limit)
	if err != nil {
		return nil, wrapf(err, "billing of %s", institution)
	}
	defer rows.Close()
	var out []model.BillingRecord
	for rows.Next() {
		var (
			b                   model.BillingRecord
			serial, kind, usage string
			created             int64
		)
		if err := rows.Scan(&serial, &b.InstitutionCode, &kind, &usage, &b.PolicyOID, &b.AmountKRW, &b.Note, &created); err != nil {
			return nil, wrapf(err, "billing of %s", institution)
		}
		if b.Serial, err = hex.DecodeString(serial); err != nil {
			return nil, fmt.Errorf("sqlstore: billing: stored serial %q is not hex: %w", serial, err)
		}
		b.Kind, b.Usage, b.CreatedAt = model.Kind(kind), model.Usage(usage), fromMicros(created)
		out = append(out, b)
	}
	return out, wrapRowsErr(rows.Err(), "billing")
}

// DueReminders lists up to limit valid certificates of known customers whose expiry
// reminder at some threshold is due at now and not sent yet. thresholds are days in
// ascending order (1, 7, 30): a certificate expiring in d days is due at the smallest
// threshold >= d, so a node that was down sends only the latest reminder, not every
// missed one.
func (db *DB) DueReminders(ctx context.Context, now time.Time, thresholds []int, limit int) ([]model.ReminderDue, error) {
	var out []model.ReminderDue
	lower := now
	for _, th := range thresholds {
		upper := now.Add(time.Duration(th) * 24 * time.Hour)
		rows, err := db.r.QueryContext(ctx, db.d.rebind(`SELECT c.serial, c.institution_code, ec.customer_id, c.not_after
FROM certificates c JOIN enrollment_customers ec ON ec.reference = c.enrollment_ref
WHERE c.status = ? AND c.not_after > ? AND c.not_after <= ?
AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.serial = c.serial AND r.threshold = ? AND r.sent_at IS NOT NULL)
ORDER BY c.not_after LIMIT ?`), string(model.StatusValid), micros(lower), micros(upper), th, limit-len(out))
		if err != nil {
			return nil, wrapf(err, "due reminders")
		}
		for rows.Next() {
			var (
				d        model.ReminderDue
				serial   string
				notAfter int64
			)
			if err := rows.Scan(&serial, &d.InstitutionCode, &d.CustomerID, &notAfter); err != nil {
				rows.Close()
				return nil, wrapf(err, "due reminders")
			}
			if d.Serial, err = hex.DecodeString(serial); err != nil {
				rows.Close()
				return nil, fmt.Errorf("sqlstore: due reminders: stored serial %q is not hex: %w", serial, err)
			}
			d.NotAfter, d.Threshold = fromMicros(notAfter), th
			out = append(out, d)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, wrapf(err, "due reminders")
		}
		if len(out) >= limit {
			break
		}
		lower = upper
	}
	return out, nil
}

// ClaimReminder claims the reminder (serial, threshold) for node: it succeeds when no
// one claimed it, or when an earlier claim was never marked sent and was made before
// staleBefore (its node died mid-run). It reports whether node now holds the claim.
func (db *DB) ClaimReminder(ctx context.Context, serial model.Serial, threshold int, node string, now, staleBefore time.Time) (bool, error) {
	res, err := db.w.ExecContext(ctx, db.d.rebind(`INSERT INTO reminders (serial, threshold, claimed_by, claimed_at) VALUES (?, ?, ?, ?)
ON CONFLICT (serial, threshold) DO UPDATE SET claimed_by = excluded.claimed_by, claimed_at = excluded.claimed_at
WHERE reminders.sent_at IS NULL AND reminders.claimed_at < ?`), serial.String(), threshold, node, micros(now), micros(staleBefore))
	if err != nil {
		return false, wrapf(err, "claim reminder %s/%d", serial, threshold)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, wrapf(err, "claim reminder %s/%d", serial, threshold)
	}
	return n == 1, nil
}

// MarkReminderSent records that node sent the reminder it claimed and appends ev, in
// one transaction. store.ErrConflict when node no longer holds the claim.
func (db *DB) MarkReminderSent(ctx context.Context, serial model.Serial, threshold int, node string, now time.Time, ev model.AuditEvent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.d.rebind(`UPDATE reminders SET sent_at = ?
WHERE serial = ? AND threshold = ? AND claimed_by = ? AND sent_at IS NULL`), micros(now), serial.String(), threshold, node)
		if err != nil {
			return wrapf(err, "mark reminder %s/%d sent", serial, threshold)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("sqlstore: mark reminder %s/%d sent: not claimed by %s: %w", serial, threshold, node, store.ErrConflict)
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// AppendOutbox stores a development-outbox message.
func (db *DB) AppendOutbox(ctx context.Context, m model.OutboxMessage) error {
	_, err := db.w.ExecContext(ctx, db.d.rebind(`INSERT INTO outbox (institution_code, channel, recipient, subject, body, created_at)
VALUES (?, ?, ?, ?, ?, ?)`), m.InstitutionCode, m.Channel, m.To, m.Subject, m.Body, micros(m.CreatedAt))
	return wrapRowsErr(err, "append outbox")
}

// Outbox lists an institution's outbox messages, newest first, up to limit.
func (db *DB) Outbox(ctx context.Context, institution string, limit int) ([]model.OutboxMessage, error) {
	rows, err := db.r.QueryContext(ctx, db.d.rebind(`SELECT id, institution_code, channel, recipient, subject, body, created_at
FROM outbox WHERE institution_code = ? ORDER BY id DESC LIMIT ?`), institution, limit)
	if err != nil {
		return nil, wrapf(err, "outbox")
	}
	defer rows.Close()
	var out []model.OutboxMessage
	for rows.Next() {
		var (
			m       model.OutboxMessage
			created int64
		)
		if err := rows.Scan(&m.ID, &m.InstitutionCode, &m.Channel, &m.To, &m.Subject, &m.Body, &created); err != nil {
			return nil, wrapf(err, "outbox")
		}
		m.CreatedAt = fromMicros(created)
		out = append(out, m)
	}
	return out, wrapRowsErr(rows.Err(), "outbox")
}

// CountVerifications counts the customer's verifications of method created at or after
// since; status "" counts every status.
func (db *DB) CountVerifications(ctx context.Context, customerID, method string, status model.VerificationStatus, since time.Time) (int, error) {
	q := `SELECT COUNT(*) FROM verifications WHERE customer_id = ? AND method = ? AND created_at >= ?`
	args := []any{customerID, method, micros(since)}
	if status != "" {
		q += ` AND status = ?`
		args = append(args, string(status))
	}
	var n int
	if err := db.r.QueryRowContext(ctx, db.d.rebind(q), args...).Scan(&n); err != nil {
		return 0, wrapf(err, "count verifications")
	}
	return n, nil
}
