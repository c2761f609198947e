package sqlstore

// The teller's customer search (center.SearchStore): customers found by a keyed hash of
// their name and birth date or of their phone number (migration 00015), a page at a
// time by id (keyset, never OFFSET), and the backfill of rows whose keys are not yet
// computed.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/certcenter/certcenter/internal/model"
)

// searchColumns maps a search key's kind (center.SearchByNameBirth, SearchByPhone) to
// its column: the column is chosen from this closed set, never from input.
var searchColumns = map[string]string{"name-birth": "name_birth_hash", "phone": "phone_hash"}

// nilIfEmpty stores an absent hash as NULL (not an empty BLOB, which would be indexed
// and compared as a value).
func nilIfEmpty(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// CustomersBySearchKey returns up to limit of the institution's customers whose search
// key of kind ("name-birth" or "phone") is hash, with id after after, by id. It is one
// range scan of the index (institution_code, <key>, id).
func (db *DB) CustomersBySearchKey(ctx context.Context, institution, kind string, hash []byte, after string, limit int) ([]model.Customer, error) {
	column, ok := searchColumns[kind]
	if !ok {
		return nil, fmt.Errorf("sqlstore: customers by %q: not a search key (name-birth, phone)", kind)
	}
	return db.customers(ctx, "customers by search key", searchKeyQuery(column), institution, hash, after, limit)
}

func searchKeyQuery(column string) string {
	return `SELECT ` + customerColumns + ` FROM customers WHERE institution_code = ? AND ` + column + ` = ? AND id > ? ORDER BY id LIMIT ?`
}

// The backfill's two queries (after the cursor at its institution; at the next
// institutions) and the check of an institution.
var unkeyedQueries = [2]string{
	`SELECT ` + customerColumns + ` FROM customers WHERE search_keys = 0 AND institution_code = ? AND id > ? ORDER BY id LIMIT ?`,
	`SELECT ` + customerColumns + ` FROM customers WHERE search_keys = 0 AND institution_code > ? ORDER BY institution_code, id LIMIT ?`,
}

const hasUnkeyedQuery = `SELECT 1 FROM customers WHERE search_keys = 0 AND institution_code = ? LIMIT 1`

// UnkeyedCustomers returns up to limit customers whose search keys are not computed
// yet, in (institution, id) order after (afterInstitution, afterID): the backfill's
// next batch. Both queries are range scans of the partial index customers_unkeyed,
// which holds only such rows, so a batch costs the same at the start of a 1M-row
// backfill and at its end.
func (db *DB) UnkeyedCustomers(ctx context.Context, afterInstitution, afterID string, limit int) ([]model.Customer, error) {
	out, err := db.customers(ctx, "unkeyed customers", unkeyedQueries[0], afterInstitution, afterID, limit)
	if err != nil || len(out) == limit {
		return out, err
	}
	more, err := db.customers(ctx, "unkeyed customers", unkeyedQueries[1], afterInstitution, limit-len(out))
	return append(out, more...), err
}

// HasUnkeyedCustomers reports whether the institution has customers whose search keys
// are not computed yet (a name or phone search may then miss them).
func (db *DB) HasUnkeyedCustomers(ctx context.Context, institution string) (bool, error) {
	var one int
	err := db.r.QueryRowContext(ctx, db.d.rebind(hasUnkeyedQuery), institution).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, wrapf(err, "unkeyed customers of %s", institution)
	}
	return true, nil
}

// SetSearchKeys stores the search keys of customers (ID, NameBirthHash, PhoneHash) in
// one transaction and marks them keyed. A row that is already keyed is left alone: a
// backfill racing with another node, or with a change of profile that wrote newer keys,
// never overwrites them. It returns how many rows it changed.
func (db *DB) SetSearchKeys(ctx context.Context, keys []model.Customer) (int, error) {
	n := 0
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		n = 0
		if db.d.name == "postgres" {
			// One statement a batch: a round trip per row would make a 1M-row backfill
			// wait on the network a million times.
			for rest := keys; len(rest) > 0; {
				k := min(len(rest), 1000)
				var q strings.Builder
				q.WriteString(`UPDATE customers c SET name_birth_hash = v.nb, phone_hash = v.ph, search_keys = 1 FROM (VALUES `)
				args := make([]any, 0, 3*k)
				for i, c := range rest[:k] {
					if i > 0 {
						q.WriteString(", ")
					}
					fmt.Fprintf(&q, "($%d::text, $%d::bytea, $%d::bytea)", 3*i+1, 3*i+2, 3*i+3)
					args = append(args, c.ID, nilIfEmpty(c.NameBirthHash), nilIfEmpty(c.PhoneHash))
				}
				q.WriteString(`) AS v (id, nb, ph) WHERE c.id = v.id AND c.search_keys = 0`)
				res, err := tx.ExecContext(ctx, q.String(), args...)
				if err != nil {
					return wrapf(err, "set search keys of %d customers", k)
				}
				m, _ := res.RowsAffected()
				n += int(m)
				rest = rest[k:]
			}
			return nil
		}
		q := db.d.rebind(`UPDATE customers SET name_birth_hash = ?, phone_hash = ?, search_keys = 1 WHERE id = ? AND search_keys = 0`)
		for _, k := range keys {
			res, err := tx.ExecContext(ctx, q, nilIfEmpty(k.NameBirthHash), nilIfEmpty(k.PhoneHash), k.ID)
			if err != nil {
				return wrapf(err, "set search keys of %s", k.ID)
			}
			m, _ := res.RowsAffected()
			n += int(m)
		}
		return nil
	})
	return n, err
}

func (db *DB) customers(ctx context.Context, what, q string, args ...any) ([]model.Customer, error) {
	rows, err := db.r.QueryContext(ctx, db.d.rebind(q), args...)
	if err != nil {
		return nil, wrapf(err, "%s", what)
	}
	defer rows.Close()
	var out []model.Customer
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			return nil, wrapf(err, "%s", what)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapf(err, "%s", what)
	}
	return out, nil
}

// CustomerCertificatesAfter returns up to limit certificates of a customer's
// enrollments, newest first (not_before descending, then serial), after the
// certificate (notBefore, serial) of the previous page; serial "" is the first page.
// The console's customer page pages with it (keyset, no OFFSET).
func (db *DB) CustomerCertificatesAfter(ctx context.Context, customerID string, notBefore time.Time, serial string, limit int) ([]model.Certificate, error) {
	if serial == "" {
		return db.CustomerCertificates(ctx, customerID, limit)
	}
	nb := micros(notBefore)
	return db.certificates(ctx, "customer certificates", `SELECT `+prefixed("c.", certificateColumns)+`
FROM enrollment_customers ec JOIN certificates c ON c.enrollment_ref = ec.reference
WHERE ec.customer_id = ? AND (c.not_before < ? OR (c.not_before = ? AND c.serial > ?))
ORDER BY c.not_before DESC, c.serial LIMIT ?`, customerID, nb, nb, serial, limit)
}
