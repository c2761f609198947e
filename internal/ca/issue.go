package ca

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/issuance"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
	"github.com/certcenter/certcenter/npki"
)

// Issue issues one subscriber certificate: reserve a serial, compute the VID, prepare
// and lint, sign exactly once, and store the certificate with its audit entry (and the
// enrollment's redemption) in one transaction.
//
// A first issuance stores behind the lints and the signature. The transaction commits
// the TBSCertificate, which fixes every byte of the certificate but the signature, on
// another core while the TBSCertificate is linted and the CA key signs it (only if the
// lints pass); the signature leaves this function only after that commit, and the DER
// is written right after (pending.go). So the store always knows
// a certificate before anyone else can hold it, and the database round trips cost no
// time beside the signature. A crash after the commit leaves a pending certificate that
// RepairPending signs again; with an RSA key (PKCS#1 v1.5 is deterministic) that
// reproduces the very bytes the subscriber may hold. With an ECDSA key, whose signatures
// differ each time, the DER is stored before Issue returns.
//
// A failure before the commit leaves the serial reserved and unused (never reused) and
// no certificate: a signature made meanwhile is dropped unseen. Failed lints or a failed
// signature after the commit remove the pending certificate again (audited as
// certificate.abandoned) and give the enrollment back.
//
// A renewal or reissue takes the old certificate out of service in the same
// transaction, and a reissue revokes it, which no CA takes back: those sign first and
// store after, so that nothing is committed for a signature that then fails. So does a
// first issuance while other issuances are in progress: every core is busy then, the
// overlap buys no time, and one transaction with the DER costs less than a pending row
// and its completion.
func (a *Authority) Issue(ctx context.Context, req IssueRequest) (*Issued, error) {
	alone := a.inflight.Add(1) == 1
	defer a.inflight.Add(-1)
	defer a.res.topUp()
	r := req.RandomNum
	if r == nil {
		r = make([]byte, RandomNumSize)
		if _, err := rand.Read(r); err != nil {
			return nil, err
		}
	} else if len(r) < 16 || len(r) > 64 {
		return nil, errs.New(errs.RandomNumInvalid, "randomNum is %d bytes (want 16 to 64; 20 is usual)", len(r))
	}
	vid, err := npki.VID(crypto.SHA256, req.IDN, r)
	if err != nil {
		return nil, errs.Wrap(errs.InvalidIDN, err, "VID")
	}
	now := a.cfg.Now()
	notBefore, notAfter := issuance.ValidityFrom(now, issuance.ValidityYears(req.Usage))
	if req.ValidityDays > 0 && req.Replaces == nil {
		notAfter = notBefore.AddDate(0, 0, req.ValidityDays).Add(-time.Second)
	}
	if req.Replaces != nil {
		switch req.Mode {
		case Renewal:
			notAfter = issuance.RenewalNotAfter(req.Replaces.NotAfter, issuance.ValidityYears(req.Usage))
		case Reissue:
			notAfter = req.Replaces.NotAfter
		default:
			return nil, errors.New("ca: a replacement needs Mode Renewal or Reissue")
		}
		if !notAfter.After(notBefore) {
			return nil, errs.New(errs.CertExpired, "certificate %s expired", req.Replaces.Serial).With("date", kstDate(req.Replaces.NotAfter))
		}
	}
	// Key problems are the requester's fault: check before reserving anything.
	if err := issuance.CheckSubscriberKey(req.PublicKey); err != nil {
		return nil, keyError(err)
	}
	// The serial is reserved before the one signature: a crash after this point leaves a
	// reserved, unused serial and no certificate.
	serial, err := a.res.serial(ctx, now)
	if err != nil {
		return nil, fmt.Errorf("ca: reserve serial: %w", err)
	}
	ireq := issuance.Request{
		Serial: serial, PublicKey: req.PublicKey, Kind: req.Kind, Usage: req.Usage,
		Name: req.Name, InstitutionCode: req.Institution.Code, InstitutionOU: req.Institution.ShortName,
		VID: vid, NotBefore: notBefore, NotAfter: notAfter, Partition: partitionOf(serial, a.cfg.Partitions),
	}
	day := issuance.IssueDay(now).Format("20060102")
	seq, err := a.res.sequence(ctx, req.Institution.Code, day)
	if err != nil {
		return nil, fmt.Errorf("ca: sequence: %w", err)
	}
	ireq.Sequence = int(seq % (issuance.MaxSequence + 1))
	draft, err := a.iss.Draft(ireq)
	if err != nil {
		return nil, keyError(err)
	}
	rec := model.Certificate{
		Serial: serial, IssuerID: a.iss.ID(), InstitutionCode: req.Institution.Code,
		EnrollmentRef: req.EnrollmentRef, CommonName: draft.CommonName(),
		Kind: req.Kind, Usage: req.Usage, NotBefore: notBefore, NotAfter: notAfter,
		Partition: ireq.Partition, Status: model.StatusValid, CreatedAt: now, StatusAt: now,
		ConfirmBy: req.ConfirmBy,
	}
	evType := map[Mode]string{New: "certificate.issued", Renewal: "certificate.renewed", Reissue: "certificate.reissued"}[req.Mode]
	ev := model.AuditEvent{Type: evType, Actor: req.Actor, Institution: req.Institution.Code,
		Subject: serial.String(), Details: map[string]string{
			"kind": string(req.Kind), "usage": string(req.Usage), "partition": strconv.Itoa(ireq.Partition),
			"notAfter": notAfter.UTC().Format(time.RFC3339),
		}}
	if req.EnrollmentRef != "" {
		ev.Details["enrollment"] = req.EnrollmentRef
	}
	var issued *Issued
	if req.Replaces == nil && alone {
		issued, err = a.storeBehindSignature(ctx, req, draft, rec, ev)
	} else {
		var prepared *issuance.Prepared
		if prepared, err = a.lint(draft, serial); err != nil {
			return nil, err
		}
		issued, err = a.signThenStore(ctx, req, prepared, rec, ev)
	}
	if err != nil {
		return nil, err
	}
	issued.RandomNum = r
	issued.Chain = [][]byte{a.issuing.Raw, a.root.Raw}
	a.changed(issued.Record)
	return issued, nil
}

