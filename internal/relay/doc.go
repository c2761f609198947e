// Package relay is the device-to-device copy of a joint certificate (KOREAN-PKI.md
// section 8): the receiving device shows a one-time 12-digit code, the user types it on
// the sending device, and the certificate with its password-encrypted key file crosses
// through this server encrypted end to end between the two devices. The relay stores
// and forwards; it never holds a key file, a password, a clear code or a key that could
// decrypt what it forwards.
//
// # Protocol (version 1)
//
// R is the receiving device, S the sending one, both running certctl (client/ speaks
// the HTTP side, this package's e2e.go the cryptography).
//
//  1. R draws an X25519 key pair and opens a session with the commitment
//     SHA-256(pubR) only: POST /api/v1/relay/sessions {"commitment"}. The relay draws
//     the code (12 digits from crypto/rand), a session id and R's bearer token, stores
//     SHA-256 of code and token, and answers {"id","token","code","expiresAt"}. The
//     session lives 5 minutes. R shows the code as 1234-5678-9012.
//  2. S draws its own X25519 pair and claims with the code:
//     POST /api/v1/relay/claims {"code","publicKey": pubS}. A digest of the whole code
//     (the locator, Locator) finds the session, and the code must match its hash. The
//     answer is {"id","token","commitment","expiresAt"}: S gets its own bearer token
//     and R's commitment, not yet pubR. The code is now used up.
//  3. R, polling GET /api/v1/relay/sessions/{id} (long-poll: ?wait=SECONDS&after=STATE),
//     sees pubS, computes the confirmation number and shows it, then reveals its key:
//     PUT /api/v1/relay/sessions/{id}/receiver-key {"publicKey": pubR}. The relay checks
//     it against the commitment.
//  4. S sees pubR, checks SHA-256(pubR) against the commitment, computes the same
//     confirmation number and shows it; only when the user says the two screens agree
//     does S send: PUT /api/v1/relay/sessions/{id}/payload {"ciphertext"}.
//  5. R sees the ciphertext, decrypts it and writes the NPKI folder, or refuses (the
//     folder is already there, the payload does not open), and reports what it did:
//     PUT /api/v1/relay/sessions/{id}/outcome {"ciphertext"}, the Outcome JSON
//     ({"v":1,"stored":bool,"reason","folder"}) sealed with the same key and the
//     transcript hash || " receiver outcome" as additional data, so that neither
//     direction's ciphertext opens as the other's. Storing it clears the payload; the
//     state becomes "done" and the sender alone is shown the outcome.
//  6. S, long-polling after "sent", reads the outcome, says "stored" or the refusal,
//     and deletes the session (DELETE /api/v1/relay/sessions/{id}). Either side may
//     delete it earlier to cancel; a cleanup job deletes sessions 5 minutes after they
//     were opened.
//
// Steps 5 and 6's outcome came later than the rest: a receiver that does not report
// one (an older certctl) deletes the session after writing, and a relay that does not
// know the route answers 404, whereupon the receiver deletes the session as before. A
// sender that sees the session go without an outcome says it sent the files and that
// the receiving device did not confirm them.
//
// Keys: shared = X25519(own private, peer public); transcript = "certcenter-relay-v1" ||
// pubR || pubS || code (12 ASCII digits); PRK = HKDF-Extract(SHA-256, shared,
// salt = SHA-256(transcript)); the AES-256-GCM key is HKDF-Expand(PRK,
// "certcenter-relay-v1 key", 32) and the confirmation number is HKDF-Expand(PRK,
// "certcenter-relay-v1 confirmation", 8) read as a big-endian integer mod 10^6, shown as
// six digits. The ciphertext is nonce (12 random bytes) || AES-GCM(payload), with
// SHA-256(transcript) as additional data. The payload is JSON: the subject folder name
// and the exact bytes of signCert.der and signPri.key (and kmCert.der, kmPri.key when
// present). The key file stays encrypted under the user's password, which never
// leaves the sending device; the receiver writes the files byte for byte.
//
// # Threat model
//
// The relay (or whoever reads its database) sees public keys, a commitment and
// ciphertext (the payload, then the outcome): without a private key it learns nothing of the payload. A relay that
// substitutes its own keys (man in the middle) ends up with different shared secrets on
// the two sides, so the two confirmation numbers differ and the user stops the sender.
// The commitment is what makes that check worth six digits: the relay must give S a
// receiver key (committed in step 2) before it sees pubS, and must give R a sender key
// before R reveals pubR, so it cannot search for key pairs whose numbers collide; its
// chance is 1 in 10^6 per attempt, and each attempt costs the user a visible failure.
//
// Someone who only guesses codes: a session is found by a digest of its whole code,
// so a guess names no session; it finds one only by being its code, 1 in 10^12 per open
// session, and a wrong one changes nothing anywhere, so no stranger can lock (deny)
// other people's copies. Guesses are limited per client address and over all clients,
// and opening sessions per client, in the database that every node shares (httpapi's
// Limits, internal/ratelimit; issue 17: 12,000 opens in 34 s filled the 10^4 four-digit
// locators, and scanning them found and locked every open session). A guesser who does
// hit a code acts as a sender: it can push a certificate of its own to the receiver
// (shown by name before use), never obtain one.
//
// The code is stored as SHA-256: a copy of the database does not hand out live codes
// directly, though 10^12 values are little barrier to an offline search; what the code
// protects is short-lived, and the payload's secrecy never depended on it. Tokens (32
// random bytes) are stored as SHA-256 too.
//
// Not here: the rate limits themselves (httpapi and internal/ratelimit), identity of the
// devices, and anything about the certificate itself (certctl reads and writes the
// NPKI folder).
package relay
