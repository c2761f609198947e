// Package revcheck asks other parties whether a certificate is revoked: OCSP at the
// certificate's AIA responder first (RFC 6960), the CRL at its distribution point when
// OCSP does not answer (RFC 5280), "unknown" when neither does. It also fetches missing
// issuer certificates from AIA caIssuers. OCSP answers are cached, on disk (certctl) or in
// memory (the certificate center), so repeated checks do not go to the network: a
// "revoked" answer until its nextUpdate, but a "good" one (or a suspension, which can be
// lifted) for at most GoodCacheMax after it was fetched, whatever its nextUpdate says. A
// responder may pre-sign answers valid for a day or more; a cached "good" that old would
// hide a revocation or suspension made since (issue 18 item 7).
//
// revcheck is the relying party's side. It does not decide policy (whether "unknown"
// is acceptable is the caller's call) and it does not answer OCSP itself
// (internal/revocation does).
package revcheck

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/crypto/ocsp"
)

// Limits on what is fetched.
const (
	MaxCRL     = 32 << 20
	MaxFetched = 1 << 20
	// Skew tolerated between the responder's clock and ours.
	Skew = 5 * time.Minute
	// GoodCacheMax bounds how long a cached "good" (or certificateHold) OCSP answer is
	// used, counted from when it was fetched: a revocation is at most this old when a
	// check reports "not revoked (cached answer)".
	GoodCacheMax = 5 * time.Minute
)

// Status words.
const (
	Good    = "good"
	Revoked = "revoked"
	Unknown = "unknown"
)

// Result is what a check found.
type Result struct {
	Status    string     `json:"status"`           // good, revoked, unknown
	Source    string     `json:"source,omitempty"` // ocsp, crl
	URL       string     `json:"url,omitempty"`
	Cached    bool       `json:"cached,omitempty"`
	RevokedAt *time.Time `json:"revokedAt,omitempty"`
	Reason    string     `json:"reason,omitempty"`
	OCSPError string     `json:"ocspError,omitempty"`
	CRLError  string     `json:"crlError,omitempty"`
	// Suspended: revoked with reason certificateHold (효력정지), which the CA may lift;
	// Status is still Revoked.
	Suspended bool `json:"suspended,omitempty"`
}

// Checker checks revocation status. The zero value is not usable: set HTTP.
type Checker struct {
	HTTP *http.Client
	// CacheDir keeps OCSP answers and caIssuers certificates on disk; "" keeps OCSP
	// answers in memory only.
	CacheDir string
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Offline answers from the caches only: no request leaves the machine, and a
	// certificate without a usable cached answer is Unknown.
	Offline bool

	mu  sync.Mutex
	mem map[string][]byte // OCSP answers by cache key when CacheDir is ""
}

func (c *Checker) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// errOffline: the Checker may not use the network.
var errOffline = errors.New("no cached answer (offline)")

// Get fetches url, refusing answers over limit bytes and statuses other than 200.
func (c *Checker) Get(url string, limit int64) ([]byte, error) {
	if c.Offline {
		return nil, errOffline
	}
	resp, err := c.HTTP.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: HTTP %d", url, resp.StatusCode)
	}
	return ReadLimited(resp.Body, limit)
}

// ReadLimited reads r to its end, refusing more than limit bytes.
func ReadLimited(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("answer over %d bytes", limit)
	}
	return b, nil
}

func cacheKey(kind string, key ...[]byte) string {
	h := sha256.New()
	for _, k := range key {
		h.Write(k)
		h.Write([]byte{0})
	}
	return filepath.Join(kind, hex.EncodeToString(h.Sum(nil))+".der")
}

func (c *Checker) cacheRead(key string) []byte {
	if c.CacheDir == "" {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.mem[key]
	}
	f, err := os.Open(filepath.Join(c.CacheDir, key))
	if err != nil {
		return nil
	}
	defer f.Close()
	b, err := ReadLimited(f, MaxFetched)
	if err != nil {
		return nil
	}
	return b
}

// cacheWrite stores b; a cache that cannot be written is not an error.
func (c *Checker) cacheWrite(key string, b []byte) {
	if c.CacheDir == "" {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.mem == nil || len(c.mem) > 10000 {
			c.mem = map[string][]byte{}
		}
		c.mem[key] = b
		return
	}
	p := filepath.Join(c.CacheDir, key)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), p) != nil {
		os.Remove(tmp.Name())
	}
}

