// Command certctl is the user's certificate manager for Korean joint certificates
// (공동인증서): it lists and shows the certificates in the NPKI folder, imports and
// exports PKCS#12 files, changes a key file's password keeping R, and checks a
// certificate's VID against an identity number (KOREAN-PKI.md sections 3 to 6).
//
// These commands work offline on local files. copy moves a certificate folder between
// two devices through the server's relay (end to end encrypted, internal/relay), sign
// makes CMS signatures and verify checks them (chain, validity at signing time, OCSP or
// CRL, VID). issue, renew, revoke and auto-renew speak CMP to the server (cmp.go,
// client/cmpclient). certctl never prints, logs or stores a password or an identity
// number.
package main

import (
	"io"
	"os"
	"time"
)

const usage = `certctl: the user's joint-certificate manager (NPKI folder)

usage:
  certctl list   [--npki-dir DIR] [--check] [--no-cache] [--json]
  certctl show   SELECTOR [--npki-dir DIR] [--json]
  certctl import FILE.pfx [--password-file F] [--force] [--key-form FORM] [--npki-dir DIR] [--json]
  certctl export SELECTOR --out FILE.pfx [--modern] [--force]
                 [--password-file F] [--new-password | --new-password-file F] [--json]
  certctl passwd SELECTOR [--password-file F] [--new-password-file F] [--key-form FORM] [--json]
  certctl vid    SELECTOR --idn NUMBER [--password-file F] [--json]

  certctl copy receive --server URL [--force] [--npki-dir DIR] [--json]
  certctl copy send SELECTOR --server URL --code CODE [--confirm NUMBER] [--json]
  certctl sign   SELECTOR --in FILE --out FILE.p7s [--detached] [--include-r]
                 [--password-file F] [--force] [--json]
  certctl verify --in FILE.p7s [--content FILE] [--trust ROOT | --server URL]
                 [--idn NUMBER [--r HEX]] [--no-cache] [--json]

  certctl issue  --server URL --ref NUMBER --code CODE [--new-password-file F]
                 [--trust ROOT] [--force] [--key-form FORM] [--npki-dir DIR] [--json]
  certctl renew  SELECTOR [--server URL] [--password-file F]
                 [--new-password | --new-password-file F] [--keep-old] [--key-form FORM]
                 [--npki-dir DIR] [--json]
  certctl revoke SELECTOR --reason REASON [--yes] [--server URL] [--password-file F]
                 [--npki-dir DIR] [--json]
  certctl auto-renew [--password-file F] [--server URL] [--keep-old] [--key-form FORM]
                 [--npki-dir DIR] [--json]

SELECTOR is a list number (1, 2, ...), a serial number in hex, or a unique part of
the subject name. Passwords are asked without echo, or read from a file with
--password-file / --new-password-file (- for standard input; one trailing newline is
removed). New passwords need at least 10 characters with letters, digits and special
characters, and none of “ ” ‘ ’ " ' \ |.

The NPKI folder is --npki-dir, else $CERTCTL_NPKI_DIR, else the system's default
(~/NPKI on Linux, ~/Library/Preferences/NPKI on macOS,
%USERPROFILE%\AppData\LocalLow\NPKI on Windows). Without either, certificates are
also looked for where Korean software keeps them: C:\Program Files\NPKI (older
Windows), ~/Documents/NPKI (macOS), /sdcard/NPKI (Android) and removable drives.

Key files (signPri.key) are written in the form every Korean program reads
(seedCBCWithSHA1); --key-form strong writes PBES2/SHA-256 instead, harder to guess
but readable only by certctl and OpenSSL. passwd keeps the file's own form unless
--key-form is given. certctl help key-form says more.

copy: the receiving device shows a 12-digit code (valid 5 minutes, once) and both
devices show the same confirmation number; the key file crosses still encrypted under
its password, end to end; the sending device reports whether the receiving one stored
the files or refused them. --server defaults to $CERTCTL_SERVER. verify and list --check
cache OCSP answers in $CERTCTL_CACHE_DIR (default ~/.cache/certctl), a "not revoked"
answer for 5 minutes at most; --no-cache uses no stored answer.

issue makes the key and R on this device and stores the certificate only once the
server's answer checked out (MACed with the code, chained to the root it shows).
renew, revoke and auto-renew go to the server named in the certificate (its AIA),
or --server, or $CERTCTL_SERVER. renew works in the 30 days before expiry, keeps the
password unless asked, and replaces the old folder (--keep-old keeps it). auto-renew
renews every certificate in its window and exits 2 if any renewal failed.

Exit status: 0 success (vid: match; verify: every check passed), 1 vid mismatch or a
failed verify check, 2 error.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv, time.Now))
}

// run is main without the exit: tests call it with their own streams, environment
// and clock.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) string, now func() time.Time) int {
	c := newCLI(stdin, stdout, stderr, env, now)
	c.askPassword = terminalPrompter(stdin, stderr)
	return c.main(args)
}
