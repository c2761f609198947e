package center

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
)

// The teller's customer search (창구 고객 조회): by name and birth date, or by mobile
// number. Both are low-entropy personal data held only in the sealed profile, so each
// customer row carries keyed hashes of them (sealer.MAC, whose key is derived from the
// secrets key: without it the hashes cannot be enumerated, as a plain hash of a name
// and a birth date could be in minutes). The hashes are bound to the institution, so
// equal values at two institutions do not link. A search is an index lookup of the
// hash followed by opening only the matching profiles, to confirm the match and show
// it (masked); it costs the same at 1,000 customers and at 1,000,000.

// Kinds of search key (the store's CustomersBySearchKey).
const (
	SearchByNameBirth = "name-birth"
	SearchByPhone     = "phone"
)

// SearchStore is what the search needs from storage (sqlstore.DB).
//
// Error contract: CustomersBySearchKey returns the institution's customers whose key of
// kind equals hash, id after after, ordered by id, at most limit (none is not an error).
// UnkeyedCustomers returns rows without keys in (institution, id) order after the
// cursor. SetSearchKeys writes the keys of rows not yet keyed and marks them keyed, in one
// transaction, leaving rows already keyed alone; it returns the rows it changed.
type SearchStore interface {
	CustomersBySearchKey(ctx context.Context, institution, kind string, hash []byte, after string, limit int) ([]model.Customer, error)
	UnkeyedCustomers(ctx context.Context, afterInstitution, afterID string, limit int) ([]model.Customer, error)
	HasUnkeyedCustomers(ctx context.Context, institution string) (bool, error)
	SetSearchKeys(ctx context.Context, keys []model.Customer) (int, error)
	// CustomerCertificatesAfter lists a customer's certificates newest first (not
	// before descending, then serial) after (notBefore, serial); serial "": from the start.
	CustomerCertificatesAfter(ctx context.Context, customerID string, notBefore time.Time, serial string, limit int) ([]model.Certificate, error)
}

// SearchName normalizes a name for the search key: Unicode NFC (a name typed with
// decomposed Hangul jamo matches the same name precomposed), no white space anywhere
// ("홍 길동" is "홍길동"), lower case (Latin names of foreign residents).
func SearchName(name string) string {
	return strings.ToLower(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, norm.NFC.String(name)))
}

// SearchPhone normalizes a mobile number: digits only, and the country code of
// "+82 10-1234-5678" replaced by the leading 0.
func SearchPhone(phone string) string {
	d := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		if r == '-' || r == ' ' || r == '+' || r == '(' || r == ')' || r == '.' {
			return -1
		}
		return 'x'
	}, phone)
	if strings.HasPrefix(d, "8210") || strings.HasPrefix(d, "8211") {
		d = "0" + d[2:]
	}
	return d
}

// birthOf is the birth date (YYMMDD) of a resident or foreign-resident registration
// number; a business registration number (10 digits) has none.
func birthOf(idn string) string {
	if len(idn) == 13 {
		return idn[:6]
	}
	return ""
}

func (d *Desk) nameBirthKey(inst, name, birth string) []byte {
	return d.seal.MAC("customer-search-name-birth", []byte(inst), []byte(SearchName(name)), []byte(birth))
}

func (d *Desk) phoneKey(inst, phone string) []byte {
	return d.seal.MAC("customer-search-phone", []byte(inst), []byte(SearchPhone(phone)))
}

// searchKeys returns c's customer row with its search keys set: the name-and-birth key
// when the identity number has a birth date, the phone key when there is a phone.
func (d *Desk) searchKeys(c model.Customer, idn string, p Profile) model.Customer {
	c.NameBirthHash, c.PhoneHash = nil, nil
	if b := birthOf(idn); b != "" && p.Name != "" {
		c.NameBirthHash = d.nameBirthKey(c.InstitutionCode, p.Name, b)
	}
	if p.Phone != "" {
		c.PhoneHash = d.phoneKey(c.InstitutionCode, p.Phone)
	}
	c.SearchKeyed = true
	return c
}

// SearchQuery is a teller's search: Name and Birth (YYMMDD), or Phone. The console
// checks the form (lengths, a real date, a mobile number) before it asks.
type SearchQuery struct {
	Name, Birth string
	Phone       string
}

