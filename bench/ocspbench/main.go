// Command ocspbench measures certcenter's revocation services on this machine (issue 6):
//
//   - OCSP responses per second and latency percentiles with wrk, for a mix of known
//     serials (good, revoked, on hold), against certcenter's pre-signed responder and
//     against `openssl ocsp -index ... -multi 2` serving the same serials, in one run;
//   - CRL generation time and size for many revoked certificates across partitions
//     (and as one full CRL);
//   - the time from a revocation to the new partition CRL and the revoked OCSP answer.
//
// Run it through bench/ocsp.sh. It needs wrk and openssl in PATH. Certificates are
// loaded straight into the database with placeholder DER (OCSP and CRLs read only the
// status columns); everything else goes through the real server over loopback.
package main

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/x509"
	"database/sql"
	"encoding/hex"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/big"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
	"golang.org/x/crypto/ocsp"

	"github.com/certcenter/certcenter/internal/app"
	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/config"
	"github.com/certcenter/certcenter/internal/model"
)

var (
	serials     = flag.Int("serials", 100_000, "known serials in the OCSP mix")
	duration    = flag.Duration("duration", 15*time.Second, "wrk run per target")
	connections = flag.Int("connections", 16, "wrk connections")
	threads     = flag.Int("threads", 2, "wrk threads")
	crlSizes    = flag.String("crl", "100000,1000000", "revoked-certificate counts for the CRL benchmark (comma-separated; empty skips)")
	partitions  = flag.Int("partitions", 16, "CRL partitions")
	workDir     = flag.String("dir", "", "work folder (default: a temporary folder, removed)")
	luaScript   = flag.String("lua", "bench/ocsp.lua", "wrk script that rotates request bodies")
	skipOCSP    = flag.Bool("skip-ocsp", false, "skip the OCSP throughput part")
)

func main() {
	flag.Parse()
	log.SetFlags(0)
	// -crl is read before anything starts: a typo must not cost the OCSP run first.
	sizes, err := parseSizes(*crlSizes)
	check(err)
	dir := *workDir
	if dir == "" {
		d, err := os.MkdirTemp("", "ocspbench-")
		check(err)
		cleanups = append(cleanups, func() { os.RemoveAll(d) })
		defer os.RemoveAll(d)
		dir = d
	}
	ctx := context.Background()
	fmt.Printf("ocspbench: %d CPUs, Go %s, %s\n", numCPU(), goVersion(), opensslVersion())
	if !*skipOCSP {
		benchOCSP(ctx, filepath.Join(dir, "ocsp"))
	}
	for _, n := range sizes {
		benchCRL(ctx, filepath.Join(dir, fmt.Sprintf("crl-%d", n)), n)
	}
}

