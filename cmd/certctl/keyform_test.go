package main

import (
	"crypto"
	"encoding/asn1"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/testenv"
	"github.com/certcenter/certcenter/npki"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Key files certctl writes are in the form Korean software reads unless --key-form
// strong is given, and passwd keeps a file's own form (issue 18 item 1).

// keyOpts reads how the key file at path is protected.
func keyOpts(t *testing.T, path string) *npki.EncryptOptions {
	t.Helper()
	o, err := npki.KeyFileOptions(mustRead(t, path))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return o
}

// isKoreanForm: seedCBCWithSHA1, 2048 iterations, 8-byte salt.
func isKoreanForm(o *npki.EncryptOptions) bool {
	return o.Scheme == npki.SEEDCBCWithSHA1 && o.Iterations == 2048 && o.SaltSize == 8
}

// isStrongForm: PBES2, HMAC-SHA256, SEED-CBC, 100,000 iterations, 16-byte salt.
func isStrongForm(o *npki.EncryptOptions) bool {
	return o.Scheme == npki.PBES2 && o.PRF == crypto.SHA256 && o.Cipher == npki.SEEDCBC &&
		o.Iterations == npki.DefaultPBES2Iterations && o.SaltSize == 16
}

func TestImportKeyForm(t *testing.T) {
	pwFile := writeTemp(t, "pw", yessignPassword)
	for _, tc := range []struct {
		name   string
		args   []string
		strong bool
	}{
		{"default", nil, false},
		{"korean", []string{"--key-form", "korean"}, false},
		{"legacy flag", []string{"--legacy"}, false},
		{"strong", []string{"--key-form", "strong"}, true},
		{"Strong, spaced", []string{"--key-form", " Strong "}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := filepath.Join(t.TempDir(), "NPKI")
			r := runCLI(t, nil, "", append([]string{"import", "testdata/yessign-test/cert.pfx", "--password-file", pwFile, "--npki-dir", root}, tc.args...)...)
			if r.code != exitOK {
				t.Fatalf("import %v = %d %q", tc.args, r.code, r.stderr)
			}
			m, _ := filepath.Glob(filepath.Join(root, "yessign", "USER", "*", signKeyFile))
			if len(m) != 1 {
				t.Fatalf("key files after import: %v", m)
			}
			o := keyOpts(t, m[0])
			if tc.strong && !isStrongForm(o) || !tc.strong && !isKoreanForm(o) {
				t.Errorf("import %v wrote %+v", tc.args, o)
			}
		})
	}
	root := filepath.Join(t.TempDir(), "NPKI")
	r := runCLI(t, nil, "", "import", "testdata/yessign-test/cert.pfx", "--password-file", pwFile, "--npki-dir", root, "--legacy", "--key-form", "strong")
	if r.code != exitError || !strings.Contains(r.stderr, "use korean or strong") {
		t.Errorf("import --legacy --key-form strong = %d %q", r.code, r.stderr)
	}
}

