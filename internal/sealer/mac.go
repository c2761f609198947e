package sealer

import (
	"crypto/hmac"
	"crypto/sha256"
)

// deriveMACKey derives the lookup-hash key from the sealing key, so one configured
// secret serves both and neither reveals the other (HMAC as a PRF, RFC 2104).
func deriveMACKey(key []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("certcenter sealer: lookup MAC key v1"))
	return m.Sum(nil)
}

// MAC returns a keyed hash (HMAC-SHA-256) of data for a purpose: a deterministic
// lookup value for personal data (identity numbers) and a stored form of short secrets
// (one-time codes, account PINs) that cannot be brute-forced without the key.
func (s *Sealer) MAC(purpose string, data ...[]byte) []byte {
	m := hmac.New(sha256.New, s.macKey)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	for _, d := range data {
		var n [4]byte
		n[0], n[1], n[2], n[3] = byte(len(d)>>24), byte(len(d)>>16), byte(len(d)>>8), byte(len(d))
		m.Write(n[:])
		m.Write(d)
	}
	return m.Sum(nil)
}
