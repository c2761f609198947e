package cmphttp_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certcenter/certcenter/client/cmpclient"
	"github.com/certcenter/certcenter/cmp"
	"github.com/certcenter/certcenter/internal/cmphttp"
	"github.com/certcenter/certcenter/internal/model"
)

// resendOnce is a transport that sends each request twice, byte for byte, and returns
// the second answer: the first one was lost, and the client resent the same message
// within its transaction (what cmpclient does after a network failure).
type resendOnce struct{ base http.RoundTripper }

func (r resendOnce) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	send := func() (*http.Response, error) {
		c := req.Clone(req.Context())
		c.Body = io.NopCloser(bytes.NewReader(body))
		return r.base.RoundTrip(c)
	}
	first, err := send()
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, first.Body)
	first.Body.Close()
	return send()
}

// TestRenewAgainAfterLostAnswer: a kur whose kup was lost after the renewal was stored
// gets the same certificate again, whether the client resends the kur within its
// transaction or runs again (a new transaction) with the same new key and R; its
// certConf then confirms it. Before, the resent kur was refused CMP_TRANSACTION_IN_USE
// and the new one CERT_REPLACED (the chaos harness's lost renewals): the customer had
// to wait for the unconfirmed certificate's revocation. Another key is still refused.
func TestRenewAgainAfterLostAnswer(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	client := func(rt http.RoundTripper) *cmpclient.Client {
		c, err := cmpclient.New(e.srv.URL, &cmpclient.Options{HTTPClient: &http.Client{Transport: rt}, Now: e.clock.Now, Retries: -1})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	plain := client(e.srv.Client().Transport)
	var certs []*cmpclient.Pending
	for i := 0; i < 2; i++ {
		ref, code := e.enroll()
		p, err := plain.Enroll(ctx, cmpclient.EnrollRequest{Reference: ref, Code: code, Key: testKey(t, i)})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Confirm(ctx); err != nil {
			t.Fatal(err)
		}
		certs = append(certs, p)
	}
	e.clock.Add(certs[0].Cert.NotAfter.Sub(e.clock.Now()) - 5*24*time.Hour) // inside the renewal window
	status := func(p *cmpclient.Pending) (model.CertStatus, bool) {
		rec, err := e.app.CA.Certificate(ctx, model.Serial(p.Cert.SerialNumber.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		return rec.Status, rec.ConfirmBy == nil
	}

	// The kur resent within its transaction; the server drew R (none sent).
	a := certs[0]
	p, err := client(resendOnce{e.srv.Client().Transport}).Renew(ctx, cmpclient.RenewRequest{Cert: a.Cert, Key: testKey(t, 0), NewKey: testKey(t, 2)})
	if err != nil {
		t.Fatalf("the kur resent within its transaction = %v, want the kup", err)
	}
	if err := p.Confirm(ctx); err != nil {
		t.Fatalf("certConf after the resent kur: %v", err)
	}
	if st, confirmed := status(p); st != model.StatusValid || !confirmed {
		t.Errorf("renewed certificate: %s, confirmed %v", st, confirmed)
	}
	if st, _ := status(a); st != model.StatusReplaced {
		t.Errorf("the renewed one is %s, want replaced", st)
	}

	// A new kur after a lost kup (certctl run again with the same key and R).
	b := certs[1]
	r := bytes.Repeat([]byte{5}, 20)
	req := cmpclient.RenewRequest{Cert: b.Cert, Key: testKey(t, 1), NewKey: testKey(t, 3), RandomNum: r}
	lost, err := plain.Renew(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := plain.Renew(ctx, req)
	if err != nil {
		t.Fatalf("the kur again after a lost kup = %v, want the same certificate", err)
	}
	if !again.Cert.Equal(lost.Cert) || !bytes.Equal(again.RandomNum, r) {
		t.Fatalf("the kur again got another certificate (same %v) or R %x", again.Cert.Equal(lost.Cert), again.RandomNum)
	}
	if again.ConfirmBy.IsZero() || !again.ConfirmBy.Equal(lost.ConfirmBy.Truncate(time.Second)) && !again.ConfirmBy.Equal(lost.ConfirmBy) {
		t.Errorf("confirm by %v, want the first answer's %v", again.ConfirmBy, lost.ConfirmBy)
	}
	if err := again.Confirm(ctx); err != nil {
		t.Fatalf("certConf of the kur again: %v", err)
	}
	if st, confirmed := status(again); st != model.StatusValid || !confirmed {
		t.Errorf("renewed certificate: %s, confirmed %v", st, confirmed)
	}
	// Confirmed already: the same kur is answered, and its certConf too.
	late, err := plain.Renew(ctx, req)
	if err != nil || !late.Cert.Equal(lost.Cert) {
		t.Fatalf("the kur after the confirmation = %v", err)
	}
	if err := late.Confirm(ctx); err != nil {
		t.Errorf("certConf after the confirmation: %v", err)
	}
	// Another key, or another R, is refused: the certificate was renewed.
	for name, other := range map[string]cmpclient.RenewRequest{
		"another key": {Cert: b.Cert, Key: testKey(t, 1), NewKey: testKey(t, 4), RandomNum: r},
		"another R":   {Cert: b.Cert, Key: testKey(t, 1), NewKey: testKey(t, 3), RandomNum: bytes.Repeat([]byte{6}, 20)},
	} {
		_, err := plain.Renew(ctx, other)
		var rej *cmpclient.Rejection
		if !errors.As(err, &rej) || rej.Code != "CERT_REPLACED" {
			t.Errorf("%s after the renewal = %v, want CERT_REPLACED", name, err)
		}
	}
}

// TestIRCompletesAfterTheClientLeft: an ir whose client has gone (its request's context
// is canceled) is still handled to its end: the certificate is issued with its
// transaction, so the ir again is answered at once and its certConf confirms it.
// Before, the work stopped where the client left: a claim held for its lease answered
// the client's own retry ENROLLMENT_BUSY (the chaos harness's lost CMP answers waited
// up to 5 s), or the certificate was stored without its transaction.
func TestIRCompletesAfterTheClientLeft(t *testing.T) {
	e := newEnv(t)
	ref, code := e.enroll()
	der := pbm(t, certReq(t, ref, code, testKey(t, 0), irOptions{}), code)
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest("POST", "/pkix/", bytes.NewReader(der)).WithContext(gone)
	req.Header.Set("Content-Type", cmphttp.ContentType)
	w := httptest.NewRecorder()
	e.srv.Config.Handler.ServeHTTP(w, req)
	m, err := cmp.Parse(w.Body.Bytes())
	if err != nil {
		t.Fatalf("answer to the gone client: %d %v", w.Code, err)
	}
	first := issued(t, m)
	again := e.post(t, e.srv.Client(), der)
	if !issued(t, again).Equal(first) {
		t.Fatal("the ir again got another certificate")
	}
	if pc := e.post(t, e.srv.Client(), certConf(t, again, ref, code, first)); pc.Body.Type != cmp.BodyPKIConf {
		t.Fatalf("certConf: %s", errorText(pc))
	}
}

// TestIRResentWhileServed: the same ir sent again while the first is still being
// served (cmpclient resends after a lost answer; the server finishes the first anyway)
// gets the same certificate, and whichever answer the client reads, its certConf
// confirms it. Before, the one that stored the transaction second answered INTERNAL
// (transactionID in use), which a client cannot recover from.
func TestIRResentWhileServed(t *testing.T) {
	e := newEnv(t)
	c := e.srv.Client()
	for round := 0; round < 30; round++ {
		ref, code := e.enroll()
		der := pbm(t, certReq(t, ref, code, testKey(t, 0), irOptions{}), code)
		answers := make([]*cmp.Message, 3)
		var wg sync.WaitGroup
		for i := range answers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				time.Sleep(time.Duration(i*(5+round)) * time.Millisecond)
				resp, err := c.Post(e.srv.URL+"/pkix/", cmphttp.ContentType, bytes.NewReader(der))
				if err != nil {
					return
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				answers[i], _ = cmp.Parse(body)
			}()
		}
		wg.Wait()
		// Each answer is the certificate, or ENROLLMENT_BUSY (the first still holds the
		// claim: send again), never a failure.
		var first *x509.Certificate
		var last *cmp.Message
		for i, a := range answers {
			if a != nil && a.Body.Type == cmp.BodyError && strings.HasPrefix(a.Body.Error.Status.StatusString[0], "ENROLLMENT_BUSY") {
				continue
			}
			if a == nil || a.Body.CertRep == nil {
				t.Fatalf("round %d: answer %d to the same ir = %v", round, i, describe(a))
			}
			cert := issued(t, a)
			if first != nil && !cert.Equal(first) {
				t.Fatalf("round %d: the same ir got two certificates", round)
			}
			first, last = cert, a
		}
		if last == nil {
			continue
		}
		if pc := e.post(t, c, certConf(t, last, ref, code, first)); pc.Body.Type != cmp.BodyPKIConf {
			t.Fatalf("round %d: certConf: %s", round, errorText(pc))
		}
	}
}

func describe(m *cmp.Message) string {
	if m == nil {
		return "no answer"
	}
	return errorText(m)
}
