package storetest

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
)

// SearchStore is what the teller's customer search (center.SearchStore) needs from
// storage, on top of creating customers.
type SearchStore interface {
	Store
	CreateCustomer(ctx context.Context, c model.Customer, ev model.AuditEvent) error
	Customer(ctx context.Context, id string) (model.Customer, error)
	CustomersBySearchKey(ctx context.Context, institution, kind string, hash []byte, after string, limit int) ([]model.Customer, error)
	UnkeyedCustomers(ctx context.Context, afterInstitution, afterID string, limit int) ([]model.Customer, error)
	HasUnkeyedCustomers(ctx context.Context, institution string) (bool, error)
	SetSearchKeys(ctx context.Context, keys []model.Customer) (int, error)
}

// SearchOpener returns a new, empty store whose clock is now.
type SearchOpener func(t *testing.T, now func() time.Time) SearchStore

// RunCustomerSearch runs the customer-search part of the suite on fresh, bootstrapped
// stores.
func RunCustomerSearch(t *testing.T, open SearchOpener) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, *searchEnv)
	}{
		{"BySearchKey", testBySearchKey},
		{"Backfill", testSearchBackfill},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := bootstrapped(t, func(t *testing.T, now func() time.Time) Store { return open(t, now) })
			tc.fn(t, &searchEnv{env: e, ss: e.s.(SearchStore)})
		})
	}
}

type searchEnv struct {
	*env
	ss SearchStore
}

// customer stores a customer; nb and phone are its search keys (nil: none), keyed
// says whether they were computed.
func (e *searchEnv) customer(id, inst string, nb, phone []byte, keyed bool) model.Customer {
	e.t.Helper()
	c := model.Customer{ID: id, InstitutionCode: inst, IDNHash: keyHash("idn-" + id), IDNCipher: []byte("sealed-idn-" + id),
		ProfileCipher: []byte("sealed-profile-" + id), CreatedAt: t0, NameBirthHash: nb, PhoneHash: phone, SearchKeyed: keyed}
	if err := e.ss.CreateCustomer(e.ctx, c, event("customer.created", id)); err != nil {
		e.t.Fatalf("CreateCustomer(%s) = %v", id, err)
	}
	return c
}

func ids(cs []model.Customer) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func testBySearchKey(t *testing.T, e *searchEnv) {
	hong, kim, phone := keyHash("hong|800101"), keyHash("kim|850505"), keyHash("01012345678")
	// Five customers of 901 share a name and birth date; the same keys at 902 are
	// another institution's.
	var want []string
	for i := range 5 {
		id := fmt.Sprintf("cus_%02d", 5-i) // created out of id order
		e.customer(id, "901", hong, nil, true)
		want = append([]string{id}, want...)
	}
	e.customer("cus_06", "901", kim, phone, true)
	e.customer("cus_07", "902", hong, phone, true)

	got, err := e.ss.Customer(e.ctx, "cus_06")
	if err != nil || !reflect.DeepEqual(got.NameBirthHash, kim) || !reflect.DeepEqual(got.PhoneHash, phone) || !got.SearchKeyed {
		t.Fatalf("Customer(cus_06) = keys %x %x keyed %v, %v; want the keys stored", got.NameBirthHash, got.PhoneHash, got.SearchKeyed, err)
	}
	if got, _ := e.ss.Customer(e.ctx, "cus_01"); got.PhoneHash != nil {
		t.Errorf("Customer(cus_01).PhoneHash = %x, want nil (no phone)", got.PhoneHash)
	}

	// Keyset paging: pages of 2 in id order, each after the last id of the previous.
	var all []string
	after := ""
	for page := 0; ; page++ {
		cs, err := e.ss.CustomersBySearchKey(e.ctx, "901", "name-birth", hong, after, 2)
		if err != nil {
			t.Fatalf("CustomersBySearchKey(page %d) = %v", page, err)
		}
		all = append(all, ids(cs)...)
		if len(cs) < 2 {
			break
		}
		after = cs[len(cs)-1].ID
	}
	if !reflect.DeepEqual(all, want) {
		t.Errorf("CustomersBySearchKey(901, hong) pages = %v, want %v", all, want)
	}
	for _, tc := range []struct {
		inst, kind string
		hash       []byte
		want       []string
	}{
		{"901", "phone", phone, []string{"cus_06"}},
		{"902", "phone", phone, []string{"cus_07"}},
		{"902", "name-birth", hong, []string{"cus_07"}},
		{"902", "name-birth", kim, nil},
		{"901", "phone", keyHash("01099999999"), nil},
	} {
		cs, err := e.ss.CustomersBySearchKey(e.ctx, tc.inst, tc.kind, tc.hash, "", 10)
		if err != nil || !reflect.DeepEqual(ids(cs), tc.want) {
			t.Errorf("CustomersBySearchKey(%s, %s) = %v, %v; want %v", tc.inst, tc.kind, ids(cs), err, tc.want)
		}
	}
	if _, err := e.ss.CustomersBySearchKey(e.ctx, "901", "idn_hash", keyHash("idn-cus_01"), "", 10); err == nil {
		t.Errorf("CustomersBySearchKey(kind idn_hash) = nil error, want a refusal (only name-birth and phone)")
	}
}

