package cmpclient

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/certcenter/certcenter/client"
	"github.com/certcenter/certcenter/cmp"
)

// ContentType is the media type of CMP over HTTP (RFC 6712 section 3.4).
const ContentType = "application/pkixcmp"

// PBMIterations is the PBM iteration count of requests: the server answers with the
// same count, and refuses more than cmp.MaxPBMIterations.
const PBMIterations = 10000

// ErrBadAnswer: the server's answer failed a check (transaction, nonce, protection,
// chain, body type, certificate). Nothing in it should be used.
var ErrBadAnswer = errors.New("cmpclient: the answer failed its checks")

func badAnswer(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadAnswer, fmt.Sprintf(format, args...))
}

// Client talks CMP to one certcenter server.
type Client struct {
	base    string // http(s)://host[:port][/path], no trailing slash
	hc      *http.Client
	now     func() time.Time
	rand    io.Reader
	retries int
	wait    time.Duration
}

// Retries after a network failure: a request that got no answer (the connection failed
// or broke, or a proxy answered 502, 503 or 504) is sent again, byte for byte (the same
// transaction, nonce, key and R), up to DefaultRetries more times, pausing
// DefaultRetryWait, then twice as long each time. The server answers a repeated request
// with the result of the first (the same certificate, not a second one), so a retry is
// safe; a definite answer, a refusal included, is never retried.
const (
	DefaultRetries   = 3
	DefaultRetryWait = 250 * time.Millisecond
)

// Options for New; the zero value is fine.
type Options struct {
	HTTPClient *http.Client     // nil: a client with a 60-second timeout
	Now        func() time.Time // messageTime and validity checks; nil: time.Now
	Rand       io.Reader        // nonces, salts, signatures; nil: crypto/rand.Reader
	// Retries after a network failure: 0 is DefaultRetries, negative none.
	Retries int
	// RetryWait is the first pause before a retry (doubling after); 0 is DefaultRetryWait.
	RetryWait time.Duration
}

// New returns a client of the server at baseURL (http or https); CMP is at
// baseURL + "/pkix/".
func New(baseURL string, o *Options) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("cmpclient: server URL %q: want http(s)://host[:port]", baseURL)
	}
	c := &Client{base: u.String(), hc: &http.Client{Timeout: 60 * time.Second}, now: time.Now, rand: rand.Reader,
		retries: DefaultRetries, wait: DefaultRetryWait}
	if o != nil {
		switch {
		case o.Retries < 0:
			c.retries = 0
		case o.Retries > 0:
			c.retries = o.Retries
		}
		if o.RetryWait > 0 {
			c.wait = o.RetryWait
		}
		if o.HTTPClient != nil {
			c.hc = o.HTTPClient
		}
		if o.Now != nil {
			c.now = o.Now
		}
		if o.Rand != nil {
			c.rand = o.Rand
		}
	}
	return c, nil
}

// URL is the server's base URL.
func (c *Client) URL() string { return c.base }

// post sends a DER PKIMessage and parses the answer, sending it again after a network
// failure (see DefaultRetries). An unreachable server is a *client.NetError; an HTTP
// error or an unparseable body wraps ErrBadAnswer.
func (c *Client) post(ctx context.Context, der []byte) (*cmp.Message, error) {
	wait := c.wait
	for attempt := 0; ; attempt++ {
		m, err := c.postOnce(ctx, der)
		var ne *client.NetError
		if err == nil || !errors.As(err, &ne) || attempt >= c.retries {
			return m, err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, err
		case <-t.C:
		}
		wait *= 2
	}
}

