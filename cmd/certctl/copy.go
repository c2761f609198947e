package main

import (
	"bufio"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/certcenter/certcenter/client"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/relay"
	"github.com/certcenter/certcenter/npki"
)

// copy moves a certificate folder from one device to another through the server's
// relay (internal/relay's package doc has the protocol and its threat model). The
// receiver shows a 12-digit code; the sender types it; both show a confirmation number
// and the sender sends only when the user says they match. What crosses is the folder's
// files byte for byte, the key file still encrypted under the user's password, which
// never leaves the sending device and is never asked for.
func (c *cli) cmdCopy(args []string) error {
	if len(args) == 0 {
		return usageErr(msgCopyUnknownSub)
	}
	switch args[0] {
	case "receive":
		return c.copyReceive(args[1:])
	case "send":
		return c.copySend(args[1:])
	}
	return usageErr(msgCopyUnknownSub)
}

// serverClient returns a client of --server, else $CERTCTL_SERVER.
func (c *cli) serverClient(cmd, flagValue string) (*client.Client, string, error) {
	u := flagValue
	if u == "" {
		u = c.env("CERTCTL_SERVER")
	}
	if u == "" {
		return nil, "", usageErr(msgMissingServer, cmd)
	}
	cl, err := client.New(u, nil)
	if err != nil {
		return nil, "", errf(msgBadServer, u)
	}
	if c.lang == langKO {
		cl.SetLanguage("ko")
	} else {
		cl.SetLanguage("en")
	}
	return cl, u, nil
}

// serverError turns a client error into a certctl message.
func (c *cli) serverError(server string, err error) error {
	var ne *client.NetError
	var p *client.Problem
	switch {
	case errors.As(err, &ne):
		return errf(msgServerDown, server).wrap(ne.Err).withHint(msgHintServerDown)
	case errors.As(err, &p):
		switch errs.Code(p.Code) {
		case errs.RelayCodeInvalid:
			// An older relay's English detail carries the tries left ("wrong code (4 of
			// 5 tries left)"): say it in the user's language. A current relay finds
			// sessions by the whole code, so a wrong code matches none and locks
			// nothing: either way the code can be typed again.
			if m := triesLeftRE.FindStringSubmatch(p.Detail); m != nil {
				n, _ := strconv.Atoi(m[1])
				return errf(msgCopyWrongCodeLeft, n).withHint(msgHintCopyRetype)
			}
			return errf(msgCopyNoSuchCode).withHint(msgHintCopyRetype)
		case errs.RelayCodeExpired:
			return errf(msgCopyExpired).withHint(msgHintCopyAgain)
		case errs.RelayCodeUsed:
			return errf(msgCopyCodeUsed).withHint(msgHintCopyAgain)
		case errs.RelaySessionLocked:
			return errf(msgCopyLocked).withHint(msgHintCopyAgain)
		case errs.RelaySessionNotFound:
			return errf(msgCopyCancelled).withHint(msgHintCopyAgain)
		}
		return errf(msgServerSaid, p.Error())
	case errors.Is(err, context.DeadlineExceeded):
		return errf(msgCopyExpired).withHint(msgHintCopyAgain)
	}
	return err
}

// triesLeftRE reads the tries left from the relay's RELAY_CODE_INVALID detail.
var triesLeftRE = regexp.MustCompile(`\((\d+) of \d+ tries left\)`)

// event prints one line of the --json stream (copy receive reports as it goes).
func (c *cli) event(v map[string]any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(c.stdout, "%s\n", b)
	return err
}