func testSearchBackfill(t *testing.T, e *searchEnv) {
	// Rows without keys, as migration 00015 leaves them, at both institutions, and one
	// keyed row.
	e.customer("cus_b", "902", nil, nil, false)
	e.customer("cus_a", "902", nil, nil, false)
	e.customer("cus_c", "901", nil, nil, false)
	e.customer("cus_d", "901", keyHash("d"), nil, true)
	for inst, want := range map[string]bool{"901": true, "902": true} {
		if got, err := e.ss.HasUnkeyedCustomers(e.ctx, inst); err != nil || got != want {
			t.Errorf("HasUnkeyedCustomers(%s) = %v, %v; want %v", inst, got, err, want)
		}
	}
	// Batches of 2 in (institution, id) order: c | a b.
	first, err := e.ss.UnkeyedCustomers(e.ctx, "", "", 2)
	if err != nil || !reflect.DeepEqual(ids(first), []string{"cus_c", "cus_a"}) {
		t.Fatalf("UnkeyedCustomers(start, 2) = %v, %v; want [cus_c cus_a]", ids(first), err)
	}
	rest, err := e.ss.UnkeyedCustomers(e.ctx, "902", "cus_a", 2)
	if err != nil || !reflect.DeepEqual(ids(rest), []string{"cus_b"}) {
		t.Fatalf("UnkeyedCustomers(after 902/cus_a) = %v, %v; want [cus_b]", ids(rest), err)
	}
	n, err := e.ss.SetSearchKeys(e.ctx, []model.Customer{
		{ID: "cus_c", NameBirthHash: keyHash("c"), PhoneHash: keyHash("c-phone")},
		{ID: "cus_d", NameBirthHash: keyHash("overwritten")}, // already keyed: left alone
	})
	if err != nil || n != 1 {
		t.Fatalf("SetSearchKeys(c, d) = %d, %v; want 1 row (d is keyed already)", n, err)
	}
	if d, _ := e.ss.Customer(e.ctx, "cus_d"); !reflect.DeepEqual(d.NameBirthHash, keyHash("d")) {
		t.Errorf("SetSearchKeys overwrote a keyed row's key")
	}
	if c, _ := e.ss.Customer(e.ctx, "cus_c"); !c.SearchKeyed || !reflect.DeepEqual(c.PhoneHash, keyHash("c-phone")) {
		t.Errorf("after SetSearchKeys, cus_c = keyed %v phone %x", c.SearchKeyed, c.PhoneHash)
	}
	if got, _ := e.ss.HasUnkeyedCustomers(e.ctx, "901"); got {
		t.Errorf("HasUnkeyedCustomers(901) = true after keying its last row")
	}
	if cs, _ := e.ss.CustomersBySearchKey(e.ctx, "901", "phone", keyHash("c-phone"), "", 10); !reflect.DeepEqual(ids(cs), []string{"cus_c"}) {
		t.Errorf("CustomersBySearchKey(c's phone) = %v, want the backfilled row", ids(cs))
	}
	if n, err := e.ss.SetSearchKeys(e.ctx, []model.Customer{{ID: "cus_a"}, {ID: "cus_b"}}); err != nil || n != 2 {
		t.Fatalf("SetSearchKeys(a, b without keys) = %d, %v", n, err)
	}
	if left, _ := e.ss.UnkeyedCustomers(e.ctx, "", "", 10); len(left) != 0 {
		t.Errorf("UnkeyedCustomers after the backfill = %v, want none", ids(left))
	}
}
