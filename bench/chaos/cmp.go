package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/certcenter/certcenter/client"
	"github.com/certcenter/certcenter/client/cmpclient"
)

// CMP issuance and renewal use client/cmpclient, the library certctl issues and renews
// with: the same messages, the same resending of a request whose answer was lost (the
// same bytes, DefaultRetries times), the same certConf. What the harness adds is what a
// user does when certctl gives up: run it again, which sends a new request (a new
// transaction) for the same key and R.

// loseFirst is a transport whose first request gets a client timeout of a few ms: its
// answer is lost, maybe after the server committed. Later requests go through.
type loseFirst struct {
	base http.RoundTripper
	d    time.Duration
	used atomic.Bool
	lost atomic.Bool // the first answer was lost
}

func (l *loseFirst) RoundTrip(req *http.Request) (*http.Response, error) {
	if l.used.Swap(true) {
		return l.base.RoundTrip(req)
	}
	ctx, cancel := context.WithTimeout(req.Context(), l.d)
	defer cancel()
	resp, err := l.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		l.lost.Store(true)
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		l.lost.Store(true)
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, nil
}

// cmpClient is a CMP client of a random node; inject makes its first request's answer
// lost (lostFirst says whether it was).
func (h *harness) cmpClient(inject bool) (c *cmpclient.Client, lostFirst func() bool) {
	var rt http.RoundTripper = httpc.Transport
	lostFirst = func() bool { return false }
	if inject {
		lf := &loseFirst{base: httpc.Transport, d: time.Duration(5+mrand.IntN(60)) * time.Millisecond}
		rt, lostFirst = lf, lf.lost.Load
	}
	c, err := cmpclient.New(h.randomNode().url(), &cmpclient.Options{
		HTTPClient: &http.Client{Timeout: 10 * time.Second, Transport: rt}, RetryWait: 200 * time.Millisecond})
	if err != nil {
		panic(err)
	}
	return c, lostFirst
}

// cmpCause names why a CMP exchange failed, and whether sending again may help: a
// network failure (cmpclient already resent it), a refusal saying to wait (503
// SERVICE_UNAVAILABLE, ENROLLMENT_BUSY, 429 RATE_LIMITED: counted as refused), or one
// that is final.
func (h *harness) cmpCause(what string, err error) (string, bool) {
	var ne *client.NetError
	var rej *cmpclient.Rejection
	switch {
	case errors.As(err, &ne):
		return what + ": " + classify(ne.Err, 0, nil), true
	case errors.As(err, &rej):
		if rej.Code == "RATE_LIMITED" {
			h.refusedLegit("CMP " + what)
		}
		switch rej.Code {
		case "SERVICE_UNAVAILABLE", "ENROLLMENT_BUSY", "RATE_LIMITED":
			return what + ": refused " + rej.Code, true
		}
		return what + ": refused " + rej.Code, false
	case errors.Is(err, cmpclient.ErrBadAnswer) && strings.Contains(err.Error(), "HTTP 5"):
		return what + ": " + firstLine(err.Error()), true
	}
	return what + ": " + firstLine(err.Error()), false
}

func firstLine(s string) string {
	if i := strings.IndexAny(s, "\n"); i >= 0 {
		s = s[:i]
	}
	if len(s) > 120 {
		s = s[:120]
	}
	return s
}

// confirm sends the certConf, again after a network failure (the server answers a
// repeated certConf), for up to give-up.
func (h *harness) confirm(ctx context.Context, p *cmpclient.Pending, what string) error {
	start := time.Now()
	for {
		err := p.Confirm(ctx)
		if err == nil {
			return nil
		}
		cause, again := h.cmpCause(what+" certConf", err)
		h.st.fail(cause)
		if !again || time.Since(start) > h.o.maxRetries {
			return fmt.Errorf("%s", cause)
		}
		time.Sleep(time.Duration(100+mrand.IntN(200)) * time.Millisecond)
	}
}

