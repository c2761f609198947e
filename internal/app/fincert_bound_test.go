package app_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/cloudcert"
	"github.com/certcenter/certcenter/internal/kek"
	"github.com/certcenter/certcenter/internal/testenv"
)

// BenchmarkFinCertBound measures how close any implementation of the signing API can
// come to raw RSA-2048 signing on this machine: the protocol's three HTTP exchanges per
// signature (the institution's sign request, the device's challenge, the completion
// with the device proof and the PIN) served by a bare net/http server with JSON bodies
// of the same shape, and on the server only the cryptography the rules require (the
// device proof's ECDSA P-256 verification, the peppered PIN check, the RSA signature);
// no database, no audit, no sessions, no rate limits. The client is the same as in
// BenchmarkFinCertHTTPParallel (the device's ECDSA signature, JSON, keep-alive HTTP),
// and so are the rounds alternated with raw signing. Whatever the store does can only
// add to this, so x-ceiling here bounds BenchmarkFinCertHTTPParallel's.
func BenchmarkFinCertBound(b *testing.B) {
	for _, clients := range []int{8, 32} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			keys, err := kek.NewFile([]byte("a CA key passphrase for the benchmark"))
			if err != nil {
				b.Fatal(err)
			}
			pinOf := func(pin string) []byte {
				p, err := keys.Pepper([]byte("fincert-pin\x00fcl_bound\x00" + pin))
				if err != nil {
					b.Fatal(err)
				}
				return cloudcert.PINHash(p, "fcl_bound")
			}
			stored := pinOf("135790")
			certKey, _ := rsa.GenerateKey(rand.Reader, 2048)
			dev, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			mux := http.NewServeMux()
			answer := func(w http.ResponseWriter, v any) {
				w.Header().Set("Content-Type", "application/json")
				json.NewEncoder(w).Encode(v)
			}
			mux.HandleFunc("POST /sign-requests", func(w http.ResponseWriter, r *http.Request) {
				var req map[string]any
				if json.NewDecoder(r.Body).Decode(&req) != nil {
					http.Error(w, "bad", 400)
					return
				}
				answer(w, map[string]any{"id": "fsr_bound", "expiresAt": time.Now().Add(5 * time.Minute)})
			})
			mux.HandleFunc("POST /challenges", func(w http.ResponseWriter, r *http.Request) {
				nonce := make([]byte, 32)
				rand.Read(nonce)
				answer(w, map[string]any{"nonce": nonce, "expiresAt": time.Now().Add(time.Minute)})
			})
			mux.HandleFunc("POST /complete", func(w http.ResponseWriter, r *http.Request) {
				var req struct {
					Nonce []byte `json:"nonce"`
					Proof []byte `json:"proof"`
					PIN   string `json:"pin"`
				}
				if json.NewDecoder(r.Body).Decode(&req) != nil || len(req.Proof) != 64 {
					http.Error(w, "bad", 400)
					return
				}
				d := sha256.Sum256(cloudcert.ProofMessage("sign", "fsr_bound", req.Nonce))
				if !ecdsa.Verify(&dev.PublicKey, d[:], new(big.Int).SetBytes(req.Proof[:32]), new(big.Int).SetBytes(req.Proof[32:])) {
					http.Error(w, "proof", 403)
					return
				}
				if !bytes.Equal(pinOf(req.PIN), stored) {
					http.Error(w, "pin", 403)
					return
				}
				h := sha256.Sum256([]byte("데모쇼핑 로그인 2026-12-06"))
				sig, err := rsa.SignPKCS1v15(nil, certKey, crypto.SHA256, h[:])
				if err != nil {
					http.Error(w, "sign", 500)
					return
				}
				answer(w, map[string]any{"signedVals": [][]byte{sig}, "certSeqNum": "01", "certificate": make([]byte, 1400)})
			})
			srv := httptest.NewServer(mux)
			defer srv.Close()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			post := func(path string, body any) (map[string]any, error) {
				raw, _ := json.Marshal(body)
				resp, err := client.Post(srv.URL+path, "application/json", bytes.NewReader(raw))
				if err != nil {
					return nil, err
				}
				defer resp.Body.Close()
				out, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != 200 {
					return nil, fmt.Errorf("%s = %d %s", path, resp.StatusCode, out)
				}
				var m map[string]any
				return m, json.Unmarshal(out, &m)
			}
			var nonceOut struct {
				Nonce []byte `json:"nonce"`
			}
			one := func() error {
				if _, err := post("/sign-requests", with(loginRequest("PKCS1"), "orgCode", "902")); err != nil {
					return err
				}
				m, err := post("/challenges", map[string]string{"deviceId": "fcd_bound"})
				if err != nil {
					return err
				}
				raw, _ := json.Marshal(m)
				n := nonceOut
				json.Unmarshal(raw, &n)
				d := sha256.Sum256(cloudcert.ProofMessage("sign", "fsr_bound", n.Nonce))
				r, s, err := ecdsa.Sign(rand.Reader, dev, d[:])
				if err != nil {
					return err
				}
				proof := make([]byte, 64)
				r.FillBytes(proof[:32])
				s.FillBytes(proof[32:])
				_, err = post("/complete", map[string]any{"deviceId": "fcd_bound", "nonce": n.Nonce, "proof": proof, "pin": "135790"})
				return err
			}
			raw, _ := rsa.GenerateKey(rand.Reader, 2048)
			h := sha256.Sum256([]byte("x"))
			round := 2 * clients
			var tRaw, tAPI time.Duration
			n := 0
			for b.Loop() {
				d, _ := testenv.Spread(round, func() error {
					_, err := rsa.SignPKCS1v15(nil, raw, crypto.SHA256, h[:])
					return err
				})
				tRaw += d
				d, err := spreadN(clients, round, one)
				if err != nil {
					b.Fatal(err)
				}
				tAPI += d
				n += round
			}
			b.ReportMetric(float64(n)/tRaw.Seconds(), "ceiling-sig/s")
			b.ReportMetric(float64(n)/tAPI.Seconds(), "bound-sig/s")
			b.ReportMetric(tRaw.Seconds()/tAPI.Seconds(), "x-ceiling")
		})
	}
}