// lint lints a draft; a failure is the CA's (LINT_FAILED), never the requester's.
func (a *Authority) lint(draft *issuance.Draft, serial model.Serial) (*issuance.Prepared, error) {
	p, err := a.iss.Lint(draft)
	if err != nil {
		return nil, errs.Wrap(errs.LintFailed, err, "serial %s", serial)
	}
	return p, nil
}

// storeBehindSignature stores a first issuance while the CA key signs it (see Issue).
// The transaction starts as soon as the TBSCertificate is built, so that it runs beside
// the lints too; the CA key signs only what passed them, and a certificate whose lints
// fail is withdrawn again, as one whose signature fails.
func (a *Authority) storeBehindSignature(ctx context.Context, req IssueRequest, draft *issuance.Draft, rec model.Certificate, ev model.AuditEvent) (*Issued, error) {
	rec.TBS = draft.TBS()
	rec.TBSTag = a.tbsTag(rec.Serial, rec.TBS)
	stored := make(chan error, 1)
	go func() {
		err := a.storeFinishing(ctx, rec, req.EnrollmentRef, ev)
		if err == nil {
			// The writer is free until this certificate's DER is written, after the
			// signature: refills started now run beside the signature instead of holding
			// the writer when the next issuance's transaction starts.
			a.res.topUp()
		}
		stored <- err
	}()
	var der []byte
	var cert *x509.Certificate
	prepared, failed := a.lint(draft, rec.Serial)
	cause := "lint failed"
	if failed == nil {
		der, cert, failed = a.iss.SignParsed(prepared)
		if failed != nil {
			cause, failed = "signature failed", fmt.Errorf("ca: sign %s: %w", rec.Serial, failed)
		}
	}
	if err := <-stored; err != nil {
		// Nothing was stored, so the signature, if there is one, goes no further.
		if failed != nil {
			return nil, failed
		}
		return nil, fmt.Errorf("ca: store certificate %s: %w", rec.Serial, err)
	}
	if failed != nil {
		// Stored but never signed: take the certificate back and free the enrollment.
		if err := a.abandon(ctx, rec, req.EnrollmentRef, cause); err != nil {
			// It stays pending; RepairPending signs it once the key answers again (or
			// withdraws it if its lints fail).
			return nil, fmt.Errorf("%w (and withdrawing it failed: %v)", failed, err)
		}
		return nil, failed
	}
	signed := model.SignedCertificate{Serial: rec.Serial, DER: der}
	if a.iss.Deterministic() {
		a.fin.add(signed)
	} else if der2, err := a.finishNow(ctx, signed); err != nil {
		return nil, err
	} else if der2 != nil {
		// Another node repaired it first with its own signature: that one is the certificate.
		if cert, err = ParseCertificate(der2); err != nil {
			return nil, fmt.Errorf("ca: stored certificate %s: %w", rec.Serial, err)
		}
		der = der2
	}
	rec.DER, rec.TBS, rec.TBSTag = der, nil, nil
	return &Issued{Record: rec, Cert: cert}, nil
}

