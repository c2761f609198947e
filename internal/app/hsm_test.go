package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/app"
	"github.com/certcenter/certcenter/internal/config"
	"github.com/certcenter/certcenter/internal/testenv"
)

// TestKeysInSoftHSM: the whole authority with its keys in a PKCS#11 token: bootstrap
// generates them there, issuance signs there, a restart finds them again.
func TestKeysInSoftHSM(t *testing.T) {
	hsm := testenv.NewSoftHSM(t)
	t.Setenv("TEST_HSM_PIN", hsm.PIN)
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Keys = config.Keys{Source: "pkcs11", PKCS11: config.PKCS11{Module: hsm.Module, TokenLabel: hsm.TokenLabel, PIN: "env:TEST_HSM_PIN"}}
	srv := httptest.NewUnstartedServer(nil)
	cfg.BaseURL = "http://" + srv.Listener.Addr().String()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	a, err := app.Open(context.Background(), cfg, app.Options{Out: &out, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("open with SoftHSM2 keys: %v", err)
	}
	if !strings.Contains(out.String(), "pkcs11:certcenter-") {
		t.Errorf("bootstrap output does not show token keys:\n%s", out.String())
	}
	srv.Config.Handler = a.API
	srv.Start()
	defer srv.Close()
	e := &env{t: t, app: a, srv: srv, cfg: cfg, client: srv.Client(), clock: newClock(time.Now()), keys: map[string]string{}}
	en := enrollDirect(t, a, "901")
	st, m, got := e.issue(en, csrPEM(t, subscriberKey(t)), "")
	if st != 201 {
		t.Fatalf("issue with an HSM key = %d %v", st, m)
	}
	verifyChain(t, got)
	a.Close()

	// Restart: the keys are found in the token by their labels.
	a2, err := app.Open(context.Background(), cfg, app.Options{})
	if err != nil {
		t.Fatalf("reopen with SoftHSM2 keys: %v", err)
	}
	defer a2.Close()
	if string(a2.CA.RootDER()) != string(a.CA.RootDER()) {
		t.Error("the root changed on restart")
	}
}
