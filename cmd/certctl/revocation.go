package main

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/crypto/ocsp"
)

// Revocation status for verify: OCSP first (the certificate's AIA OCSP URL), the CRL at
// its CRL distribution point when OCSP does not answer, "unknown" when neither does.
// OCSP answers and caIssuers certificates are cached on disk (fetcher.cacheDir) until
// their nextUpdate / notAfter, so repeated verifies do not go to the network.

// fetcher fetches over HTTP with limits, through a small on-disk cache.
type fetcher struct {
	hc       *http.Client
	cacheDir string // "" disables the cache
	now      time.Time
}

const (
	maxCRL      = 32 << 20
	maxFetched  = 1 << 20
	fetchTimout = 10 * time.Second
)

func (f *fetcher) get(url string, limit int64) ([]byte, error) {
	resp, err := f.hc.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: HTTP %d", url, resp.StatusCode)
	}
	return readLimited(resp.Body, limit)
}

func readLimited(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("answer over %d bytes", limit)
	}
	return b, nil
}

func (f *fetcher) cachePath(kind string, key ...[]byte) string {
	if f.cacheDir == "" {
		return ""
	}
	h := sha256.New()
	for _, k := range key {
		h.Write(k)
		h.Write([]byte{0})
	}
	return filepath.Join(f.cacheDir, kind, hex.EncodeToString(h.Sum(nil))+".der")
}

func (f *fetcher) cacheRead(path string) []byte {
	if path == "" {
		return nil
	}
	b, err := readFileLimit(path, maxFetched)
	if err != nil {
		return nil
	}
	return b
}

// cacheWrite stores b; a cache that cannot be written is not an error.
func (f *fetcher) cacheWrite(path string, b []byte) {
	if path == "" {
		return
	}
	if os.MkdirAll(filepath.Dir(path), 0o700) == nil {
		replaceFile(path, b, 0o600, true)
	}
}

// parseCertFile reads one or more certificates, PEM or DER.
func parseCerts(b []byte) ([]*x509.Certificate, error) {
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

// caIssuers fetches the certificates at cert's AIA caIssuers URLs (RFC 5280
// 4.2.2.1: DER, or a certs-only CMS that this does not read), cached until they expire.
func (f *fetcher) caIssuers(cert *x509.Certificate) ([]*x509.Certificate, []string, error) {
	var out []*x509.Certificate
	var used []string
	var errs []error
	for _, u := range cert.IssuingCertificateURL {
		p := f.cachePath("aia", []byte(u))
		if b := f.cacheRead(p); b != nil {
			if cs, err := parseCerts(b); err == nil && len(cs) > 0 && f.now.Before(cs[0].NotAfter) {
				out = append(out, cs...)
				used = append(used, u)
				continue
			}
		}
		b, err := f.get(u, maxFetched)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		cs, err := parseCerts(b)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", u, err))
			continue
		}
		f.cacheWrite(p, b)
		out = append(out, cs...)
		used = append(used, u)
	}
	return out, used, errors.Join(errs...)
}

// revocationResult is what verify reports about revocation.
type revocationResult struct {
	Status    string     `json:"status"`           // good, revoked, unknown
	Source    string     `json:"source,omitempty"` // ocsp, crl
	URL       string     `json:"url,omitempty"`
	Cached    bool       `json:"cached,omitempty"`
	RevokedAt *time.Time `json:"revokedAt,omitempty"`
	Reason    string     `json:"reason,omitempty"`
	OCSPError string     `json:"ocspError,omitempty"`
	CRLError  string     `json:"crlError,omitempty"`
}

const (
	revGood    = "good"
	revRevoked = "revoked"
	revUnknown = "unknown"
)

var reasonNames = map[int]string{0: "unspecified", 1: "keyCompromise", 2: "cACompromise", 3: "affiliationChanged",
	4: "superseded", 5: "cessationOfOperation", 6: "certificateHold", 8: "removeFromCRL", 9: "privilegeWithdrawn", 10: "aACompromise"}

// revocation checks cert (issued by issuer): OCSP, then CRL.
func (f *fetcher) revocation(cert, issuer *x509.Certificate) revocationResult {
	res, ocspErr := f.ocspStatus(cert, issuer)
	if ocspErr == nil {
		return res
	}
	crl, crlErr := f.crlStatus(cert, issuer)
	if crlErr == nil {
		crl.OCSPError = ocspErr.Error()
		return crl
	}
	return revocationResult{Status: revUnknown, OCSPError: ocspErr.Error(), CRLError: crlErr.Error()}
}

