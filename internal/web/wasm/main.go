//go:build js && wasm

// Command wasm is the browser's half of the web certificate center: the npki package
// (signPri.key, PKCS#12, NPKI folders, the password policy) and the copy relay's
// end-to-end cryptography compiled to WebAssembly, so that the browser, certctl and the
// server share one implementation of every Korean format. Private keys live in this
// module's memory as handles; JavaScript never sees them in clear beyond the moment
// WebCrypto hands a new key over (importKey), and they never leave the browser.
//
// Build: internal/web/wasm/build.sh (writes ui/static/wasm/npki.wasm.gz; CI checks that
// the committed file matches the source).
package main

import (
	"archive/zip"
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"syscall/js"
	"time"

	relay "github.com/certcenter/certcenter/internal/relay/e2e"
	"github.com/certcenter/certcenter/npki"
)

var (
	keys    = map[int]*npki.PrivateKey{}
	relays  = map[int]*relay.KeyPair{}
	chans   = map[int]*relay.Channel{}
	nextID  = 1
	u8      = js.Global().Get("Uint8Array")
	jsError = js.Global().Get("Error")
)

// fail is returned to JavaScript as {error: code, message}; code is stable.
type fail struct{ code, msg string }

func toJS(b []byte) js.Value {
	a := u8.New(len(b))
	js.CopyBytesToJS(a, b)
	return a
}

func fromJS(v js.Value) []byte {
	if v.IsUndefined() || v.IsNull() {
		return nil
	}
	b := make([]byte, v.Get("length").Int())
	js.CopyBytesToGo(b, v)
	return b
}

// export registers fn under npki.<name>; fn returns a map (an object for JavaScript) or
// a *fail, and a panic becomes {error: "INTERNAL"}.
func export(obj js.Value, name string, fn func(args []js.Value) (map[string]any, *fail)) {
	obj.Set(name, js.FuncOf(func(this js.Value, args []js.Value) (ret any) {
		defer func() {
			if p := recover(); p != nil {
				ret = js.ValueOf(map[string]any{"error": "INTERNAL", "message": fmt.Sprint(p)})
			}
		}()
		m, f := fn(args)
		if f != nil {
			return js.ValueOf(map[string]any{"error": f.code, "message": f.msg})
		}
		return js.ValueOf(m)
	}))
}

func arg(args []js.Value, i int) js.Value {
	if i < len(args) {
		return args[i]
	}
	return js.Undefined()
}

func keyOf(args []js.Value, i int) (*npki.PrivateKey, *fail) {
	k, ok := keys[arg(args, i).Int()]
	if !ok {
		return nil, &fail{"NO_KEY", "the key handle is not open"}
	}
	return k, nil
}

func hold(k *npki.PrivateKey) int {
	id := nextID
	nextID++
	keys[id] = k
	return id
}

func passwordFail(err error) *fail {
	var pe *npki.PasswordError
	if errors.As(err, &pe) {
		return &fail{"PASSWORD_" + pe.Rule, err.Error()}
	}
	if errors.Is(err, npki.ErrWrongPassword) {
		return &fail{"WRONG_PASSWORD", "the password does not open this key file"}
	}
	return &fail{"KEY_FILE", err.Error()}
}

