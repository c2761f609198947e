package npki

import "errors"

// errBadPadding means the PKCS#7 padding of a decrypted buffer is wrong: with a
// password-based cipher this is what a wrong password almost always looks like.
var errBadPadding = errors.New("npki: bad padding")

// pkcs7Pad returns data with PKCS#7 padding (RFC 5652 section 6.3) to a multiple of
// blockSize, always adding at least one byte. It does not modify data.
func pkcs7Pad(data []byte, blockSize int) []byte {
	n := blockSize - len(data)%blockSize
	out := make([]byte, len(data)+n)
	copy(out, data)
	for i := len(data); i < len(out); i++ {
		out[i] = byte(n)
	}
	return out
}

// pkcs7Unpad checks and strips PKCS#7 padding.
func pkcs7Unpad(data []byte, blockSize int) ([]byte, error) {
	if len(data) == 0 || len(data)%blockSize != 0 {
		return nil, errBadPadding
	}
	n := int(data[len(data)-1])
	if n == 0 || n > blockSize {
		return nil, errBadPadding
	}
	for _, c := range data[len(data)-n:] {
		if int(c) != n {
			return nil, errBadPadding
		}
	}
	return data[:len(data)-n], nil
}
