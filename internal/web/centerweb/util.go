package centerweb

import (
	"crypto/rand"
	"encoding/hex"
)

func randRead(b []byte) { rand.Read(b) }

func hexString(b []byte) string { return hex.EncodeToString(b) }

// Session keys. Values are sealed at rest (web.Sessions).
const (
	kFlow     = "flow"     // issue, resume, register
	kKind     = "kind"     // personal, corporate
	kCustomer = "customer" // the customer found by name and identity number
	kVerif    = "verif"    // the verification in progress
	kMethod   = "method"   // sms, account
	kVerified = "verified" // the verification completed (the customer is who they say)
	kRef      = "ref"      // the enrollment's reference number ...
	kCode     = "code"     // ... and authorization code, between the kind and key steps
	kReplaces = "replaces" // the certificate a reissue supersedes
	kIssued   = "issued"   // the serial just issued (the done page)
	kVerAt    = "verAt"    // when the verification completed (Unix seconds)
	kShort    = "short"    // demo: issue for DemoValidityDays only
	kSlip     = "slip"     // the enrollment came from a branch slip (slip.go): fewer steps
)

// DemoValidityDays is the validity a demo customer may choose instead of a year: inside
// the 30-day renewal window from the first day, with the D-30/7/1 reminders due.
const DemoValidityDays = 25
