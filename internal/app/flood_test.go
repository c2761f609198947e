package app_test

import (
	"bytes"
	"crypto/ecdh"
	"crypto/rand"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/config"
	"github.com/certcenter/certcenter/internal/relay"
)

// TestDistributedGuessesSpareTheOwner: strangers with wrong codes from many addresses,
// each under its own limits, reach the limit all addresses share (per reference number;
// over all copy codes). Before, that refused everyone, so the chaos harness's flood from
// 200 addresses locked the owners of leaked reference numbers out for an hour and every
// copy session for a minute at a time. Now it stops the strangers who missed, and the
// owner typing the right code from an address of their own is served, even after more
// new addresses than the enrollment's lock allows wrong codes.
func TestDistributedGuessesSpareTheOwner(t *testing.T) {
	e := newEnvWith(t, "sqlite", func(c *config.Config) {
		c.Limits.ClientHeader = "X-Forwarded-For"
		c.Limits.RelayGuesses.PerTarget = config.Rate{Limit: 20, Period: time.Minute}
	})
	csr := csrPEM(t, subscriberKey(t))
	en := e.enroll("901", "홍길동", "8001011234567")
	wrong := map[string]string{"reference": en.Reference, "authCode": "WRONGWRONGWRONG2", "csr": csr}
	for i := 1; i <= 20; i++ { // enroll_guesses.per_target: 20 per hour
		if st, _, m := e.postAs(fmt.Sprintf("203.0.113.%d", i), "/api/v1/certificates", wrong); st != http.StatusForbidden {
			t.Fatalf("stranger %d = %d %v", i, st, m)
		}
	}
	if st, _, m := e.postAs("203.0.113.1", "/api/v1/certificates", wrong); st != http.StatusTooManyRequests {
		t.Errorf("a stranger again past the reference's limit = %d %v, want 429", st, m["code"])
	}
	// Past the limit, each new address still gets its one miss; those do not bring the
	// enrollment's lock (center.MaxWrongCodes) nearer, or a hundred addresses would end it.
	for i := 1; i <= center.MaxWrongCodes; i++ {
		if st, _, m := e.postAs(fmt.Sprintf("203.0.%d.%d", 114+i/250, i%250), "/api/v1/certificates", wrong); st != http.StatusForbidden {
			t.Fatalf("new stranger %d past the limit = %d %v", i, st, m)
		}
	}
	right := map[string]string{"reference": en.Reference, "authCode": en.AuthCode, "csr": csr}
	if st, _, m := e.postAs("198.51.100.20", "/api/v1/certificates", right); st != http.StatusCreated {
		t.Fatalf("the owner after the strangers' wrong codes = %d %v, want 201", st, m["code"])
	}

	// The relay: 20 strangers miss (the shared limit of this configuration), then a
	// receiver opens a session and its sender claims it.
	claimWrong := map[string]any{"code": "0000-0000-0000", "publicKey": bytes.Repeat([]byte{7}, 32)}
	for i := 1; i <= 20; i++ {
		if st, _, m := e.postAs(fmt.Sprintf("192.0.2.%d", i), "/api/v1/relay/claims", claimWrong); st != http.StatusForbidden {
			t.Fatalf("relay stranger %d = %d %v", i, st, m)
		}
	}
	if st, _, m := e.postAs("192.0.2.1", "/api/v1/relay/claims", claimWrong); st != http.StatusTooManyRequests {
		t.Errorf("a relay stranger again past the shared limit = %d %v, want 429", st, m["code"])
	}
	kR, _ := ecdh.X25519().GenerateKey(rand.Reader)
	kS, _ := ecdh.X25519().GenerateKey(rand.Reader)
	st, _, opened := e.postAs("198.51.100.30", "/api/v1/relay/sessions", map[string]any{"commitment": relay.Commitment(kR.PublicKey().Bytes())})
	if st != http.StatusCreated {
		t.Fatalf("open = %d %v", st, opened)
	}
	st, _, m := e.postAs("198.51.100.31", "/api/v1/relay/claims", map[string]any{"code": opened["code"], "publicKey": kS.PublicKey().Bytes()})
	if st != http.StatusCreated || m["id"] != opened["id"] {
		t.Fatalf("the sender's claim after 20 strangers' wrong codes = %d %v, want 201 for the session", st, m["code"])
	}
}
