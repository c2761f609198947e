package app_test

import (
	"net/http"
	"testing"

	"github.com/certcenter/certcenter/internal/config"
	"github.com/certcenter/certcenter/internal/kek"
	"github.com/certcenter/certcenter/internal/testenv"
)

// TestFinCertKEKInSoftHSM: with keys in a PKCS#11 token, the cloud keys are wrapped
// under an AES key inside the token and the PIN pepper is an HMAC key there: issuance
// and signing work, the stored key opens with the token's KEK, and the file key
// source (what a thief with the server's files could derive) does not open it.
func TestFinCertKEKInSoftHSM(t *testing.T) {
	hsm := testenv.NewSoftHSM(t)
	t.Setenv("TEST_HSM_PIN", hsm.PIN)
	e := newEnvWith(t, "sqlite", func(c *config.Config) {
		c.Keys = config.Keys{Source: "pkcs11", PKCS11: config.PKCS11{Module: hsm.Module, TokenLabel: hsm.TokenLabel, PIN: "env:TEST_HSM_PIN"}}
	})
	cust := e.customer("901", finName, finIDN)
	b := newBrowser(e)
	if st, m, _ := e.issueFinCert(b, e.fincertEnrollment("901", cust.ID), finPIN, false); st != http.StatusCreated {
		t.Fatalf("issue = %d %v", st, m)
	}
	_, _, id := e.signRequest("902", loginRequest("PKCS1"))
	if st, m, _ := b.complete(id, finPIN); st != http.StatusOK {
		t.Fatalf("sign = %d %v", st, m)
	}
	var lineID string
	var wrapped []byte
	if err := e.app.Store.SQL().QueryRow(`SELECT id, wrapped_key FROM fincert_lines`).Scan(&lineID, &wrapped); err != nil {
		t.Fatal(err)
	}
	tok, err := kek.OpenPKCS11(kek.PKCS11Config{Module: hsm.Module, TokenLabel: hsm.TokenLabel, PIN: hsm.PIN})
	if err != nil {
		t.Fatal(err)
	}
	defer tok.Close()
	if _, err := tok.Unwrap(wrapped, []byte("fincert-key\x00"+lineID)); err != nil {
		t.Errorf("the token's KEK does not open the stored key: %v", err)
	}
	file, _ := kek.NewFile([]byte(hsm.PIN + " and anything else a thief may try"))
	if _, err := file.Unwrap(wrapped, []byte("fincert-key\x00"+lineID)); err == nil {
		t.Error("a file KEK opened a key wrapped in the token")
	}
}
