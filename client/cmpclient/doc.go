// Package cmpclient is the client side of certcenter's CMP endpoint (RFC 4210/9810
// messages over HTTP, RFC 6712, at <server>/pkix/): issue with a reference number and
// authorization code (ir), renew with the current key (kur), revoke with the
// certificate's own key (rr), and the certConf that completes an issue or a renewal
// (KOREAN-PKI.md section 7). certctl and the end-to-end tests use it.
//
// It owns building the requests with package cmp, the HTTP exchange, and checking every
// answer before anything in it is believed: same transaction and our nonce
// (cmp.CheckReply), the expected body type, and protection:
//   - an answer to an ir is MACed with the authorization code (the server proves it
//     knows the code, so the root in caPubs is authentic: RFC 4210 appendix D.4's way to
//     bootstrap trust); the issued certificate must chain to that root through the
//     certificates in extraCerts and carry the public key that was sent. A caller may
//     pin the root (EnrollRequest.TrustedRoot); the root's SHA-256 fingerprint is
//     returned so that it can be shown.
//   - an answer to a kur, an rr or a kur's certConf is signed by the CA's CMP identity,
//     whose certificate comes first in extraCerts. It is trusted when it was certified,
//     for digitalSignature, by the key that certified the caller's own certificate (an
//     issuing-CA certificate in extraCerts whose key verifies the caller's certificate).
//     No root needs to be stored on the device for that.
//   - refusals signed before the server could check the code (a wrong code, a locked
//     enrollment) are checked against the chain they carry, or against the pinned root;
//     such a Rejection has Authenticated false unless pinned: it is shown, never acted on
//     beyond reporting it.
//
// R (randomNum): the caller draws it on the device and sends it in regInfo; when the
// server returns one in generalInfo (it drew it), that is the one to keep (Pending.RandomNum).
//
// Confirmation: Enroll and Renew return a Pending certificate that the server revokes
// unless confirmed before Pending.ConfirmBy. The caller stores the key first, then calls
// Confirm, or Reject when it could not store it.
//
// It deliberately does not generate keys, read or write key files, ask for passwords,
// or decide which certificates to renew: that is certctl's. A request that got no answer
// (network failure, or 502/503/504 from a proxy) is sent again, the same bytes, a few
// times with a growing pause (DefaultRetries); the server answers a repeat with the
// first result. Network failures that outlast the retries come back as *client.NetError, refusals as *Rejection carrying the server's stable error code
// (internal/errs) parsed from the status text, and answers that fail a check as errors
// wrapping ErrBadAnswer.
package cmpclient
