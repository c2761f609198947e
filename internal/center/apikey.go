package center

import (
	"crypto/rand"
	"encoding/base64"
)

// NewAPIKey draws an institution's API key: "cc_<code>_" and 32 random bytes
// (base64url). The first start's demo institutions and the operator's console both
// make keys here; only HashAPIKey's value is stored.
func NewAPIKey(code string) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return "cc_" + code + "_" + base64.RawURLEncoding.EncodeToString(b)
}
