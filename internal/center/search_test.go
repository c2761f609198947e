package center_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/sealer"
	"github.com/certcenter/certcenter/internal/store/sqlstore"
)

func createCustomer(t *testing.T, d *center.Desk, inst model.Institution, name, idn, phone string) string {
	t.Helper()
	v, err := d.CreateCustomer(context.Background(), inst, center.NewCustomer{Name: name, IDN: idn, Phone: phone})
	if err != nil {
		t.Fatalf("CreateCustomer(%s) = %v", name, err)
	}
	return v.ID
}

func found(p center.SearchPage) []string {
	var out []string
	for _, c := range p.Customers {
		out = append(out, c.ID)
	}
	return out
}

// TestFindCustomers finds customers by the normalized name and birth date and by the
// phone number, whatever the spacing, Unicode form or country code the teller types,
// and never by a wrong birth date or another's phone.
func TestFindCustomers(t *testing.T) {
	ctx := context.Background()
	d, _, inst := newDesk(t, nil)
	hong := createCustomer(t, d, inst, "홍길동", "8001011234567", "010-1234-5678")
	smith := createCustomer(t, d, inst, "John Smith", "7502035123456", "")
	corp := createCustomer(t, d, inst, "데모상사", "1234567890", "0212345678")
	for _, tc := range []struct {
		name string
		q    center.SearchQuery
		want []string
	}{
		{"exact", center.SearchQuery{Name: "홍길동", Birth: "800101"}, []string{hong}},
		{"spaces", center.SearchQuery{Name: "홍 길 동", Birth: "800101"}, []string{hong}},
		{"decomposed jamo", center.SearchQuery{Name: norm.NFD.String("홍길동"), Birth: "800101"}, []string{hong}},
		{"latin case", center.SearchQuery{Name: "JOHN smith", Birth: "750203"}, []string{smith}},
		{"wrong birth", center.SearchQuery{Name: "홍길동", Birth: "800102"}, nil},
		{"wrong name", center.SearchQuery{Name: "홍길순", Birth: "800101"}, nil},
		{"business number has no birth date", center.SearchQuery{Name: "데모상사", Birth: "123456"}, nil},
		{"phone", center.SearchQuery{Phone: "01012345678"}, []string{hong}},
		{"phone with country code", center.SearchQuery{Phone: "+82 10-1234-5678"}, []string{hong}},
		{"landline", center.SearchQuery{Phone: "02-1234-5678"}, []string{corp}},
		{"other phone", center.SearchQuery{Phone: "01012345679"}, nil},
	} {
		p, err := d.FindCustomers(ctx, inst, tc.q, "", 10)
		if err != nil || fmt.Sprint(found(p)) != fmt.Sprint(tc.want) || p.Next != "" || p.Incomplete {
			t.Errorf("%s: FindCustomers(%+v) = %v next %q incomplete %v, %v; want %v", tc.name, tc.q, found(p), p.Next, p.Incomplete, err, tc.want)
		}
	}
	for _, q := range []center.SearchQuery{{}, {Name: "홍길동"}, {Birth: "800101"}, {Name: "홍길동", Birth: "800101", Phone: "01012345678"}} {
		if _, err := d.FindCustomers(ctx, inst, q, "", 10); errs.CodeOf(err) != errs.ConsoleSearchInvalid {
			t.Errorf("FindCustomers(%+v) = %v, want %s", q, err, errs.ConsoleSearchInvalid)
		}
	}
	for _, limit := range []int{0, center.MaxSearchPage + 1} {
		if _, err := d.FindCustomers(ctx, inst, center.SearchQuery{Phone: "01012345678"}, "", limit); err == nil {
			t.Errorf("FindCustomers(limit %d) = nil error", limit)
		}
	}
}

// TestFindCustomersPages pages through 25 namesakes born the same day, 10 at a time,
// by cursor: each appears once, in id order.
func TestFindCustomersPages(t *testing.T) {
	ctx := context.Background()
	d, _, inst := newDesk(t, nil)
	want := map[string]bool{}
	for i := range 25 {
		want[createCustomer(t, d, inst, "김민준", fmt.Sprintf("900505100%04d", i), "")] = true
	}
	createCustomer(t, d, inst, "김민준", "9005061000000", "") // born the next day
	q := center.SearchQuery{Name: "김민준", Birth: "900505"}
	var sizes []int
	seen, last, after := map[string]bool{}, "", ""
	for {
		p, err := d.FindCustomers(ctx, inst, q, after, 10)
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(p.Customers))
		for _, c := range p.Customers {
			if seen[c.ID] || !want[c.ID] || c.ID <= last {
				t.Fatalf("page after %q: %s repeated, unexpected or out of order", after, c.ID)
			}
			seen[c.ID], last = true, c.ID
		}
		if p.Next == "" {
			break
		}
		after = p.Next
	}
	if fmt.Sprint(sizes) != "[10 10 5]" || len(seen) != 25 {
		t.Errorf("pages of %v (%d customers), want [10 10 5] (25)", sizes, len(seen))
	}
}