// ParseCerts reads one or more certificates, PEM or DER.
func ParseCerts(b []byte) ([]*x509.Certificate, error) {
	if !bytes.Contains(b, []byte("-----BEGIN")) {
		return x509.ParseCertificates(b)
	}
	var out []*x509.Certificate
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("no CERTIFICATE in the PEM file")
	}
	return out, nil
}

// CAIssuers fetches the certificates at cert's AIA caIssuers URLs (RFC 5280 4.2.2.1:
// DER, or a certs-only CMS that this does not read), cached (on disk) until they
// expire. It returns the URLs that answered.
func (c *Checker) CAIssuers(cert *x509.Certificate) ([]*x509.Certificate, []string, error) {
	var out []*x509.Certificate
	var used []string
	var errs []error
	for _, u := range cert.IssuingCertificateURL {
		key := cacheKey("aia", []byte(u))
		if c.CacheDir != "" {
			if b := c.cacheRead(key); b != nil {
				if cs, err := ParseCerts(b); err == nil && len(cs) > 0 && c.now().Before(cs[0].NotAfter) {
					out = append(out, cs...)
					used = append(used, u)
					continue
				}
			}
		}
		b, err := c.Get(u, MaxFetched)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		cs, err := ParseCerts(b)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", u, err))
			continue
		}
		if c.CacheDir != "" {
			c.cacheWrite(key, b)
		}
		out = append(out, cs...)
		used = append(used, u)
	}
	return out, used, errors.Join(errs...)
}

// ReasonNames are the RFC 5280 CRLReason names.
var ReasonNames = map[int]string{0: "unspecified", 1: "keyCompromise", 2: "cACompromise", 3: "affiliationChanged",
	4: "superseded", 5: "cessationOfOperation", 6: "certificateHold", 8: "removeFromCRL", 9: "privilegeWithdrawn", 10: "aACompromise"}

// Check asks about cert (issued by issuer): OCSP, then the CRL.
func (c *Checker) Check(cert, issuer *x509.Certificate) Result {
	res, ocspErr := c.ocspStatus(cert, issuer)
	if ocspErr == nil {
		return res
	}
	crl, crlErr := c.crlStatus(cert, issuer)
	if crlErr == nil {
		crl.OCSPError = ocspErr.Error()
		return crl
	}
	return Result{Status: Unknown, OCSPError: ocspErr.Error(), CRLError: crlErr.Error()}
}

// ocspAnswer turns a checked OCSP response into a result; an answer that is not
// current (thisUpdate in the future, nextUpdate past) is an error.
func (c *Checker) ocspAnswer(r *ocsp.Response) (Result, error) {
	now := c.now()
	if r.ThisUpdate.After(now.Add(Skew)) || (!r.NextUpdate.IsZero() && now.After(r.NextUpdate.Add(Skew))) {
		return Result{}, fmt.Errorf("OCSP answer not current (thisUpdate %s, nextUpdate %s)",
			r.ThisUpdate.Format(time.RFC3339), r.NextUpdate.Format(time.RFC3339))
	}
	out := Result{Source: "ocsp"}
	switch r.Status {
	case ocsp.Good:
		out.Status = Good
	case ocsp.Revoked:
		out.Status = Revoked
		t := r.RevokedAt
		out.RevokedAt = &t
		out.Reason = ReasonNames[r.RevocationReason]
		out.Suspended = r.RevocationReason == ocsp.CertificateHold
	default:
		return Result{}, errors.New("the OCSP responder does not know this certificate")
	}
	return out, nil
}

