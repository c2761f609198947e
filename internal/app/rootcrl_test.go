package app_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"io"
	"strings"
	"testing"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/testenv"
)

// TestRootCRLAndFullChainCheck: the root publishes its authority revocation list at the
// distribution point in the issuing CA's certificate, so that openssl can check the whole
// chain (-crl_check_all): a good certificate passes, a revoked one fails.
func TestRootCRLAndFullChainCheck(t *testing.T) {
	r := newRevEnv(t, "sqlite", nil)
	issuing, _ := x509.ParseCertificate(r.app.CA.IssuingDER())
	if len(issuing.CRLDistributionPoints) != 1 || !strings.HasSuffix(issuing.CRLDistributionPoints[0], "/crl/root/p0.crl") {
		t.Fatalf("issuing CA's CRL DP = %v", issuing.CRLDistributionPoints)
	}
	resp, err := r.client.Get(issuing.CRLDistributionPoints[0])
	if err != nil {
		t.Fatal(err)
	}
	der, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET root CRL = %d %s", resp.StatusCode, der)
	}
	arl, err := x509.ParseRevocationList(der)
	if err != nil {
		t.Fatal(err)
	}
	root, _ := x509.ParseCertificate(r.app.CA.RootDER())
	if err := arl.CheckSignatureFrom(root); err != nil || len(arl.RevokedCertificateEntries) != 0 {
		t.Errorf("root CRL: signature %v, %d entries", err, len(arl.RevokedCertificateEntries))
	}
	rootCRL := r.write("root-crl.pem", string(pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der})))
	out := string(testenv.RunOpenSSL(t, "crl", "-in", rootCRL, "-noout", "-text", "-CAfile", r.rootPEM))
	if !strings.Contains(out, "verify OK") {
		t.Errorf("openssl crl on the root CRL:\n%s", out)
	}

	good, goodPEM := r.issueLeaf("good")
	bad, badPEM := r.issueLeaf("bad")
	if _, err := r.app.CA.Revoke(context.Background(), bad.Serial, model.ReasonKeyCompromise, nil, "test", "901"); err != nil {
		t.Fatal(err)
	}
	check := func(c model.Certificate, leaf string) (string, error) {
		_, part := r.fetchCRL(c.Partition)
		return runOpenSSL("verify", "-crl_check_all", "-CAfile", r.rootPEM, "-untrusted", r.caPEM, "-CRLfile", rootCRL, "-CRLfile", part, leaf)
	}
	if out, err := check(good, goodPEM); err != nil || !strings.Contains(out, "OK") {
		t.Errorf("openssl verify -crl_check_all of a good certificate = %v:\n%s", err, out)
	}
	waitFor(t, "the revoked certificate on its partition's CRL", 5e9, func() bool {
		crl, _ := r.fetchCRL(bad.Partition)
		return onCRL(crl, bad.Serial) != nil
	})
	if out, err := check(bad, badPEM); err == nil || !strings.Contains(out, "certificate revoked") {
		t.Errorf("openssl verify -crl_check_all of a revoked certificate = %v:\n%s", err, out)
	}
}
