// Command chaos is the reliability harness of issue 17: three `certcenter serve` nodes
// on one fresh PostgreSQL database, clients enrolling, issuing over REST and over CMP
// (ir and certConf), renewing over CMP (kur and certConf, with client/cmpclient as
// certctl does), retrying a lost answer as a client would, revoking and copying through
// the relay for a fixed time, kill -9 of a random node every few seconds and one
// PostgreSQL restart, and in the middle of the run a flood of the relay and the
// authorization-code endpoints from 200 loopback addresses (flood.go); then it checks
// what must hold after crashes and under attack and prints the figures. It exits 1 if a
// check fails.
//
//	go run ./bench/chaos -duration 60s -kill-every 10s -pg-restart
//
// It needs PostgreSQL at 127.0.0.1:5432 with trust authentication (a database
// chaos_<random> is created and dropped), and for -pg-restart the right to run
// `pg_ctlcluster --skip-systemctl-redirect 15 main restart`. Every address is loopback.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

type options struct {
	duration    time.Duration
	killEvery   time.Duration
	pgRestart   bool
	pgCluster   string
	short       bool
	clients     int
	basePort    int
	pgURL       string
	keep        bool
	revokePct   int
	lostPct     int
	maxRetries  time.Duration
	maxUnusable time.Duration
	copiers     int
	renewPct    int
	cmpPct      int
	flood       bool
	attackers   int
}

func main() {
	var o options
	flag.DurationVar(&o.duration, "duration", 60*time.Second, "how long the clients run")
	flag.DurationVar(&o.killEvery, "kill-every", 10*time.Second, "kill -9 a random node this often (0: never)")
	pg := &triBool{v: "auto"}
	flag.Var(pg, "pg-restart", "restart PostgreSQL once mid-run (-pg-restart, -pg-restart=false; default: on unless -short)")
	flag.StringVar(&o.pgCluster, "pg-cluster", "15 main", "the cluster pg_ctlcluster restarts (version and name)")
	flag.BoolVar(&o.short, "short", false, "a short run: 20 s unless -duration is given, no PostgreSQL restart unless asked")
	flag.IntVar(&o.clients, "clients", 6, "concurrent issuing clients")
	flag.IntVar(&o.basePort, "port", 18480, "first of the three loopback ports")
	flag.StringVar(&o.pgURL, "pg", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "PostgreSQL maintenance database (loopback only)")
	flag.BoolVar(&o.keep, "keep", false, "keep the database and the work folder")
	flag.IntVar(&o.revokePct, "revoke", 10, "percent of certificates revoked by the institution")
	flag.IntVar(&o.lostPct, "lost", 10, "percent of first issuance attempts sent with a client timeout of a few ms (a lost answer)")
	flag.DurationVar(&o.maxRetries, "give-up", 60*time.Second, "a client gives up an enrollment after retrying this long")
	flag.DurationVar(&o.maxUnusable, "max-unusable", 0, "fail if an enrollment is unusable longer than this (0: only print it; issue 17 asks 10s)")
	flag.IntVar(&o.copiers, "copiers", 1, "concurrent device-to-device copy sessions through the relay")
	flag.IntVar(&o.renewPct, "renew", 20, "percent of REST certificates issued short (validityDays, demo) and renewed at once over CMP (kur, certConf) as certctl renews")
	flag.IntVar(&o.cmpPct, "cmp", 25, "percent of enrollments issued over CMP (ir, certConf) instead of REST")
	fl := &triBool{v: "auto"}
	flag.Var(fl, "flood", "flood the relay and the authorization-code endpoints from many loopback addresses in the middle of the run (default: on)")
	flag.IntVar(&o.attackers, "attackers", 12, "concurrent attacking connections during the flood")
	flag.Parse()
	durSet := false
	flag.Visit(func(f *flag.Flag) {
		if f.Name == "duration" {
			durSet = true
		}
	})
	if o.short && !durSet {
		o.duration = 20 * time.Second
	}
	switch pg.v {
	case "auto":
		o.pgRestart = !o.short
	default:
		o.pgRestart = pg.v == "true"
	}
	o.flood = fl.v != "false"
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		os.Exit(1)
	}
}