// SearchPage is one page of a search: the matching customers, opened, in id order;
// Next, when not "", is the cursor of the next page (the last id of this one).
// Incomplete says that some of the institution's customers have no search keys yet
// (the backfill after an upgrade is still running), so a match may be missing.
type SearchPage struct {
	Customers  []*CustomerRecord
	Next       string
	Incomplete bool
}

// MaxSearchPage bounds a page of search results.
const MaxSearchPage = 100

// FindCustomers returns a page of inst's customers matching q, after the cursor after
// ("" for the first page), at most limit (1 to MaxSearchPage). The index gives the
// candidates; each is opened and kept only if its profile matches q (a row whose keys
// went stale is never shown for another person). Only the matches are opened.
func (d *Desk) FindCustomers(ctx context.Context, inst model.Institution, q SearchQuery, after string, limit int) (SearchPage, error) {
	if limit < 1 || limit > MaxSearchPage {
		return SearchPage{}, fmt.Errorf("center: search page of %d (1 to %d)", limit, MaxSearchPage)
	}
	var (
		kind  string
		hash  []byte
		match func(*CustomerRecord) bool
	)
	switch {
	case q.Name != "" && q.Birth != "" && q.Phone == "":
		kind, hash = SearchByNameBirth, d.nameBirthKey(inst.Code, q.Name, q.Birth)
		name := SearchName(q.Name)
		match = func(c *CustomerRecord) bool { return SearchName(c.Profile.Name) == name && birthOf(c.IDN) == q.Birth }
	case q.Phone != "" && q.Name == "" && q.Birth == "":
		kind, hash = SearchByPhone, d.phoneKey(inst.Code, q.Phone)
		phone := SearchPhone(q.Phone)
		match = func(c *CustomerRecord) bool { return c.Profile.Phone != "" && SearchPhone(c.Profile.Phone) == phone }
	default:
		return SearchPage{}, errs.New(errs.ConsoleSearchInvalid, "search by name and birth date, or by phone")
	}
	rows, err := d.st.CustomersBySearchKey(ctx, inst.Code, kind, hash, after, limit+1)
	if err != nil {
		return SearchPage{}, err
	}
	var page SearchPage
	if len(rows) > limit {
		rows = rows[:limit]
		page.Next = rows[limit-1].ID
	}
	for _, row := range rows {
		if row.InstitutionCode != inst.Code {
			continue
		}
		c, err := d.open(row)
		if err != nil {
			return SearchPage{}, err
		}
		if match(c) {
			page.Customers = append(page.Customers, c)
		}
	}
	if page.Incomplete, err = d.st.HasUnkeyedCustomers(ctx, inst.Code); err != nil {
		return SearchPage{}, err
	}
	return page, nil
}

// BackfillCursor is where a backfill pass stands: the last row it keyed.
type BackfillCursor struct{ Institution, ID string }

// BackfillSearchKeys computes the search keys of up to batch customers that have none
// (rows made before migration 00015, or by a node of an older version), after the
// cursor, in one transaction. It returns the cursor of the next batch (nil when there
// is none) and how many rows it keyed. A row whose sealed data does not open
// (tampering; a wrong secrets key stops the start) is skipped and reported in err after
// the others are stored.
func (d *Desk) BackfillSearchKeys(ctx context.Context, after BackfillCursor, batch int) (next *BackfillCursor, keyed int, err error) {
	rows, err := d.st.UnkeyedCustomers(ctx, after.Institution, after.ID, batch)
	if err != nil {
		return nil, 0, err
	}
	var keys []model.Customer
	var bad []string
	for _, row := range rows {
		c, err := d.open(row)
		if err != nil {
			bad = append(bad, row.ID)
			continue
		}
		keys = append(keys, d.searchKeys(model.Customer{ID: row.ID, InstitutionCode: row.InstitutionCode}, c.IDN, c.Profile))
	}
	if len(keys) > 0 {
		if keyed, err = d.st.SetSearchKeys(ctx, keys); err != nil {
			return nil, 0, err
		}
	}
	if len(rows) == batch {
		last := rows[len(rows)-1]
		next = &BackfillCursor{Institution: last.InstitutionCode, ID: last.ID}
	}
	if len(bad) > 0 {
		return next, keyed, fmt.Errorf("center: search keys: %d customers do not open (first %s)", len(bad), bad[0])
	}
	return next, keyed, nil
}