// TestImportLegacyPFX: what OpenSSL -legacy and BER-writing Windows tools export imports
// (issue 18 item 2).
func TestImportLegacyPFX(t *testing.T) {
	pwFile := writeTemp(t, "pw", "Npki-Test-2026!")
	for _, name := range []string{"rc2-40-legacy.pfx", "rc2-40-ber.pfx"} {
		t.Run(name, func(t *testing.T) {
			root := filepath.Join(t.TempDir(), "NPKI")
			r := runCLI(t, nil, "", "import", "testdata/pkcs12/"+name, "--password-file", pwFile, "--npki-dir", root)
			if r.code != exitOK || !strings.Contains(r.stdout, "imported into") {
				t.Fatalf("import %s = %d %q %q", name, r.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stderr, "no R (randomNum)") {
				t.Errorf("import %s: no warning about the missing R: %q", name, r.stderr)
			}
			m, _ := filepath.Glob(filepath.Join(root, "yessign", "USER", "*", signKeyFile))
			if len(m) != 1 || !isKoreanForm(keyOpts(t, m[0])) {
				t.Fatalf("key files after import: %v", m)
			}
			if _, err := npki.DecryptKeyFile(mustRead(t, m[0]), []byte("Npki-Test-2026!")); err != nil {
				t.Errorf("imported key file: %v", err)
			}
		})
	}
}

func TestPasswdKeyForm(t *testing.T) {
	root, dir := yessignNPKI(t)
	keyPath := filepath.Join(dir, signKeyFile)
	pws := []string{yessignPassword, "Second-pass-1!", "Third-pass-22@", "Fourth-pass-333#", "Fifth-pass-4444$"}
	step := 0
	passwd := func(extra ...string) {
		t.Helper()
		old, next := writeTemp(t, "old", pws[step]), writeTemp(t, "new", pws[step+1])
		r := runCLI(t, nil, "", append([]string{"passwd", "1", "--npki-dir", root, "--password-file", old, "--new-password-file", next}, extra...)...)
		if r.code != exitOK {
			t.Fatalf("passwd %v = %d %q", extra, r.code, r.stderr)
		}
		step++
	}
	passwd("--key-form", "strong")
	if o := keyOpts(t, keyPath); !isStrongForm(o) {
		t.Errorf("passwd --key-form strong wrote %+v", o)
	}
	passwd() // keeps the strong form, salt size included
	if o := keyOpts(t, keyPath); !isStrongForm(o) {
		t.Errorf("passwd on a strong-form file wrote %+v", o)
	}
	passwd("--key-form", "korean") // what to do with a key file of an earlier certctl
	if o := keyOpts(t, keyPath); !isKoreanForm(o) {
		t.Errorf("passwd --key-form korean wrote %+v", o)
	}

	// A PBES2 file in the form Korean readers take (HMAC-SHA1, 8-byte salt) stays so:
	// the salt used to grow to 16 bytes.
	k, err := npki.DecryptKeyFile(mustRead(t, keyPath), []byte(pws[step]))
	if err != nil {
		t.Fatal(err)
	}
	der, err := npki.EncryptKeyFile(k, []byte(pws[step]), &npki.EncryptOptions{Scheme: npki.PBES2, PRF: crypto.SHA1, Iterations: 2048, SaltSize: 8})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, der, 0o600); err != nil {
		t.Fatal(err)
	}
	passwd()
	if o := keyOpts(t, keyPath); o.Scheme != npki.PBES2 || o.PRF != crypto.SHA1 || o.SaltSize != 8 || o.Iterations != 2048 || o.Cipher != npki.SEEDCBC {
		t.Errorf("passwd on PBES2-SHA1 with an 8-byte salt wrote %+v", o)
	}
}

func TestKeyFormHelpAndRefusal(t *testing.T) {
	for _, tc := range []struct {
		env          map[string]string
		help, refuse string
		hint         string
	}{
		{nil, "--key-form chooses how certctl encrypts", `--key-form "weak": use korean or strong`, "only certctl and OpenSSL can open it"},
		{map[string]string{"LANG": "ko_KR.UTF-8"}, "암호화 방식을 고릅니다", `--key-form "weak": korean 또는 strong 을 쓰십시오`, "certctl 과 OpenSSL 만 열 수 있습니다"},
	} {
		r := runCLI(t, tc.env, "", "help", "key-form")
		if r.code != exitOK || !strings.Contains(r.stdout, tc.help) || !strings.Contains(r.stdout, "--key-form korean") {
			t.Errorf("help key-form (%v) = %d %q", tc.env, r.code, r.stdout)
		}
		for _, cmd := range [][]string{
			{"passwd", "1"}, {"import", "x.pfx"}, {"issue", "--ref", "1", "--code", "2"}, {"renew", "1"}, {"auto-renew"},
		} {
			r := runCLI(t, tc.env, "", append(cmd, "--key-form", "weak", "--npki-dir", t.TempDir())...)
			if r.code != exitError || !strings.Contains(r.stderr, tc.refuse) || !strings.Contains(r.stderr, tc.hint) {
				t.Errorf("%v --key-form weak (%v) = %d %q", cmd, tc.env, r.code, r.stderr)
			}
		}
	}
}

func TestKeyFormMessages(t *testing.T) {
	for id := range keyFormMessages {
		if m := messages[id]; m.en == "" || m.ko == "" {
			t.Errorf("message %q lacks a language", id)
		}
	}
}