func (c *Checker) ocspStatus(cert, issuer *x509.Certificate) (Result, error) {
	if len(cert.OCSPServer) == 0 {
		return Result{}, errors.New("the certificate names no OCSP responder")
	}
	key := ocspKey(cert)
	if out, ok := c.cachedOCSP(key, cert, issuer); ok {
		return out, nil
	}
	if c.Offline {
		return Result{}, errOffline
	}
	req, err := ocsp.CreateRequest(cert, issuer, &ocsp.RequestOptions{Hash: crypto.SHA1})
	if err != nil {
		return Result{}, err
	}
	var errs []error
	for _, u := range cert.OCSPServer {
		resp, err := c.HTTP.Post(u, "application/ocsp-request", bytes.NewReader(req))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		b, err := ReadLimited(resp.Body, MaxFetched)
		resp.Body.Close()
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("%s: HTTP %d", u, resp.StatusCode)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		r, err := ocsp.ParseResponseForCert(b, cert, issuer)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", u, err))
			continue
		}
		out, err := c.ocspAnswer(r)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", u, err))
			continue
		}
		if !r.NextUpdate.IsZero() {
			c.cacheWrite(key, stamp(c.now(), b))
		}
		out.URL = u
		return out, nil
	}
	return Result{}, errors.Join(errs...)
}

// ocspKey names the cached OCSP answer of cert. "ocsp2": the entries carry when they
// were fetched (stamp); the older "ocsp" entries, without it, are never read.
func ocspKey(cert *x509.Certificate) string { return cacheKey("ocsp2", cert.Raw) }

// stamp prefixes a cached answer with the time it was fetched (8 bytes, Unix seconds).
func stamp(at time.Time, der []byte) []byte {
	b := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(der)), uint64(at.Unix()))
	return append(b, der...)
}

// cachedOCSP returns the cached answer for cert when it is still usable: signed for
// cert by issuer, current, and for a "good" or a suspension fetched less than
// GoodCacheMax ago.
func (c *Checker) cachedOCSP(key string, cert, issuer *x509.Certificate) (Result, bool) {
	b := c.cacheRead(key)
	if len(b) < 8 {
		return Result{}, false
	}
	fetched := time.Unix(int64(binary.BigEndian.Uint64(b)), 0)
	r, err := ocsp.ParseResponseForCert(b[8:], cert, issuer)
	now := c.now()
	if err != nil || r.NextUpdate.IsZero() || !now.Before(r.NextUpdate) {
		return Result{}, false
	}
	out, err := c.ocspAnswer(r)
	if err != nil {
		return Result{}, false
	}
	if (out.Status == Good || out.Suspended) && (now.Sub(fetched) >= GoodCacheMax || fetched.After(now.Add(Skew))) {
		return Result{}, false
	}
	out.Cached, out.URL = true, cert.OCSPServer[0]
	return out, true
}

// Forget drops the cached OCSP answer of cert: its holder just changed its status
// (revoked it, renewed it), so the next check must ask.
func (c *Checker) Forget(cert *x509.Certificate) {
	key := ocspKey(cert)
	if c.CacheDir == "" {
		c.mu.Lock()
		defer c.mu.Unlock()
		delete(c.mem, key)
		return
	}
	os.Remove(filepath.Join(c.CacheDir, key))
}

func (c *Checker) crlStatus(cert, issuer *x509.Certificate) (Result, error) {
	if c.Offline {
		return Result{}, errOffline
	}
	if len(cert.CRLDistributionPoints) == 0 {
		return Result{}, errors.New("the certificate names no CRL")
	}
	var errs []error
	for _, u := range cert.CRLDistributionPoints {
		b, err := c.Get(u, MaxCRL)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		crl, err := x509.ParseRevocationList(b)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", u, err))
			continue
		}
		if err := crl.CheckSignatureFrom(issuer); err != nil {
			errs = append(errs, fmt.Errorf("%s: CRL signature: %w", u, err))
			continue
		}
		if !crl.NextUpdate.IsZero() && c.now().After(crl.NextUpdate) {
			errs = append(errs, fmt.Errorf("%s: CRL out of date (nextUpdate %s)", u, crl.NextUpdate.Format(time.RFC3339)))
			continue
		}
		out := Result{Status: Good, Source: "crl", URL: u}
		for _, e := range crl.RevokedCertificateEntries {
			if e.SerialNumber.Cmp(cert.SerialNumber) == 0 {
				t := e.RevocationTime
				out.Status, out.RevokedAt, out.Reason = Revoked, &t, ReasonNames[e.ReasonCode]
				out.Suspended = e.ReasonCode == ocsp.CertificateHold
				break
			}
		}
		return out, nil
	}
	return Result{}, errors.Join(errs...)
}
