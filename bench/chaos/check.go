package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/ocsp"
)

type dbCert struct {
	serial, ref, status string
	der                 []byte
	partition           int
	pending             bool
	replaces            string // the serial a renewal renewed, or ""
	unconfirmed         bool   // CMP: still awaiting its certConf
}

// normSerial is a serial as lowercase hex without leading zeros.
func normSerial(s string) string { return strings.TrimLeft(strings.ToLower(s), "0") }

// check runs every check and prints it; it answers how many failed.
func (h *harness) check(ctx context.Context) int {
	failed := 0
	report := func(ok bool, name, detail string) {
		mark := "ok  "
		if !ok {
			mark = "FAIL"
			failed++
		}
		if detail != "" {
			detail = ": " + detail
		}
		fmt.Printf("  %s %s%s\n", mark, name, detail)
	}
	fmt.Println("checks:")
	conn, err := pgx.Connect(ctx, h.dbURL)
	if err != nil {
		report(false, "open the database", err.Error())
		return failed
	}
	defer conn.Close(ctx)

	// A pending certificate (signed, DER not yet written) is finished by the node that
	// recovers it: give them a moment after the last kill.
	var pending int
	for i := 0; i < 30; i++ {
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM certificates WHERE tbs IS NOT NULL OR length(der) = 0`).Scan(&pending); err != nil {
			report(false, "count pending certificates", err.Error())
			return failed
		}
		if pending == 0 {
			break
		}
		time.Sleep(time.Second)
	}
	report(pending == 0, "no certificate left pending (signed without its DER)", fmt.Sprint(pending, " pending"))

	rows, err := conn.Query(ctx, `SELECT serial, enrollment_ref, status, der, crl_partition, tbs IS NOT NULL,
		coalesce(replaces, ''), confirm_by IS NOT NULL FROM certificates`)
	if err != nil {
		report(false, "read certificates", err.Error())
		return failed
	}
	certs := map[string]*dbCert{}
	var all []*dbCert
	for rows.Next() {
		c := &dbCert{}
		if err := rows.Scan(&c.serial, &c.ref, &c.status, &c.der, &c.partition, &c.pending, &c.replaces, &c.unconfirmed); err != nil {
			report(false, "read certificates", err.Error())
			return failed
		}
		certs[normSerial(c.serial)] = c
		all = append(all, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		report(false, "read certificates", err.Error())
		return failed
	}

	h.st.mu.Lock()
	acked := append([]*issued(nil), h.st.issued...)
	h.st.mu.Unlock()

	// Every acknowledged certificate is in the database with identical DER.
	missing, mismatch := 0, 0
	var ex []string
	for _, a := range acked {
		c := certs[normSerial(a.serial)]
		switch {
		case c == nil:
			missing++
			ex = append(ex, a.serial+" missing")
		case !bytes.Equal(c.der, a.der):
			mismatch++
			ex = append(ex, a.serial+" DER differs")
		}
	}
	report(missing == 0 && mismatch == 0, "every acknowledged certificate is in the database with identical DER",
		fmt.Sprintf("%d acknowledged, %d missing, %d differ %s", len(acked), missing, mismatch, first(ex)))

	// No serial twice: in the answers, and in the certificates themselves (the DER's
	// serial is the row's, and no two rows carry one).
	seen := map[string]string{}
	dup, wrongSerial, unparsable := 0, 0, 0
	for _, c := range all {
		if len(c.der) == 0 {
			continue
		}
		x, err := x509.ParseCertificate(c.der)
		if err != nil {
			unparsable++
			continue
		}
		s := fmt.Sprintf("%x", x.SerialNumber)
		if strings.TrimLeft(c.serial, "0") != s {
			wrongSerial++
		}
		if _, ok := seen[s]; ok {
			dup++
		}
		seen[s] = c.serial
	}
	ackSeen := map[string]bool{}
	for _, a := range acked {
		if ackSeen[normSerial(a.serial)] {
			dup++
		}
		ackSeen[normSerial(a.serial)] = true
	}
	report(dup == 0 && wrongSerial == 0 && unparsable == 0, "no serial twice",
		fmt.Sprintf("%d certificates, %d duplicated, %d with another serial in the DER, %d unparsable", len(all), dup, wrongSerial, unparsable))

	// No enrollment with two certificates (a renewal continues its enrollment's line:
	// only first certificates count).
	byRef := map[string]int{}
	for _, c := range all {
		if c.replaces == "" {
			byRef[c.ref]++
		}
	}
	two := 0
	for _, n := range byRef {
		if n > 1 {
			two++
		}
	}
	var badIssued int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM enrollments e WHERE e.issued_serial IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.serial = e.issued_serial AND c.enrollment_ref = e.reference)`).Scan(&badIssued); err != nil {
		report(false, "read enrollments", err.Error())
	}
	report(two == 0 && badIssued == 0, "no enrollment with two certificates",
		fmt.Sprintf("%d enrollments with more than one, %d naming a certificate that is not theirs", two, badIssued))

	// No certificate without a row: every serial marked used has its certificate, and
	// every acknowledged one was found above.
	var usedNoRow int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM serials s WHERE s.used AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.serial = s.serial)`).Scan(&usedNoRow); err != nil {
		report(false, "read serials", err.Error())
	}
	report(usedNoRow == 0 && missing == 0, "no certificate without a row", fmt.Sprintf("%d used serials without a certificate", usedNoRow))

	// Every lost answer recovered by retry; no enrollment given up.
	h.st.mu.Lock()
	gaveUp := append([]string(nil), h.st.gaveUp...)
	var lostText []string
	lostAll := true
	for _, k := range []string{"rest", "cmp", "renewal"} {
		lostText = append(lostText, fmt.Sprintf("%s %d lost, %d recovered", k, h.st.lost[k], h.st.lostRecovered[k]))
		lostAll = lostAll && h.st.lost[k] == h.st.lostRecovered[k]
	}
	reIR, reIRSame := h.st.reIR, h.st.reIRSame
	h.st.mu.Unlock()
	report(lostAll && len(gaveUp) == 0, "every lost answer recovered by retry",
		fmt.Sprintf("%s; %d operations given up %s", strings.Join(lostText, "; "), len(gaveUp), first(gaveUp)))
	if h.o.cmpPct > 0 {
		report(reIR == reIRSame, "a repeated ir after a missing certConf gets the same certificate (RFC 4210 5.3.18)",
			fmt.Sprintf("%d repeated, %d answered the same certificate", reIR, reIRSame))
	}
	h.checkCMPAndRenewals(acked, certs, report)

	if h.o.maxUnusable > 0 {
		h.st.mu.Lock()
		u := h.st.longestUnusable
		h.st.mu.Unlock()
		report(u[0] <= h.o.maxUnusable && u[1] <= h.o.maxUnusable, "no enrollment unusable longer than "+h.o.maxUnusable.String(),
			fmt.Sprintf("longest %s, after an injected lost answer %s", u[0].Round(time.Millisecond), u[1].Round(time.Millisecond)))
	}

	// What became of the enrollments a client gave up: issued anyway (a certificate the
	// customer never got), or not.
	if len(gaveUp) > 0 {
		issuedAnyway := 0
		for _, g := range gaveUp {
			ref, _, _ := strings.Cut(g, " ")
			var n int
			conn.QueryRow(ctx, `SELECT count(*) FROM certificates WHERE enrollment_ref = $1`, ref).Scan(&n)
			issuedAnyway += n
		}
		fmt.Printf("       of the %d enrollments given up, %d have a certificate in the database the client never received\n", len(gaveUp), issuedAnyway)
	}

	// Reminders go out once: one claim per certificate and threshold, none left claimed.
	var remDup, remTotal int
	conn.QueryRow(ctx, `SELECT count(*) FROM reminders`).Scan(&remTotal)
	conn.QueryRow(ctx, `SELECT count(*) FROM (SELECT serial, threshold FROM reminders GROUP BY 1, 2 HAVING count(*) > 1) d`).Scan(&remDup)
	report(remDup == 0, "reminders sent once", fmt.Sprintf("%d reminders (none due for one-year certificates issued now), %d twice", remTotal, remDup))

	// CRL and OCSP agree with the database on every node.
	h.checkRevocation(ctx, all, report)

	if h.fl != nil {
		h.checkFlood(report)
	}

	if h.o.copiers > 0 {
		h.st.mu.Lock()
		report(len(h.st.copyCorrupt) == 0 && h.st.copies > 0, "relay copies deliver exactly what was sent",
			fmt.Sprintf("%d copies done, %d abandoned (by cause below), %d altered %s", h.st.copies, h.st.copiesFailed, len(h.st.copyCorrupt), first(h.st.copyCorrupt)))
		h.st.mu.Unlock()
	}

	if h.o.pgRestart {
		report(h.pgFailed == "", "PostgreSQL restarted once under load", h.pgFailed)
	}

	// The audit chain verifies.
	out, err := exec.Command(h.bin, "audit", "verify", "--config", h.nodes[0].config).CombinedOutput()
	report(err == nil, "the audit chain verifies", strings.TrimSpace(string(out)))
	return failed
}

var (
	requestID = regexp.MustCompile(`request_id=\S+ `)
	digits    = regexp.MustCompile(`[0-9a-f]{8,}|[0-9]{4,}`)
)

// logErrors prints the distinct error lines of the nodes' logs (at most 8).
func (h *harness) logErrors() {
	seen := map[string]int{}
	var order []string
	for _, n := range h.nodes {
		b, err := os.ReadFile(n.log)
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(b), "\n") {
			if !strings.Contains(l, "ERROR") {
				continue
			}
			// Drop the time so that equal messages count together.
			key := l
			if i := strings.Index(l, "level="); i >= 0 {
				key = l[i:]
			}
			key = requestID.ReplaceAllString(key, "")
			key = digits.ReplaceAllString(key, "N")
			if len(key) > 300 {
				key = key[:300]
			}
			if seen[key] == 0 {
				order = append(order, key)
			}
			seen[key]++
		}
	}
	if len(order) == 0 {
		return
	}
	fmt.Println("node log errors (distinct, first 8):")
	for i, k := range order {
		if i == 8 {
			break
		}
		fmt.Printf("  %4dx %s\n", seen[k], k)
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return "(e.g. " + s[0] + ")"
}

func (h *harness) checkRevocation(ctx context.Context, all []*dbCert, report func(bool, string, string)) {
	issuer, err := h.fetch(h.nodes[0].url() + "/pki/ca.crt")
	if err != nil {
		report(false, "fetch the issuing CA certificate", err.Error())
		return
	}
	ca, err := x509.ParseCertificate(issuer)
	if err != nil {
		report(false, "parse the issuing CA certificate", err.Error())
		return
	}
	// The revoked and suspended certificates by partition, from the database.
	want := map[int]map[string]bool{}
	var revoked, valid []*dbCert
	for _, c := range all {
		if _, ok := want[c.partition]; !ok {
			want[c.partition] = map[string]bool{}
		}
		if c.status == "revoked" || c.status == "suspended" {
			want[c.partition][strings.TrimLeft(c.serial, "0")] = true
			revoked = append(revoked, c)
		} else if len(c.der) > 0 {
			valid = append(valid, c)
		}
	}
	// CRLs: every partition on every node lists exactly what the database says (each
	// change is published within a second; wait up to 20 s for the last ones).
	var bad []string
	for try := 0; try < 20; try++ {
		bad = nil
		for _, n := range h.nodes {
			for p, set := range want {
				der, err := h.fetch(fmt.Sprintf("%s/crl/issuing/p%d.crl", n.url(), p))
				if err != nil {
					bad = append(bad, fmt.Sprintf("node %d p%d: %v", n.i, p, err))
					continue
				}
				crl, err := x509.ParseRevocationList(der)
				if err != nil {
					bad = append(bad, fmt.Sprintf("node %d p%d: %v", n.i, p, err))
					continue
				}
				if err := crl.CheckSignatureFrom(ca); err != nil {
					bad = append(bad, fmt.Sprintf("node %d p%d: signature: %v", n.i, p, err))
					continue
				}
				got := map[string]bool{}
				for _, e := range crl.RevokedCertificateEntries {
					got[fmt.Sprintf("%x", e.SerialNumber)] = true
				}
				if !sameSet(got, set) {
					bad = append(bad, fmt.Sprintf("node %d p%d: %d listed, database %d", n.i, p, len(got), len(set)))
				}
			}
		}
		if len(bad) == 0 {
			break
		}
		time.Sleep(time.Second)
	}
	report(len(bad) == 0, "CRLs agree with the database on every node",
		fmt.Sprintf("%d partitions x %d nodes, %d revoked %s", len(want), len(h.nodes), len(revoked), first(bad)))

	// OCSP: every revoked certificate and up to 50 valid ones, on every node.
	mrand.Shuffle(len(valid), func(i, j int) { valid[i], valid[j] = valid[j], valid[i] })
	if len(valid) > 50 {
		valid = valid[:50]
	}
	sample := append(append([]*dbCert(nil), revoked...), valid...)
	bad = nil
	asked := 0
	for _, n := range h.nodes {
		for _, c := range sample {
			x, err := x509.ParseCertificate(c.der)
			if err != nil {
				continue
			}
			asked++
			st, err := h.ocsp(n.url()+"/ocsp", x, ca)
			if err != nil {
				bad = append(bad, fmt.Sprintf("node %d %s: %v", n.i, c.serial, err))
				continue
			}
			wantSt := ocsp.Good // valid, or replaced by a renewal (in service until it expires)
			if c.status == "revoked" || c.status == "suspended" {
				wantSt = ocsp.Revoked
			}
			if st != wantSt {
				bad = append(bad, fmt.Sprintf("node %d %s: OCSP %d, database %s", n.i, c.serial, st, c.status))
			}
		}
	}
	report(len(bad) == 0, "OCSP agrees with the database on every node",
		fmt.Sprintf("%d answers checked, %d disagree %s", asked, len(bad), first(bad)))
}

// checkCMPAndRenewals: every certificate acknowledged over CMP was confirmed (the
// certConf reached the server: it is not left to be revoked unconfirmed), and every
// acknowledged renewal is stored as the renewal of the certificate it renewed, which is
// now "replaced" (KOREAN-PKI.md section 2: in service until it expires, not revoked).
func (h *harness) checkCMPAndRenewals(acked []*issued, certs map[string]*dbCert, report func(bool, string, string)) {
	var viaCMP, renewals, unconfirmed, badLink, badOld int
	var ex []string
	for _, a := range acked {
		c := certs[normSerial(a.serial)]
		if c == nil || a.via == "rest" {
			continue
		}
		if a.via == "cmp" {
			viaCMP++
		} else {
			renewals++
		}
		if c.unconfirmed {
			unconfirmed++
			ex = append(ex, a.serial+" unconfirmed")
		}
		if a.via != "renewal" {
			continue
		}
		if normSerial(c.replaces) != normSerial(a.replaces) {
			badLink++
			ex = append(ex, a.serial+" does not name "+a.replaces+" as the certificate it renewed")
		}
		if old := certs[normSerial(a.replaces)]; old == nil || old.status != "replaced" {
			badOld++
			st := "missing"
			if old != nil {
				st = old.status
			}
			ex = append(ex, a.replaces+" is "+st+" after its renewal, want replaced")
		}
	}
	if h.o.cmpPct > 0 {
		report(unconfirmed == 0 && viaCMP > 0, "every certificate acknowledged over CMP is confirmed",
			fmt.Sprintf("%d issued over CMP and %d renewed, %d still awaiting their certConf %s", viaCMP, renewals, unconfirmed, first(ex)))
	}
	if h.o.renewPct > 0 {
		report(badLink == 0 && badOld == 0 && renewals > 0, "every renewal replaces its certificate, which is marked replaced (not revoked)",
			fmt.Sprintf("%d renewals, %d not linked to the certificate renewed, %d old certificates in another status %s", renewals, badLink, badOld, first(ex)))
	}
}

// checkFlood: no legitimate request was refused as an attacker's (429, RELAY_BUSY),
// every legitimate operation during the flood succeeded (those a kill or the
// PostgreSQL restart disturbed aside), and the owners of the leaked references got
// their certificates.
func (h *harness) checkFlood(report func(bool, string, string)) {
	h.st.mu.Lock()
	defer h.st.mu.Unlock()
	var refused []string
	n := 0
	for what, c := range h.st.refused {
		refused = append(refused, fmt.Sprintf("%d %s", c, what))
		n += c
	}
	sort.Strings(refused)
	report(n == 0, "no legitimate request refused with 429 or RELAY_BUSY",
		fmt.Sprintf("%d refused (%d during the flood) %s", n, h.st.refusedFlood, first(refused)))
	fr := h.floodRates()
	report(fr.during.ops > 0 && fr.during.ok == fr.during.ops, "every legitimate operation during the flood succeeded",
		fmt.Sprintf("%d of %d (%s)", fr.during.ok, fr.during.ops, fr.during.byKind()))
	sp := h.fl.spoof
	report(len(sp) == 11 && sp[10] == http.StatusTooManyRequests && sp[0] == http.StatusCreated,
		"a forged X-Forwarded-For does not change the client's address",
		fmt.Sprintf("11 session opens from one address, each naming another in X-Forwarded-For: %v (the 11th must be 429)", sp))
	report(fr.owners.ops == len(h.fl.leaked) && fr.owners.ok == fr.owners.ops && len(h.fl.leaked) > 0,
		"owners of leaked reference numbers redeem them mid-flood",
		fmt.Sprintf("%d of %d leaked references redeemed by their owners", fr.owners.ok, len(h.fl.leaked)))
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func (h *harness) fetch(url string) ([]byte, error) {
	resp, err := httpc.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %d", url, resp.StatusCode)
	}
	return b, nil
}

func (h *harness) ocsp(url string, cert, issuer *x509.Certificate) (int, error) {
	req, err := ocsp.CreateRequest(cert, issuer, nil)
	if err != nil {
		return 0, err
	}
	resp, err := httpc.Post(url, "application/ocsp-request", bytes.NewReader(req))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %d", resp.StatusCode)
	}
	r, err := ocsp.ParseResponseForCert(b, cert, issuer)
	if err != nil {
		return 0, err
	}
	return r.Status, nil
}

// ---------------------------------------------------------------- figures

func (h *harness) figures(start, end time.Time) {
	h.st.mu.Lock()
	defer h.st.mu.Unlock()
	h.phasesMu.Lock()
	phases := append([]phase(nil), h.phases...)
	h.phasesMu.Unlock()
	in := func(t time.Time, kind string) bool {
		for _, p := range phases {
			if p.kind == kind && !t.Before(p.start) && t.Before(p.end) {
				return true
			}
		}
		return false
	}
	// Each 100 ms of the run belongs to the PostgreSQL restart, a kill, or no fault.
	const slot = 100 * time.Millisecond
	secs := map[string]time.Duration{}
	for t := start; t.Before(end); t = t.Add(slot) {
		secs[phaseOf(t, in)] += slot
	}
	lat := map[string][]time.Duration{}
	var injected []time.Duration
	for _, s := range h.st.lat {
		if s.injected {
			injected = append(injected, s.d)
			continue
		}
		k := phaseOf(s.end, in)
		lat[k] = append(lat[k], s.d)
	}
	fmt.Println("figures:")
	fmt.Printf("  run %s, %d clients, %d enrollments, %d certificates, %d revocations, kills %d, PostgreSQL restarts %d\n",
		end.Sub(start).Round(time.Millisecond), h.o.clients, h.st.enrollments, len(h.st.issued), h.st.revocations,
		count(phases, "kill"), count(phases, "pg"))
	for _, k := range []string{"no fault", "flood", "kill", "pg restart"} {
		d := secs[k]
		if d == 0 {
			continue
		}
		l := lat[k]
		fmt.Printf("  %-10s %6.1f s  %5d certificates  %6.2f certificates/s  p50 %s  p99 %s\n", k, d.Seconds(), len(l),
			float64(len(l))/d.Seconds(), pct(l, 50), pct(l, 99))
	}
	fmt.Printf("  (certificates/s and p99 count only enrollments whose answer the harness did not drop; issuance time is from the first attempt to the certificate, retries included)\n")
	fmt.Printf("  injected lost answers: %d certificates, p50 %s, p99 %s (first attempt to the certificate)\n", len(injected), pct(injected, 50), pct(injected, 99))
	fmt.Printf("  lost answers (injected or by a kill), recovered by retry: REST issuance %d/%d, CMP issuance %d/%d, renewal %d/%d; CMP ir repeated without certConf %d, same certificate %d\n",
		h.st.lostRecovered["rest"], h.st.lost["rest"], h.st.lostRecovered["cmp"], h.st.lost["cmp"],
		h.st.lostRecovered["renewal"], h.st.lost["renewal"], h.st.reIR, h.st.reIRSame)
	if h.fl != nil {
		h.floodFigures()
		h.fl.report()
	}
	fmt.Printf("  longest time an enrollment was unusable (first failed attempt to its certificate): %s; after an injected lost answer: %s\n",
		h.st.longestUnusable[0].Round(time.Millisecond), h.st.longestUnusable[1].Round(time.Millisecond))
	fmt.Println("  failed requests by cause:")
	var causes []string
	for c := range h.st.failures {
		causes = append(causes, c)
	}
	sort.Strings(causes)
	if len(causes) == 0 {
		fmt.Println("    none")
	}
	for _, c := range causes {
		fmt.Printf("    %6d  %s\n", h.st.failures[c], c)
	}
}

func phaseOf(t time.Time, in func(time.Time, string) bool) string {
	switch {
	case in(t, "pg"):
		return "pg restart"
	case in(t, "kill"):
		return "kill"
	case in(t, "flood"):
		return "flood"
	}
	return "no fault"
}

func count(ps []phase, kind string) int {
	n := 0
	for _, p := range ps {
		if p.kind == kind {
			n++
		}
	}
	return n
}

func pct(d []time.Duration, p int) string {
	if len(d) == 0 {
		return "-"
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := (len(s)*p + 99) / 100
	if i > 0 {
		i--
	}
	return s[i].Round(time.Millisecond).String()
}