// triBool is a boolean flag that also knows it was not given ("auto").
type triBool struct{ v string }

func (t *triBool) String() string   { return t.v }
func (t *triBool) IsBoolFlag() bool { return true }
func (t *triBool) Set(s string) error {
	switch s {
	case "true", "1", "t", "TRUE", "True":
		t.v = "true"
	case "false", "0", "f", "FALSE", "False":
		t.v = "false"
	default:
		return fmt.Errorf("true or false")
	}
	return nil
}

func fatalf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "chaos: "+format+"\n", a...)
	os.Exit(2)
}

func logf(format string, a ...any) {
	fmt.Printf("%s "+format+"\n", append([]any{time.Now().Format("15:04:05.000")}, a...)...)
}

// ---------------------------------------------------------------- nodes

type node struct {
	i      int
	addr   string
	config string
	log    string
	bin    string
	mu     sync.Mutex
	cmd    *exec.Cmd
	done   chan struct{}
}

func (n *node) url() string { return "http://" + n.addr }

func (n *node) start() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	f, err := os.OpenFile(n.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	cmd := exec.Command(n.bin, "serve", "--config", n.config)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		f.Close()
		return err
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); f.Close(); close(done) }()
	n.cmd, n.done = cmd, done
	return nil
}

// kill sends SIGKILL to the node's process (by its id) and waits for it to end.
func (n *node) kill() {
	n.mu.Lock()
	cmd, done := n.cmd, n.done
	n.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	<-done
}

