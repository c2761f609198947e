package npki

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/certcenter/certcenter/internal/testenv"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// PKCS#12 files as OpenSSL -legacy and Windows write them (issue 18 item 2): fixtures in
// testdata/pkcs12, made as its README says.

var updateBER = flag.Bool("update-ber", false, "rewrite testdata/pkcs12/rc2-40-ber.pfx from rc2-40-legacy.pfx")

// legacyPassword protects the fixtures of testdata/pkcs12.
var legacyPassword = testPassword

func TestDecodePFXLegacyFixtures(t *testing.T) {
	yk, cert := yessignKey(t), yessignCert(t)
	for _, name := range []string{"rc2-40-legacy.pfx", "rc2-40-ber.pfx"} {
		t.Run(name, func(t *testing.T) {
			data := readTestdata(t, "pkcs12/"+name)
			pfx, err := DecodePFX(data, legacyPassword)
			if err != nil {
				t.Fatalf("DecodePFX(%s) = %v", name, err)
			}
			if !yk.Key.(*rsa.PrivateKey).Equal(pfx.Key.Key) || !pfx.Cert.Equal(cert) {
				t.Error("different key or certificate")
			}
			if !pfx.CertsEncrypted || pfx.CertScheme != PKCS12RC2CBC40 || pfx.KeyScheme != PKCS12TripleDES {
				t.Errorf("protection: certificates %v (encrypted %v), key %v; want RC2-40, 3DES",
					pfx.CertScheme, pfx.CertsEncrypted, pfx.KeyScheme)
			}
			if _, err := DecodePFX(data, []byte("wrong-password1!")); !errors.Is(err, ErrWrongPassword) {
				t.Errorf("DecodePFX(wrong password) = %v, want ErrWrongPassword", err)
			}
		})
	}
}

// TestBERFixture: rc2-40-ber.pfx is rc2-40-legacy.pfx re-encoded with indefinite
// lengths and 1000-byte OCTET STRING segments (MAC recomputed), and OpenSSL, an
// independent reader, accepts it, MAC included.
func TestBERFixture(t *testing.T) {
	der := readTestdata(t, "pkcs12/rc2-40-legacy.pfx")
	ber := toBERPFX(t, der, legacyPassword)
	path := filepath.Join("testdata", "pkcs12", "rc2-40-ber.pfx")
	if *updateBER {
		if err := os.WriteFile(path, ber, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(readTestdata(t, "pkcs12/rc2-40-ber.pfx"), ber) {
		t.Fatal("rc2-40-ber.pfx is not what the generator makes (go test -run TestBERFixture -update-ber)")
	}
	if !bytes.HasPrefix(ber, []byte{0x30, 0x80, 0x02, 0x01, 0x03, 0x30, 0x80}) {
		t.Errorf("fixture does not start with indefinite lengths: % x", ber[:8])
	}
	testenv.OpenSSL(t)
	out := string(testenv.RunOpenSSL(t, "pkcs12", "-info", "-nodes", "-legacy", "-in", path,
		"-passin", "pass:"+string(legacyPassword)))
	if !strings.Contains(out, "pbeWithSHA1And40BitRC2-CBC") || !strings.Contains(out, "MAC: sha1") {
		t.Errorf("openssl -info on the BER fixture:\n%s", opensslOutline(out))
	}
}

// TestDecodePFXRC2OpenSSL: what `openssl pkcs12 -export -legacy` writes now imports.
func TestDecodePFXRC2OpenSSL(t *testing.T) {
	testenv.OpenSSL(t)
	dir := t.TempDir()
	yk, cert := yessignKey(t), yessignCert(t)
	keyPEM, certPEM := writePEMs(t, dir, yk, cert)
	for _, args := range [][]string{
		{"-legacy"},
		{"-legacy", "-certpbe", "PBE-SHA1-RC2-128"},
	} {
		out := filepath.Join(dir, "out.pfx")
		testenv.RunOpenSSL(t, append([]string{"pkcs12", "-export", "-inkey", keyPEM, "-in", certPEM,
			"-out", out, "-passout", "pass:" + string(testPassword)}, args...)...)
		pfx, err := DecodePFX(readFile(t, out), testPassword)
		if err != nil {
			t.Fatalf("DecodePFX(openssl %v) = %v", args, err)
		}
		if !yk.Key.(*rsa.PrivateKey).Equal(pfx.Key.Key) || !pfx.Cert.Equal(cert) {
			t.Errorf("openssl %v: different key or certificate", args)
		}
	}
}

// toBERPFX re-encodes a DER PFX the way BouncyCastle-based Windows tools write it:
// indefinite lengths for the PFX, the AuthenticatedSafe and every ContentInfo, OCTET
// STRINGs in 1000-byte segments, encryptedContent as a segmented constructed [0], and
// each data SafeContents with indefinite lengths too. The MAC is recomputed over the
// new AuthenticatedSafe (same salt and iterations).
func toBERPFX(t testing.TB, der, password []byte) []byte {
	t.Helper()
	in := cryptobyte.String(der)
	var top, authSafe, macData, explicit cryptobyte.String
	var content []byte
	var oid []byte
	if !in.ReadASN1(&top, cbasn1.SEQUENCE) || !top.SkipASN1(cbasn1.INTEGER) ||
		!top.ReadASN1(&authSafe, cbasn1.SEQUENCE) || !top.ReadASN1(&macData, cbasn1.SEQUENCE) ||
		!authSafe.ReadASN1Element((*cryptobyte.String)(&oid), cbasn1.OBJECT_IDENTIFIER) ||
		!authSafe.ReadASN1(&explicit, tagExplicit0) || !explicit.ReadASN1Bytes(&content, cbasn1.OCTET_STRING) {
		t.Fatal("toBERPFX: cannot parse the PFX")
	}
	// The AuthenticatedSafe, ContentInfo by ContentInfo.
	acs := cryptobyte.String(content)
	var safes cryptobyte.String
	if !acs.ReadASN1(&safes, cbasn1.SEQUENCE) {
		t.Fatal("toBERPFX: AuthenticatedSafe")
	}
	auth := []byte{0x30, 0x80}
	for !safes.Empty() {
		var ci, ex cryptobyte.String
		var ctype []byte
		if !safes.ReadASN1(&ci, cbasn1.SEQUENCE) || !ci.ReadASN1Element((*cryptobyte.String)(&ctype), cbasn1.OBJECT_IDENTIFIER) ||
			!ci.ReadASN1(&ex, tagExplicit0) {
			t.Fatal("toBERPFX: ContentInfo")
		}
		auth = append(auth, 0x30, 0x80)
		auth = append(auth, ctype...)
		auth = append(auth, 0xa0, 0x80)
		if bytes.Equal(ctype, oidDER(oidData)) {
			var sc []byte
			if !ex.ReadASN1Bytes(&sc, cbasn1.OCTET_STRING) {
				t.Fatal("toBERPFX: data")
			}
			auth = append(auth, segmented(0x24, indefinite(t, sc))...)
		} else {
			var ed, eci cryptobyte.String
			var version, ctype2, alg []byte
			var ct []byte
			if !ex.ReadASN1(&ed, cbasn1.SEQUENCE) || !ed.ReadASN1Element((*cryptobyte.String)(&version), cbasn1.INTEGER) ||
				!ed.ReadASN1(&eci, cbasn1.SEQUENCE) || !eci.ReadASN1Element((*cryptobyte.String)(&ctype2), cbasn1.OBJECT_IDENTIFIER) ||
				!eci.ReadASN1Element((*cryptobyte.String)(&alg), cbasn1.SEQUENCE) || !eci.ReadASN1Bytes(&ct, tagImplicit0P) {
				t.Fatal("toBERPFX: encryptedData")
			}
			auth = append(auth, 0x30, 0x80)
			auth = append(auth, version...)
			auth = append(auth, 0x30, 0x80)
			auth = append(auth, ctype2...)
			auth = append(auth, alg...)
			auth = append(auth, segmented(0xa0, ct)...)
			auth = append(auth, 0, 0, 0, 0)
		}
		auth = append(auth, 0, 0, 0, 0)
	}
	auth = append(auth, 0, 0)

	// MacData with the same salt and iterations, over the new content.
	var digestInfo cryptobyte.String
	var salt []byte
	var iter int64
	if !macData.ReadASN1(&digestInfo, cbasn1.SEQUENCE) || !macData.ReadASN1Bytes(&salt, cbasn1.OCTET_STRING) ||
		!macData.ReadASN1Integer(&iter) {
		t.Fatal("toBERPFX: MacData")
	}
	bmp, err := bmpPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	mac := hmacSum(crypto.SHA1, pkcs12KDF(crypto.SHA1, pkcs12MACID, bmp, salt, int(iter), 20), auth)
	var md cryptobyte.Builder
	md.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1ObjectIdentifier(oidDigestSHA1)
				b.AddASN1NULL()
			})
			b.AddASN1OctetString(mac)
		})
		b.AddASN1OctetString(salt)
		b.AddASN1Int64(iter)
	})

	out := []byte{0x30, 0x80, 0x02, 0x01, 0x03, 0x30, 0x80}
	out = append(out, oid...)
	out = append(out, 0xa0, 0x80)
	out = append(out, segmented(0x24, auth)...)
	out = append(out, 0, 0, 0, 0)
	out = append(out, md.BytesOrPanic()...)
	return append(out, 0, 0)
}