func (c *cli) copyReceive(args []string) error {
	fs := newFlags("copy receive")
	server := fs.String("server", "", "certcenter server URL")
	npkiDir := fs.String("npki-dir", "", "NPKI folder")
	force := fs.Bool("force", false, "replace an existing certificate folder")
	asJSON := fs.Bool("json", false, "JSON lines output")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs("copy receive", pos, 0, ""); err != nil {
		return err
	}
	root, err := c.npkiRoot(*npkiDir)
	if err != nil {
		return err
	}
	cl, srv, err := c.serverClient("copy receive", *server)
	if err != nil {
		return err
	}
	kp, err := relay.NewKeyPair()
	if err != nil {
		return err
	}
	ctx := context.Background()
	o, err := cl.OpenRelay(ctx, relay.Commitment(kp.Public()))
	if err != nil {
		return c.serverError(srv, err)
	}
	// From here on the session is ours: delete it whatever happens, unless the outcome
	// was reported: then the sender reads it and deletes the session (or the sweep does).
	reported := false
	defer func() {
		if !reported {
			cl.DeleteRelay(context.Background(), o.ID, o.Token)
		}
	}()
	ctx, cancel := context.WithDeadline(ctx, o.ExpiresAt.Add(5*time.Second))
	defer cancel()

	shown := relay.FormatCode(o.Code)
	if *asJSON {
		c.event(map[string]any{"event": "code", "code": shown, "expiresAt": o.ExpiresAt})
	} else {
		fmt.Fprintln(c.stdout, c.lang.tr(msgCopyCode, shown, kstTime(o.ExpiresAt)))
		fmt.Fprintln(c.stdout, c.lang.tr(msgCopyCodeHint, srv, shown))
	}
	stop := c.startSpinner(c.lang.tr(msgCopyWaiting))
	v, err := cl.WaitRelay(ctx, o.ID, o.Token, relay.StateOpen)
	stop()
	if err != nil {
		return c.serverError(srv, err)
	}
	if v.State == relay.StateLocked {
		return errf(msgCopyLocked).withHint(msgHintCopyAgain)
	}
	ch, err := kp.Agree(v.SenderKey, kp.Public(), v.SenderKey, o.Code)
	if err != nil {
		return errf(msgCopyBadPayload, err.Error())
	}
	if *asJSON {
		c.event(map[string]any{"event": "confirmation", "number": ch.Confirmation})
	} else {
		fmt.Fprintln(c.stdout, c.lang.tr(msgCopyConfirmation, groupSAS(ch.Confirmation)))
		fmt.Fprintln(c.stdout, c.lang.tr(msgCopyCheckNumber))
	}
	if err := cl.RevealRelayKey(ctx, o.ID, o.Token, kp.Public()); err != nil {
		return c.serverError(srv, err)
	}
	stop = c.startSpinner(c.lang.tr(msgCopyWaiting))
	v, err = cl.WaitRelay(ctx, o.ID, o.Token, relay.StateRevealed)
	stop()
	if err != nil {
		return c.serverError(srv, err)
	}
	// Whatever happens to the payload, the sender is told (end to end encrypted): it
	// must not say "sent" when nothing was stored here. A relay older than the outcome
	// refuses it; the session is then deleted as before.
	report := func(out relay.Outcome) {
		pt, err := relay.MarshalOutcome(out)
		if err != nil {
			return
		}
		ct, err := ch.SealOutcome(pt)
		if err == nil && cl.SendRelayOutcome(ctx, o.ID, o.Token, ct) == nil {
			reported = true
		}
	}
	rel := func(dir string) string {
		r, err := filepath.Rel(root, dir)
		if err != nil {
			return ""
		}
		return filepath.ToSlash(r)
	}
	pt, err := ch.Open(v.Ciphertext)
	if err != nil {
		report(relay.Outcome{Reason: relay.OutcomeUnreadable})
		return errf(msgCopyBadPayload, err.Error())
	}
	p, err := relay.ParsePayload(pt)
	if err != nil {
		report(relay.Outcome{Reason: relay.OutcomeUnreadable})
		return errf(msgCopyBadPayload, err.Error())
	}
	cert, err := x509.ParseCertificate(p.SignCert)
	if err != nil {
		report(relay.Outcome{Reason: relay.OutcomeUnreadable})
		return errf(msgCopyBadPayload, err.Error())
	}
	dir, err := npki.Write(root, npki.Files{SignCert: p.SignCert, SignKey: p.SignKey, KMCert: p.KMCert, KMKey: p.KMKey},
		&npki.WriteOptions{Overwrite: *force})
	switch {
	case errors.Is(err, npki.ErrExists):
		d, _ := npki.CertDir(root, cert)
		report(relay.Outcome{Reason: relay.OutcomeExists, Folder: rel(d)})
		return errf(msgCopyFolderExists, d).withHint(msgHintForce)
	case err != nil:
		report(relay.Outcome{Reason: relay.OutcomeWriteError})
		return errf(msgWriteFile, root).wrap(err)
	}
	report(relay.Outcome{Stored: true, Folder: rel(dir)})
	e := &entry{dir: dir, cert: cert, hasKey: true, hasKM: p.KMCert != nil}
	view := newCertView(e, c.now(), c.lang)
	if *asJSON {
		return c.event(map[string]any{"event": "received", "folder": dir, "certificate": view})
	}
	fmt.Fprintln(c.stdout, c.lang.tr(msgCopyReceived, dir))
	c.numbered(*npkiDir, &view)
	c.printSummary(c.stdout, &view)
	return nil
}