// storeFinishing stores a pending certificate together with the DERs the finisher holds
// (those of the issuances before it), in one transaction instead of one each. Should
// that fail, the certificate is stored alone, since a DER that cannot be written must not
// fail an unrelated issuance, and the DERs go back to the finisher.
func (a *Authority) storeFinishing(ctx context.Context, rec model.Certificate, redeemRef string, ev model.AuditEvent) error {
	if batch := a.fin.take(); len(batch) > 0 {
		if _, err := a.st.StoreCertificateFinishing(ctx, rec, redeemRef, ev, batch); err == nil {
			a.fin.stored(batch)
			return nil
		}
		a.fin.giveBack(batch)
	}
	return a.st.StoreCertificate(ctx, rec, redeemRef, ev)
}

// abandon withdraws a stored certificate that was not signed, and frees its enrollment.
func (a *Authority) abandon(ctx context.Context, rec model.Certificate, redeemRef, cause string) error {
	ev := model.AuditEvent{Type: "certificate.abandoned", Actor: "system", Institution: rec.InstitutionCode,
		Subject: rec.Serial.String(), Details: map[string]string{"cause": cause}}
	return a.st.AbandonCertificate(context.WithoutCancel(ctx), rec.Serial, redeemRef, ev)
}

// signThenStore signs, then stores the certificate in one transaction: with the old
// certificate's change for a renewal or reissue.
func (a *Authority) signThenStore(ctx context.Context, req IssueRequest, prepared *issuance.Prepared, rec model.Certificate, ev model.AuditEvent) (*Issued, error) {
	der, cert, err := a.iss.SignParsed(prepared)
	if err != nil {
		return nil, fmt.Errorf("ca: sign: %w", err)
	}
	rec.DER = der
	if req.Replaces == nil {
		if err := a.st.StoreCertificate(ctx, rec, req.EnrollmentRef, ev); err != nil {
			return nil, fmt.Errorf("ca: store certificate %s: %w", rec.Serial, err)
		}
		return &Issued{Record: rec, Cert: cert}, nil
	}
	// A first issuance and a reissue redeem their enrollment; a renewal only links to the
	// enrollment the certificate line started from.
	redeem := req.EnrollmentRef
	if req.Mode == Renewal {
		redeem = ""
	}
	rec.Replaces = req.Replaces.Serial
	ev.Details["replaces"] = req.Replaces.Serial.String()
	err = a.st.StoreReplacement(ctx, rec, redeem, req.Replaces.Serial, req.Mode == Reissue, ev)
	if errors.Is(err, store.ErrConflict) {
		// The old certificate left service meanwhile (revoked, suspended, already renewed).
		if cur, err2 := a.st.Certificate(ctx, req.Replaces.Serial); err2 == nil && cur.Status != model.StatusValid {
			return nil, statusError(cur)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("ca: store certificate %s: %w", rec.Serial, err)
	}
	return &Issued{Record: rec, Cert: cert}, nil
}
