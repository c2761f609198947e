// Package ca is the certificate authority: it issues Korean-profile subscriber
// certificates (and later renews, revokes and suspends them), draws and reserves serials,
// and is the only package that reaches internal/issuance, the one door to the CA keys.
//
// ca owns serial reservation, validity computation and the VID binding. It does not
// verify identities or enrollment codes (internal/center does), speak HTTP or CMP, or
// keep keys itself: it holds issuance.Issuers built from a KeySource.
package ca

import (
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
	"sync/atomic"
	"time"

	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/issuance"
	"github.com/certcenter/certcenter/internal/model"
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
	// Tag authenticates what the authority keeps in the store to sign later: a keyed
	// hash (HMAC) of data under a key the database does not hold. Required.
	Tag func(data ...[]byte) []byte
	// OnError, when not nil, learns of background failures that are retried (the
	// writes of finished certificates).
	OnError func(error)
	// RootOffline says the root key is not on this machine (keys.root = "offline"):
	// the root's CRL is signed offline and imported (rootoffline.go).
	RootOffline bool
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
	fin     *finisher // DERs of first issuances, written behind the answer (pending.go)
	// inflight counts the issuances in progress: a lone one stores behind its signature.
	inflight atomic.Int32
	// repaired and repairFailed count the completions of pending certificates.
	repaired, repairFailed atomic.Uint64
	closers                []io.Closer

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
	if cfg.Tag == nil {
		return nil, errors.New("ca: Config.Tag is required (it authenticates stored TBSCertificates)")
	}
	a := &Authority{st: st, cfg: cfg, fin: newFinisher(st)}
	a.fin.onError = cfg.OnError
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
	a.res = newReserver(st, a.iss.ID(), cfg.Now, cfg.OnError)
	return a, nil
}

// Close writes the DERs still queued, then releases the keys.
func (a *Authority) Close() error {
	if a.res != nil {
		a.res.close()
	}
	errsList := []error{a.fin.close(), a.status.close()}
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

// NewSerial draws a 20-byte serial: positive and minimal in DER, its first four bytes
// the time of drawing and its last sixteen random (128 bits; RFC 5280 section 4.1.2.2
// and the CA/B BRs 7.1 ask for at least 64 bits of entropy).
//
// The time prefix (0x40000000 | seconds since 2020 modulo 2^30, big-endian: the first
// byte is never zero nor negative) keeps the serials drawn close together close in the
// database's indexes. With fully random serials each issuance wrote into a random page
// of the serials and certificates indexes, and at a million certificates those pages no
// longer stay in PostgreSQL's buffers: every issuance then read index pages back and,
// after each checkpoint, logged them whole. The counter wraps every 34 years, which
// costs one jump in locality and nothing else.
func NewSerial() model.Serial {
	s := make(model.Serial, 20)
	if _, err := rand.Read(s[4:]); err != nil {
		panic(err)
	}
	secs := uint32(max(time.Now().Unix()-serialEpoch, 0))
	binary.BigEndian.PutUint32(s, 0x40000000|secs&0x3fffffff)
	return s
}

// serialEpoch is 2020-01-01T00:00:00Z, where NewSerial's time prefix starts.
const serialEpoch = 1577836800

// partitionOf fixes a certificate's CRL partition from its serial: uniform and stable.
func partitionOf(s model.Serial, n int) int {
	return int(binary.BigEndian.Uint32(s[len(s)-4:]) % uint32(n))
}

// RandomNumSize is the size of R that the authority draws (KOREAN-PKI.md section 5).
const RandomNumSize = 20

func keyError(err error) error {
	switch {
	case errors.Is(err, issuance.ErrKeyTooWeak):
		return errs.Wrap(errs.KeyTooWeak, err, "")
	case errors.Is(err, issuance.ErrKeyUnsupported):
		return errs.Wrap(errs.KeyUnsupported, err, "")
	}
	return err
}