// groupSAS shows a confirmation number as 123 456.
func groupSAS(n string) string {
	if len(n) == 6 {
		return n[:3] + " " + n[3:]
	}
	return n
}

func (c *cli) copySend(args []string) error {
	fs := newFlags("copy send")
	server := fs.String("server", "", "certcenter server URL")
	npkiDir := fs.String("npki-dir", "", "NPKI folder")
	codeFlag := fs.String("code", "", "the code shown on the receiving device")
	confirm := fs.String("confirm", "", "the confirmation number shown on the receiving device")
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs("copy send", pos, 1, "SELECTOR"); err != nil {
		return err
	}
	if *codeFlag == "" {
		return usageErr(msgMissingCode)
	}
	code, err := relay.ParseCode(*codeFlag)
	if err != nil {
		return usageErr(msgBadCode)
	}
	cl, srv, err := c.serverClient("copy send", *server)
	if err != nil {
		return err
	}
	root, err := c.npkiRoot(*npkiDir)
	if err != nil {
		return err
	}
	e, err := c.loadAndSelect(*npkiDir, pos[0])
	if err != nil {
		return err
	}
	payload, err := readPayload(root, e)
	if err != nil {
		return err
	}

	kp, err := relay.NewKeyPair()
	if err != nil {
		return err
	}
	ctx := context.Background()
	claimed, err := cl.ClaimRelay(ctx, code, kp.Public())
	if err != nil {
		return c.serverError(srv, err)
	}
	sent := false
	defer func() {
		if !sent { // tell the receiver at once rather than let it wait for the expiry
			cl.DeleteRelay(context.Background(), claimed.ID, claimed.Token)
		}
	}()
	ctx, cancel := context.WithDeadline(ctx, claimed.ExpiresAt.Add(5*time.Second))
	defer cancel()
	stop := c.startSpinner(c.lang.tr(msgCopyWaitingPeer))
	v, err := cl.WaitRelay(ctx, claimed.ID, claimed.Token, relay.StateClaimed)
	stop()
	if err != nil {
		return c.serverError(srv, err)
	}
	if !relay.CheckCommitment(v.ReceiverKey, claimed.Commitment) {
		return errf(msgCopyTampered).withHint(msgHintCopyMismatch)
	}
	ch, err := kp.Agree(v.ReceiverKey, v.ReceiverKey, kp.Public(), code)
	if err != nil {
		return errf(msgCopyTampered).withHint(msgHintCopyMismatch)
	}
	if err := c.confirmNumber(ch.Confirmation, *confirm); err != nil {
		return err
	}
	pt, err := relay.MarshalPayload(*payload)
	if err != nil {
		return err
	}
	ct, err := ch.Seal(pt)
	clear(pt)
	if err != nil {
		return err
	}
	if err := cl.SendRelayPayload(ctx, claimed.ID, claimed.Token, ct); err != nil {
		return c.serverError(srv, err)
	}
	sent = true // the receiver reads it now: the session stays until it answers
	stop = c.startSpinner(c.lang.tr(msgCopyWaitingOutcome))
	out, err := c.copyOutcome(ctx, cl, claimed, ch)
	stop()
	if err != nil {
		return err
	}
	if out != nil && !out.Stored {
		return c.copyRefused(out)
	}
	if *asJSON {
		var stored *bool // null: the receiving device did not say
		if out != nil {
			stored = &out.Stored
		}
		return writeJSON(c.stdout, struct {
			Sent         bool   `json:"sent"`
			Stored       *bool  `json:"stored"`
			Serial       string `json:"serial"`
			Folder       string `json:"folder"`
			Confirmation string `json:"confirmation"`
		}{true, stored, serialHex(e.cert), payload.Folder, ch.Confirmation})
	}
	if out == nil {
		// An older certctl on the receiving device, or an older server: sent, and no word
		// of what became of it.
		fmt.Fprintln(c.stdout, c.lang.tr(msgCopySent, displayName(e.cert.Subject.CommonName)))
		fmt.Fprintf(c.stderr, "certctl: %s: %s\n", c.lang.tr(msgWarning), c.lang.tr(msgCopyUnconfirmed))
		return nil
	}
	fmt.Fprintln(c.stdout, c.lang.tr(msgCopyStored, displayName(e.cert.Subject.CommonName), out.Folder))
	return nil
}

