// Package ca is the certificate authority: it issues Korean-profile subscriber
// certificates (and later renews, revokes and suspends them), draws and reserves serials,
// and is the only package that reaches internal/issuance, the one door to the CA keys.
//
// ca owns serial reservation, validity computation and the VID binding. It does not
// verify identities or enrollment codes (internal/center does), speak HTTP or CMP, or
// keep keys itself: it holds issuance.Issuers built from a KeySource.
package ca

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/asn1"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/issuance"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
	"github.com/certcenter/certcenter/npki"
)

// Config names the authority and its profile.
type Config struct {
	Organization string // O= of the issuing CA and of subscriber certificates
	RootName     string // CN of the root
	IssuingName  string // CN of the issuing CA
	PolicyArc    string // dotted OID arc of the certificate policies
	CPSURI       string
	BaseURL      string // public URL of this server, without trailing slash
	Partitions   int    // CRL partitions
	Now          func() time.Time
}

// KeySource is where the authority keeps its keys (files or a PKCS#11 token).
type KeySource = issuance.KeySource

// Authority issues certificates. It is safe for concurrent use.
type Authority struct {
	st      Store
	cfg     Config
	root    *x509.Certificate
	issuing *x509.Certificate
	ocsp    *x509.Certificate
	iss     *issuance.Issuer
	res     *reserver
	closers []io.Closer

	mu        sync.RWMutex
	listeners []func(model.Certificate)

	status statusKeys // the OCSP responder key, opened on first use (status.go)

	// The root's key stays closed: it is opened only to sign the root's CRL (rootcrl.go).
	ks      KeySource
	rootRef string
	prof    issuance.Profile
}

// ParseCertificate parses a DER certificate (re-exported for callers that only need this).
func ParseCertificate(der []byte) (*x509.Certificate, error) { return x509.ParseCertificate(der) }

func (c Config) profile() (issuance.Profile, error) {
	var arc asn1.ObjectIdentifier
	for _, part := range strings.Split(c.PolicyArc, ".") {
		n, err := strconv.Atoi(part)
		if err != nil {
			return issuance.Profile{}, fmt.Errorf("ca: policy arc %q: %w", c.PolicyArc, err)
		}
		arc = append(arc, n)
	}
	p := issuance.Profile{Organization: c.Organization, PolicyArc: arc, CPSURI: c.CPSURI, BaseURL: c.BaseURL}
	if p.CPSURI == "" {
		p.CPSURI = c.BaseURL + "/cps"
	}
	return p, p.Validate()
}

// Open builds the authority from its stored certificates and key references.
func Open(st Store, cfg Config, ks KeySource, auths []model.Authority) (*Authority, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Partitions < 1 {
		cfg.Partitions = 1
	}
	a := &Authority{st: st, cfg: cfg}
	var issuingAuth model.Authority
	for _, au := range auths {
		c, err := x509.ParseCertificate(au.CertDER)
		if err != nil {
			return nil, fmt.Errorf("ca: stored %s certificate: %w", au.Role, err)
		}
		switch au.Role {
		case model.RoleRoot:
			a.root, a.rootRef = c, au.KeyRef
		case model.RoleIssuing:
			a.issuing, issuingAuth = c, au
		case model.RoleOCSP:
			a.ocsp = c
			a.status.open = func() (crypto.Signer, io.Closer, error) { return ks.Open(au.KeyRef) }
		}
	}
	if a.root == nil || a.issuing == nil {
		return nil, errors.New("ca: the store has no root or issuing CA certificate")
	}
	signer, closer, err := ks.Open(issuingAuth.KeyRef)
	if err != nil {
		return nil, fmt.Errorf("ca: open the issuing CA key (%s): %w", issuingAuth.KeyRef, err)
	}
	a.closers = append(a.closers, closer)
	prof, err := cfg.profile()
	if err != nil {
		a.Close()
		return nil, err
	}
	a.ks, a.prof = ks, prof
	a.iss, err = issuance.New(issuance.Config{ID: issuingAuth.ID, Cert: a.issuing, Signer: signer, Profile: prof})
	if err != nil {
		a.Close()
		return nil, err
	}
	a.res = newReserver(st, a.iss.ID())
	return a, nil
}

// Close releases the keys.
func (a *Authority) Close() error {
	errsList := []error{a.status.close()}
	for _, c := range a.closers {
		if c != nil {
			errsList = append(errsList, c.Close())
		}
	}
	return errors.Join(errsList...)
}

