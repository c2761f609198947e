package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkCMPRoundTrip times certctl issue and renew end to end against a real server
// on loopback: RSA-2048 key generation on the device (the larger and more variable
// part), the CMP exchange (ir/ip or kur/kup, certConf/pkiconf), the key file encrypted
// (seedCBCWithSHA1) and read back, the folder written and fsynced; renew also decrypts the
// current key. Run with: go test -run XXX -bench CMPRoundTrip -benchtime 10x ./cmd/certctl
func BenchmarkCMPRoundTrip(b *testing.B) {
	b.Run("issue", func(b *testing.B) {
		s := newCMPServer(b)
		pwFile := filepath.Join(b.TempDir(), "pw")
		if err := os.WriteFile(pwFile, []byte(testPassword), 0o600); err != nil {
			b.Fatal(err)
		}
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			ref, code := s.enroll(b, fmt.Sprintf("김벤치%d", i), "8001011234567")
			env := map[string]string{"CERTCTL_NPKI_DIR": b.TempDir()}
			b.StartTimer()
			if r := s.run(b, env, "", "issue", "--server", s.URL, "--ref", ref, "--code", code, "--new-password-file", pwFile); r.code != exitOK {
				b.Fatalf("issue = %d %s", r.code, r.stderr)
			}
		}
	})
	b.Run("renew", func(b *testing.B) {
		s := newCMPServer(b)
		pwFile := filepath.Join(b.TempDir(), "pw")
		if err := os.WriteFile(pwFile, []byte(testPassword), 0o600); err != nil {
			b.Fatal(err)
		}
		dirs := make([]string, b.N)
		var notAfter time.Time
		for i := range dirs {
			dirs[i] = b.TempDir()
			c := s.issue(b, fmt.Sprintf("김갱신%d", i), "8001011234567", 0)
			writeNPKI(b, dirs[i], c, testPassword)
			if cs, err := parseCerts(c.der); err == nil {
				notAfter = cs[0].NotAfter
			}
		}
		s.advance(notAfter.Sub(s.now()) - 10*24*time.Hour)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			env := map[string]string{"CERTCTL_NPKI_DIR": dirs[i]}
			if r := s.run(b, env, "", "renew", "1", "--password-file", pwFile); r.code != exitOK {
				b.Fatalf("renew = %d %s", r.code, r.stderr)
			}
		}
	})
}
