package main

import (
	"strings"
	"testing"
	"time"
)

// runTB is runCLI for benchmarks: no environment, the real clock.
func runTB(t testing.TB, stdin string, args ...string) result {
	t.Helper()
	var out, errOut strings.Builder
	code := run(args, strings.NewReader(stdin), &out, &errOut, func(string) string { return "" }, time.Now)
	return result{code, out.String(), errOut.String()}
}

// BenchmarkVerifyCached is certctl verify of an attached signature with the OCSP answer
// and the issuing CA already in the cache: parse, signature, chain, cached OCSP, no
// network.
func BenchmarkVerifyCached(b *testing.B) {
	e := newSignEnv(b)
	p7s := e.sign(b, "bench.p7s")
	e.verifyJSON(b, exitOK, "--in", p7s) // fills the cache
	hits := e.s.ocspHits
	b.ResetTimer()
	for range b.N {
		if r := e.run(b, "", "verify", "--json", "--in", p7s, "--trust", e.root); r.code != exitOK {
			b.Fatalf("verify = %d %s", r.code, r.stderr)
		}
	}
	b.StopTimer()
	if e.s.ocspHits != hits {
		b.Errorf("OCSP asked %d times during the benchmark, want 0 (cached)", e.s.ocspHits-hits)
	}
}

// BenchmarkCopyRoundTrip is one whole copy through a local relay: the receiver opens a
// session, the sender claims, both agree and confirm, the ciphertext crosses, the
// receiver writes the NPKI folder and deletes the session.
func BenchmarkCopyRoundTrip(b *testing.B) {
	s := newTestServer(b)
	src := b.TempDir()
	writeNPKI(b, src, s.issue(b, "김벤치", "8001011234567", 0), copyPassword)
	b.ResetTimer()
	for range b.N {
		dst := b.TempDir()
		rc := startReceiver(b, nil, "--server", s.URL, "--npki-dir", dst)
		code := rc.next(b, "code")["code"].(string)
		r := runTB(b, "y\n", "copy", "send", "1", "--server", s.URL, "--code", strings.ReplaceAll(code, "-", ""), "--npki-dir", src)
		if r.code != exitOK {
			b.Fatalf("send = %d %s", r.code, r.stderr)
		}
		if res := rc.wait(b); res.code != exitOK {
			b.Fatalf("receive = %d %s", res.code, res.stderr)
		}
	}
}