// RootDER is the root CA certificate.
func (a *Authority) RootDER() []byte { return a.root.Raw }

// IssuingDER is the issuing CA certificate.
func (a *Authority) IssuingDER() []byte { return a.issuing.Raw }

// Certificate returns a stored certificate (store.ErrNotFound if unknown).
func (a *Authority) Certificate(ctx context.Context, serial model.Serial) (model.Certificate, error) {
	return a.st.Certificate(ctx, serial)
}

// NewSerial draws a 20-byte serial: positive, minimal DER, 159 random bits
// (RFC 5280 section 4.1.2.2; at least 64 bits of entropy, CA/B BR 7.1).
func NewSerial() model.Serial {
	s := make(model.Serial, 20)
	for {
		if _, err := rand.Read(s); err != nil {
			panic(err)
		}
		s[0] &= 0x7f
		if s[0] != 0 {
			return s
		}
	}
}

// partitionOf fixes a certificate's CRL partition from its serial: uniform and stable.
func partitionOf(s model.Serial, n int) int {
	return int(binary.BigEndian.Uint32(s[len(s)-4:]) % uint32(n))
}

// RandomNumSize is the size of R that the authority draws (KOREAN-PKI.md section 5).
const RandomNumSize = 20

// Issue issues one subscriber certificate: reserve a serial, compute the VID, prepare
// and lint, sign exactly once, store with its audit entry (and the enrollment's
// redemption) in one transaction. A failure after the reservation leaves the serial
// reserved and unused: never reused, and no certificate exists that the store lacks.
func (a *Authority) Issue(ctx context.Context, req IssueRequest) (*Issued, error) {
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
	notBefore, notAfter := issuance.ValidityFrom(now, 1)
	if req.Replaces != nil {
		switch req.Mode {
		case Renewal:
			notAfter = issuance.RenewalNotAfter(req.Replaces.NotAfter, 1)
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
	ireq.Sequence = int(seq % 10_000_000)
	prepared, err := a.iss.Prepare(ireq)
	if err != nil {
		if errors.Is(err, issuance.ErrLint) {
			return nil, errs.Wrap(errs.LintFailed, err, "serial %s", serial)
		}
		return nil, keyError(err)
	}
	der, cert, err := a.iss.SignParsed(prepared)
	if err != nil {
		return nil, fmt.Errorf("ca: sign: %w", err)
	}
	rec := model.Certificate{
		Serial: serial, IssuerID: a.iss.ID(), InstitutionCode: req.Institution.Code,
		EnrollmentRef: req.EnrollmentRef, CommonName: prepared.CommonName(),
		Kind: req.Kind, Usage: req.Usage, NotBefore: notBefore, NotAfter: notAfter,
		Partition: ireq.Partition, DER: der, Status: model.StatusValid, CreatedAt: now, StatusAt: now,
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
	// A first issuance and a reissue redeem their enrollment; a renewal only links to the
	// enrollment the certificate line started from.
	redeem := req.EnrollmentRef
	if req.Mode == Renewal {
		redeem = ""
	}
	if req.Replaces != nil {
		rec.Replaces = req.Replaces.Serial
		ev.Details["replaces"] = req.Replaces.Serial.String()
		err = a.st.StoreReplacement(ctx, rec, redeem, req.Replaces.Serial, req.Mode == Reissue, ev)
		if errors.Is(err, store.ErrConflict) {
			// The old certificate left service meanwhile (revoked, suspended, already renewed).
			if cur, err2 := a.st.Certificate(ctx, req.Replaces.Serial); err2 == nil && cur.Status != model.StatusValid {
				return nil, statusError(cur)
			}
		}
	} else {
		err = a.st.StoreCertificate(ctx, rec, redeem, ev)
	}
	if err != nil {
		return nil, fmt.Errorf("ca: store certificate %s: %w", serial, err)
	}
	a.changed(rec)
	return &Issued{Record: rec, Cert: cert, RandomNum: r, Chain: [][]byte{a.issuing.Raw, a.root.Raw}}, nil
}

func keyError(err error) error {
	switch {
	case errors.Is(err, issuance.ErrKeyTooWeak):
		return errs.Wrap(errs.KeyTooWeak, err, "")
	case errors.Is(err, issuance.ErrKeyUnsupported):
		return errs.Wrap(errs.KeyUnsupported, err, "")
	}
	return err
}
