package issuance

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"testing"
	"time"

	zx509 "github.com/zmap/zcrypto/x509"

	"github.com/certcenter/certcenter/internal/testenv"
)

// rawTemplate is the subscriber profile expressed as an x509.Certificate template, for
// the ceiling: one x509.CreateCertificate with the CA key and nothing else.
func rawTemplate(b *testing.B, p *testPKI) *x509.Certificate {
	b.Helper()
	req := honggildong(b)
	prep, err := p.issuer.Prepare(req)
	if err != nil {
		b.Fatal(err)
	}
	der, err := p.issuer.Sign(prep)
	if err != nil {
		b.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		b.Fatal(err)
	}
	var extra []pkix.Extension
	for _, e := range c.Extensions {
		if e.Id.Equal(oidExtCertPolicies) || e.Id.Equal(oidExtSubjectAltName) {
			extra = append(extra, e)
		}
	}
	return &x509.Certificate{
		SerialNumber:          c.SerialNumber,
		RawSubject:            c.RawSubject,
		NotBefore:             c.NotBefore,
		NotAfter:              c.NotAfter,
		KeyUsage:              c.KeyUsage,
		SubjectKeyId:          c.SubjectKeyId,
		ExtraExtensions:       extra,
		CRLDistributionPoints: c.CRLDistributionPoints,
		OCSPServer:            c.OCSPServer,
		IssuingCertificateURL: c.IssuingCertificateURL,
		PublicKey:             c.PublicKey,
	}
}

// benchPKI is a test PKI whose issuer holds the bare CA key (no counting wrapper).
func benchPKI(b *testing.B) *testPKI {
	p := newTestPKI(b)
	iss, err := New(Config{ID: "issuing", Cert: p.ca, Signer: p.caKey.Signer, Profile: testProfile(), Linter: testLinter(b)})
	if err != nil {
		b.Fatal(err)
	}
	p.issuer = iss
	return p
}

func BenchmarkRawCreateCertificate(b *testing.B) {
	p := benchPKI(b)
	tmpl := rawTemplate(b, p)
	b.ResetTimer()
	for b.Loop() {
		if _, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, tmpl.PublicKey, p.caKey.Signer); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRawCreateCertificateParallel(b *testing.B) {
	p := benchPKI(b)
	tmpl := rawTemplate(b, p)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, tmpl.PublicKey, p.caKey.Signer); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// benchIssuerStep times step on the bench PKI's issuer with Hong Gildong's request.
func benchIssuerStep(b *testing.B, step func(*Issuer, Request) error) {
	p := benchPKI(b)
	req := honggildong(b)
	b.ResetTimer()
	for b.Loop() {
		if err := step(p.issuer, req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIssue(b *testing.B) {
	benchIssuerStep(b, func(i *Issuer, req Request) error { _, err := i.Issue(req); return err })
}

func BenchmarkIssueParallel(b *testing.B) {
	p := benchPKI(b)
	req := honggildong(b)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := p.issuer.Issue(req); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkPrepare is everything but the signature: template, TBS encoding, lint copy,
// zcrypto parse, zlint and the Korean lints.
func BenchmarkPrepare(b *testing.B) {
	benchIssuerStep(b, func(i *Issuer, req Request) error { _, err := i.Prepare(req); return err })
}

// BenchmarkDraft is the TBSCertificate alone: checks, names, SPKI, extensions, DER.
func BenchmarkDraft(b *testing.B) {
	benchIssuerStep(b, func(i *Issuer, req Request) error { _, err := i.Draft(req); return err })
}

// BenchmarkLint is the lint cost alone per certificate: zlint RFC 5280 set plus the
// Korean lints on an already parsed lint copy.
func BenchmarkLint(b *testing.B) {
	p := benchPKI(b)
	prep, err := p.issuer.Prepare(honggildong(b))
	if err != nil {
		b.Fatal(err)
	}
	c, err := zx509.ParseCertificate(lintCopy(prep.tbs, p.issuer.door.alg))
	if err != nil {
		b.Fatal(err)
	}
	l, prof := testLinter(b), p.issuer.profile
	b.ResetTimer()
	for b.Loop() {
		if fs := append(l.runSubscriber(c), runKoreanLints(c, &prof, nil)...); len(fs) != 0 {
			b.Fatal(fs)
		}
	}
}

// BenchmarkIssueVsRaw alternates one raw CreateCertificate and one Issue per iteration,
// so both see the same machine load, and reports the throughput ratio (goal >= 0.85).
// Wall time only: a per-thread CPU ratio would miss the garbage collector's work, which
// Issue's extra allocations cause on the other core.
func BenchmarkIssueVsRaw(b *testing.B) {
	p := benchPKI(b)
	tmpl := rawTemplate(b, p)
	req := honggildong(b)
	var raw, issue time.Duration
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		if _, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, tmpl.PublicKey, p.caKey.Signer); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := p.issuer.Issue(req); err != nil {
			b.Fatal(err)
		}
		raw += t1.Sub(t0)
		issue += time.Since(t1)
	}
	n := float64(b.N)
	b.ReportMetric(n/raw.Seconds(), "raw-ops/s")
	b.ReportMetric(n/issue.Seconds(), "issue-ops/s")
	b.ReportMetric(raw.Seconds()/issue.Seconds(), "ratio")
}

// BenchmarkIssueVsRawParallel is BenchmarkIssueVsRaw on every core: rounds of raw
// CreateCertificate calls and of Issue calls in turn, each round spread over
// GOMAXPROCS goroutines. Its ratio bounds what issuance through any store and transport
// can reach against the many-core ceiling on this machine: the HTTP path adds a
// database, HTTP and the client's work to this pipeline, on the same cores.
func BenchmarkIssueVsRawParallel(b *testing.B) {
	p := benchPKI(b)
	tmpl := rawTemplate(b, p)
	req := honggildong(b)
	round := func(n int, op func() error) time.Duration {
		d, err := testenv.Spread(n, op)
		if err != nil {
			b.Fatal(err)
		}
		return d
	}
	rawOp := func() error {
		_, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, tmpl.PublicKey, p.caKey.Signer)
		return err
	}
	issueOp := func() error { _, err := p.issuer.Issue(req); return err }
	const rounds = 10
	var raw, issue time.Duration
	b.ResetTimer()
	for r := range rounds {
		n := b.N*(r+1)/rounds - b.N*r/rounds
		raw += round(n, rawOp)
		issue += round(n, issueOp)
	}
	n := float64(b.N)
	b.ReportMetric(n/raw.Seconds(), "raw-ops/s")
	b.ReportMetric(n/issue.Seconds(), "issue-ops/s")
	b.ReportMetric(raw.Seconds()/issue.Seconds(), "ratio")
}
