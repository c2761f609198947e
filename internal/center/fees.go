package center

import (
	"context"
	"errors"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// Fees are the yearly fees of universal (범용) certificates in KRW; banking (용도제한)
// certificates are free (KOREAN-PKI.md section 1). There is no payment gateway: the
// center records what is owed in the billing table.
type Fees struct {
	PersonalUniversalKRW  int64
	CorporateUniversalKRW int64
}

// DefaultFees: 4,400 KRW a year for persons (KOREAN-PKI.md section 1); 110,000 KRW for
// companies, the usual corporate universal fee, configurable.
func DefaultFees() Fees { return Fees{PersonalUniversalKRW: 4400, CorporateUniversalKRW: 110000} }

// Annual returns the yearly fee of a kind and usage.
func (f Fees) Annual(k model.Kind, u model.Usage) int64 {
	if u != model.Universal {
		return 0
	}
	if k == model.Corporate {
		return f.CorporateUniversalKRW
	}
	return f.PersonalUniversalKRW
}

// BillingView is a billing record as the institution sees it.
type BillingView struct {
	Serial    string    `json:"serial"`
	Kind      string    `json:"kind"`
	Usage     string    `json:"usage"`
	PolicyOID string    `json:"policyOid"`
	AmountKRW int64     `json:"amountKrw"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"createdAt"`
}

// BillPending records the fee of every universal certificate not billed yet: a first
// issuance and a renewal owe a year; a reissue keeps the old expiry and owes nothing.
// Idempotent and safe on several nodes (one billing row per serial); the server runs it
// after each issuance and as a job, so a crash between issuance and billing only delays
// the record.
func (d *Desk) BillPending(ctx context.Context) (int, error) {
	n := 0
	for {
		list, err := d.st.Unbilled(ctx, 100)
		if err != nil || len(list) == 0 {
			return n, err
		}
		progress := false
		for _, c := range list {
			b := model.BillingRecord{Serial: c.Serial, InstitutionCode: c.InstitutionCode, Kind: c.Kind, Usage: c.Usage,
				AmountKRW: d.fees.Annual(c.Kind, c.Usage), Note: "issue", CreatedAt: d.now()}
			if b.PolicyOID, err = d.policyOID(c.Kind, c.Usage); err != nil {
				return n, err
			}
			if len(c.Replaces) > 0 {
				b.Note = "renewal"
				if old, err := d.store.Certificate(ctx, c.Replaces); err == nil && old.Status == model.StatusRevoked &&
					old.Reason != nil && *old.Reason == model.ReasonSuperseded {
					b.Note, b.AmountKRW = "reissue", 0
				}
			}
			err := d.st.RecordBilling(ctx, b, model.AuditEvent{Type: "billing.recorded", Actor: "system", Institution: c.InstitutionCode,
				Subject: c.Serial.String(), Details: map[string]string{"amountKRW": itoa(b.AmountKRW), "note": b.Note, "policy": b.PolicyOID}})
			if errors.Is(err, store.ErrConflict) {
				continue // another node billed it
			} else if err != nil {
				return n, err
			}
			n++
			progress = true
		}
		if !progress {
			return n, nil
		}
	}
}

// Billing lists inst's billing records, newest first.
func (d *Desk) Billing(ctx context.Context, inst model.Institution, limit int) ([]BillingView, error) {
	list, err := d.st.Billing(ctx, inst.Code, limit)
	if err != nil {
		return nil, err
	}
	out := make([]BillingView, 0, len(list))
	for _, b := range list {
		out = append(out, BillingView{Serial: b.Serial.String(), Kind: string(b.Kind), Usage: string(b.Usage), PolicyOID: b.PolicyOID,
			AmountKRW: b.AmountKRW, Note: b.Note, CreatedAt: b.CreatedAt})
	}
	return out, nil
}