// parseSizes reads -crl: comma-separated positive counts; empty (-crl=) is none.
func parseSizes(s string) ([]int, error) {
	var sizes []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-crl: %q is not a positive count (use -crl= to skip the CRL part)", f)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}

// server is certcenter on a loopback port with its background jobs.
type server struct {
	app  *app.App
	url  string
	stop func()
}

func startServer(ctx context.Context, dir string) *server {
	check(os.MkdirAll(dir, 0o700))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	cfg := config.Default()
	cfg.DataDir = dir
	cfg.Listen = ln.Addr().String()
	cfg.CA.CRLPartitions = *partitions
	check(cfg.Validate())
	a, err := app.Open(ctx, cfg, app.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	check(err)
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { a.Serve(sctx, ln); close(done) }()
	return &server{app: a, url: cfg.BaseURL, stop: func() { cancel(); <-done; a.Close() }}
}

// cert is one loaded certificate.
type cert struct {
	serial model.Serial
	status model.CertStatus
	reason model.RevocationReason
	at     time.Time
}

// load inserts certificates straight into the database in one transaction.
func load(ctx context.Context, db *sql.DB, certs []cert, parts int) {
	tx, err := db.BeginTx(ctx, nil)
	check(err)
	ser, err := tx.PrepareContext(ctx, `INSERT INTO serials (serial, issuer_id, reserved_at, used) VALUES (?, 'issuing', ?, TRUE)`)
	check(err)
	ins, err := tx.PrepareContext(ctx, `INSERT INTO certificates (serial, issuer_id, institution_code, enrollment_ref, common_name,
kind, usage, not_before, not_after, crl_partition, der, status, revoked_at, reason, created_at, status_at)
VALUES (?, 'issuing', '901', '', 'bench', 'personal', 'banking', ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	check(err)
	now := time.Now()
	nb, na := now.Add(-24*time.Hour).UnixMicro(), now.AddDate(1, 0, 0).UnixMicro()
	der := []byte{0x30, 0x00}
	for _, c := range certs {
		var revokedAt, reason any
		if c.status != model.StatusValid {
			revokedAt, reason = c.at.UnixMicro(), int64(c.reason)
		}
		s := c.serial.String()
		_, err := ser.ExecContext(ctx, s, nb)
		check(err)
		_, err = ins.ExecContext(ctx, s, nb, na, int(c.serial[len(c.serial)-1])%parts, der, string(c.status), revokedAt, reason, nb, c.at.UnixMicro())
		check(err)
	}
	check(tx.Commit())
}

func mix(n int) []cert {
	r := rand.New(rand.NewPCG(6, 6))
	out := make([]cert, n)
	now := time.Now().Add(-time.Hour)
	for i := range out {
		c := cert{serial: ca.NewSerial(), status: model.StatusValid, at: now}
		switch x := r.IntN(100); {
		case x < 7:
			c.status, c.reason = model.StatusRevoked, []model.RevocationReason{model.ReasonKeyCompromise, model.ReasonSuperseded, model.ReasonAffiliationChanged}[x%3]
		case x < 10:
			c.status, c.reason = model.StatusSuspended, model.ReasonCertificateHold
		}
		out[i] = c
	}
	return out
}

func benchOCSP(ctx context.Context, dir string) {
	fmt.Printf("\n== OCSP: %d known serials (90%% good, 7%% revoked, 3%% on hold), wrk -t%d -c%d -d%v, POST\n", *serials, *threads, *connections, *duration)
	srv := startServer(ctx, filepath.Join(dir, "certcenter"))
	defer srv.stop()
	certs := mix(*serials)
	t0 := time.Now()
	load(ctx, srv.app.Store.SQL(), certs, *partitions)
	fmt.Printf("loaded %d certificates in %v\n", len(certs), time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	n, err := srv.app.Revocation.PresignAll(ctx)
	check(err)
	el := time.Since(t0)
	fmt.Printf("pre-signed %d OCSP responses in %v (%.0f/s, RSA-2048)\n", n, el.Round(time.Millisecond), float64(n)/el.Seconds())

	issuing, err := x509.ParseCertificate(srv.app.CA.IssuingDER())
	check(err)
	ours := writeBodies(filepath.Join(dir, "certcenter.bodies"), certs, issuing)
	sanity(srv.url+"/ocsp", ours, certs[0], issuing)

	// OpenSSL's responder with the same serials and statuses, its own RSA-2048 CA.
	odir := filepath.Join(dir, "openssl")
	check(os.MkdirAll(odir, 0o700))
	run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", filepath.Join(odir, "ca.key"),
		"-out", filepath.Join(odir, "ca.pem"), "-subj", "/C=kr/O=bench/CN=bench CA", "-days", "30")
	ocert := readPEMCert(filepath.Join(odir, "ca.pem"))
	writeIndex(filepath.Join(odir, "index.txt"), certs)
	theirs := writeBodies(filepath.Join(odir, "openssl.bodies"), certs, ocert)
	// OpenSSL 3.0's responder children spin once a keep-alive client goes away, so each
	// wrk run gets a fresh responder.
	startOpenSSL := func() (string, func()) {
		port := freePort()
		cmd := exec.Command("openssl", "ocsp", "-index", filepath.Join(odir, "index.txt"), "-port", port,
			"-rsigner", filepath.Join(odir, "ca.pem"), "-rkey", filepath.Join(odir, "ca.key"), "-CA", filepath.Join(odir, "ca.pem"),
			"-multi", "2", "-nmin", "60")
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		// Its own process group, so that stopping it stops the -multi children too.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		check(cmd.Start())
		stop := func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); cmd.Wait() }
		cleanups = append(cleanups, stop)
		url := "http://127.0.0.1:" + port + "/"
		waitHTTP(url, theirs[0])
		return url, stop
	}
	osslURL, stop := startOpenSSL()
	sanity(osslURL, theirs, certs[0], ocert)
	stop()

	fmt.Println("\ncertcenter: warm-up 3s, then the measured run; openssl: a fresh responder, measured run")
	wrk(srv.url+"/ocsp", filepath.Join(dir, "certcenter.bodies"), 3*time.Second)
	cc := wrk(srv.url+"/ocsp", filepath.Join(dir, "certcenter.bodies"), *duration)
	osslURL, stop = startOpenSSL()
	ossl := wrk(osslURL, filepath.Join(odir, "openssl.bodies"), *duration)
	stop()
	fmt.Printf("\n%-32s %12s %10s %10s %10s %8s\n", "target", "responses/s", "p50", "p99", "max", "errors")
	for _, r := range []struct {
		name string
		res  wrkResult
	}{{"certcenter (pre-signed)", cc}, {"openssl ocsp -index -multi 2", ossl}} {
		fmt.Printf("%-32s %12.0f %10s %10s %10s %8s\n", r.name, r.res.rps, r.res.p50, r.res.p99, r.res.max, r.res.errors)
	}
	if ossl.rps > 0 {
		fmt.Printf("ratio certcenter/openssl: %.1fx (goal >= 5x; p99 goal < 10ms)\n", cc.rps/ossl.rps)
	}

	// Time from a revocation to the revoked OCSP answer and the new partition CRL.
	fmt.Println("\n== revocation to visibility (20 revocations through the CA, polled over HTTP every 1ms)")
	var dOCSP, dCRL []time.Duration
	client := &http.Client{Timeout: 5 * time.Second}
	for i, k := 0, 0; i < 20 && k < len(certs); k++ {
		c := certs[k]
		if c.status != model.StatusValid {
			continue
		}
		i++
		body := ours[k]
		t0 := time.Now()
		_, err := srv.app.CA.Revoke(ctx, c.serial, model.ReasonKeyCompromise, nil, "bench", "901")
		check(err)
		var gotOCSP, gotCRL time.Duration
		for gotOCSP == 0 || gotCRL == 0 {
			if time.Since(t0) > 5*time.Second {
				fatalf("revocation of %s not visible after 5s", c.serial)
			}
			if gotOCSP == 0 && ocspStatus(client, srv.url+"/ocsp", body, c.serial, issuing) == ocsp.Revoked {
				gotOCSP = time.Since(t0)
			}
			if gotCRL == 0 && crlHas(client, fmt.Sprintf("%s/crl/issuing/p%d.crl", srv.url, int(c.serial[len(c.serial)-1])%*partitions), c.serial) {
				gotCRL = time.Since(t0)
			}
			time.Sleep(time.Millisecond)
		}
		dOCSP, dCRL = append(dOCSP, gotOCSP), append(dCRL, gotCRL)
	}
	fmt.Printf("OCSP revoked after: median %v, max %v\n", median(dOCSP), maxOf(dOCSP))
	fmt.Printf("partition CRL after: median %v, max %v\n", median(dCRL), maxOf(dCRL))
}

// writeBodies writes one hex-encoded OCSP request (SHA-1 CertID, no nonce) a line and
// returns the DER requests.
func writeBodies(path string, certs []cert, issuer *x509.Certificate) [][]byte {
	nameHash := sha1.Sum(issuer.RawSubject)
	keyHash := sha1.Sum(publicKeyBits(issuer))
	var b bytes.Buffer
	out := make([][]byte, len(certs))
	for i, c := range certs {
		req := request(nameHash[:], keyHash[:], c.serial)
		out[i] = req
		b.WriteString(hex.EncodeToString(req))
		b.WriteByte('\n')
	}
	check(os.WriteFile(path, b.Bytes(), 0o600))
	return out
}

// request is an OCSPRequest for one certificate (RFC 6960 section 4.1.1).
func request(nameHash, keyHash []byte, serial model.Serial) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // OCSPRequest
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // TBSRequest
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // requestList
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // Request
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // CertID
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
							b.AddASN1ObjectIdentifier([]int{1, 3, 14, 3, 2, 26})
							b.AddASN1NULL()
						})
						b.AddASN1OctetString(nameHash)
						b.AddASN1OctetString(keyHash)
						b.AddASN1(cbasn1.INTEGER, func(b *cryptobyte.Builder) {
							if serial[0]&0x80 != 0 {
								b.AddUint8(0)
							}
							b.AddBytes(serial)
						})
					})
				})
			})
		})
	})
	return b.BytesOrPanic()
}

// publicKeyBits is the subjectPublicKey BIT STRING content the issuerKeyHash covers.
func publicKeyBits(c *x509.Certificate) []byte {
	in := cryptobyte.String(c.RawSubjectPublicKeyInfo)
	var spki, alg, bits cryptobyte.String
	if !in.ReadASN1(&spki, cbasn1.SEQUENCE) || !spki.ReadASN1(&alg, cbasn1.SEQUENCE) || !spki.ReadASN1(&bits, cbasn1.BIT_STRING) {
		fatalf("ocspbench: malformed SubjectPublicKeyInfo")
	}
	return bits[1:]
}

func numCPU() int { return runtime.NumCPU() }

func goVersion() string { return runtime.Version() }

func opensslVersion() string {
	out, err := exec.Command("openssl", "version").Output()
	if err != nil {
		return "openssl missing"
	}
	return strings.TrimSpace(string(out))
}

// cleanups run before a fatal exit (log.Fatal skips deferred calls): the OpenSSL
// responder must not outlive the benchmark.
var cleanups []func()

func fatalf(format string, args ...any) {
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	log.Fatalf(format, args...)
}

func check(err error) {
	if err != nil {
		fatalf("ocspbench: %v", err)
	}
}

func run(name string, args ...string) {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		fatalf("ocspbench: %s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

func readPEMCert(path string) *x509.Certificate {
	b, err := os.ReadFile(path)
	check(err)
	blk, _ := pem.Decode(b)
	c, err := x509.ParseCertificate(blk.Bytes)
	check(err)
	return c
}

// writeIndex writes an OpenSSL CA index with the same serials and statuses.
func writeIndex(path string, certs []cert) {
	var b bytes.Buffer
	exp := time.Now().AddDate(1, 0, 0).UTC().Format("060102150405Z")
	for _, c := range certs {
		s := strings.ToUpper(c.serial.String())
		switch c.status {
		case model.StatusValid:
			fmt.Fprintf(&b, "V\t%s\t\t%s\tunknown\t/CN=bench\n", exp, s)
		default:
			fmt.Fprintf(&b, "R\t%s\t%s,%s\t%s\tunknown\t/CN=bench\n", exp, c.at.UTC().Format("060102150405Z"), c.reason, s)
		}
	}
	check(os.WriteFile(path, b.Bytes(), 0o600))
	check(os.WriteFile(path+".attr", []byte("unique_subject = no\n"), 0o600))
}

func freePort() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

var quick = &http.Client{Timeout: 5 * time.Second}

func waitHTTP(url string, body []byte) {
	for i := 0; i < 100; i++ {
		resp, err := quick.Post(url, "application/ocsp-request", bytes.NewReader(body))
		if err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	fatalf("ocspbench: %s does not answer", url)
}

// sanity checks one answer of a target before loading it.
func sanity(url string, bodies [][]byte, c cert, issuer *x509.Certificate) {
	st := ocspStatus(quick, url, bodies[0], c.serial, issuer)
	want := map[model.CertStatus]int{model.StatusValid: ocsp.Good, model.StatusRevoked: ocsp.Revoked, model.StatusSuspended: ocsp.Revoked}[c.status]
	if st != want {
		fatalf("ocspbench: %s answers status %d for %s, want %d", url, st, c.serial, want)
	}
}

func ocspStatus(client *http.Client, url string, body []byte, serial model.Serial, issuer *x509.Certificate) int {
	resp, err := client.Post(url, "application/ocsp-request", bytes.NewReader(body))
	check(err)
	der, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	r, err := ocsp.ParseResponseForCert(der, &x509.Certificate{SerialNumber: new(big.Int).SetBytes(serial)}, issuer)
	if err != nil {
		fatalf("ocspbench: %s: %v", url, err)
	}
	return r.Status
}

func crlHas(client *http.Client, url string, serial model.Serial) bool {
	resp, err := client.Get(url)
	check(err)
	der, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		return false
	}
	want := new(big.Int).SetBytes(serial)
	for _, e := range crl.RevokedCertificateEntries {
		if e.SerialNumber.Cmp(want) == 0 {
			return true
		}
	}
	return false
}

type wrkResult struct {
	rps                   float64
	p50, p99, max, errors string
}

var (
	reRPS    = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	reP50    = regexp.MustCompile(`\n\s+50%\s+(\S+)`)
	reP99    = regexp.MustCompile(`\n\s+99%\s+(\S+)`)
	reMax    = regexp.MustCompile(`Latency\s+\S+\s+\S+\s+(\S+)`)
	reErrors = regexp.MustCompile(`(Socket errors:[^\n]*|Non-2xx[^\n]*)`)
)

func wrk(url, bodies string, d time.Duration) wrkResult {
	cmd := exec.Command("wrk", "-t"+strconv.Itoa(*threads), "-c"+strconv.Itoa(*connections), "-d"+strconv.Itoa(int(d.Seconds()))+"s",
		"--latency", "-s", *luaScript, url)
	cmd.Env = append(os.Environ(), "OCSP_BODIES="+bodies)
	out, err := cmd.CombinedOutput()
	if err != nil {
		fatalf("ocspbench: wrk: %v\n%s", err, out)
	}
	s := string(out)
	res := wrkResult{errors: "0"}
	if m := reRPS.FindStringSubmatch(s); m != nil {
		res.rps, _ = strconv.ParseFloat(m[1], 64)
	}
	if m := reP50.FindStringSubmatch(s); m != nil {
		res.p50 = m[1]
	}
	if m := reP99.FindStringSubmatch(s); m != nil {
		res.p99 = m[1]
	}
	if m := reMax.FindStringSubmatch(s); m != nil {
		res.max = m[1]
	}
	if m := reErrors.FindAllString(s, -1); m != nil {
		res.errors = strings.Join(m, "; ")
	}
	if d >= *duration {
		fmt.Printf("--- wrk %s\n%s", url, s)
	}
	return res
}

func benchCRL(ctx context.Context, dir string, n int) {
	fmt.Printf("\n== CRL: %d revoked certificates across %d partitions\n", n, *partitions)
	srv := startServer(ctx, dir)
	defer srv.stop()
	certs := make([]cert, n)
	r := rand.New(rand.NewPCG(1, 1))
	now := time.Now().Add(-time.Hour)
	for i := range certs {
		certs[i] = cert{serial: ca.NewSerial(), status: model.StatusRevoked, reason: model.RevocationReason([]int{0, 1, 3, 4, 5}[r.IntN(5)]), at: now}
		if i%10 == 0 {
			certs[i].status, certs[i].reason = model.StatusSuspended, model.ReasonCertificateHold
		}
	}
	t0 := time.Now()
	load(ctx, srv.app.Store.SQL(), certs, *partitions)
	fmt.Printf("loaded in %v\n", time.Since(t0).Round(time.Millisecond))
	var times []time.Duration
	total := 0
	t0 = time.Now()
	for p := 0; p < *partitions; p++ {
		t1 := time.Now()
		crl, err := srv.app.Revocation.Publish(ctx, p)
		check(err)
		times = append(times, time.Since(t1))
		total += len(crl.DER)
	}
	all := time.Since(t0)
	fmt.Printf("all %d partitions: %v (one partition: median %v, max %v), %.1f MB in all, %.0f KB a partition\n",
		*partitions, all.Round(time.Millisecond), median(times), maxOf(times), float64(total)/1e6, float64(total)/float64(*partitions)/1e3)
	t0 = time.Now()
	full, err := srv.app.Revocation.Publish(ctx, model.FullCRL)
	check(err)
	fmt.Printf("full CRL: %v, %.1f MB\n", time.Since(t0).Round(time.Millisecond), float64(len(full.DER))/1e6)
	// One revocation re-publishes only its partition: measure that path.
	p := 0
	t0 = time.Now()
	_, err = srv.app.Revocation.Publish(ctx, p)
	check(err)
	fmt.Printf("re-publishing one partition (what a revocation costs): %v\n", time.Since(t0).Round(time.Millisecond))
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2].Round(time.Microsecond)
}

func maxOf(d []time.Duration) time.Duration {
	var m time.Duration
	for _, x := range d {
		m = max(m, x)
	}
	return m.Round(time.Microsecond)
}
