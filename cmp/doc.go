// Package cmp encodes and decodes Certificate Management Protocol messages (RFC 4210 as
// updated by RFC 9810, with CRMF from RFC 4211): the PKIMessage with its header, the
// bodies certcenter uses (ir, ip, cr, cp, p10cr, kur, kup, rr, rp, pkiconf, genm, genp,
// error, certConf), message protection (password-based MAC and signatures), proof of
// possession, the certConf certificate hash, and builders for the answers a CA sends.
// The Korean joint-certificate profile of CMP (KOREAN-PKI.md section "Issuance protocol")
// adds one thing: the randomNum R, carried in regInfo of a request or in the generalInfo
// of a response header under OIDRandomNum.
//
// The package owns the bytes: Parse turns DER into structs and keeps the received
// encoding of the header and body, because protection is computed over the DER that was
// received (RFC 4210 section 5.1.3), never over a re-encoding. Marshal and the Protect
// methods turn structs back into DER.
//
// cmp is a pure codec. It deliberately does not do:
//   - transport: no HTTP (RFC 6712 is the server's and certctl's job);
//   - policy: it verifies a MAC with the secret it is given and a signature with the key
//     it is given; which secret belongs to a senderKID, whether a certificate is trusted,
//     revoked or allowed to renew, whether implicitConfirm is granted, and which
//     failInfo to answer are decided by the caller (FailureInfoOf helps with the last);
//   - storage: no database, no files, no clocks or randomness of its own (times and
//     io.Readers come in as arguments).
//
// A server reads a request with Parse, checks it with VerifyPBM (secret found by
// Header.SenderKID, the reference number) or VerifySignature (key of the current
// certificate, for kur and rr), VerifyPOP or VerifyP10CR, and CheckReply/CheckCertHash
// for a certConf. It answers with NewReply and a body from CertRepBody (with Issued or
// Rejected), RPBody, PKIConfBody, GenpBody (AnswerGenm) or ErrorBody (Rejection), then
// ProtectPBM (the request's PBMParameter WithNewSalt) or ProtectSignature.
//
// A client builds CertReqMsg values, signs them with SignPOP, wraps them with
// CertReqBody (or RRBody with RevocationRequest) in NewRequest, protects the message,
// and after an ip/cp/kup checks it with CheckReply and the CA's key, then confirms with
// CertConfBody(ConfirmCert(...)) sent through NewReply.
//
// Limits: Parse refuses input larger than MaxMessageSize and DER nested deeper than
// maxNesting; VerifyPBM refuses iteration counts above MaxPBMIterations before doing
// any work. Errors wrap the sentinel errors in errors.go; FailureInfoOf maps them to
// the PKIFailureInfo bit a server should answer with.
package cmp