// postOnce is one HTTP exchange of post.
func (c *Client) postOnce(ctx context.Context, der []byte) (*cmp.Message, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/pkix/", bytes.NewReader(der))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", ContentType)
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &client.NetError{URL: c.base, Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, cmp.MaxMessageSize+1))
	if err != nil {
		return nil, &client.NetError{URL: c.base, Err: err}
	}
	switch resp.StatusCode {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		// A proxy in front of a server that is down, or one that is overloaded: the
		// server did not answer.
		return nil, &client.NetError{URL: c.base, Err: fmt.Errorf("HTTP %d", resp.StatusCode)}
	}
	// A rate-limit refusal (429, with Retry-After) still carries the server's PKIMessage
	// saying why (RATE_LIMITED): read it as any other refusal.
	limited := resp.StatusCode == http.StatusTooManyRequests && strings.HasPrefix(resp.Header.Get("Content-Type"), ContentType)
	if resp.StatusCode != http.StatusOK && !limited {
		text := strings.TrimSpace(string(body))
		if len(text) > 200 {
			text = text[:200]
		}
		return nil, badAnswer("HTTP %d from %s/pkix/: %s", resp.StatusCode, c.base, text)
	}
	if mt := resp.Header.Get("Content-Type"); !strings.HasPrefix(mt, ContentType) {
		return nil, badAnswer("answer of type %q, want %s (is %s a certcenter server?)", mt, ContentType, c.base)
	}
	m, err := cmp.Parse(body)
	if err != nil {
		return nil, badAnswer("%v", err)
	}
	return m, nil
}

// exchange sends req (already protected into der), checks that the answer belongs to
// the transaction and is of type want or an error, and verifies its protection with
// check. An error body becomes a *Rejection.
func (c *Client) exchange(ctx context.Context, req *cmp.Message, der []byte, want cmp.BodyType, check func(*cmp.Message) error) (*cmp.Message, error) {
	rsp, err := c.post(ctx, der)
	if err != nil {
		return nil, err
	}
	if err := cmp.CheckReply(req, rsp); err != nil {
		return nil, badAnswer("%v", err)
	}
	if rsp.Body.Type == cmp.BodyError && rsp.Body.Error != nil {
		rej := newRejection(rsp.Body.Error.Status)
		rej.Authenticated = check(rsp) == nil
		if !rej.Authenticated {
			// A refusal that does not verify against a trusted key is still reported when
			// its own chain vouches for it: it changes nothing, it only explains.
			if err := selfConsistent(rsp); err != nil {
				return nil, badAnswer("refusal with bad protection: %v", err)
			}
		}
		return nil, rej
	}
	if err := check(rsp); err != nil {
		return nil, err
	}
	if rsp.Body.Type != want {
		return nil, badAnswer("answer is %v, want %v", rsp.Body.Type, want)
	}
	return rsp, nil
}

// selfConsistent checks a signed message against the certificate it carries first.
func selfConsistent(m *cmp.Message) error {
	if m.ProtectionKind() == cmp.ProtectionSignature && len(m.ExtraCerts) > 0 {
		return m.VerifySignature(m.ExtraCerts[0].PublicKey)
	}
	return badAnswer("unprotected")
}

// Rejection is the server's refusal: an error message, or a rejected certificate or
// revocation request.
type Rejection struct {
	Status cmp.StatusInfo
	// Code is the server's stable error code (e.g. RENEWAL_WINDOW_NOT_OPEN), read from
	// the first status text "CODE: message"; "" when there is none.
	Code    string
	Message string // the English message after the code
	Hint    string // the English hint ("hint: ..." text), may be ""
	// Authenticated: the refusal's protection verified with the code or a trusted key.
	Authenticated bool
}

func (r *Rejection) Error() string {
	s := "cmpclient: the server refused"
	if r.Code != "" {
		s += ": " + r.Code
	}
	if r.Message != "" {
		s += ": " + r.Message
	} else if len(r.Status.StatusString) == 0 {
		s += ": " + r.Status.String()
	}
	return s
}

func newRejection(st cmp.StatusInfo) *Rejection {
	r := &Rejection{Status: st}
	for i, t := range st.StatusString {
		switch {
		case strings.HasPrefix(t, "hint: "):
			r.Hint = strings.TrimPrefix(t, "hint: ")
		case i == 0:
			if code, msg, ok := strings.Cut(t, ": "); ok && isCode(code) {
				r.Code, r.Message = code, msg
			} else {
				r.Message = t
			}
		}
	}
	return r
}