func (n *node) waitHealthy(d time.Duration) error {
	c := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		n.mu.Lock()
		done := n.done
		n.mu.Unlock()
		select {
		case <-done:
			return fmt.Errorf("node %d exited while starting (see %s)", n.i, n.log)
		default:
		}
		resp, err := c.Get(n.url() + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("node %d not healthy after %s (see %s)", n.i, d, n.log)
}

// ---------------------------------------------------------------- records

type cause string

type issued struct {
	ref, inst, serial string
	der               []byte
	revoked           bool
	via               string // "rest", "cmp" (ir and certConf) or "renewal" (kur and certConf)
	replaces          string // a renewal: the serial it renewed
}

type stats struct {
	mu            sync.Mutex
	failures      map[string]int // by cause
	issued        []*issued
	lat           []sample       // per certificate: first attempt to certificate
	lost          map[string]int // answers lost (network error, timeout) by what: "rest", "cmp", "renewal"
	lostRecovered map[string]int
	reIR          int // CMP: an ir sent again after its certConf never went (RFC 4210 5.3.18)
	reIRSame      int // ... answered with the same certificate
	gaveUp        []string
	// longestUnusable: the longest time from an enrollment's first failed issuance
	// attempt to its certificate, [0] for enrollments with no injected lost answer, [1]
	// for those whose first attempt's answer the harness dropped on purpose.
	longestUnusable [2]time.Duration
	enrollments     int
	copies          int      // relay copy sessions completed
	copiesFailed    int      // ... and abandoned (counted by cause in failures)
	copyCorrupt     []string // a party saw other bytes than the other sent
	revocations     int
	ops             []op           // every legitimate operation, for the flood's figures
	refused         map[string]int // legitimate requests answered 429 or RELAY_BUSY, by request
	refusedFlood    int            // ... of them during the flood
}

// op is one legitimate operation (an issuance, a renewal, a copy) from its first request
// to its end.
type op struct {
	kind       string
	start, end time.Time
	ok         bool
}

func (s *stats) op(kind string, start time.Time, ok bool) {
	s.mu.Lock()
	s.ops = append(s.ops, op{kind, start, time.Now(), ok})
	s.mu.Unlock()
}

type sample struct {
	end      time.Time
	d        time.Duration
	injected bool // the first attempt's answer was dropped on purpose
}

func (s *stats) fail(c string) {
	s.mu.Lock()
	s.failures[c]++
	s.mu.Unlock()
}

// classify names the cause of a failed request.
func classify(err error, status int, body []byte) string {
	if err != nil {
		var ne net.Error
		switch {
		case errors.As(err, &ne) && ne.Timeout():
			return "network: timeout"
		case strings.Contains(err.Error(), "connection refused"):
			return "network: connection refused"
		case strings.Contains(err.Error(), "reset"), strings.Contains(err.Error(), "EOF"):
			return "network: connection reset/EOF"
		default:
			return "network: other"
		}
	}
	var p struct {
		Code string `json:"code"`
	}
	if status >= 200 && status < 300 {
		return fmt.Sprintf("http %d", status)
	}
	_ = json.Unmarshal(body, &p)
	if p.Code == "" {
		p.Code = "-"
	}
	return fmt.Sprintf("http %d %s", status, p.Code)
}

func retryable(err error, status int) bool {
	return err != nil || status == 502 || status == 503 || status == 504 || status == 429
}

// ---------------------------------------------------------------- harness

type harness struct {
	o        options
	root     string
	work     string
	bin      string
	dbName   string
	dbURL    string
	nodes    []*node
	apiKeys  map[string]string // institution code -> API key
	st       *stats
	phasesMu sync.Mutex
	phases   []phase
	keys     chan *rsa.PrivateKey
	pgFailed string // why the PostgreSQL restart failed, if it did
	fl       *flood // the attackers, with -flood
	// devices counts the copy devices; deviceClients are their clients by address.
	devices       atomic.Int64
	deviceClients sync.Map
}

type phase struct {
	kind       string // "kill" or "pg"
	start, end time.Time
}

func run(o options) error {
	h := &harness{o: o, apiKeys: map[string]string{}, st: &stats{failures: map[string]int{},
		lost: map[string]int{}, lostRecovered: map[string]int{}, refused: map[string]int{}}}
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("go env GOMOD: %w", err)
	}
	h.root = filepath.Dir(strings.TrimSpace(string(out)))
	h.work, err = os.MkdirTemp("", "certcenter-chaos-")
	if err != nil {
		return err
	}
	defer func() {
		if !o.keep {
			os.RemoveAll(h.work)
		} else {
			logf("kept %s and database %s", h.work, h.dbName)
		}
	}()
	h.bin = filepath.Join(h.work, "certcenter")
	logf("building cmd/certcenter")
	b := exec.Command("go", "build", "-o", h.bin, "./cmd/certcenter")
	b.Dir, b.Stdout, b.Stderr = h.root, os.Stdout, os.Stderr
	if err := b.Run(); err != nil {
		return fmt.Errorf("go build: %w", err)
	}
	ctx := context.Background()
	if err := h.createDB(ctx); err != nil {
		return err
	}
	defer h.dropDB()
	if err := h.writeConfigs(); err != nil {
		return err
	}
	defer func() {
		for _, n := range h.nodes {
			n.kill()
		}
	}()
	// The first node creates the CA, the demo institutions and the node check values;
	// the others join it.
	for i, n := range h.nodes {
		if err := n.start(); err != nil {
			return err
		}
		if err := n.waitHealthy(60 * time.Second); err != nil {
			return err
		}
		if i == 0 {
			if err := h.readAPIKeys(); err != nil {
				return err
			}
		}
	}
	logf("3 nodes up: %s, %s, %s; database %s", h.nodes[0].addr, h.nodes[1].addr, h.nodes[2].addr, h.dbName)

	h.keys = make(chan *rsa.PrivateKey, 64)
	stopKeys := make(chan struct{})
	go func() {
		for {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			select {
			case h.keys <- k:
			case <-stopKeys:
				return
			}
		}
	}()
	defer close(stopKeys)

	start := time.Now()
	end := start.Add(o.duration)
	var wg sync.WaitGroup
	for i := 0; i < o.clients; i++ {
		wg.Add(1)
		go func(i int) { defer wg.Done(); h.client(i, end) }(i)
	}
	for i := 0; i < o.copiers; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); h.copier(end) }()
	}
	var fwg sync.WaitGroup
	fwg.Add(1)
	go func() { defer fwg.Done(); h.faults(start, end) }()
	if o.flood {
		h.fl = newFlood(h)
		fwg.Add(1)
		go func() { defer fwg.Done(); h.fl.run(start, end) }()
	}
	fwg.Wait()
	wg.Wait()
	loadEnd := time.Now()
	logf("load over after %s; checking", loadEnd.Sub(start).Round(time.Millisecond))
	for _, n := range h.nodes {
		if err := n.waitHealthy(30 * time.Second); err != nil {
			return err
		}
	}
	failed := h.check(ctx)
	h.figures(start, loadEnd)
	h.logErrors()
	if failed > 0 {
		return fmt.Errorf("%d check(s) failed", failed)
	}
	fmt.Println("chaos: every check passed")
	return nil
}

