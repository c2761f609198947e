package main

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/certcenter/certcenter/internal/apptest"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certcenter/certcenter/client/cmpclient"
	"github.com/certcenter/certcenter/cmp"
	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/revcheck"
)

// cmpServer is certcenter behind httptest with every route real: CMP at /pkix/, OCSP
// at /ocsp (internal/revocation), CRLs. certctl runs on the server's clock, so renewal
// windows are reached by moving that clock.
type cmpServer struct {
	*testServer
	dropConf atomic.Bool // answer certConf with 503, as a server gone down would
}

func newCMPServer(t testing.TB) *cmpServer {
	t.Helper()
	s := &cmpServer{testServer: &testServer{}}
	s.Server = apptest.Start(t, apptest.Options{Wrap: func(api http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/pkix") && s.dropConf.Load() {
				body, _ := io.ReadAll(r.Body)
				if m, err := cmp.Parse(body); err == nil && m.Body.Type == cmp.BodyCertConf {
					http.Error(w, "down", http.StatusServiceUnavailable)
					return
				}
				r.Body = io.NopCloser(bytes.NewReader(body))
			}
			api.ServeHTTP(w, r)
		})
	}})
	return s
}

// run runs certctl on the server's clock.
func (s *cmpServer) run(t testing.TB, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut, func(k string) string { return env[k] }, s.now)
	return result{code, out.String(), errOut.String()}
}

// enroll returns a fresh reference number and authorization code, as the bank hands out.
func (s *cmpServer) enroll(t testing.TB, name, idn string) (ref, code string) {
	t.Helper()
	en, err := s.App.Center.Enroll(context.Background(), center.EnrollRequest{Institution: "901", Name: name, IDN: idn,
		Verification: "in-person", Actor: "test"})
	if err != nil {
		t.Fatalf("Enroll: %v", err)
	}
	return en.Reference, en.AuthCode
}

// revokedCount counts the server's revoked certificates.
func (s *cmpServer) revokedCount(t testing.TB) int {
	t.Helper()
	var n int
	if err := s.App.Store.SQL().QueryRow("SELECT count(*) FROM certificates WHERE status = 'revoked'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func decodeJSON(t *testing.T, r result, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		t.Fatalf("output is not JSON (%v): %q; stderr %q", err, r.stdout, r.stderr)
	}
}

// certFolders lists the certificate folders under an NPKI root.
func certFolders(t *testing.T, root string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(root, "*", "USER", "*"))
	return m
}

type listOut struct {
	Certificates []struct {
		Serial   string    `json:"serial"`
		Folder   string    `json:"folder"`
		NotAfter time.Time `json:"not_after"`
	} `json:"certificates"`
}