func main() {
	api := js.Global().Get("Object").New()

	// importKey(pkcs8) -> {handle, r}: takes a new key pair from WebCrypto, draws the
	// identity random R (20 bytes, KOREAN-PKI.md section 4) and keeps both here.
	export(api, "importKey", func(a []js.Value) (map[string]any, *fail) {
		k, err := x509.ParsePKCS8PrivateKey(fromJS(arg(a, 0)))
		if err != nil {
			return nil, &fail{"KEY", err.Error()}
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok || rk.N.BitLen() != 2048 {
			return nil, &fail{"KEY", "an RSA-2048 key is required"}
		}
		r := make([]byte, 20)
		rand.Read(r)
		return map[string]any{"handle": hold(&npki.PrivateKey{Key: rk, RandomNum: r}), "r": hex.EncodeToString(r)}, nil
	})
	// csr(handle) -> {csr}: a PKCS#10 request signed by the key (the CA replaces the
	// subject with the Korean profile's).
	export(api, "csr", func(a []js.Value) (map[string]any, *fail) {
		k, f := keyOf(a, 0)
		if f != nil {
			return nil, f
		}
		der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{}, k.Key)
		if err != nil {
			return nil, &fail{"CSR", err.Error()}
		}
		return map[string]any{"csr": toJS(der)}, nil
	})
	// sign(handle, data) -> {signature}: RSA PKCS#1 v1.5 over SHA-256(data).
	export(api, "sign", func(a []js.Value) (map[string]any, *fail) {
		k, f := keyOf(a, 0)
		if f != nil {
			return nil, f
		}
		h := sha256.Sum256(fromJS(arg(a, 1)))
		sig, err := k.Key.Sign(rand.Reader, h[:], crypto.SHA256)
		if err != nil {
			return nil, &fail{"SIGN", err.Error()}
		}
		return map[string]any{"signature": toJS(sig)}, nil
	})
	export(api, "randomNum", func(a []js.Value) (map[string]any, *fail) {
		k, f := keyOf(a, 0)
		if f != nil {
			return nil, f
		}
		return map[string]any{"r": hex.EncodeToString(k.RandomNum)}, nil
	})
	export(api, "publicKeyMatches", func(a []js.Value) (map[string]any, *fail) {
		k, f := keyOf(a, 0)
		if f != nil {
			return nil, f
		}
		c, err := x509.ParseCertificate(fromJS(arg(a, 1)))
		if err != nil {
			return nil, &fail{"CERT", err.Error()}
		}
		pub, ok := k.Key.Public().(interface{ Equal(crypto.PublicKey) bool })
		return map[string]any{"matches": ok && pub.Equal(c.PublicKey)}, nil
	})
	export(api, "dropKey", func(a []js.Value) (map[string]any, *fail) {
		delete(keys, arg(a, 0).Int())
		return map[string]any{}, nil
	})
	// checkPassword(pw) -> {ok, rule}: the Korean key-file policy; rule names the
	// first rule broken.
	export(api, "checkPassword", func(a []js.Value) (map[string]any, *fail) {
		err := npki.CheckPassword([]byte(arg(a, 0).String()))
		var pe *npki.PasswordError
		if errors.As(err, &pe) {
			return map[string]any{"ok": false, "rule": pe.Rule}, nil
		}
		return map[string]any{"ok": err == nil, "rule": ""}, nil
	})
	// encryptKey(handle, password) -> {keyFile}: signPri.key in the form Korean
	// software writes (npki's default scheme), R kept as the randomNum attribute.
	export(api, "encryptKey", func(a []js.Value) (map[string]any, *fail) {
		k, f := keyOf(a, 0)
		if f != nil {
			return nil, f
		}
		der, err := npki.EncryptKeyFile(k, []byte(arg(a, 1).String()), nil)
		if err != nil {
			return nil, passwordFail(err)
		}
		return map[string]any{"keyFile": toJS(der)}, nil
	})
	// openKey(keyFile, password) -> {handle, r}
	export(api, "openKey", func(a []js.Value) (map[string]any, *fail) {
		k, err := npki.DecryptKeyFile(fromJS(arg(a, 0)), []byte(arg(a, 1).String()))
		if err != nil {
			return nil, passwordFail(err)
		}
		return map[string]any{"handle": hold(k), "r": hex.EncodeToString(k.RandomNum)}, nil
	})
	// changePassword(keyFile, old, new) -> {keyFile}: the file's own scheme is kept.
	export(api, "changePassword", func(a []js.Value) (map[string]any, *fail) {
		der, err := npki.ChangePassword(fromJS(arg(a, 0)), []byte(arg(a, 1).String()), []byte(arg(a, 2).String()), nil)
		if err != nil {
			return nil, passwordFail(err)
		}
		return map[string]any{"keyFile": toJS(der)}, nil
	})
	export(api, "certInfo", func(a []js.Value) (map[string]any, *fail) {
		c, err := x509.ParseCertificate(fromJS(arg(a, 0)))
		if err != nil {
			return nil, &fail{"CERT", err.Error()}
		}
		return certInfo(c), nil
	})
	// npkiZip(cert, keyFile) -> {zip, name}: NPKI/<CA>/USER/<subject>/ as certctl and
	// Korean software lay it out.
	export(api, "npkiZip", func(a []js.Value) (map[string]any, *fail) {
		certDER, keyFile := fromJS(arg(a, 0)), fromJS(arg(a, 1))
		c, err := x509.ParseCertificate(certDER)
		if err != nil {
			return nil, &fail{"CERT", err.Error()}
		}
		dir, err := npki.CertDir("NPKI", c)
		if err != nil {
			return nil, &fail{"CERT", err.Error()}
		}
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, f := range []struct {
			name string
			b    []byte
		}{{"signCert.der", certDER}, {"signPri.key", keyFile}} {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: dir + "/" + f.name, Method: zip.Deflate, Modified: time.Now()})
			if err != nil {
				return nil, &fail{"ZIP", err.Error()}
			}
			w.Write(f.b)
		}
		if err := zw.Close(); err != nil {
			return nil, &fail{"ZIP", err.Error()}
		}
		return map[string]any{"zip": toJS(buf.Bytes()), "folder": dir}, nil
	})
	// readZip(zip) -> {certs: [{cert, keyFile, folder}]}: every NPKI folder in a zip.
	export(api, "readZip", func(a []js.Value) (map[string]any, *fail) {
		found, f := readZip(fromJS(arg(a, 0)))
		if f != nil {
			return nil, f
		}
		return map[string]any{"certs": found}, nil
	})
	// pfxExport(handle, cert, password) -> {pfx}: PKCS#12 in the Korean form.
	export(api, "pfxExport", func(a []js.Value) (map[string]any, *fail) {
		k, f := keyOf(a, 0)
		if f != nil {
			return nil, f
		}
		c, err := x509.ParseCertificate(fromJS(arg(a, 1)))
		if err != nil {
			return nil, &fail{"CERT", err.Error()}
		}
		pfx, err := npki.EncodePFX(k, c, nil, []byte(arg(a, 2).String()), &npki.PFXOptions{ExistingPassword: true})
		if err != nil {
			return nil, &fail{"PFX", err.Error()}
		}
		return map[string]any{"pfx": toJS(pfx)}, nil
	})
	// pfxImport(pfx, password) -> {handle, cert, r}
	export(api, "pfxImport", func(a []js.Value) (map[string]any, *fail) {
		p, err := npki.DecodePFX(fromJS(arg(a, 0)), []byte(arg(a, 1).String()))
		if err != nil {
			if errors.Is(err, npki.ErrWrongPassword) {
				return nil, &fail{"WRONG_PASSWORD", err.Error()}
			}
			return nil, &fail{"PFX", err.Error()}
		}
		return map[string]any{"handle": hold(p.Key), "cert": toJS(p.Cert.Raw), "r": hex.EncodeToString(p.Key.RandomNum)}, nil
	})
	// encryptKeyExisting(handle, password) -> {keyFile}: a key file under a password
	// the user already had (an imported PKCS#12's), exempt from the new-password policy.
	export(api, "encryptKeyExisting", func(a []js.Value) (map[string]any, *fail) {
		k, f := keyOf(a, 0)
		if f != nil {
			return nil, f
		}
		der, err := npki.EncryptKeyFile(k, []byte(arg(a, 1).String()), &npki.EncryptOptions{ExistingPassword: true})
		if err != nil {
			return nil, passwordFail(err)
		}
		return map[string]any{"keyFile": toJS(der)}, nil
	})
	exportRelay(api)
	js.Global().Set("npki", api)
	if cb := js.Global().Get("npkiReady"); cb.Type() == js.TypeFunction {
		cb.Invoke()
	}
	select {}
}
