// Package npki reads and writes the files Korean certificate software keeps on a user's
// device: signPri.key (PKCS#8 encrypted with SEED, PBES1 or PBES2), the randomNum (R)
// attribute inside the private key, the identity hash (VID) bound into certificates,
// NPKI folders, and PKCS#12 in the Korean form. Facts: KOREAN-PKI.md sections 3 to 5.
//
// npki is a pure codec: bytes in, structs out. It does no network or database I/O and
// touches only the files and folders it is handed. It does not prompt for passwords and
// never logs them.
package npki