// TestSearchKeysAreKeyed checks that the stored search keys are keyed hashes: not a
// plain hash of the name and birth date or of the phone, and different under another
// secrets key; and that a key that went stale never shows one customer for another.
func TestSearchKeysAreKeyed(t *testing.T) {
	ctx := context.Background()
	d, db, inst := newDesk(t, nil)
	id := createCustomer(t, d, inst, "홍길동", "8001011234567", "01012345678")
	row, err := db.Customer(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !row.SearchKeyed || len(row.NameBirthHash) != 32 || len(row.PhoneHash) != 32 {
		t.Fatalf("customer row keys: keyed %v, %d and %d bytes; want two 32-byte HMACs", row.SearchKeyed, len(row.NameBirthHash), len(row.PhoneHash))
	}
	for _, plain := range []string{"홍길동800101", "홍길동|800101", "901홍길동800101", "01012345678", "90101012345678"} {
		h := sha256.Sum256([]byte(plain))
		if bytes.Equal(h[:], row.NameBirthHash) || bytes.Equal(h[:], row.PhoneHash) {
			t.Errorf("a search key is SHA-256(%q): enumerable without the key", plain)
		}
	}

	// The same customer under another secrets key has other search keys.
	other, _ := sealer.New(bytes.Repeat([]byte{7}, 32))
	db2, err := sqlstore.Open(ctx, "sqlite", filepath.Join(t.TempDir(), "other.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db2.Close() })
	if err := db2.Bootstrap(ctx, model.Bootstrap{Institutions: []model.Institution{inst}}, model.AuditEvent{Type: "t", Subject: "b"}); err != nil {
		t.Fatal(err)
	}
	d2 := center.NewDesk(center.New(db2, other, nil, time.Now), db2, center.DeskOptions{})
	row2, _ := db2.Customer(ctx, createCustomer(t, d2, inst, "홍길동", "8001011234567", "01012345678"))
	if bytes.Equal(row.NameBirthHash, row2.NameBirthHash) || bytes.Equal(row.PhoneHash, row2.PhoneHash) {
		t.Errorf("search keys are the same under two secrets keys")
	}

	// A stale key: Kim's row carries Hong's keys (a profile changed without its keys).
	kim := createCustomer(t, d, inst, "김영희", "8505052345678", "01023456789")
	if _, err := db.SQL().ExecContext(ctx, `UPDATE customers SET name_birth_hash = ?, phone_hash = ? WHERE id = ?`, row.NameBirthHash, row.PhoneHash, kim); err != nil {
		t.Fatal(err)
	}
	for _, q := range []center.SearchQuery{{Name: "홍길동", Birth: "800101"}, {Phone: "01012345678"}} {
		if p, err := d.FindCustomers(ctx, inst, q, "", 10); err != nil || fmt.Sprint(found(p)) != fmt.Sprint([]string{id}) {
			t.Errorf("FindCustomers(%+v) with a stale row = %v, %v; want only %s", q, found(p), err, id)
		}
	}
}

// TestSearchBackfill: customers stored without search keys (as before migration
// 00015) are not found and the page says the search is incomplete; the backfill job
// keys them in batches, after which they are found.
func TestSearchBackfill(t *testing.T) {
	ctx := context.Background()
	d, db, inst := newDesk(t, nil)
	var all []string
	for i := range 7 {
		all = append(all, createCustomer(t, d, inst, "박서연", fmt.Sprintf("950707200%04d", i), fmt.Sprintf("0109999%04d", i)))
	}
	if _, err := db.SQL().ExecContext(ctx, `UPDATE customers SET name_birth_hash = NULL, phone_hash = NULL, search_keys = 0`); err != nil {
		t.Fatal(err)
	}
	q := center.SearchQuery{Name: "박서연", Birth: "950707"}
	p, err := d.FindCustomers(ctx, inst, q, "", 10)
	if err != nil || len(p.Customers) != 0 || !p.Incomplete {
		t.Fatalf("before the backfill: FindCustomers = %v incomplete %v, %v; want none, incomplete", found(p), p.Incomplete, err)
	}

	// One batch by hand: 3 rows keyed, a cursor to go on from.
	next, n, err := d.BackfillSearchKeys(ctx, center.BackfillCursor{}, 3)
	if err != nil || n != 3 || next == nil {
		t.Fatalf("BackfillSearchKeys(3) = %v, %d, %v; want a cursor and 3 rows", next, n, err)
	}
	// The job does the rest.
	jobCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	var keyed int
	go func() {
		defer close(done)
		d.RunSearchBackfill(jobCtx, center.SearchBackfill{Batch: 2, Pause: time.Millisecond, Every: time.Hour,
			Log: func(n int, _ time.Duration, err error) {
				if err != nil {
					t.Errorf("backfill: %v", err)
				}
				keyed += n
				cancel()
			}})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cancel()
		<-done
		t.Fatal("the backfill job did not finish its pass in 10 s")
	}
	if keyed != 4 {
		t.Errorf("the job keyed %d rows, want the 4 left", keyed)
	}
	p, err = d.FindCustomers(ctx, inst, q, "", 10)
	if err != nil || fmt.Sprint(found(p)) != fmt.Sprint(sorted(all)) || p.Incomplete {
		t.Errorf("after the backfill: FindCustomers = %v incomplete %v, %v; want all 7", found(p), p.Incomplete, err)
	}
	if p, _ := d.FindCustomers(ctx, inst, center.SearchQuery{Phone: "010-9999-0004"}, "", 10); fmt.Sprint(found(p)) != fmt.Sprint([]string{all[4]}) {
		t.Errorf("after the backfill: by phone = %v, want %s", found(p), all[4])
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