// SearchBackfill is how the backfill job paces itself.
type SearchBackfill struct {
	Batch int           // rows per transaction (default 500)
	Pause time.Duration // between batches, so other writers get the database (default 20 ms)
	Every time.Duration // between passes over the table (default 10 minutes)
	// Log is told of each finished pass that keyed rows, and of errors.
	Log func(keyed int, took time.Duration, err error)
}

// RunSearchBackfill keys every unkeyed customer, batch by batch, at start and then
// every o.Every (rows written by a node of an older version during a rolling upgrade),
// until ctx is done. Each batch is its own short transaction, so on a big table the
// server serves throughout, and a search meanwhile says it may be incomplete
// (SearchPage.Incomplete). Several nodes running it at once do the same work twice at
// worst: SetSearchKeys leaves keyed rows alone.
func (d *Desk) RunSearchBackfill(ctx context.Context, o SearchBackfill) {
	if o.Batch <= 0 {
		o.Batch = 500
	}
	if o.Pause <= 0 {
		o.Pause = 20 * time.Millisecond
	}
	if o.Every <= 0 {
		o.Every = 10 * time.Minute
	}
	for {
		start, total, after := time.Now(), 0, BackfillCursor{}
		var passErr error
		for {
			next, n, err := d.BackfillSearchKeys(ctx, after, o.Batch)
			total += n
			if err != nil {
				passErr = err // a failed store ends the pass (next is nil); the next pass tries again
			}
			if next == nil || ctx.Err() != nil {
				break
			}
			after = *next
			select {
			case <-ctx.Done():
			case <-time.After(o.Pause):
			}
		}
		if o.Log != nil && (total > 0 || (passErr != nil && ctx.Err() == nil)) {
			o.Log(total, time.Since(start), passErr)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(o.Every):
		}
	}
}

// CertificatesPage is one page of a customer's certificates, newest first; Next, when
// not "", is the cursor of the next page.
type CertificatesPage struct {
	Certificates []model.Certificate
	Next         string
}

// certCursorRe is the cursor of a page of certificates: the issue time (Unix
// microseconds) and serial of the last certificate of the previous page.
var certCursorRe = regexp.MustCompile(`^([0-9]{1,19})-([0-9a-f]{2,40})$`)

// CustomerCertificatesPage returns a page of the certificates of inst's customer
// (issued through their enrollments), newest first, after the cursor ("" for the
// first page), at most limit. A cursor not of CustomerCertificatesPage's making is
// CONSOLE_SEARCH_CURSOR.
func (d *Desk) CustomerCertificatesPage(ctx context.Context, inst model.Institution, customerID, after string, limit int) (CertificatesPage, error) {
	if limit < 1 || limit > MaxSearchPage {
		return CertificatesPage{}, fmt.Errorf("center: certificate page of %d (1 to %d)", limit, MaxSearchPage)
	}
	var (
		nb     time.Time
		serial string
	)
	if after != "" {
		m := certCursorRe.FindStringSubmatch(after)
		if m == nil {
			return CertificatesPage{}, errs.New(errs.ConsoleSearchCursor, "certificate cursor")
		}
		us, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil {
			return CertificatesPage{}, errs.New(errs.ConsoleSearchCursor, "certificate cursor")
		}
		nb, serial = time.UnixMicro(us).UTC(), m[2]
	}
	if _, err := d.Customer(ctx, inst, customerID); err != nil {
		return CertificatesPage{}, err
	}
	certs, err := d.st.CustomerCertificatesAfter(ctx, customerID, nb, serial, limit+1)
	if err != nil {
		return CertificatesPage{}, err
	}
	var p CertificatesPage
	if len(certs) > limit {
		certs = certs[:limit]
		last := certs[limit-1]
		p.Next = strconv.FormatInt(last.NotBefore.UnixMicro(), 10) + "-" + last.Serial.String()
	}
	p.Certificates = certs
	return p, nil
}
