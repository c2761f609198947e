package cmp

import "encoding/asn1"

// Object identifiers used by CMP (RFC 4210 appendix F, RFC 9810, RFC 9481), CRMF
// (RFC 4211) and the Korean profile (KOREAN-PKI.md sections "VID" and "Issuance protocol").
var (
	// Protection (RFC 4210 section 5.1.3.1, RFC 9481 section 6.1.1).
	OIDPasswordBasedMAC = asn1.ObjectIdentifier{1, 2, 840, 113533, 7, 66, 13}

	// One-way functions (RFC 9481 section 2).
	OIDSHA1   = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	OIDSHA224 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 4}
	OIDSHA256 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	OIDSHA384 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	OIDSHA512 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}

	// MAC algorithms (RFC 9481 section 6.2). hmac-sha1 is what OpenSSL sends by default.
	OIDHMACSHA1        = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 8, 1, 2}
	OIDHMACWithSHA1    = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	OIDHMACWithSHA224  = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 8}
	OIDHMACWithSHA256  = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	OIDHMACWithSHA384  = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	OIDHMACWithSHA512  = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
	oidSHA1WithRSA     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}
	oidSHA224WithRSA   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 14}
	oidSHA256WithRSA   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidSHA384WithRSA   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}
	oidSHA512WithRSA   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}
	oidECDSAWithSHA1   = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 1}
	oidECDSAWithSHA224 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 1}
	oidECDSAWithSHA256 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	oidECDSAWithSHA384 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	oidECDSAWithSHA512 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}
	oidEd25519         = asn1.ObjectIdentifier{1, 3, 101, 112}
	oidReasonCode      = asn1.ObjectIdentifier{2, 5, 29, 21}

	// InfoTypeAndValue types (RFC 4210 section 5.3.19, RFC 9810 section 5.3.19).
	OIDITCAProtEncCert    = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 4, 1}
	OIDITSignKeyPairTypes = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 4, 2}
	OIDITEncKeyPairTypes  = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 4, 3}
	OIDITImplicitConfirm  = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 4, 13}
	OIDITConfirmWaitTime  = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 4, 14}
	OIDITCACerts          = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 4, 17}
	OIDITRootCACert       = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 4, 20}

	// OIDRandomNum is the Korean randomNum (R) attribute, a BIT STRING
	// (KOREAN-PKI.md section "VID"); it travels in regInfo or generalInfo.
	OIDRandomNum = asn1.ObjectIdentifier{1, 2, 410, 200004, 10, 1, 1, 3}

	// CRMF controls (RFC 4211 section 6).
	OIDRegCtrlOldCertID = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 5, 1, 5}
)
