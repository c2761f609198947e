// Package revocation publishes the revocation status of the certificates the issuing CA
// issued: partitioned CRLs (RFC 5280) and an OCSP responder (RFC 6960, RFC 5019), over
// HTTP at the URLs written in the certificates (CRL distribution point
// <base>/crl/<issuer>/p<N>.crl, AIA OCSP <base>/ocsp).
//
// It owns:
//   - CRL publication: one CRL per partition (KOREAN-PKI.md section 6: yessign's
//     ou=dp5p22874), with cRLNumber from the store's counter, reason codes, invalidity
//     dates, certificateHold entries while a certificate is suspended, and an
//     issuingDistributionPoint naming the partition; optionally a full CRL. A change
//     republishes only its partition, within a second; every partition is re-signed
//     when half of CRLValidity has passed. Expired certificates leave a CRL after one
//     CRL validity past their notAfter (RFC 5280 section 3.3).
//   - The OCSP responder: a strict request parser (ParseRequest, fuzzed), answers
//     signed by the delegated responder certificate, pre-signed and cached in memory and
//     in the database (shared by every node), refreshed at half their validity and
//     replaced at once on revocation, suspension and resumption. Nonces are ignored
//     (the pre-signed answer is served) or echoed in a live signature, as configured.
//   - Several nodes on one PostgreSQL: changes reach every node through the status
//     change feed that a trigger fills (NOTIFY at commit, and a poll for what a node
//     missed); one node at a time (an advisory lock) publishes CRLs and pre-signs, and
//     the job moves when it dies.
//
// It deliberately does not hold or open keys: it asks internal/ca to sign (SignCRL,
// SignOCSP), which goes through internal/issuance, the one door to the keys; it never
// imports issuance or signer. It does not decide statuses (internal/ca does), and it
// serves no CRL of the root (the root's key stays offline).
package revocation
