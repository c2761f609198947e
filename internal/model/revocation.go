package model

import "time"

// FullCRL is the partition number of an issuer's full CRL (every partition in one list),
// optional for small deployments.
const FullCRL = -1

// RevokedEntry is one entry of a CRL as the store lists it: a revoked certificate or a
// suspended one (certificateHold).
type RevokedEntry struct {
	Serial         Serial
	RevokedAt      time.Time
	Reason         RevocationReason
	InvalidityDate *time.Time
	NotAfter       time.Time
}

// CRL is a signed CRL of one partition (or FullCRL) of one issuer, as stored and served.
// DER is empty when only the head (number and times) was asked for.
type CRL struct {
	IssuerID   string
	Partition  int
	Number     int64
	ThisUpdate time.Time
	NextUpdate time.Time
	DER        []byte
}

// OCSPResponse is a pre-signed OCSP response (RFC 6960) for one certificate, with the
// SHA-1 CertID most clients send. StatusAt is the certificate's StatusAt the response
// reflects: a response whose StatusAt is older than the certificate's is stale.
type OCSPResponse struct {
	Serial     Serial
	ThisUpdate time.Time
	NextUpdate time.Time
	StatusAt   time.Time
	DER        []byte
}

// StatusEvent is one entry of the status change feed: a certificate whose status,
// reason or revocation details changed. Seq increases with every change.
type StatusEvent struct {
	Seq       int64
	Serial    Serial
	IssuerID  string
	Partition int
	At        time.Time
}
