package center

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/notify"
	"github.com/certcenter/certcenter/internal/store"
)

// Profile is the sealed part of a customer record: everything personal but the
// identity number, which is sealed on its own.
type Profile struct {
	Name     string    `json:"name"`
	Phone    string    `json:"phone,omitempty"` // digits only
	Email    string    `json:"email,omitempty"`
	Accounts []Account `json:"accounts,omitempty"`
	// NoOnlineBanking marks a customer without an internet-banking subscription: they
	// cannot verify their identity on the web center and must visit a branch
	// ("인터넷뱅킹 신청 여부 확인" in the banks' guides). Absent means subscribed.
	NoOnlineBanking bool `json:"noOnlineBanking,omitempty"`
}

// Account is a customer's bank account. The PIN is kept only as a keyed hash bound to
// the customer and account number.
type Account struct {
	Number string `json:"number"` // digits only
	PINMAC []byte `json:"pinMac"`
}

// CustomerRecord is an opened customer: for the desk's own use, never an answer.
type CustomerRecord struct {
	ID          string
	Institution string
	IDN         string
	Profile     Profile
	CreatedAt   time.Time
}

// CustomerView is what an institution sees of its customer: the identity number
// masked (800101-1******), the phone number and account numbers masked.
type CustomerView struct {
	ID          string    `json:"id"`
	Institution string    `json:"institution"`
	Name        string    `json:"name"`
	IDN         string    `json:"idn"`
	Phone       string    `json:"phone,omitempty"`
	Email       string    `json:"email,omitempty"`
	Accounts    []string  `json:"accounts,omitempty"`
	CreatedAt   time.Time `json:"createdAt"`
}

// View masks a record for an answer.
func (c *CustomerRecord) View() CustomerView {
	v := CustomerView{ID: c.ID, Institution: c.Institution, Name: c.Profile.Name, IDN: MaskIDN(c.IDN),
		Email: c.Profile.Email, CreatedAt: c.CreatedAt}
	if c.Profile.Phone != "" {
		v.Phone = notify.MaskRecipient(c.Profile.Phone)
	}
	for _, a := range c.Profile.Accounts {
		v.Accounts = append(v.Accounts, maskAccount(a.Number))
	}
	return v
}

func maskAccount(n string) string {
	if len(n) <= 4 {
		return "****"
	}
	return strings.Repeat("*", len(n)-4) + n[len(n)-4:]
}

// NewCustomer is a customer record to create.
type NewCustomer struct {
	Name     string
	IDN      string
	Phone    string
	Email    string
	Accounts []NewAccount
	// NoOnlineBanking: the customer has no internet-banking subscription.
	NoOnlineBanking bool
}