// TestIterationRefusals: a key file or PFX asking for absurd iteration counts is
// refused at once, with its own message, the limit and a hint (issue 17 item 6).
func TestIterationRefusals(t *testing.T) {
	root, dir := yessignNPKI(t)
	keyPath := filepath.Join(dir, signKeyFile)
	if err := os.WriteFile(keyPath, withKeyIterations(t, mustRead(t, keyPath), 10_000_000), 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r := runCLI(t, nil, "", "passwd", "1", "--npki-dir", root, "--password-file", writeTemp(t, "pw", yessignPassword),
		"--new-password-file", writeTemp(t, "n", "New-pass-2026#"))
	if r.code != exitError || !strings.Contains(r.stderr, "more password-hashing rounds than any real key file") ||
		!strings.Contains(r.stderr, "at most 100000") || !strings.Contains(r.stderr, "certctl: hint: real key files use 2048") {
		t.Errorf("passwd on a 10,000,000-iteration key file = %d %q", r.code, r.stderr)
	}
	pfx := writeTemp(t, "hostile.pfx", string(withMACIterations(t, mustRead(t, "testdata/yessign-test/cert.pfx"), 10_000_000)))
	r = runCLI(t, map[string]string{"LANG": "ko_KR.UTF-8"}, "", "import", pfx, "--npki-dir", filepath.Join(t.TempDir(), "NPKI"),
		"--password-file", writeTemp(t, "pw", yessignPassword))
	if r.code != exitError || !strings.Contains(r.stderr, "실제 PKCS#12 파일보다") || !strings.Contains(r.stderr, "at most 100000") ||
		!strings.Contains(r.stderr, "도움말: PKCS#12 파일은 1024~10,000회") {
		t.Errorf("import of a 10,000,000-iteration PFX = %d %q", r.code, r.stderr)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the refusals took %v", d)
	}
}

// withKeyIterations rebuilds a seedCBCWithSHA1 key file with another iteration count.
func withKeyIterations(t *testing.T, der []byte, iter int64) []byte {
	t.Helper()
	in := cryptobyte.String(der)
	var epki, alg, params cryptobyte.String
	var oid asn1.ObjectIdentifier
	var salt, ct []byte
	if !in.ReadASN1(&epki, cbasn1.SEQUENCE) || !epki.ReadASN1(&alg, cbasn1.SEQUENCE) ||
		!alg.ReadASN1ObjectIdentifier(&oid) || !alg.ReadASN1(&params, cbasn1.SEQUENCE) ||
		!params.ReadASN1Bytes(&salt, cbasn1.OCTET_STRING) || !epki.ReadASN1Bytes(&ct, cbasn1.OCTET_STRING) {
		t.Fatal("not a seedCBCWithSHA1 key file")
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oid)
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1OctetString(salt)
				b.AddASN1Int64(iter)
			})
		})
		b.AddASN1OctetString(ct)
	})
	return b.BytesOrPanic()
}

// withMACIterations rebuilds a PFX's MacData with another iteration count.
func withMACIterations(t *testing.T, pfx []byte, iter int64) []byte {
	t.Helper()
	in := cryptobyte.String(pfx)
	var top, authSafe, macData, digestInfo cryptobyte.String
	var salt []byte
	if !in.ReadASN1(&top, cbasn1.SEQUENCE) || !top.SkipASN1(cbasn1.INTEGER) ||
		!top.ReadASN1Element(&authSafe, cbasn1.SEQUENCE) || !top.ReadASN1(&macData, cbasn1.SEQUENCE) ||
		!macData.ReadASN1Element(&digestInfo, cbasn1.SEQUENCE) || !macData.ReadASN1Bytes(&salt, cbasn1.OCTET_STRING) {
		t.Fatal("cannot parse the PFX")
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(3)
		b.AddBytes(authSafe)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddBytes(digestInfo)
			b.AddASN1OctetString(salt)
			b.AddASN1Int64(iter)
		})
	})
	return b.BytesOrPanic()
}

// TestExportKoreanForm: certctl export writes the PKCS#12 Korean software writes: MAC
// and key bag at 1024 iterations, as the yessign sample (issue 18 item 2).
func TestExportKoreanForm(t *testing.T) {
	root, _ := yessignNPKI(t)
	out := filepath.Join(t.TempDir(), "x.pfx")
	r := runCLI(t, nil, "", "export", "1", "--out", out, "--npki-dir", root, "--password-file", writeTemp(t, "pw", yessignPassword))
	if r.code != exitOK {
		t.Fatalf("export = %d %q", r.code, r.stderr)
	}
	o := string(testenv.RunOpenSSL(t, "pkcs12", "-info", "-nodes", "-legacy", "-in", out, "-passin", "pass:"+yessignPassword))
	for _, want := range []string{"MAC: sha1, Iteration 1024", "Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 1024"} {
		if !strings.Contains(o, want) {
			t.Errorf("openssl pkcs12 -info of the export lacks %q:\n%s", want, o)
		}
	}
}