// ocspAnswer turns a checked OCSP response into a result; an answer that is not
// current (thisUpdate in the future, nextUpdate past) is an error.
func (f *fetcher) ocspAnswer(r *ocsp.Response) (revocationResult, error) {
	const skew = 5 * time.Minute
	if r.ThisUpdate.After(f.now.Add(skew)) || (!r.NextUpdate.IsZero() && f.now.After(r.NextUpdate.Add(skew))) {
		return revocationResult{}, fmt.Errorf("OCSP answer not current (thisUpdate %s, nextUpdate %s)",
			r.ThisUpdate.Format(time.RFC3339), r.NextUpdate.Format(time.RFC3339))
	}
	out := revocationResult{Source: "ocsp"}
	switch r.Status {
	case ocsp.Good:
		out.Status = revGood
	case ocsp.Revoked:
		out.Status = revRevoked
		t := r.RevokedAt
		out.RevokedAt = &t
		out.Reason = reasonNames[r.RevocationReason]
	default:
		return revocationResult{}, errors.New("the OCSP responder does not know this certificate")
	}
	return out, nil
}

func (f *fetcher) ocspStatus(cert, issuer *x509.Certificate) (revocationResult, error) {
	if len(cert.OCSPServer) == 0 {
		return revocationResult{}, errors.New("the certificate names no OCSP responder")
	}
	p := f.cachePath("ocsp", issuer.RawSubjectPublicKeyInfo, cert.SerialNumber.Bytes())
	if b := f.cacheRead(p); b != nil {
		if r, err := ocsp.ParseResponseForCert(b, cert, issuer); err == nil && !r.NextUpdate.IsZero() && f.now.Before(r.NextUpdate) {
			if out, err := f.ocspAnswer(r); err == nil {
				out.Cached, out.URL = true, cert.OCSPServer[0]
				return out, nil
			}
		}
	}
	req, err := ocsp.CreateRequest(cert, issuer, &ocsp.RequestOptions{Hash: crypto.SHA1})
	if err != nil {
		return revocationResult{}, err
	}
	var errs []error
	for _, u := range cert.OCSPServer {
		resp, err := f.hc.Post(u, "application/ocsp-request", bytes.NewReader(req))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		b, err := readLimited(resp.Body, maxFetched)
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
		out, err := f.ocspAnswer(r)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", u, err))
			continue
		}
		if !r.NextUpdate.IsZero() {
			f.cacheWrite(p, b)
		}
		out.URL = u
		return out, nil
	}
	return revocationResult{}, errors.Join(errs...)
}

func (f *fetcher) crlStatus(cert, issuer *x509.Certificate) (revocationResult, error) {
	if len(cert.CRLDistributionPoints) == 0 {
		return revocationResult{}, errors.New("the certificate names no CRL")
	}
	var errs []error
	for _, u := range cert.CRLDistributionPoints {
		b, err := f.get(u, maxCRL)
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
		if !crl.NextUpdate.IsZero() && f.now.After(crl.NextUpdate) {
			errs = append(errs, fmt.Errorf("%s: CRL out of date (nextUpdate %s)", u, crl.NextUpdate.Format(time.RFC3339)))
			continue
		}
		out := revocationResult{Status: revGood, Source: "crl", URL: u}
		for _, e := range crl.RevokedCertificateEntries {
			if e.SerialNumber.Cmp(cert.SerialNumber) == 0 {
				t := e.RevocationTime
				out.Status, out.RevokedAt, out.Reason = revRevoked, &t, reasonNames[e.ReasonCode]
				break
			}
		}
		return out, nil
	}
	return revocationResult{}, errors.Join(errs...)
}

// cacheDir is $CERTCTL_CACHE_DIR, else the user's cache folder + certctl.
func (c *cli) cacheDir() string {
	if v := c.env("CERTCTL_CACHE_DIR"); v != "" {
		return v
	}
	switch {
	case c.goos == "windows" && c.env("LOCALAPPDATA") != "":
		return filepath.Join(c.env("LOCALAPPDATA"), "certctl")
	case c.goos == "darwin" && c.env("HOME") != "":
		return filepath.Join(c.env("HOME"), "Library", "Caches", "certctl")
	case c.env("XDG_CACHE_HOME") != "":
		return filepath.Join(c.env("XDG_CACHE_HOME"), "certctl")
	case c.env("HOME") != "":
		return filepath.Join(c.env("HOME"), ".cache", "certctl")
	}
	return ""
}