// The whole life of a certificate through certctl: enrolled at the bank, issued on the
// device (key, R, CMP ir), listed, its VID checked, a signature made, renewed in its
// window (kur, new key, same password, old folder kept on request), the old one revoked
// (rr) and the earlier signature then verified as revoked by the server's real OCSP
// responder.
func TestIssueRenewRevokeVerify(t *testing.T) {
	s := newCMPServer(t)
	npkiDir, work := t.TempDir(), t.TempDir()
	env := map[string]string{"CERTCTL_NPKI_DIR": npkiDir, "CERTCTL_CACHE_DIR": filepath.Join(work, "cache")}
	pwFile := writeTemp(t, "pw", testPassword+"\n")
	ref, code := s.enroll(t, "김발급", "8001011234567")

	start := time.Now()
	r := s.run(t, env, "", "issue", "--server", s.URL, "--ref", ref, "--code", code, "--new-password-file", pwFile, "--json")
	t.Logf("issue round trip (RSA-2048 key, ir/ip, certConf/pkiconf, folder written): %v", time.Since(start))
	if r.code != exitOK {
		t.Fatalf("issue = %d: %s", r.code, r.stderr)
	}
	var issued struct {
		Folder      string   `json:"folder"`
		RootSHA256  string   `json:"root_sha256"`
		RFrom       string   `json:"random_num_from"`
		Certificate certView `json:"certificate"`
	}
	decodeJSON(t, r, &issued)
	if issued.RFrom != "device" || len(issued.RootSHA256) != 64 || issued.Certificate.Serial == "" {
		t.Errorf("issue reported %+v", issued)
	}
	for _, f := range []string{signCertFile, signKeyFile} {
		if st, err := os.Stat(filepath.Join(issued.Folder, f)); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", f, st, err)
		}
	}
	// In the form Korean software reads (issue 18 item 1).
	if o := keyOpts(t, filepath.Join(issued.Folder, signKeyFile)); !isKoreanForm(o) {
		t.Errorf("issue wrote signPri.key as %+v, want seedCBCWithSHA1, 2048, 8-byte salt", o)
	}
	var l listOut
	decodeJSON(t, s.run(t, env, "", "list", "--json"), &l)
	if len(l.Certificates) != 1 || l.Certificates[0].Serial != issued.Certificate.Serial {
		t.Fatalf("list after issue = %+v, want the issued certificate", l)
	}
	oldSerial := l.Certificates[0].Serial
	// R drawn on the device is in signPri.key and matches the VID the server computed.
	if r := s.run(t, env, "", "vid", "1", "--idn", "800101-1234567", "--password-file", pwFile); r.code != exitOK || strings.TrimSpace(r.stdout) != "match" {
		t.Errorf("vid after issue = %d %q %q", r.code, r.stdout, r.stderr)
	}
	// The code is single use.
	if r := s.run(t, env, "", "issue", "--server", s.URL, "--ref", ref, "--code", code, "--new-password-file", pwFile); r.code != exitError || !strings.Contains(r.stderr, "ENROLLMENT_USED") {
		t.Errorf("issue with a used code = %d %q", r.code, r.stderr)
	}

	content := filepath.Join(work, "contract.txt")
	os.WriteFile(content, []byte("계약서\n"), 0o600)
	p7s := filepath.Join(work, "contract.p7s")
	if r := s.run(t, env, "", "sign", "1", "--in", content, "--out", p7s, "--password-file", pwFile); r.code != exitOK {
		t.Fatalf("sign = %d %s", r.code, r.stderr)
	}

	// Outside the window: the server's refusal, with the date, and nothing written.
	r = s.run(t, env, "", "renew", "1", "--password-file", pwFile)
	opens := kstDate(renewalOpens(l.Certificates[0].NotAfter))
	if r.code != exitError || !strings.Contains(r.stderr, "renewal window is not open") || !strings.Contains(r.stderr, opens) ||
		!strings.Contains(r.stderr, "RENEWAL_WINDOW_NOT_OPEN") {
		t.Errorf("renew before the window = %d %q, want RENEWAL_WINDOW_NOT_OPEN from %s", r.code, r.stderr, opens)
	}
	ko := map[string]string{"LANG": "ko_KR.UTF-8", "CERTCTL_NPKI_DIR": npkiDir}
	if r := s.run(t, ko, "", "renew", "1", "--password-file", pwFile); !strings.Contains(r.stderr, "갱신 기간이 아닙니다") || !strings.Contains(r.stderr, opens) {
		t.Errorf("renew before the window, in Korean: %q", r.stderr)
	}
	if f := certFolders(t, npkiDir); len(f) != 1 {
		t.Errorf("after refused renewals: %d folders, want 1", len(f))
	}
	// The window is checked from the certificate first: no password asked (there is no
	// terminal to ask on here) and no key made before the refusal (issue 18 item 12).
	if r := s.run(t, env, "", "renew", "1"); r.code != exitError || !strings.Contains(r.stderr, "RENEWAL_WINDOW_NOT_OPEN") ||
		strings.Contains(r.stderr, "password") {
		t.Errorf("renew before the window, no password given = %d %q, want the window refusal first", r.code, r.stderr)
	}

	// Inside the window (10 days before expiry), keeping the old folder.
	s.advance(l.Certificates[0].NotAfter.Sub(s.now()) - 10*24*time.Hour)
	// A wrong password: refused before anything is sent.
	bad := writeTemp(t, "bad", "Wrong-pass-999\n")
	if r := s.run(t, env, "", "renew", "1", "--password-file", bad); r.code != exitError || !strings.Contains(r.stderr, "wrong password") {
		t.Errorf("renew with a wrong password = %d %q", r.code, r.stderr)
	}
	start = time.Now()
	r = s.run(t, env, "", "renew", "1", "--password-file", pwFile, "--keep-old", "--key-form", "strong", "--json")
	t.Logf("renew round trip (key decrypt, RSA-2048 key, kur/kup, certConf/pkiconf, folder written): %v", time.Since(start))
	if r.code != exitOK {
		t.Fatalf("renew in the window = %d %s", r.code, r.stderr)
	}
	var ren renewResult
	decodeJSON(t, r, &ren)
	if ren.OldSerial != oldSerial || ren.Certificate.Serial == oldSerial || ren.OldRemoved || ren.Folder == ren.OldFolder {
		t.Errorf("renew reported %+v", ren)
	}
	if o := keyOpts(t, filepath.Join(ren.Folder, signKeyFile)); !isStrongForm(o) {
		t.Errorf("renew --key-form strong wrote signPri.key as %+v", o)
	}
	// The new certificate runs one year from the old one's expiry; same password, new R
	// in its key file, VID matching.
	if !ren.Certificate.NotAfter.After(l.Certificates[0].NotAfter.AddDate(0, 11, 0)) {
		t.Errorf("renewed certificate ends %v, old %v", ren.Certificate.NotAfter, l.Certificates[0].NotAfter)
	}
	if r := s.run(t, env, "", "vid", ren.Certificate.Serial, "--idn", "8001011234567", "--password-file", pwFile); strings.TrimSpace(r.stdout) != "match" {
		t.Errorf("vid of the renewed certificate = %d %q %q", r.code, r.stdout, r.stderr)
	}
	if f := certFolders(t, npkiDir); len(f) != 2 {
		t.Errorf("after renew --keep-old: %d folders, want 2", len(f))
	}

	// A cached "good" for the old certificate, just before it is revoked.
	if r := s.run(t, env, "", "verify", "--in", p7s, "--server", s.URL); r.code != exitOK {
		t.Fatalf("verify before revoke = %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := s.run(t, env, "", "verify", "--in", p7s, "--server", s.URL); r.code != exitOK || !strings.Contains(r.stdout, "(cached answer)") {
		t.Errorf("verify again = %d %q, want the cached answer", r.code, r.stdout)
	}

	// Revoke the old certificate: a "no" does nothing, --yes revokes.
	if r := s.run(t, env, "n\n", "revoke", oldSerial, "--reason", "superseded", "--password-file", pwFile); r.code != exitError || !strings.Contains(r.stderr, "not revoked") {
		t.Errorf("revoke answered no = %d %q", r.code, r.stderr)
	}
	// No one to answer (standard input empty, not a terminal): say so and name --yes.
	if r := s.run(t, env, "", "revoke", oldSerial, "--reason", "superseded", "--password-file", pwFile); r.code != exitError ||
		!strings.Contains(r.stderr, "no answer") || !strings.Contains(r.stderr, "--yes") {
		t.Errorf("revoke without an answer = %d %q", r.code, r.stderr)
	}
	if r := s.run(t, env, "", "revoke", oldSerial, "--reason", "nonsense", "--yes"); r.code != exitError || !strings.Contains(r.stderr, "keyCompromise (1)") {
		t.Errorf("revoke with an unknown reason = %d %q", r.code, r.stderr)
	}
	r = s.run(t, env, "y\n", "revoke", oldSerial, "--reason", "1", "--password-file", pwFile, "--json")
	if r.code != exitOK || !strings.Contains(r.stdout, `"keyCompromise"`) {
		t.Fatalf("revoke = %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := s.run(t, env, "", "revoke", oldSerial, "--reason", "1", "--yes", "--password-file", pwFile); r.code != exitError || !strings.Contains(r.stderr, "CERT_REVOKED") {
		t.Errorf("revoking twice = %d %q", r.code, r.stderr)
	}
	r = s.run(t, env, "", "verify", "--in", p7s, "--server", s.URL, "--no-cache", "--json")
	var rep verifyReport
	decodeJSON(t, r, &rep)
	if r.code != exitMismatch || rep.Revocation.Status != revRevoked || rep.Revocation.Source != "ocsp" || !rep.Signature.OK {
		t.Errorf("verify after revoke = %d, revocation %+v, signature %+v", r.code, rep.Revocation, rep.Signature)
	}
	// The cached "good" went with the revocation (issue 18 item 7): verify with the cache
	// asks again, and list without --check knows it too.
	if r := s.run(t, env, "", "verify", "--in", p7s, "--server", s.URL); r.code != exitMismatch ||
		!strings.Contains(r.stdout, "REVOKED") || strings.Contains(r.stdout, "all checks passed") {
		t.Errorf("verify with the cache after revoke = %d %q", r.code, r.stdout)
	}
	statusOf := func(env map[string]string, args ...string) map[string]certView {
		t.Helper()
		var l listJSON
		decodeJSON(t, s.run(t, env, "", append([]string{"list", "--json"}, args...)...), &l)
		out := map[string]certView{}
		for _, v := range l.Certificates {
			out[v.Serial] = v
		}
		return out
	}
	if v := statusOf(env)[oldSerial]; v.Status != statusRevoked || v.Revocation == nil {
		t.Errorf("list (no --check) after revoke: %+v, want revoked", v)
	}
	if r := s.run(t, env, "", "list"); !strings.Contains(r.stdout, "REVOKED") {
		t.Errorf("list after revoke = %q", r.stdout)
	}
	if r := s.run(t, env, "", "show", oldSerial); !strings.Contains(r.stdout, "REVOKED") {
		t.Errorf("show after revoke = %q", r.stdout)
	}
	if v := statusOf(env, "--check", "--no-cache")[oldSerial]; v.Status != statusRevoked || v.Revocation.Source != "ocsp" {
		t.Errorf("list --check --no-cache after revoke: %+v", v)
	}
	// list --check asks the CA (issuer from the AIA, then OCSP) about every certificate.
	r = s.run(t, env, "", "list", "--check", "--json")
	var listed listJSON
	decodeJSON(t, r, &listed)
	found := false
	for _, v := range listed.Certificates {
		if v.Serial == oldSerial {
			found = true
			if v.Revocation == nil || v.Revocation.Status != revRevoked || v.Revocation.Reason != "keyCompromise" {
				t.Errorf("list --check of the revoked certificate: %+v", v.Revocation)
			}
		} else if v.Revocation == nil || v.Revocation.Status != revGood {
			t.Errorf("list --check of %s: %+v, want good", v.Serial, v.Revocation)
		}
	}
	if !found {
		t.Errorf("list --check does not show %s: %s", oldSerial, r.stdout)
	}

	// Suspended at the bank (효력정지): a cached "good" serves 5 minutes at most, then list
	// shows the suspension as such, never as a revocation "certificateHold", and
	// auto-renew as not renewable (issue 18 items 7 and 12).
	if v := statusOf(env, "--check")[ren.Certificate.Serial]; v.Revocation == nil || v.Revocation.Status != revGood {
		t.Fatalf("list --check of the renewed certificate: %+v", v)
	}
	serial, _ := model.ParseSerial(ren.Certificate.Serial)
	if _, err := s.App.CA.Suspend(context.Background(), serial, "test", "901"); err != nil {
		t.Fatal(err)
	}
	s.advance(revcheck.GoodCacheMax)
	if v := statusOf(env, "--check")[ren.Certificate.Serial]; v.Status != statusSuspended || v.Revocation == nil || !v.Revocation.Suspended || v.Revocation.Cached {
		t.Errorf("list --check during the suspension: %+v", v)
	}
	koCache := map[string]string{"LANG": "ko_KR.UTF-8", "CERTCTL_NPKI_DIR": npkiDir, "CERTCTL_CACHE_DIR": env["CERTCTL_CACHE_DIR"]}
	if r := s.run(t, koCache, "", "list"); !strings.Contains(r.stdout, "효력정지") || strings.Contains(r.stdout, "certificateHold") ||
		strings.Contains(r.stdout, "— 유효\n") {
		t.Errorf("list (Korean) during the suspension = %q", r.stdout)
	}
	var auto autoReport
	decodeJSON(t, s.run(t, env, "", "auto-renew", "--password-file", pwFile, "--json"), &auto)
	reasons := map[string]string{}
	for _, it := range auto.NotRenewable {
		reasons[it.Serial] = it.Reason
	}
	if len(auto.NotDue)+len(auto.Renewed)+len(auto.Failed) != 0 || !strings.Contains(reasons[ren.Certificate.Serial], "suspended") ||
		!strings.Contains(reasons[oldSerial], "revoked") {
		t.Errorf("auto-renew during the suspension: %+v, want both not renewable", auto)
	}
	if _, err := s.App.CA.Resume(context.Background(), serial, "test", "901"); err != nil {
		t.Fatal(err)
	}
	s.advance(revcheck.GoodCacheMax)

	// The renewed certificate renews no more (already in its first year) and revokes with
	// its own key; the old folder can go.
	if r := s.run(t, env, "", "revoke", ren.Certificate.Serial, "--reason", "cessationOfOperation", "--yes", "--password-file", pwFile); r.code != exitOK {
		t.Errorf("revoke the renewed certificate = %d %q", r.code, r.stderr)
	}
}

// Failures leave nothing half-written: a server that is down, a wrong code, a weak
// password, a folder that cannot be written (the certificate is refused with certConf
// and revoked), a certConf that never gets through (the folder is removed again).
func TestIssueFailures(t *testing.T) {
	s := newCMPServer(t)
	pwFile := writeTemp(t, "pw", testPassword)
	issue := func(npkiDir, server, ref, code string, extra ...string) result {
		env := map[string]string{"CERTCTL_NPKI_DIR": npkiDir}
		return s.run(t, env, "", append([]string{"issue", "--server", server, "--ref", ref, "--code", code, "--new-password-file", pwFile}, extra...)...)
	}
	ref, code := s.enroll(t, "김실패", "8001011234567")

	t.Run("server down", func(t *testing.T) {
		dir := t.TempDir()
		r := issue(dir, "http://127.0.0.1:1", ref, code)
		if r.code != exitError || !strings.Contains(r.stderr, "cannot reach the server") || !strings.Contains(r.stderr, "nothing was written") {
			t.Errorf("issue, server down = %d %q", r.code, r.stderr)
		}
		assertEmpty(t, dir)
	})
	t.Run("wrong code", func(t *testing.T) {
		dir := t.TempDir()
		r := issue(dir, s.URL, ref, "000000000000")
		// Answered before the server could MAC with the code: not authenticated, and not
		// alarming either (an ordinary wrong code).
		// No count of tries left: that would tell a stranger the reference exists.
		if r.code != exitError || !strings.Contains(r.stderr, "AUTH_CODE_INVALID") || strings.Contains(r.stderr, "could not be authenticated") ||
			strings.Contains(r.stderr, "tries left") || strings.Contains(r.stderr, "{") {
			t.Errorf("issue, wrong code = %d %q", r.code, r.stderr)
		}
		// With the root pinned, the server's signed refusal is authenticated.
		root := writeTemp(t, "root.der", string(s.App.CA.RootDER()))
		r = issue(dir, s.URL, ref, "000000000000", "--trust", root)
		if r.code != exitError || !strings.Contains(r.stderr, "AUTH_CODE_INVALID") || strings.Contains(r.stderr, "could not be authenticated") {
			t.Errorf("issue, wrong code, root pinned = %d %q", r.code, r.stderr)
		}
		assertEmpty(t, dir)
	})
	t.Run("weak password", func(t *testing.T) {
		dir := t.TempDir()
		r := issue(dir, s.URL, ref, code, "--new-password-file", writeTemp(t, "weak", "password"))
		if r.code != exitError || !strings.Contains(r.stderr, "new password not accepted") {
			t.Errorf("issue, weak password = %d %q", r.code, r.stderr)
		}
		assertEmpty(t, dir)
	})
	t.Run("certConf lost", func(t *testing.T) {
		dir := t.TempDir()
		ref, code := s.enroll(t, "김확인", "8001011234567")
		s.dropConf.Store(true)
		defer s.dropConf.Store(false)
		r := issue(dir, s.URL, ref, code)
		if r.code != exitError || !strings.Contains(r.stderr, "did not take the confirmation") {
			t.Errorf("issue, certConf lost = %d %q", r.code, r.stderr)
		}
		if f := certFolders(t, dir); len(f) != 0 {
			t.Errorf("folders left: %v", f)
		}
		// Before any certificate is refused by certConf: a refused one makes
		// RevokeUnconfirmed loop (it stays in Unconfirmed with confirm_by set, and
		// ExpireUnconfirmed skips revoked ones), a server bug reported with this work.
		s.advance(6 * time.Minute)
		if n, err := s.App.CA.RevokeUnconfirmed(context.Background()); err != nil || n != 1 {
			t.Errorf("RevokeUnconfirmed = %d, %v, want the unconfirmed certificate", n, err)
		}
	})
	t.Run("folder not writable", func(t *testing.T) {
		file := writeTemp(t, "NPKI", "a file where the NPKI folder should be")
		before := s.revokedCount(t)
		r := issue(file, s.URL, ref, code)
		if r.code != exitError || !strings.Contains(r.stderr, "nothing was kept") {
			t.Errorf("issue into a file = %d %q", r.code, r.stderr)
		}
		if got := s.revokedCount(t); got != before+1 {
			t.Errorf("revoked certificates %d → %d, want the refused one revoked", before, got)
		}
	})
	t.Run("usage", func(t *testing.T) {
		for _, args := range [][]string{
			{"issue", "--server", s.URL}, {"issue", "--ref", "1", "--code", "2", "--server", "ftp://x"},
			{"renew"}, {"revoke", "1"}, {"auto-renew", "extra"},
		} {
			if r := s.run(t, map[string]string{"CERTCTL_NPKI_DIR": t.TempDir()}, "", args...); r.code != exitError {
				t.Errorf("certctl %v = %d, want an error", args, r.code)
			}
		}
	})
}

// auto-renew renews what is in its window, reports the rest, and exits 2 when a renewal
// failed after trying the others.
func TestAutoRenew(t *testing.T) {
	s := newCMPServer(t)
	npkiDir := t.TempDir()
	env := map[string]string{"CERTCTL_NPKI_DIR": npkiDir}
	pwFile := writeTemp(t, "pw", testPassword)
	due := s.issue(t, "김만료", "8001011234567", 0)
	writeNPKI(t, npkiDir, due, testPassword)
	// The server is remembered through the certificate's AIA.
	if cs, err := parseCerts(due.der); err != nil || serverFromAIA(cs[0]) != s.URL {
		t.Errorf("serverFromAIA = %q (%v), want %q", serverFromAIA(cs[0]), err, s.URL)
	}
	otherPw := s.issue(t, "박다른", "8001011234567", 1)
	writeNPKI(t, npkiDir, otherPw, "Other-pass-5678")
	s.advance(60 * 24 * time.Hour)
	later := s.issue(t, "이나중", "8001011234567", 0)
	writeNPKI(t, npkiDir, later, testPassword)

	var l listOut
	decodeJSON(t, s.run(t, env, "", "list", "--json"), &l)
	if len(l.Certificates) != 3 {
		t.Fatalf("list = %+v", l)
	}
	// 20 days before the first two expire: they are due, the third is not.
	var notAfter time.Time
	for _, c := range l.Certificates {
		if notAfter.IsZero() || c.NotAfter.Before(notAfter) {
			notAfter = c.NotAfter
		}
	}
	// A certificate from another CA (no AIA), also in its window: left alone.
	issue(t, npkiDir, testCert{CN: "최타사()0088041202601100000001", Inst: "SHINHAN", Serial: 77,
		NotBefore: notAfter.AddDate(-1, 0, 0), NotAfter: notAfter})
	s.advance(notAfter.Sub(s.now()) - 20*24*time.Hour)

	start := time.Now()
	r := s.run(t, env, "", "auto-renew", "--password-file", pwFile, "--json")
	t.Logf("auto-renew of 4 certificates (1 renewed): %v", time.Since(start))
	var rep autoReport
	decodeJSON(t, r, &rep)
	if r.code != exitError || len(rep.Renewed) != 1 || len(rep.Failed) != 1 || len(rep.NotDue) != 2 {
		t.Fatalf("auto-renew = %d, %s; stderr %q", r.code, r.stdout, r.stderr)
	}
	reasons := rep.NotDue[0].Reason + " " + rep.NotDue[1].Reason
	if !strings.Contains(rep.Failed[0].Error, "wrong password") || !strings.Contains(reasons, "renewal opens") ||
		!strings.Contains(reasons, "issued elsewhere") || !rep.Renewed[0].OldRemoved {
		t.Errorf("auto-renew report %s", r.stdout)
	}
	if !strings.Contains(r.stderr, "1 of 2 renewals failed") {
		t.Errorf("auto-renew stderr %q", r.stderr)
	}
	if o := keyOpts(t, filepath.Join(rep.Renewed[0].Folder, signKeyFile)); !isKoreanForm(o) {
		t.Errorf("auto-renew wrote signPri.key as %+v, want the Korean form", o)
	}
	// The renewed certificate replaced its folder: still 3 folders, one new serial.
	decodeJSON(t, s.run(t, env, "", "list", "--json"), &l)
	found := false
	for _, c := range l.Certificates {
		found = found || c.Serial == rep.Renewed[0].Certificate.Serial
	}
	if len(l.Certificates) != 4 || !found {
		t.Errorf("list after auto-renew = %+v", l)
	}
	// Run again in text form: nothing fails but the other password; the renewed one is
	// not due any more.
	r = s.run(t, env, "", "auto-renew", "--password-file", pwFile)
	if r.code != exitError || !strings.Contains(r.stdout, "0 renewed, 1 failed, 3 not due") {
		t.Errorf("second auto-renew = %d %q %q", r.code, r.stdout, r.stderr)
	}
}

func TestCMPMessages(t *testing.T) {
	for id := range cmpMessages {
		if m := messages[id]; m.en == "" || m.ko == "" {
			t.Errorf("message %q lacks a language", id)
		}
	}
}

// A refusal's placeholders are filled from the server's English text in both languages
// ("{remaining}" was shown as is), and an ordinary wrong-code answer, which no device
// can authenticate without a pinned root, is not called unauthenticated (issue 18 item 10).
func TestRefusalTexts(t *testing.T) {
	rej := &cmpclient.Rejection{Code: "RATE_LIMITED", Message: "Too many requests.",
		Hint: "Try again in 42 seconds (see the Retry-After header)."}
	for _, tt := range []struct {
		lang       string
		want, hint string
	}{
		{"en_US.UTF-8", "Too many requests.", "Try again in 42 seconds"},
		{"ko_KR.UTF-8", "요청이 너무 많습니다.", "42초 후에"},
	} {
		var errOut bytes.Buffer
		c := newCLI(strings.NewReader(""), io.Discard, &errOut, func(k string) string { return map[string]string{"LANG": tt.lang}[k] }, nil)
		c.printError(c.rejectionError(rej, nil))
		got := errOut.String()
		if !strings.Contains(got, tt.want) || !strings.Contains(got, tt.hint) || strings.Contains(got, "{") ||
			strings.Contains(got, "authenticated") || strings.Contains(got, "인증할 수 없") {
			t.Errorf("%s: wrong-code refusal = %q, want %q and %q, no placeholder, no authentication warning", tt.lang, got, tt.want, tt.hint)
		}
	}
	// A refusal without the value: the server's own words rather than a placeholder.
	bare := &cmpclient.Rejection{Code: "RATE_LIMITED", Message: "Too many requests.", Hint: "try again"}
	c := newCLI(strings.NewReader(""), io.Discard, io.Discard, func(k string) string { return map[string]string{"LANG": "ko_KR"}[k] }, nil)
	if got := renderError(c.rejectionError(bare, nil), langKO); strings.Contains(got, "{wait}") || !strings.Contains(got, "try again") {
		t.Errorf("refusal without the count = %q", got)
	}
	// Other unauthenticated refusals still say so.
	other := &cmpclient.Rejection{Code: "CERT_REVOKED", Message: "The certificate is revoked."}
	if got := renderError(c.rejectionError(other, nil), langEN); !strings.Contains(got, "could not be authenticated") {
		t.Errorf("unauthenticated CERT_REVOKED = %q, want the warning", got)
	}
}
