// Package cloudcert is the financial certificate (금융인증서, KOREAN-PKI.md section 9): a
// personal certificate whose RSA-2048 key certcenter generates and holds, unlocked by a
// 6-digit PIN from a registered browser, valid three years (policy <arc>.1.10, subject
// OU=personalF; internal/issuance owns the profile).
//
// cloudcert owns:
//   - the keys: generated here, never exported, stored only wrapped (AES-256-GCM, bound to
//     the line id) under the key source's KEK (internal/kek: an AES key in the PKCS#11
//     token, or derived from the CA key file's passphrase). Opened keys stay in memory
//     for at most 5 minutes after their last use (keys.go), never on disk;
//   - the PIN: chosen by the user, obvious ones refused (CheckPINPolicy), verified
//     here; the verifier is argon2id(HMAC(pepper, PIN || line id)) with the pepper in
//     the key source, so a database dump alone cannot test a PIN; 5 wrong PINs lock
//     the certificate until an institution verifies the person again (PIN reset);
//   - devices: a browser's non-extractable WebCrypto ECDSA P-256 key; each use signs a
//     fresh single-use challenge (ProofMessage); the first device comes with the
//     issuance, others after an SMS code; at most MaxDevices connected; SMS on each;
//   - the lifecycle: issue from an enrollment of usage fincert (reference number and
//     authorization code) with the PIN; one active certificate per person across all
//     institutions (a new issuance revokes the old one, superseded, once the user
//     confirms); renewal from 30 days before expiry (new key, same PIN, three years from
//     the old expiry); reissue, revocation, suspension and resumption go through the
//     center's existing API (the certificate's status is checked at every use);
//     reminders at 30/7/1 days come from the center's reminder job (the enrollment is
//     the customer's, as for joint certificates);
//   - the signing API for relying institutions: sign requests, single use, 5 minutes;
//     CMS SignedData (signingTime; R as the unsigned attribute randomNum and as rValue
//     when includeR) or raw PKCS#1 v1.5 / PSS over SHA-256 (rValue with PKCS1Info.includeR:
//     a signed challenge and R register the certificate at another institution through
//     the center's registration flow); a verify endpoint; the VID check.
//
// cloudcert does not: speak HTTP (internal/httpapi mounts its routes), render the
// iframe or the SDK (internal/web), touch the CA key (it asks the center and the
// authority to issue), or store anything in clear that a dump could use.
//
// # HTTP API (mounted under /fincert/v1/ by internal/httpapi; binary fields base64)
//
// Relying institutions (Authorization: Bearer <apiKey>):
//
//	POST /fincert/v1/sign-requests    {orgCode, signFormat:{type:"CMS"|"PKCS1", CMSInfo:{includeR, withoutContent, time}, PKCS1Info:{includeR}},
//	                                   content:{plainText:{plainTexts[], encoding:"UTF-8"|"EUC-KR"}} | {binary:{binaries[]}} | {hash:{hashes[]}},
//	                                   algorithms:"RSASSA-PKCS1-v1_5_SHA256"|"RSASSA-PSS_SHA256_MGF_SHA256",
//	                                   view:{enableTextView}, info:{signType:"01"|"02"|"99"}}
//	                                  → 201 {id, expiresAt}     (FINCERT_ORG_UNKNOWN, FINCERT_API_KEY_INVALID)
//	POST /fincert/v1/verify           {signFormat, algorithms?, signedVal, content?, hash?, certificate?}
//	                                  → {valid, certSeqNum, status, signingTime?, reason?}
//	POST /fincert/v1/vid              {certificate, rValue, idn} → {match}
//	POST /fincert/v1/pin-resets       {verificationId} → 201 {resetId, resetCode, expiresAt}
//	DELETE /fincert/v1/devices/{id}   → 204 (a device of a certificate the institution issued)
//
// The user's side (called by certcenter's iframe; no API key):
//
//	POST /fincert/v1/issue            {refNum, authCode, pin, phone, devicePublicKey (SPKI), deviceLabel, confirmSupersede}
//	                                  → 201 {certSeqNum, subject, institution, notBefore, notAfter, status, certificate,
//	                                         pinLocked, deviceId, superseded?}   (FINCERT_SUPERSEDE_CONFIRM, FINCERT_PIN_WEAK)
//	POST /fincert/v1/challenges       {deviceId} → 201 {nonce, expiresAt}
//	GET  /fincert/v1/sign-requests/{id}          → {orgCode, orgName, signType, plainTexts?, items, expiresAt}
//	POST /fincert/v1/sign-requests/{id}/complete {deviceId, nonce, proof, pin}
//	                                  → {signedVals[], certSeqNum, rValue?, certificate}
//	POST /fincert/v1/cert-info        {deviceId, nonce, proof} → the certificate info
//	POST /fincert/v1/renew            {deviceId, nonce, proof, pin} → 201 certificate info  (FINCERT_RENEWAL_WINDOW)
//	POST /fincert/v1/devices/list     {deviceId, nonce, proof} → {devices:[{id, label, createdAt, lastUsedAt?}]}
//	POST /fincert/v1/devices/{id}/disconnect {deviceId, nonce, proof} → 204
//	POST /fincert/v1/device-registrations    {name, birthDate (YYMMDD), phone, publicKey, label} → 201 {id, expiresAt}
//	POST /fincert/v1/device-registrations/{id}/confirm {code} → 201 {deviceId}
//	POST /fincert/v1/pin-resets/{id}/complete {resetCode, pin, deviceId, nonce, proof} → 204
//
// A proof is the device's WebCrypto ECDSA P-256/SHA-256 signature (r||s, or DER) over
// ProofMessage(purpose, binding, nonce) = "certcenter-fincert-device-v1\0" purpose "\0"
// binding "\0" nonce, with purpose "sign" (binding: the sign request id), "manage"
// (binding "" to list or read, the target device id to disconnect), "renew" (""), or
// "pin-reset" (the reset id). Each nonce works once, for 2 minutes. A nonce is stateless
// until used (random bytes, expiry, a MAC under the secrets key bound to the device);
// its use is recorded in the transaction that records the attempt, so a signature costs
// one commit beside the institution's sign request, and a wrong PIN one.
package cloudcert