// NewAccount is an account with its PIN in clear, as the institution sends it.
type NewAccount struct {
	Number string `json:"number"`
	PIN    string `json:"pin"`
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, s)
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// CreateCustomer records a customer of inst. The identity number is sealed and
// keyed-hashed; a second customer with the same number at the same institution is
// CUSTOMER_EXISTS.
func (d *Desk) CreateCustomer(ctx context.Context, inst model.Institution, in NewCustomer) (CustomerView, error) {
	if err := CheckName(in.Name); err != nil {
		return CustomerView{}, err
	}
	idn, err := NormalizeIDN(in.IDN)
	if err != nil {
		return CustomerView{}, err
	}
	p := Profile{Name: in.Name, Phone: digits(in.Phone), Email: strings.TrimSpace(in.Email), NoOnlineBanking: in.NoOnlineBanking}
	if p.Phone != "" && (!allDigits(p.Phone) || len(p.Phone) < 10 || len(p.Phone) > 11) {
		return CustomerView{}, errs.New(errs.InvalidContact, "phone number must have 10 or 11 digits")
	}
	if p.Email != "" {
		if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email {
			return CustomerView{}, errs.New(errs.InvalidContact, "e-mail address is not valid")
		}
	}
	id := newID("cus_")
	for _, a := range in.Accounts {
		n := digits(a.Number)
		if !allDigits(n) || len(n) < 6 || len(n) > 20 || !allDigits(a.PIN) || len(a.PIN) != 4 {
			return CustomerView{}, errs.New(errs.InvalidContact, "an account needs a 6 to 20 digit number and a 4-digit PIN")
		}
		p.Accounts = append(p.Accounts, Account{Number: n, PINMAC: d.pinMAC(id, n, a.PIN)})
	}
	idnC, err := d.seal.Seal("customer-idn", id, []byte(idn))
	if err != nil {
		return CustomerView{}, err
	}
	pj, _ := json.Marshal(p)
	profC, err := d.seal.Seal("customer-profile", id, pj)
	if err != nil {
		return CustomerView{}, err
	}
	now := d.now()
	c := model.Customer{ID: id, InstitutionCode: inst.Code, IDNHash: d.idnHash(inst.Code, idn), IDNCipher: idnC, ProfileCipher: profC, CreatedAt: now}
	c = d.searchKeys(c, idn, p) // the teller's search finds them by index (search.go)
	ev := model.AuditEvent{Type: "customer.created", Actor: actorOf(inst), Institution: inst.Code, Subject: id,
		Details: map[string]string{"accounts": fmt.Sprint(len(p.Accounts)), "phone": fmt.Sprint(p.Phone != ""), "email": fmt.Sprint(p.Email != "")}}
	if err := d.st.CreateCustomer(ctx, c, ev); errors.Is(err, store.ErrConflict) {
		if old, err2 := d.st.CustomerByIDNHash(ctx, inst.Code, c.IDNHash); err2 == nil {
			return CustomerView{}, errs.New(errs.CustomerExists, "customer %s", old.ID)
		}
		return CustomerView{}, errs.New(errs.CustomerExists, "")
	} else if err != nil {
		return CustomerView{}, err
	}
	rec := CustomerRecord{ID: id, Institution: inst.Code, IDN: idn, Profile: p, CreatedAt: now}
	return rec.View(), nil
}

func (d *Desk) idnHash(inst, idn string) []byte {
	return d.seal.MAC("customer-idn", []byte(inst), []byte(idn))
}

func (d *Desk) pinMAC(customerID, number, pin string) []byte {
	return d.seal.MAC("account-pin", []byte(customerID), []byte(number), []byte(pin))
}

// checkAccount reports whether the customer has the account with this PIN.
func (d *Desk) checkAccount(c *CustomerRecord, number, pin string) bool {
	number = digits(number)
	ok := 0
	for _, a := range c.Profile.Accounts {
		want := d.pinMAC(c.ID, a.Number, pin)
		ok |= subtle.ConstantTimeCompare([]byte(a.Number), []byte(number)) & subtle.ConstantTimeCompare(want, a.PINMAC)
	}
	return ok == 1
}

// Customer returns inst's customer, opened. Another institution's customer is FORBIDDEN.
func (d *Desk) Customer(ctx context.Context, inst model.Institution, id string) (*CustomerRecord, error) {
	c, err := d.st.Customer(ctx, id)
	if err != nil {
		return nil, notFound(err, errs.CustomerNotFound, "customer %q", id)
	}
	if c.InstitutionCode != inst.Code {
		return nil, errs.New(errs.Forbidden, "customer %s belongs to another institution", id)
	}
	return d.open(c)
}

func (d *Desk) open(c model.Customer) (*CustomerRecord, error) {
	idn, err := d.seal.Open("customer-idn", c.ID, c.IDNCipher)
	if err != nil {
		return nil, fmt.Errorf("center: open identity number of %s: %w", c.ID, err)
	}
	pj, err := d.seal.Open("customer-profile", c.ID, c.ProfileCipher)
	if err != nil {
		return nil, fmt.Errorf("center: open profile of %s: %w", c.ID, err)
	}
	rec := &CustomerRecord{ID: c.ID, Institution: c.InstitutionCode, IDN: string(idn), CreatedAt: c.CreatedAt}
	if err := json.Unmarshal(pj, &rec.Profile); err != nil {
		return nil, fmt.Errorf("center: profile of %s: %w", c.ID, err)
	}
	return rec, nil
}