func (h *harness) createDB(ctx context.Context) error {
	u := h.o.pgURL
	if !strings.Contains(u, "@127.0.0.1") && !strings.Contains(u, "@localhost") && !strings.Contains(u, "@[::1]") {
		return fmt.Errorf("-pg must name a loopback server")
	}
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		return fmt.Errorf("PostgreSQL at %s: %w", u, err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 4)
	rand.Read(b)
	h.dbName = "chaos_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+h.dbName); err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	i := strings.LastIndex(u, "/")
	rest := ""
	if q := strings.Index(u[i:], "?"); q >= 0 {
		rest = u[i+q:]
	}
	h.dbURL = u[:i+1] + h.dbName + rest
	return nil
}

func (h *harness) dropDB() {
	if h.dbName == "" || h.o.keep {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, h.o.pgURL)
	if err != nil {
		logf("drop database %s: %v", h.dbName, err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE "+h.dbName+" WITH (FORCE)"); err != nil {
		logf("drop database %s: %v", h.dbName, err)
	}
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// writeConfigs writes one configuration per node. What nodes must share (README
// "Several nodes"): the database, the secrets key, the CA key files and their
// passphrase, base_url. On one machine they share one data folder, which holds the
// CA keys and demo-institutions.json; only listen differs.
func (h *harness) writeConfigs() error {
	sec := filepath.Join(h.work, "secrets")
	if err := os.MkdirAll(sec, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(sec, "secrets.key"), []byte(randHex(32)+"\n"), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(sec, "ca-passphrase"), []byte(randHex(32)+"\n"), 0o600); err != nil {
		return err
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", h.o.basePort)
	for i := 0; i < 3; i++ {
		addr := fmt.Sprintf("127.0.0.1:%d", h.o.basePort+i)
		cfg := fmt.Sprintf(`listen = %q
base_url = %q
data_dir = "data"
demo = true

[database]
driver = "postgres"
dsn = %q

[keys]
source = "file"
passphrase = "file:secrets/ca-passphrase"

[secrets]
key = "file:secrets/secrets.key"

# The limit on wrong copy codes over all clients is 600 a minute; at 300 the short
# run's flood crosses it within seconds (legitimate copies must go on past it).
[limits.relay_guesses]
per_target = { limit = 300, period = "1m" }
`, addr, base, h.dbURL)
		p := filepath.Join(h.work, fmt.Sprintf("node%d.toml", i+1))
		if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
			return err
		}
		h.nodes = append(h.nodes, &node{i: i + 1, addr: addr, config: p, bin: h.bin,
			log: filepath.Join(h.work, fmt.Sprintf("node%d.log", i+1))})
	}
	return nil
}

func (h *harness) readAPIKeys() error {
	b, err := os.ReadFile(filepath.Join(h.work, "data", "demo-institutions.json"))
	if err != nil {
		return fmt.Errorf("demo institutions: %w", err)
	}
	var insts []struct {
		Code   string `json:"code"`
		APIKey string `json:"apiKey"`
	}
	if err := json.Unmarshal(b, &insts); err != nil {
		return fmt.Errorf("demo-institutions.json: %w", err)
	}
	for _, in := range insts {
		h.apiKeys[in.Code] = in.APIKey
	}
	if len(h.apiKeys) == 0 {
		return fmt.Errorf("demo-institutions.json names no institution")
	}
	return nil
}

// ---------------------------------------------------------------- faults

func (h *harness) addPhase(p phase) {
	h.phasesMu.Lock()
	h.phases = append(h.phases, p)
	h.phasesMu.Unlock()
}

func (h *harness) faults(start, end time.Time) {
	var pgAt time.Time
	if h.o.pgRestart {
		pgAt = start.Add(h.o.duration / 2)
	}
	nextKill := time.Time{}
	if h.o.killEvery > 0 {
		nextKill = start.Add(h.o.killEvery)
	}
	for {
		now := time.Now()
		if now.After(end) {
			return
		}
		switch {
		case !pgAt.IsZero() && !now.Before(pgAt):
			pgAt = time.Time{}
			h.restartPG()
		case !nextKill.IsZero() && !now.Before(nextKill):
			nextKill = now.Add(h.o.killEvery)
			n := h.nodes[mrand.IntN(len(h.nodes))]
			t0 := time.Now()
			n.kill()
			logf("kill -9 node %d", n.i)
			if err := n.start(); err != nil {
				logf("restart node %d: %v", n.i, err)
			}
			if err := n.waitHealthy(60 * time.Second); err != nil {
				logf("%v", err)
			}
			logf("node %d back after %s", n.i, time.Since(t0).Round(time.Millisecond))
			h.addPhase(phase{"kill", t0, time.Now().Add(2 * time.Second)})
		default:
			time.Sleep(50 * time.Millisecond)
		}
	}
}

func (h *harness) restartPG() {
	args := append([]string{"--skip-systemctl-redirect"}, strings.Fields(h.o.pgCluster)...)
	args = append(args, "restart")
	t0 := time.Now()
	logf("pg_ctlcluster %s", strings.Join(args, " "))
	out, err := exec.Command("pg_ctlcluster", args...).CombinedOutput()
	if err != nil {
		logf("PostgreSQL restart failed: %v: %s", err, bytes.TrimSpace(out))
		h.pgFailed = fmt.Sprintf("%v: %s", err, bytes.TrimSpace(out))
		return
	}
	logf("PostgreSQL restarted in %s", time.Since(t0).Round(time.Millisecond))
	h.addPhase(phase{"pg", t0, time.Now().Add(5 * time.Second)})
}

// ---------------------------------------------------------------- clients

var httpc = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
	MaxIdleConnsPerHost: 16, IdleConnTimeout: 5 * time.Second,
}}

