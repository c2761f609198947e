package cmp

import "errors"

// Error is a cmp error class with the PKIFailureInfo bit (RFC 4210 section 5.2.3) a
// server should put in its error message. Errors returned by this package wrap one of
// the sentinels below; test with errors.Is and map with FailureInfoOf.
type Error struct {
	Fail FailureInfo
	msg  string
}

func (e *Error) Error() string { return e.msg }

// Sentinel errors. Each names the failInfo bit the RFC 4210 section 5.2.3 text suggests.
var (
	// ErrMalformed: the input is not a DER PKIMessage we can decode.
	ErrMalformed = &Error{FailBadDataFormat, "cmp: malformed message"}
	// ErrTooLarge: the input exceeds MaxMessageSize or nests too deep.
	ErrTooLarge = &Error{FailBadDataFormat, "cmp: message too large or too deeply nested"}
	// ErrUnsupportedVersion: pvno is neither 2 nor 3.
	ErrUnsupportedVersion = &Error{FailUnsupportedVersion, "cmp: unsupported pvno (want 2 or 3)"}
	// ErrUnsupportedAlgorithm: a protection, MAC, hash or signature algorithm we do not implement.
	ErrUnsupportedAlgorithm = &Error{FailBadAlg, "cmp: unsupported algorithm"}
	// ErrPBMIterations: the PBMParameter iterationCount is outside [1, MaxPBMIterations].
	ErrPBMIterations = &Error{FailBadAlg, "cmp: PBM iteration count out of range"}
	// ErrNotProtected: the message carries no protection (or no protectionAlg).
	ErrNotProtected = &Error{FailBadMessageCheck, "cmp: message is not protected"}
	// ErrWrongProtection: the protection is of the other kind (MAC where a signature was
	// expected, or the reverse).
	ErrWrongProtection = &Error{FailWrongIntegrity, "cmp: wrong kind of protection"}
	// ErrBadMessageCheck: the MAC or signature does not verify.
	ErrBadMessageCheck = &Error{FailBadMessageCheck, "cmp: protection does not verify"}
	// ErrBadPOP: the proof of possession is missing, of an unsupported kind, or wrong.
	ErrBadPOP = &Error{FailBadPOP, "cmp: proof of possession failed"}
	// ErrBadCertTemplate: the certificate template lacks what the operation needs (e.g. a public key).
	ErrBadCertTemplate = &Error{FailBadCertTemplate, "cmp: bad certificate template"}
	// ErrCertHashMismatch: a certConf's certHash names another certificate than the one issued.
	ErrCertHashMismatch = &Error{FailBadCertID, "cmp: certHash does not match the issued certificate"}
	// ErrBadRecipientNonce: a reply's recipNonce is not the request's senderNonce.
	ErrBadRecipientNonce = &Error{FailBadRecipientNonce, "cmp: recipNonce does not match the request's senderNonce"}
	// ErrBadRequest: the message is well formed but not something we can act on.
	ErrBadRequest = &Error{FailBadRequest, "cmp: bad request"}
)

// FailureInfoOf returns the failInfo bit for an error from this package, or
// FailBadRequest for any other non-nil error, and 0 for nil.
func FailureInfoOf(err error) FailureInfo {
	if err == nil {
		return 0
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Fail
	}
	return FailBadRequest
}