// issueCMP issues over CMP: an ir protected with the code, then the certConf. After a
// lost answer cmpclient resends the ir; when it gives up, a new ir for the same key and
// R follows (certctl run again). Some clients also lose the ip after it arrived: they
// never send the certConf and send the ir again (RFC 4210 section 5.3.18), which must
// answer the same certificate; that one is then confirmed.
func (h *harness) issueCMP(ctx context.Context, inst, ref, code string) *issued {
	k := <-h.keys
	r := make([]byte, 20)
	rand.Read(r)
	t0 := time.Now()
	var firstFail time.Time
	lost := false
	injected := mrand.IntN(100) < h.o.lostPct
	for attempt := 0; ; attempt++ {
		cl, lostFirst := h.cmpClient(attempt == 0 && injected)
		p, err := cl.Enroll(ctx, cmpclient.EnrollRequest{Reference: ref, Code: code, Key: k, RandomNum: r})
		h.noteLost("cmp", lostFirst(), &lost)
		if err == nil && attempt == 0 && mrand.IntN(100) < h.o.lostPct {
			// The ip arrived but the device lost it before storing the key: no certConf;
			// the ir again.
			cl2, _ := h.cmpClient(false)
			again, err2 := cl2.Enroll(ctx, cmpclient.EnrollRequest{Reference: ref, Code: code, Key: k, RandomNum: r})
			h.st.mu.Lock()
			h.st.reIR++
			if err2 == nil && again.Cert.Equal(p.Cert) {
				h.st.reIRSame++
			}
			h.st.mu.Unlock()
			if err2 != nil {
				cause, _ := h.cmpCause("cmp ir again", err2)
				h.st.fail(cause)
			} else {
				p = again
			}
		}
		if err == nil {
			if err := h.confirm(ctx, p, "cmp"); err != nil {
				h.giveUp(ref, err.Error())
				h.st.op("cmp issuance", t0, false)
				return nil
			}
			now := time.Now()
			c := &issued{ref: ref, inst: inst, serial: fmt.Sprintf("%x", p.Cert.SerialNumber), der: p.Cert.Raw, via: "cmp"}
			h.st.mu.Lock()
			h.st.issued = append(h.st.issued, c)
			h.st.lat = append(h.st.lat, sample{now, now.Sub(t0), injected})
			h.st.ops = append(h.st.ops, op{"cmp issuance", t0, now, true})
			if lost {
				h.st.lostRecovered["cmp"]++
			}
			kk := 0
			if injected {
				kk = 1
			}
			if !firstFail.IsZero() && now.Sub(firstFail) > h.st.longestUnusable[kk] {
				h.st.longestUnusable[kk] = now.Sub(firstFail)
			}
			h.st.mu.Unlock()
			return c
		}
		cause, again := h.cmpCause("cmp ir", err)
		if attempt == 0 && injected && strings.Contains(cause, "network") {
			cause = "cmp ir: injected lost answer (client timeout of 5-65 ms)"
		}
		h.st.fail(cause)
		if !again {
			logf("CMP issuance of %s refused: %s", ref, cause)
			h.giveUp(ref, cause)
			h.st.op("cmp issuance", t0, false)
			return nil
		}
		h.noteLost("cmp", strings.Contains(cause, "network"), &lost)
		if firstFail.IsZero() {
			firstFail = time.Now()
		}
		if time.Since(firstFail) > h.o.maxRetries {
			h.giveUp(ref, "retried "+h.o.maxRetries.String()+": "+cause)
			h.st.op("cmp issuance", t0, false)
			return nil
		}
		time.Sleep(time.Duration(100+mrand.IntN(200)) * time.Millisecond)
	}
}

// noteLost counts an operation's first lost answer.
func (h *harness) noteLost(kind string, now bool, lost *bool) {
	if !now || *lost {
		return
	}
	*lost = true
	h.st.mu.Lock()
	h.st.lost[kind]++
	h.st.mu.Unlock()
}

func (h *harness) giveUp(what, why string) {
	h.st.mu.Lock()
	h.st.gaveUp = append(h.st.gaveUp, what+" ("+why+")")
	h.st.mu.Unlock()
}

// renew renews old (issued short, so inside its renewal window) as certctl renew does:
// cmpclient.Renew, a kur signed with the current key naming the current certificate,
// then the certConf. After a lost answer cmpclient resends the kur; when it gives up, a
// new kur for the same new key and R follows (certctl run again), which must get the
// same certificate (issue 17: every lost answer recoverable by retry).
func (h *harness) renew(ctx context.Context, old *issued, oldKey *rsa.PrivateKey) *issued {
	oldCert, err := x509.ParseCertificate(old.der)
	if err != nil {
		h.st.fail("renewal: the certificate to renew does not parse")
		return old
	}
	k := <-h.keys
	r := make([]byte, 20)
	rand.Read(r)
	t0 := time.Now()
	var firstFail time.Time
	lost := false
	injected := mrand.IntN(100) < h.o.lostPct
	for attempt := 0; ; attempt++ {
		cl, lostFirst := h.cmpClient(attempt == 0 && injected)
		p, err := cl.Renew(ctx, cmpclient.RenewRequest{Cert: oldCert, Key: oldKey, NewKey: k, RandomNum: r})
		h.noteLost("renewal", lostFirst(), &lost)
		if err == nil {
			if err := h.confirm(ctx, p, "renewal"); err != nil {
				h.giveUp(old.serial+" renewal", err.Error())
				h.st.op("renewal", t0, false)
				return nil
			}
			now := time.Now()
			c := &issued{ref: old.ref, inst: old.inst, serial: fmt.Sprintf("%x", p.Cert.SerialNumber), der: p.Cert.Raw,
				via: "renewal", replaces: old.serial}
			h.st.mu.Lock()
			h.st.issued = append(h.st.issued, c)
			h.st.ops = append(h.st.ops, op{"renewal", t0, now, true})
			if lost {
				h.st.lostRecovered["renewal"]++
			}
			h.st.mu.Unlock()
			return c
		}
		cause, again := h.cmpCause("renewal kur", err)
		if attempt == 0 && injected && strings.Contains(cause, "network") {
			cause = "renewal kur: injected lost answer (client timeout of 5-65 ms)"
		}
		h.st.fail(cause)
		h.noteLost("renewal", strings.Contains(cause, "network"), &lost)
		if !again {
			logf("renewal of %s refused: %s", old.serial, cause)
			h.giveUp(old.serial+" renewal", cause)
			h.st.op("renewal", t0, false)
			return nil
		}
		if firstFail.IsZero() {
			firstFail = time.Now()
		}
		if time.Since(firstFail) > h.o.maxRetries {
			h.giveUp(old.serial+" renewal", "retried "+h.o.maxRetries.String()+": "+cause)
			h.st.op("renewal", t0, false)
			return nil
		}
		time.Sleep(time.Duration(100+mrand.IntN(200)) * time.Millisecond)
	}
}