func (h *harness) do(ctx context.Context, c *http.Client, method, url, apiKey string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+apiKey)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return resp.StatusCode, nil, err
	}
	if resp.StatusCode == http.StatusTooManyRequests || bytes.Contains(b, []byte(`"RELAY_BUSY"`)) {
		h.refusedLegit(method + " " + routeOf(url))
	}
	return resp.StatusCode, b, nil
}

// refusedLegit counts a legitimate request the server refused as if it were an
// attacker's (429 RATE_LIMITED, RELAY_BUSY): each one fails the flood check.
func (h *harness) refusedLegit(what string) {
	h.st.mu.Lock()
	h.st.refused[what]++
	if h.fl != nil && h.fl.active() {
		h.st.refusedFlood++
	}
	h.st.mu.Unlock()
}

// routeOf is the route of a URL, without host and identifiers.
func routeOf(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.Index(u, "/"); i >= 0 {
		u = u[i:]
	}
	parts := strings.Split(u, "/")
	for i, p := range parts {
		if len(p) >= 16 {
			parts[i] = "{id}"
		}
	}
	return strings.Join(parts, "/")
}

func (h *harness) randomNode() *node { return h.nodes[mrand.IntN(len(h.nodes))] }

var codes = []string{"901", "902", "903"}

func (h *harness) client(id int, end time.Time) {
	ctx := context.Background()
	for n := 0; time.Now().Before(end); n++ {
		inst := codes[mrand.IntN(len(codes))]
		key := h.apiKeys[inst]
		// An enrollment: not retried (a repeat would make a second one), a failure is counted.
		body, _ := json.Marshal(map[string]string{
			"name": "카오스", "idn": fakeIDN(), "tellerId": fmt.Sprintf("chaos-%d", id),
		})
		t0 := time.Now()
		status, rb, err := h.do(ctx, httpc, "POST", h.randomNode().url()+"/api/v1/enrollments", key, body)
		h.st.op("enrollment", t0, err == nil && status == 201)
		if err != nil || status != 201 {
			h.st.fail("enroll: " + classify(err, status, rb))
			time.Sleep(200 * time.Millisecond)
			continue
		}
		var e struct {
			Reference string `json:"reference"`
			AuthCode  string `json:"authCode"`
		}
		if err := json.Unmarshal(rb, &e); err != nil || e.Reference == "" {
			h.st.fail("enroll: bad answer")
			continue
		}
		h.st.mu.Lock()
		h.st.enrollments++
		h.st.mu.Unlock()
		if mrand.IntN(100) < h.o.cmpPct {
			c := h.issueCMP(ctx, inst, e.Reference, e.AuthCode)
			if c != nil && mrand.IntN(100) < h.o.revokePct {
				h.revoke(ctx, key, c)
			}
			continue
		}
		renew := mrand.IntN(100) < h.o.renewPct
		k := <-h.keys
		c := h.issue(ctx, inst, e.Reference, e.AuthCode, k, renew)
		if c != nil && renew {
			c = h.renew(ctx, c, k)
		}
		if c != nil && mrand.IntN(100) < h.o.revokePct {
			h.revoke(ctx, key, c)
		}
	}
}