// isCode reports whether s looks like a certcenter error code: A-Z, 0-9 and _.
func isCode(s string) bool {
	if len(s) < 3 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// Pending is a certificate issued (ip) or renewed (kup) that the server revokes unless
// it is confirmed: store its key, then Confirm (or Reject).
type Pending struct {
	Cert *x509.Certificate
	// Chain is the issuing CA then the root, as verified.
	Chain []*x509.Certificate
	// RandomNum is the R to keep in the key file: the server's when it drew one
	// (ServerDrewR), else the one the request carried.
	RandomNum   []byte
	ServerDrewR bool
	// ConfirmBy is when the server revokes the certificate unconfirmed; zero when it
	// granted implicitConfirm (then Confirm does nothing).
	ConfirmBy time.Time
	Implicit  bool

	c         *Client
	rsp       *cmp.Message
	certReqID int64
	protect   func(*cmp.Message) ([]byte, error) // protects our certConf
	check     func(*cmp.Message) error           // verifies the server's pkiconf
	sender    cmp.GeneralName
	senderKID []byte
	done      bool
}

// Confirm sends the certConf accepting the certificate and checks the pkiconf. It may
// be called again after a network failure: the server answers a repeated certConf.
func (p *Pending) Confirm(ctx context.Context) error {
	cs, err := cmp.ConfirmCert(p.certReqID, p.Cert)
	if err != nil {
		return err
	}
	return p.conf(ctx, cs)
}

// Reject sends a certConf refusing the certificate (the server revokes it), with text
// saying why.
func (p *Pending) Reject(ctx context.Context, text string) error {
	cs, err := cmp.RejectCert(p.certReqID, p.Cert, cmp.FailSystemFailure, text)
	if err != nil {
		return err
	}
	return p.conf(ctx, cs)
}

func (p *Pending) conf(ctx context.Context, cs cmp.CertStatus) error {
	if p.Implicit || p.done {
		return nil
	}
	conf, err := cmp.NewReply(p.rsp, cmp.CertConfBody(cs), cmp.ReplyOptions{Sender: p.sender, SenderKID: p.senderKID,
		Time: p.c.now(), Rand: p.c.rand})
	if err != nil {
		return err
	}
	der, err := p.protect(conf)
	if err != nil {
		return err
	}
	if _, err := p.c.exchange(ctx, conf, der, cmp.BodyPKIConf, p.check); err != nil {
		return err
	}
	p.done = true
	return nil
}

// certResponse returns the one certificate of an ip/kup, or the rejection it carries.
func certResponse(rsp *cmp.Message, certReqID int64, pub crypto.PublicKey) (*x509.Certificate, error) {
	rep := rsp.Body.CertRep
	if rep == nil || len(rep.Responses) != 1 {
		return nil, badAnswer("%v without exactly one response", rsp.Body.Type)
	}
	r := rep.Responses[0]
	if r.CertReqID != certReqID {
		return nil, badAnswer("certReqId %d, want %d", r.CertReqID, certReqID)
	}
	if r.Status.Status != cmp.StatusAccepted && r.Status.Status != cmp.StatusGrantedWithMods {
		rej := newRejection(r.Status)
		rej.Authenticated = true
		return nil, rej
	}
	if r.Certificate == nil {
		return nil, badAnswer("accepted without a certificate")
	}
	if k, ok := r.Certificate.PublicKey.(interface{ Equal(crypto.PublicKey) bool }); !ok || !k.Equal(pub) {
		return nil, badAnswer("the certificate is for another public key than the one sent")
	}
	return r.Certificate, nil
}

// randomNum picks the R to keep: the server's, when its answer carries one.
func randomNum(rsp *cmp.Message, sent []byte) (r []byte, server bool, err error) {
	got, found, err := rsp.Header.RandomNum()
	if err != nil {
		return nil, false, badAnswer("generalInfo randomNum: %v", err)
	}
	if found {
		return got, true, nil
	}
	return sent, false, nil
}
