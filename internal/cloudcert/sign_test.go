package cloudcert

import (
	"encoding/json"
	"testing"

	"github.com/certcenter/certcenter/internal/errs"
)

func TestSignRequestValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		json  string
		items int // 0: refused
	}{
		{"cms text", `{"signFormat":{"type":"CMS"},"content":{"plainText":{"plainTexts":["a","b"]}},"info":{"signType":"01"}}`, 2},
		{"pkcs1 pss binary", `{"signFormat":{"type":"PKCS1"},"algorithms":"RSASSA-PSS_SHA256_MGF_SHA256","content":{"binary":{"binaries":["AAEC"]}},"info":{"signType":"02"}}`, 1},
		{"pkcs1 hash", `{"signFormat":{"type":"PKCS1"},"content":{"hash":{"hashes":["` + b64(32) + `"]}},"info":{"signType":"99"}}`, 1},
		{"euc-kr", `{"signFormat":{"type":"PKCS1"},"content":{"plainText":{"plainTexts":["이체"],"encoding":"EUC-KR"}},"info":{"signType":"02"}}`, 1},
		{"euc-kr unencodable", `{"signFormat":{"type":"PKCS1"},"content":{"plainText":{"plainTexts":["😀"],"encoding":"EUC-KR"}},"info":{"signType":"02"}}`, 0},
		{"cms hash", `{"signFormat":{"type":"CMS"},"content":{"hash":{"hashes":["` + b64(32) + `"]}},"info":{"signType":"01"}}`, 0},
		{"short hash", `{"signFormat":{"type":"PKCS1"},"content":{"hash":{"hashes":["` + b64(20) + `"]}},"info":{"signType":"01"}}`, 0},
		{"cms pss", `{"signFormat":{"type":"CMS"},"algorithms":"RSASSA-PSS_SHA256_MGF_SHA256","content":{"binary":{"binaries":["AA=="]}},"info":{"signType":"01"}}`, 0},
		{"two contents", `{"signFormat":{"type":"CMS"},"content":{"binary":{"binaries":["AA=="]},"plainText":{"plainTexts":["a"]}},"info":{"signType":"01"}}`, 0},
		{"no content", `{"signFormat":{"type":"CMS"},"content":{},"info":{"signType":"01"}}`, 0},
		{"empty list", `{"signFormat":{"type":"CMS"},"content":{"plainText":{"plainTexts":[]}},"info":{"signType":"01"}}`, 0},
		{"bad type", `{"signFormat":{"type":"XML"},"content":{"plainText":{"plainTexts":["a"]}},"info":{"signType":"01"}}`, 0},
		{"bad signType", `{"signFormat":{"type":"CMS"},"content":{"plainText":{"plainTexts":["a"]}},"info":{"signType":"03"}}`, 0},
		{"bad alg", `{"signFormat":{"type":"PKCS1"},"algorithms":"MD5","content":{"plainText":{"plainTexts":["a"]}},"info":{"signType":"01"}}`, 0},
		{"bad encoding", `{"signFormat":{"type":"CMS"},"content":{"plainText":{"plainTexts":["a"],"encoding":"UTF-16"}},"info":{"signType":"01"}}`, 0},
	} {
		var r SignRequest
		if err := json.Unmarshal([]byte(tc.json), &r); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		items, err := r.validate()
		if tc.items == 0 {
			if err == nil || errs.CodeOf(err) != errs.FinCertSignRequestInvalid {
				t.Errorf("%s: validate = %v, want FINCERT_SIGN_REQUEST_INVALID", tc.name, err)
			}
			continue
		}
		if err != nil || len(items) != tc.items {
			t.Errorf("%s: validate = %d items, %v; want %d", tc.name, len(items), err, tc.items)
		}
	}
}

func b64(n int) string {
	b, _ := json.Marshal(make([]byte, n))
	return string(b[1 : len(b)-1])
}

// FuzzSignRequest: hostile sign requests are refused or accepted, never a panic.
func FuzzSignRequest(f *testing.F) {
	f.Add(`{"signFormat":{"type":"CMS"},"content":{"plainText":{"plainTexts":["a"]}},"info":{"signType":"01"}}`)
	f.Add(`{"signFormat":{"type":"PKCS1"},"content":{"hash":{"hashes":["AA=="]}},"info":{"signType":"99"}}`)
	f.Fuzz(func(t *testing.T, s string) {
		var r SignRequest
		if json.Unmarshal([]byte(s), &r) != nil {
			return
		}
		r.validate()
	})
}