// fakeIDN is a 13-digit resident registration number of the right form (checksum included).
func fakeIDN() string {
	d := []int{8, 0, 0, 1, 0, 1, 1 + mrand.IntN(2)}
	for len(d) < 12 {
		d = append(d, mrand.IntN(10))
	}
	w := []int{2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5}
	s := 0
	for i, x := range d {
		s += x * w[i]
	}
	d = append(d, (11-s%11)%10)
	var b strings.Builder
	for _, x := range d {
		b.WriteByte(byte('0' + x))
	}
	return b.String()
}

// issue redeems the enrollment with a CSR and retries exactly as a client would: the
// same body, after a network error or 502/503/504/429, on any node. short asks for a
// certificate of 25 days (demo mode), inside its renewal window at once.
func (h *harness) issue(ctx context.Context, inst, ref, code string, k *rsa.PrivateKey, short bool) *issued {
	return h.issueVia(ctx, httpc, inst, ref, code, k, short, true)
}

// issueVia is issue over base; record says whether the issuance counts in the
// issuance figures (latency, lost answers).
func (h *harness) issueVia(ctx context.Context, base *http.Client, inst, ref, code string, k *rsa.PrivateKey, short, record bool) *issued {
	csrDER, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: "x"}, SignatureAlgorithm: x509.SHA256WithRSA,
	}, k)
	if err != nil {
		panic(err)
	}
	req := map[string]any{
		"reference": ref, "authCode": code,
		"csr": string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csrDER})),
	}
	if short {
		req["validityDays"] = 25
	}
	body, _ := json.Marshal(req)
	t0 := time.Now()
	var firstFail time.Time
	lost, injected := false, false
	for attempt := 0; ; attempt++ {
		c := base
		if record && attempt == 0 && mrand.IntN(100) < h.o.lostPct {
			injected = true
			// The answer is lost: the client gives up after a few ms, maybe after the commit.
			c = &http.Client{Timeout: time.Duration(5+mrand.IntN(60)) * time.Millisecond}
		}
		status, rb, err := h.do(ctx, c, "POST", h.randomNode().url()+"/api/v1/certificates", "", body)
		if err == nil && status == 201 || err == nil && status == 200 {
			var a struct {
				Certificate string `json:"certificate"`
				Serial      string `json:"serial"`
			}
			if json.Unmarshal(rb, &a) != nil {
				h.st.fail("issue: bad answer")
				return nil
			}
			der := a.Certificate
			if blk, _ := pem.Decode([]byte(der)); blk != nil {
				der = string(blk.Bytes)
			}
			now := time.Now()
			r := &issued{ref: ref, inst: inst, serial: strings.ToLower(a.Serial), der: []byte(der), via: "rest"}
			h.st.mu.Lock()
			h.st.issued = append(h.st.issued, r)
			if !record {
				h.st.mu.Unlock()
				return r
			}
			h.st.lat = append(h.st.lat, sample{now, now.Sub(t0), injected})
			h.st.ops = append(h.st.ops, op{"rest issuance", t0, now, true})
			if lost {
				h.st.lostRecovered["rest"]++
			}
			k := 0
			if injected {
				k = 1
			}
			if !firstFail.IsZero() && now.Sub(firstFail) > h.st.longestUnusable[k] {
				h.st.longestUnusable[k] = now.Sub(firstFail)
			}
			h.st.mu.Unlock()
			return r
		}
		cause := "issue: " + classify(err, status, rb)
		if attempt == 0 && injected && err != nil {
			cause = "issue: injected lost answer (client timeout of 5-65 ms)"
		}
		h.st.fail(cause)
		if !retryable(err, status) || !record && status == http.StatusTooManyRequests {
			logf("issuance of %s refused: %s", ref, cause)
			h.st.mu.Lock()
			h.st.gaveUp = append(h.st.gaveUp, ref+" ("+cause+")")
			h.st.mu.Unlock()
			if record {
				h.st.op("rest issuance", t0, false)
			}
			return nil
		}
		if err != nil && !lost {
			lost = true
			h.st.mu.Lock()
			h.st.lost["rest"]++
			h.st.mu.Unlock()
		}
		if firstFail.IsZero() {
			firstFail = time.Now()
		}
		if time.Since(firstFail) > h.o.maxRetries {
			h.st.mu.Lock()
			h.st.gaveUp = append(h.st.gaveUp, ref+" (retried "+h.o.maxRetries.String()+": "+cause+")")
			h.st.mu.Unlock()
			if record {
				h.st.op("rest issuance", t0, false)
			}
			return nil
		}
		time.Sleep(time.Duration(100+mrand.IntN(200)) * time.Millisecond)
	}
}

// revoke revokes by the institution's API; a retry after a lost answer may find it
// already revoked (409 CERT_REVOKED), which is the success it missed.
func (h *harness) revoke(ctx context.Context, key string, c *issued) {
	body := []byte(`{"reason":"keyCompromise"}`)
	start := time.Now()
	retried := false
	ok := false
	defer func() { h.st.op("revocation", start, ok) }()
	for {
		status, rb, err := h.do(ctx, httpc, "POST", h.randomNode().url()+"/api/v1/certificates/"+c.serial+"/revocation", key, body)
		if err == nil && (status == 200 || retried && status == 409 && bytes.Contains(rb, []byte("REVOKED"))) {
			h.st.mu.Lock()
			c.revoked = true
			h.st.revocations++
			h.st.mu.Unlock()
			ok = true
			return
		}
		cause := "revoke: " + classify(err, status, rb)
		h.st.fail(cause)
		if !retryable(err, status) || time.Since(start) > h.o.maxRetries {
			logf("revocation of %s failed: %s", c.serial, cause)
			return
		}
		retried = true
		time.Sleep(200 * time.Millisecond)
	}
}