// outcomeWait bounds how long the sender waits for the receiving device's outcome: it
// writes a few KiB and answers within a second unless it is gone.
const outcomeWait = 60 * time.Second

// copyOutcome waits for the receiving device's outcome of the copy. It returns nil, nil
// when the receiving device did not report one (an older certctl, which deletes the
// session, or an older relay), and deletes the session once the outcome is read.
func (c *cli) copyOutcome(ctx context.Context, cl *client.Client, s *client.RelayClaimed, ch *relay.Channel) (*relay.Outcome, error) {
	wctx, cancel := context.WithTimeout(ctx, outcomeWait)
	defer cancel()
	v, err := cl.WaitRelay(wctx, s.ID, s.Token, relay.StateSent)
	if err != nil || v.State != relay.StateDone {
		return nil, nil
	}
	defer cl.DeleteRelay(context.Background(), s.ID, s.Token)
	pt, err := ch.OpenOutcome(v.Outcome)
	if err != nil {
		return nil, errf(msgCopyBadOutcome, err.Error()).withHint(msgHintCopyMismatch)
	}
	out, err := relay.ParseOutcome(pt)
	if err != nil {
		return nil, errf(msgCopyBadOutcome, err.Error())
	}
	return out, nil
}

// copyRefused is the receiving device's refusal, in the sender's words.
func (c *cli) copyRefused(out *relay.Outcome) error {
	switch out.Reason {
	case relay.OutcomeExists:
		return errf(msgCopyRefusedExists, out.Folder).withHint(msgHintCopyRefusedExists)
	case relay.OutcomeUnreadable:
		return errf(msgCopyRefusedUnreadable).withHint(msgHintCopyAgainSend)
	}
	return errf(msgCopyRefusedWrite).withHint(msgHintCopyRefusedWrite)
}

// confirmNumber checks the number the receiving device shows: given with --confirm,
// or asked on standard input.
func (c *cli) confirmNumber(number, given string) error {
	if given != "" {
		if strings.NewReplacer(" ", "", "-", "").Replace(given) != number {
			return errf(msgCopyMismatch).withHint(msgHintCopyMismatch)
		}
		return nil
	}
	fmt.Fprintln(c.stderr, c.lang.tr(msgCopyConfirmation, groupSAS(number)))
	fmt.Fprint(c.stderr, c.lang.tr(msgCopyAskMatch, groupSAS(number)))
	if c.stdinUsed {
		return errf(msgCopyNoAnswer)
	}
	c.stdinUsed = true
	line, err := bufio.NewReader(c.stdin).ReadString('\n')
	if err != nil && line == "" {
		fmt.Fprintln(c.stderr)
		return errf(msgCopyNoAnswer)
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes", "예", "네", "ㅇ":
		return nil
	}
	return errf(msgCopyMismatch).withHint(msgHintCopyMismatch)
}

// readPayload reads the entry's files exactly as they are on disk.
func readPayload(root string, e *entry) (*relay.Payload, error) {
	certDER, err := readFileLimit(e.certPath(), maxCertFile)
	if err != nil {
		return nil, errf(msgBadCert, e.certPath()).wrap(err)
	}
	keyDER, err := readKeyFile(e)
	if err != nil {
		return nil, err
	}
	p := &relay.Payload{SignCert: certDER, SignKey: keyDER}
	if rel, err := filepath.Rel(root, e.dir); err == nil {
		p.Folder = filepath.ToSlash(rel)
	}
	if e.hasKM {
		km := filepath.Join(e.dir, npki.KMCertFile)
		if p.KMCert, err = readFileLimit(km, maxCertFile); err != nil {
			return nil, errf(msgBadCert, km).wrap(err)
		}
		kk := filepath.Join(e.dir, npki.KMKeyFile)
		if p.KMKey, err = readFileLimit(kk, maxKeyFile); err != nil {
			return nil, errf(msgReadKeyFile, kk).wrap(err)
		}
	}
	return p, nil
}
