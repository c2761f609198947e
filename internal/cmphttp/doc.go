// Package cmphttp is certcenter's CMP endpoint: RFC 4210/9810 messages over HTTP
// (RFC 6712) at POST /pkix/, onto the certificate center and the authority. It is what
// `openssl cmp` and certctl talk to (KOREAN-PKI.md section 7).
//
// It owns the transport (content type application/pkixcmp, a 1 MiB limit, HTTP/1.0 as
// OpenSSL sends it), the dispatch of a parsed message, the protection of answers and
// the state of a transaction between an ip/cp/kup and its certConf. The codec is package
// cmp; enrollment rules (single use, 5 wrong codes lock) are center's; issuance,
// renewal rules and revocation are ca's and center's. It holds no key: answers that are
// signed are signed by the authority's CMP identity (ca.CMPIdentity, the responder role
// key, whose certificate the issuing CA certified with keyUsage digitalSignature).
//
// Messages:
//   - ir, cr, p10cr: protected with a password-based MAC whose senderKID is the
//     reference number and whose secret is the authorization code (RFC 4210 appendix
//     D.4). A wrong MAC counts as a wrong code (the enrollment locks after 5). The proof
//     of possession is checked for every new key (signature POP; PKCS#10's own
//     signature for p10cr). The subject, validity and extensions of the template are
//     ignored: the Korean profile and the enrollment decide them. One request per
//     message.
//   - kur: signed with the key of the certificate to renew, which must be one this CA
//     issued and, if oldCertID is given, the one it names; the renewal window of the
//     center applies.
//   - rr: signed with the key of the certificate to revoke: a holder revokes only their
//     own certificate. The reasonCode of crlEntryDetails is the reason (unspecified when
//     absent; certificateHold and removeFromCRL are refused).
//   - certConf → pkiconf; genm → genp with id-it-caCerts [issuing CA, root] (every item
//     for an empty genm).
//
// R (randomNum, KOREAN-PKI.md section 5) is taken from the request's regInfo (or its
// header's generalInfo); otherwise the authority draws it and the answer's header
// carries it in generalInfo under the randomNum OID, so that the client can keep it in
// its key file.
//
// Protection of answers: an answer to a request whose MAC verified is MACed with the
// same code (fresh salt, the request's algorithms and iteration count); every other
// answer (kur, rr, unprotected genm, and errors to requests whose MAC could not be
// verified, so that a code is never used for someone who did not prove it) is signed by
// the CMP identity, whose certificate goes first in extraCerts, followed by the issuing
// CA and the root. A client that trusts the root (openssl cmp -trusted root.pem)
// verifies both kinds. ip and cp carry the root in caPubs. pvno 3 requests get pvno 3
// answers.
//
// Confirmation (RFC 4210 section 5.3.18): unless the client asks for implicitConfirm
// (always granted), the certificate is stored with a confirmation deadline (cmp.
// confirm_wait, default 5 minutes, told to the client as confirmWaitTime) and the
// transaction (transactionID, serial, our senderNonce, how it was protected) in the
// cmp_transactions table, so that the certConf may reach any node. A certConf must
// answer our nonce, be protected like the request, and hash to the issued certificate;
// a rejecting certConf revokes it (cessationOfOperation). Sweep revokes certificates
// whose deadline passed unconfirmed and deletes expired transactions.
//
// Errors: once a request parses, every failure is answered with a PKIMessage (an error
// body with PKIStatusInfo: status rejection, the PKIFailureInfo bits of failInfo, and
// a statusString "CODE: message" plus the hint, in English, which openssl prints); only
// an unparseable body gets HTTP 400, a wrong content type 415 and an oversized body 413.
// See failinfo.go for the mapping of error codes to failInfo bits.
package cmphttp
