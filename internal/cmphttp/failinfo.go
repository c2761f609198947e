package cmphttp

import (
	"errors"

	"github.com/certcenter/certcenter/cmp"
	"github.com/certcenter/certcenter/internal/errs"
)

// failInfoOf maps error codes to the PKIFailureInfo bits (RFC 4210 section 5.2.3) that
// say what was wrong. The bits of a cmp error in the chain (cmp.FailureInfoOf: badPOP,
// badMessageCheck, badAlg, ...) are added to these.
var failInfoOf = map[errs.Code]cmp.FailureInfo{
	// The reference number and code: a wrong MAC is badMessageCheck; an enrollment that
	// cannot be used (unknown, used, locked, expired) is notAuthorized.
	errs.AuthCodeInvalid:    cmp.FailBadMessageCheck,
	errs.EnrollmentNotFound: cmp.FailNotAuthorized,
	errs.EnrollmentUsed:     cmp.FailNotAuthorized,
	errs.EnrollmentLocked:   cmp.FailNotAuthorized,
	errs.EnrollmentExpired:  cmp.FailNotAuthorized,
	errs.EnrollmentBusy:     cmp.FailSystemUnavail,
	// A database outage: nothing was decided, send again.
	errs.ServiceUnavailable: cmp.FailSystemUnavail,
	// An unknown reference answers AUTH_CODE_INVALID too (no existence oracle, issue 17).
	errs.RateLimited:      cmp.FailSystemUnavail,
	errs.CSRWeakSignature: cmp.FailBadAlg,
	// The key and R.
	errs.KeyTooWeak:       cmp.FailBadCertTemplate,
	errs.KeyUnsupported:   cmp.FailBadCertTemplate,
	errs.RandomNumInvalid: cmp.FailBadDataFormat,
	// Renewal and revocation rules.
	errs.RenewalWindowNotOpen:    cmp.FailBadRequest,
	errs.CertExpired:             cmp.FailBadRequest,
	errs.CertReplaced:            cmp.FailBadRequest,
	errs.CertRevoked:             cmp.FailCertRevoked,
	errs.CertSuspended:           cmp.FailCertRevoked, // on hold: certificateHold is a revocation state
	errs.CertificateNotFound:     cmp.FailBadCertID,
	errs.RevocationReasonInvalid: cmp.FailBadRequest,
	errs.CertNotConfirmable:      cmp.FailCertConfirmed,
	errs.Forbidden:               cmp.FailNotAuthorized,
	// CMP itself.
	errs.CMPSignerUnknown:      cmp.FailSignerNotTrusted,
	errs.CMPNotOwnCertificate:  cmp.FailNotAuthorized,
	errs.CMPTransactionUnknown: cmp.FailBadRequest,
	errs.CMPTransactionInUse:   cmp.FailTransactionIDInUse,
	errs.CMPUnsupported:        cmp.FailBadRequest,
	errs.CMPProtectionRequired: cmp.FailNotAuthorized,
	errs.CMPBadMessage:         0, // the cmp error's own bit
	// The server's fault.
	errs.Internal:   cmp.FailSystemFailure,
	errs.LintFailed: cmp.FailSystemFailure,
}

// statusOf turns an error into the PKIStatusInfo of a rejection: failInfo bits from the
// code and the cmp cause, and a statusString with the code, the English message and the
// hint (what openssl prints). Internal errors say nothing more than that.
func statusOf(err error) cmp.StatusInfo {
	var ce *cmp.Error
	isCMP := errors.As(err, &ce)
	var ee *errs.Error
	code := errs.CodeOf(err)
	if !errors.As(err, &ee) && isCMP {
		code = errs.CMPBadMessage
	}
	fail, known := failInfoOf[code]
	if !known {
		fail = cmp.FailBadRequest
	}
	if isCMP {
		fail |= ce.Fail
	}
	if fail == 0 {
		fail = cmp.FailBadRequest
	}
	t := errs.Localize(err, errs.English)
	if code != errs.CodeOf(err) { // a bare cmp error
		t = errs.Localize(errs.New(code, ""), errs.English)
	}
	text := []string{string(code) + ": " + t.Message}
	if isCMP && code != errs.Internal {
		text = append(text, err.Error()) // cmp's own words: which check failed
	}
	text = append(text, "hint: "+t.Hint)
	return cmp.Rejection(fail, text...)
}
