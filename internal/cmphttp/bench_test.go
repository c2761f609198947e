package cmphttp_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certcenter/certcenter/cmp"
	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/center"
)

// BenchmarkCMPIssue measures, in one run on SQLite: the raw signing ceiling
// (x509.CreateCertificate with an RSA-2048 CA key, parallel, no database), issuance
// through the foundation's HTTP API (POST /api/v1/certificates) with parallel clients,
// and full CMP transactions (ir → ip → certConf → pkiconf, PBM-protected) with parallel
// clients. Each figure is reported per second and as a ratio of the ceiling
// (x-ceiling); the CMP figure also as a ratio of the HTTP one (x-http).
//
//	go test -run '^$' -bench BenchmarkCMPIssue -benchtime 300x ./internal/cmphttp
func BenchmarkCMPIssue(b *testing.B) {
	var rawPar, httpPar float64 // ns/op
	leaf := testKey(b, 0)
	caKey := testKey(b, 1)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ceiling CA"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign, SubjectKeyId: []byte{1, 2, 3, 4}}
	caDER, _ := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	caCert, _ := x509.ParseCertificate(caDER)
	b.Run("raw-ceiling-parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				t := &x509.Certificate{SerialNumber: new(big.Int).SetBytes(ca.NewSerial()), Subject: pkix.Name{CommonName: "홍길동()0901041202611260000001"},
					NotBefore: time.Now(), NotAfter: time.Now().AddDate(1, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}
				if _, err := x509.CreateCertificate(rand.Reader, t, caCert, leaf.Public(), caKey); err != nil {
					b.Fatal(err)
				}
			}
		})
		rawPar = perOp(b)
		report(b, rawPar, rawPar, 0)
	})

	e := newEnv(b)
	enrollN := func(b *testing.B) [][2]string {
		out := make([][2]string, b.N)
		for i := range out {
			en, err := e.app.Center.Enroll(context.Background(), center.EnrollRequest{Institution: "901", Name: testName, IDN: testIDN, Actor: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			out[i] = [2]string{en.Reference, en.AuthCode}
		}
		return out
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

	b.Run("http-parallel", func(b *testing.B) {
		ens := enrollN(b)
		csrDER, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "x"}}, leaf)
		if err != nil {
			b.Fatal(err)
		}
		csr := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csrDER}))
		var next atomic.Int64
		b.SetParallelism(4)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				en := ens[next.Add(1)-1]
				body, _ := json.Marshal(map[string]string{"reference": en[0], "authCode": en[1], "csr": csr})
				resp, err := client.Post(e.srv.URL+"/api/v1/certificates", "application/json", bytes.NewReader(body))
				if err != nil {
					b.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					b.Errorf("POST /api/v1/certificates = %d", resp.StatusCode)
					return
				}
			}
		})
		httpPar = perOp(b)
		report(b, httpPar, rawPar, 0)
	})

	b.Run("cmp-parallel", func(b *testing.B) {
		ens := enrollN(b)
		// The POP covers only the template: one signed request serves every transaction,
		// so the client's cost is the MACs, as for a client that keeps its key ready.
		var m cmp.CertReqMsg
		if err := m.SignPOP(leaf, rand.Reader); err != nil {
			b.Fatal(err)
		}
		var next atomic.Int64
		b.SetParallelism(4)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				en := ens[next.Add(1)-1]
				if err := cmpTransaction(b, e, client, m, en[0], en[1]); err != nil {
					b.Error(err)
					return
				}
			}
		})
		report(b, perOp(b), rawPar, httpPar)
	})
}

// cmpTransaction runs ir → ip → certConf → pkiconf.
func cmpTransaction(b *testing.B, e *env, client *http.Client, m cmp.CertReqMsg, ref, code string) error {
	body, _ := cmp.CertReqBody(cmp.BodyIR, m)
	req, err := cmp.NewRequest(body, cmp.RequestOptions{ReplyOptions: cmp.ReplyOptions{SenderKID: []byte(ref), Time: time.Now(), Rand: rand.Reader}})
	if err != nil {
		return err
	}
	p, _ := cmp.NewPBMParameter(rand.Reader, crypto.SHA256, crypto.SHA256, 500)
	der, err := req.ProtectPBM([]byte(code), p)
	if err != nil {
		return err
	}
	rsp := e.post(b, client, der)
	if err := rsp.VerifyPBM([]byte(code)); err != nil {
		return err
	}
	cert := issued(b, rsp)
	cs, err := cmp.ConfirmCert(0, cert)
	if err != nil {
		return err
	}
	conf, err := cmp.NewReply(rsp, cmp.CertConfBody(cs), cmp.ReplyOptions{SenderKID: []byte(ref), Time: time.Now(), Rand: rand.Reader})
	if err != nil {
		return err
	}
	p2, _ := p.WithNewSalt(rand.Reader)
	if der, err = conf.ProtectPBM([]byte(code), p2); err != nil {
		return err
	}
	if pc := e.post(b, client, der); pc.Body.Type != cmp.BodyPKIConf {
		b.Fatalf("certConf answer %s", errorText(pc))
	}
	return nil
}

func perOp(b *testing.B) float64 { return float64(b.Elapsed().Nanoseconds()) / float64(b.N) }

func report(b *testing.B, ns, ceiling, httpNs float64) {
	b.ReportMetric(1e9/ns, "ops/s")
	if ceiling > 0 {
		b.ReportMetric(ceiling/ns, "x-ceiling")
	}
	if httpNs > 0 {
		b.ReportMetric(httpNs/ns, "x-http")
	}
}
