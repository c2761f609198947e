package cmphttp_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/certcenter/certcenter/cmp"
	"github.com/certcenter/certcenter/internal/cmphttp"
)

// A minimal CMP client on package cmp, for the unit tests and the benchmark.

// post sends der to /pkix/ and parses the answer, which must be an HTTP 200 PKIMessage.
func (e *env) post(t testing.TB, client *http.Client, der []byte) *cmp.Message {
	t.Helper()
	resp, err := client.Post(e.srv.URL+"/pkix/", cmphttp.ContentType, bytes.NewReader(der))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != cmphttp.ContentType {
		t.Fatalf("POST /pkix/ = %d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	m, err := cmp.Parse(body)
	if err != nil {
		t.Fatalf("answer does not parse: %v", err)
	}
	return m
}

type irOptions struct {
	body     cmp.BodyType // default ir
	r        []byte       // regInfo randomNum
	implicit bool
	pvno     int
}

// certReq builds an ir/cr protected with ref and code (PBM, SHA-256, 500 iterations).
func certReq(t testing.TB, ref, code string, key crypto.Signer, o irOptions) *cmp.Message {
	t.Helper()
	if o.body == 0 {
		o.body = cmp.BodyIR
	}
	var m cmp.CertReqMsg
	if o.r != nil {
		m.RegInfo = []cmp.AttributeTypeAndValue{cmp.RandomNumAttribute(o.r)}
	}
	if err := m.SignPOP(key, rand.Reader); err != nil {
		t.Fatal(err)
	}
	body, err := cmp.CertReqBody(o.body, m)
	if err != nil {
		t.Fatal(err)
	}
	req, err := cmp.NewRequest(body, cmp.RequestOptions{PVNO: o.pvno, ReplyOptions: cmp.ReplyOptions{
		SenderKID: []byte(ref), Time: time.Now(), Rand: rand.Reader, ImplicitConfirm: o.implicit}})
	if err != nil {
		t.Fatal(err)
	}
	pbm(t, req, code)
	return req
}

func pbm(t testing.TB, m *cmp.Message, code string) []byte {
	t.Helper()
	p, err := cmp.NewPBMParameter(rand.Reader, crypto.SHA256, crypto.SHA256, 500)
	if err != nil {
		t.Fatal(err)
	}
	der, err := m.ProtectPBM([]byte(code), p)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// issued returns the certificate of an ip/cp/kup, failing on anything else.
func issued(t testing.TB, rsp *cmp.Message) *x509.Certificate {
	t.Helper()
	if rsp.Body.CertRep == nil || len(rsp.Body.CertRep.Responses) != 1 || rsp.Body.CertRep.Responses[0].Certificate == nil {
		t.Fatalf("answer is %v, not a certificate: %+v", rsp.Body.Type, errorText(rsp))
	}
	return rsp.Body.CertRep.Responses[0].Certificate
}

func errorText(m *cmp.Message) string {
	if m.Body.Error != nil {
		return m.Body.Error.Status.String()
	}
	return m.Body.Type.String()
}

// certConf confirms cert, answering rsp, protected with code (PBM).
func certConf(t testing.TB, rsp *cmp.Message, ref, code string, cert *x509.Certificate) []byte {
	t.Helper()
	cs, err := cmp.ConfirmCert(0, cert)
	if err != nil {
		t.Fatal(err)
	}
	conf, err := cmp.NewReply(rsp, cmp.CertConfBody(cs), cmp.ReplyOptions{SenderKID: []byte(ref), Time: time.Now(), Rand: rand.Reader})
	if err != nil {
		t.Fatal(err)
	}
	return pbm(t, conf, code)
}
