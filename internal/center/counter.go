package center

import (
	"context"
	"errors"

	"github.com/certcenter/certcenter/internal/store"
)

// Where a certificate's expiry reminders go, as an enrollment answer states it
// (Enrolled.Reminders). Reminders go only to the contact on the institution's customer
// record that the enrollment belongs to; the enrollment itself holds no contact.
const (
	// RemindersCustomer: to the phone and e-mail on the customer record (CustomerID).
	RemindersCustomer = "customer"
	// RemindersNoContact: the customer record has neither a phone number nor an
	// e-mail address; add one (the customer's contact) for reminders to go out.
	RemindersNoContact = "no-contact"
	// RemindersNoCustomer: a counter enrollment of a person the institution has no
	// customer record for: there is no contact, so no reminder. Create the customer
	// (POST /api/v1/customers) before enrolling at the counter.
	RemindersNoCustomer = "no-customer"
	// RemindersNameDiffers: the institution has a customer with this identity number
	// under another name; the enrollment is not bound to that record, so no reminder.
	RemindersNameDiffers = "name-differs"
)

func remindersTo(c *CustomerRecord) string {
	if c.Profile.Phone == "" && c.Profile.Email == "" {
		return RemindersNoContact
	}
	return RemindersCustomer
}

// EnrollAtCounter is the counter enrollment: the teller checked the ID card and the
// institution sends the name and identity number. When the institution has a customer
// record with this identity number and name, the enrollment becomes that customer's,
// through an in-person verification recorded for the teller (the institution itself
// when no tellerId is given), exactly as if the teller had verified the customer and
// enrolled them with the verification: the certificate's reminders then go to the
// contact on that record. Otherwise it is a plain enrollment with no contact, and
// Enrolled.Reminders says why no reminder will be sent. Errors as Enroll's and
// EnrollVerified's.
func (d *Desk) EnrollAtCounter(ctx context.Context, req EnrollRequest) (*Enrolled, error) {
	plain := func(why string) (*Enrolled, error) {
		out, err := d.Enroll(ctx, req)
		if err != nil {
			return nil, err
		}
		out.Reminders = why
		return out, nil
	}
	inst, err := d.institution(ctx, req.Institution)
	if err != nil || len(req.Replaces) > 0 {
		return plain(RemindersNoCustomer) // Enroll reports the unknown institution
	}
	idn, err := NormalizeIDN(req.IDN)
	if err != nil {
		return nil, err
	}
	if err := CheckName(req.Name); err != nil {
		return nil, err
	}
	if err := req.checkKind(idn); err != nil {
		return nil, err
	}
	row, err := d.st.CustomerByIDNHash(ctx, inst.Code, d.idnHash(inst.Code, idn))
	if errors.Is(err, store.ErrNotFound) {
		return plain(RemindersNoCustomer)
	} else if err != nil {
		return nil, err
	}
	c, err := d.open(row)
	if err != nil {
		return nil, err
	}
	if c.Profile.Name != req.Name {
		return plain(RemindersNameDiffers)
	}
	teller := req.TellerID
	if teller == "" {
		teller = actorOf(inst)
	}
	v, err := d.StartVerification(ctx, inst, c.ID, "in-person", Evidence{TellerID: teller})
	if err != nil {
		return nil, err
	}
	return d.EnrollVerified(ctx, inst, VerifiedEnrollment{VerificationID: v.ID, Kind: req.Kind, Usage: req.Usage})
}
