package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/certcenter/certcenter/internal/model"
)

// revoke (폐기) revokes a certificate with a CMP rr signed with its own key: a holder
// revokes only their own certificate, and proves it with the key (the password is
// asked). It asks for confirmation (y/N) unless --yes. The folder is left in place:
// signatures made before the revocation still verify as made before it, and the
// certificate's status is the server's (OCSP, CRL; certctl verify checks them).
func (c *cli) cmdRevoke(args []string) error {
	fs := newFlags("revoke")
	server := fs.String("server", "", "certcenter server URL (default: the certificate's own, from its AIA)")
	npkiDir := fs.String("npki-dir", "", "NPKI folder")
	pwFile := fs.String("password-file", "", "file holding the key's password")
	reasonFlag := fs.String("reason", "", "revocation reason: a name or number (RFC 5280)")
	yes := fs.Bool("yes", false, "do not ask for confirmation")
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs("revoke", pos, 1, "SELECTOR"); err != nil {
		return err
	}
	if *reasonFlag == "" {
		return usageErr(msgMissingReason).withHint(msgHintReasons)
	}
	reason, err := model.ParseRevocationReason(strings.TrimSpace(*reasonFlag))
	if err != nil || reason == model.ReasonCertificateHold || reason == model.ReasonRemoveFromCRL {
		// Holds (효력정지) go through the bank, not through the key.
		return usageErr(msgBadReason, *reasonFlag).withHint(msgHintReasons)
	}
	e, err := c.loadAndSelect(*npkiDir, pos[0])
	if err != nil {
		return err
	}
	srv, err := c.serverFor("revoke", e.cert, *server)
	if err != nil {
		return err
	}
	cl, err := c.cmpClient(srv)
	if err != nil {
		return err
	}
	name := displayName(e.cert.Subject.CommonName)
	if !*yes {
		if *pwFile == "-" || c.stdinUsed {
			return usageErr(msgRevokeNeedYes)
		}
		fmt.Fprint(c.stderr, c.lang.tr(msgRevokeAsk, name, serialHex(e.cert), reason))
		c.stdinUsed = true
		line, _ := bufio.NewReader(c.stdin).ReadString('\n')
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "y", "yes", "예", "네", "ㅇ":
		default:
			if line == "" {
				// Nothing to read: no one is there to answer (a script, a closed
				// standard input). Say so, and how to revoke without the question.
				fmt.Fprintln(c.stderr)
				return errf(msgRevokeNoAnswer).withHint(msgHintRevokeYes)
			}
			return errf(msgRevokeCancelled)
		}
	}
	k, pw, err := c.unlock(e, *pwFile)
	if err != nil {
		return err
	}
	defer clear(pw)
	stop := c.startSpinner(c.lang.tr(msgAskingServer, srv))
	err = cl.Revoke(context.Background(), e.cert, k.Key, int(reason))
	stop()
	if err != nil {
		return c.cmpError(srv, err, e.cert)
	}
	c.revocationChanged(e.cert, reason.String())
	if *asJSON {
		return writeJSON(c.stdout, struct {
			Revoked bool   `json:"revoked"`
			Serial  string `json:"serial"`
			Reason  string `json:"reason"`
			Folder  string `json:"folder"`
			Server  string `json:"server"`
		}{true, serialHex(e.cert), reason.String(), e.dir, srv})
	}
	fmt.Fprintln(c.stdout, c.lang.tr(msgRevokedDone, name, serialHex(e.cert), reason))
	fmt.Fprintln(c.stdout, c.lang.tr(msgRevokedFolderLeft, e.dir))
	return nil
}