// segmented writes content as a constructed string with tag (0x24 OCTET STRING, 0xa0
// [0] IMPLICIT) of 1000-byte OCTET STRING segments, indefinite length.
func segmented(tag byte, content []byte) []byte {
	out := []byte{tag, 0x80}
	for len(content) > 0 {
		n := min(len(content), 1000)
		out = appendDER(out, 0x04, content[:n])
		content = content[n:]
	}
	return append(out, 0, 0)
}

// indefinite re-encodes DER with every constructed element in indefinite-length form.
func indefinite(t testing.TB, der []byte) []byte {
	t.Helper()
	var out []byte
	in := cryptobyte.String(der)
	for !in.Empty() {
		var el cryptobyte.String
		var tag cbasn1.Tag
		if !in.ReadAnyASN1Element(&el, &tag) {
			t.Fatal("indefinite: not DER")
		}
		v := cryptobyte.String(el)
		var body cryptobyte.String
		if !v.ReadAnyASN1(&body, &tag) {
			t.Fatal("indefinite: element")
		}
		if tag&0x20 == 0 {
			out = append(out, el...)
			continue
		}
		out = append(out, byte(tag), 0x80)
		out = append(out, indefinite(t, body)...)
		out = append(out, 0, 0)
	}
	return out
}

// writePEMs writes k (PKCS#8, with its attributes) and cert as PEM files in dir.
func writePEMs(t testing.TB, dir string, k *PrivateKey, cert *x509.Certificate) (keyPEM, certPEM string) {
	t.Helper()
	plain, err := MarshalPrivateKeyInfo(k)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, certPEM = filepath.Join(dir, "key.pem"), filepath.Join(dir, "cert.pem")
	if err := os.WriteFile(keyPEM, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: plain}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return keyPEM, certPEM
}
