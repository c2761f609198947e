package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/certcenter/certcenter/client"
	"github.com/certcenter/certcenter/client/cmpclient"
)

// The flood (issue 17's benchmark): in the middle of the run, attackers flood the copy
// relay (session opens, code guesses) and the authorization-code endpoints (REST
// issuance and CMP ir with unknown reference numbers, and wrong codes for a few
// reference numbers that leaked) from many loopback addresses, while the legitimate
// users go on issuing, renewing and copying. The server counts clients by the
// connection's address (limits.client_header is not set): every attacker request also
// carries an X-Forwarded-For naming a random address, which must change nothing.
//
// Addresses (127.0.0.0/8 is all loopback on Linux; a dialer binds the source):
//
//	127.0.0.1       legitimate issuing clients and the institutions
//	127.0.1.0/24    legitimate copy devices, a new address for each copy session
//	127.0.2.0/24    attackers (attackerAddrs of them)
//	127.0.3.0/24    owners of the leaked reference numbers, redeeming them mid-flood
const (
	attackerAddrs = 200
	leakedRefs    = 5
)

// Attack kinds.
const (
	atkRelayOpen  = "relay: open a session"
	atkRelayGuess = "relay: guess a copy code"
	atkUnknownRef = "REST issuance: unknown reference number"
	atkWrongCode  = "REST issuance: wrong code for a leaked reference"
	atkCMPUnknown = "CMP ir: unknown reference number"
)

var attackKinds = []string{atkRelayOpen, atkRelayGuess, atkUnknownRef, atkWrongCode, atkRelayGuess, atkUnknownRef, atkCMPUnknown}

type flood struct {
	h          *harness
	start, end time.Time
	on         atomic.Bool
	csr        string // a valid CSR the attackers send (the server checks it before the code)
	key        *rsa.PrivateKey

	mu      sync.Mutex
	answers map[string]map[string]int // attack kind -> answer -> count
	leaked  []leak
	spoof   []int // the statuses of the forged-address probe's session opens

	clientsMu sync.Mutex
	clients   map[string]*http.Client // by source address
}

type leak struct{ inst, ref, code string }

func newFlood(h *harness) *flood {
	k := <-h.keys
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: "x"}, SignatureAlgorithm: x509.SHA256WithRSA}, k)
	if err != nil {
		panic(err)
	}
	return &flood{h: h, key: k, answers: map[string]map[string]int{}, clients: map[string]*http.Client{},
		csr: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))}
}

func (f *flood) active() bool { return f.on.Load() }

// client returns an HTTP client whose connections come from the source address src.
func (f *flood) client(src string) *http.Client {
	f.clientsMu.Lock()
	defer f.clientsMu.Unlock()
	if c, ok := f.clients[src]; ok {
		return c
	}
	c := sourceClient(src, 4)
	f.clients[src] = c
	return c
}

// sourceClient is an HTTP client dialing from src, keeping at most conns connections
// to each node.
func sourceClient(src string, conns int) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext: d.DialContext, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, IdleConnTimeout: 5 * time.Second,
	}}
}

// run floods from 30% to 75% of the run: before it, the legitimate figures without
// attackers; in it, with them.
func (f *flood) run(start, end time.Time) {
	d := end.Sub(start)
	f.start, f.end = start.Add(d*30/100), start.Add(d*75/100)
	time.Sleep(time.Until(f.start))
	f.leak()
	f.probeSpoof()
	f.on.Store(true)
	f.h.addPhase(phase{"flood", time.Now(), f.end})
	logf("flood: %d attackers from %d addresses until %s", f.h.o.attackers, attackerAddrs, f.end.Format("15:04:05"))
	var wg sync.WaitGroup
	for i := 0; i < f.h.o.attackers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			f.attack(attackKinds[i%len(attackKinds)])
		}(i)
	}
	// Mid-flood, the owners of the leaked references redeem them, each from its own
	// address: wrong codes from hundreds of strangers must not have locked them out.
	wg.Add(1)
	go func() {
		defer wg.Done()
		time.Sleep(time.Until(f.start.Add(f.end.Sub(f.start) * 2 / 3)))
		f.ownersRedeem()
	}()
	wg.Wait()
	f.on.Store(false)
	logf("flood over")
}

// probeSpoof opens 11 copy sessions from one address (127.0.4.1), each naming another
// client in X-Forwarded-For: the server must count them all against the connection's
// address (10 per 10 minutes), so the 11th is refused. Were the header believed, an
// attacker could be anyone.
func (f *flood) probeSpoof() {
	c := sourceClient("127.0.4.1", 1)
	for i := 0; i < 11; i++ {
		commit := make([]byte, 32)
		rand.Read(commit)
		b, _ := json.Marshal(map[string]any{"commitment": commit})
		st := 0
		for try := 0; try < 5 && (st == 0 || st >= 500); try++ { // a node being killed: another
			req, _ := http.NewRequest("POST", f.h.randomNode().url()+"/api/v1/relay/sessions", bytes.NewReader(b))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i+1))
			if resp, err := c.Do(req); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				st = resp.StatusCode
			} else {
				time.Sleep(200 * time.Millisecond)
			}
		}
		f.spoof = append(f.spoof, st)
	}
}

// leak enrolls the reference numbers whose leak the attackers exploit.
func (f *flood) leak() {
	for i := 0; i < leakedRefs; i++ {
		inst := codes[i%len(codes)]
		body, _ := json.Marshal(map[string]string{"name": "유출", "idn": fakeIDN(), "tellerId": "chaos-leak"})
		st, rb, err := f.h.do(context.Background(), httpc, "POST", f.h.randomNode().url()+"/api/v1/enrollments", f.h.apiKeys[inst], body)
		if err != nil || st != 201 {
			logf("flood: enrolling a leaked reference: %s", classify(err, st, rb))
			continue
		}
		var e struct{ Reference, AuthCode string }
		json.Unmarshal(rb, &e)
		f.leaked = append(f.leaked, leak{inst, e.Reference, e.AuthCode})
	}
}

func (f *flood) note(kind, answer string) {
	f.mu.Lock()
	m := f.answers[kind]
	if m == nil {
		m = map[string]int{}
		f.answers[kind] = m
	}
	m[answer]++
	f.mu.Unlock()
}

func randDigits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + mrand.IntN(10))
	}
	return string(b)
}

// attack sends requests of one kind as fast as they are answered until the flood ends,
// each from a random attacker address and to a random node.
func (f *flood) attack(kind string) {
	ctx := context.Background()
	for time.Now().Before(f.end) {
		src := fmt.Sprintf("127.0.2.%d", 1+mrand.IntN(attackerAddrs))
		c := f.client(src)
		url := f.h.randomNode().url()
		var path string
		var body any
		switch kind {
		case atkRelayOpen:
			commit := make([]byte, 32)
			rand.Read(commit)
			path, body = "/api/v1/relay/sessions", map[string]any{"commitment": commit}
		case atkRelayGuess:
			pub := make([]byte, 32)
			rand.Read(pub)
			path, body = "/api/v1/relay/claims", map[string]any{"code": randDigits(12), "publicKey": pub}
		case atkUnknownRef:
			path, body = "/api/v1/certificates", map[string]string{"reference": "1" + randDigits(9), "authCode": "ABCDEFGHJKMNPQRS", "csr": f.csr}
		case atkWrongCode:
			if len(f.leaked) == 0 {
				return
			}
			l := f.leaked[mrand.IntN(len(f.leaked))]
			path, body = "/api/v1/certificates", map[string]string{"reference": l.ref, "authCode": "WRONG" + randDigits(11), "csr": f.csr}
		case atkCMPUnknown:
			f.cmpAttack(ctx, c, url)
			continue
		}
		b, _ := json.Marshal(body)
		req, _ := http.NewRequestWithContext(ctx, "POST", url+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("%d.%d.%d.%d", 1+mrand.IntN(223), mrand.IntN(256), mrand.IntN(256), 1+mrand.IntN(254)))
		resp, err := c.Do(req)
		if err != nil {
			f.note(kind, classify(err, 0, nil))
			time.Sleep(50 * time.Millisecond)
			continue
		}
		rb, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
		f.note(kind, classify(nil, resp.StatusCode, rb))
	}
}

// cmpAttack sends one ir for an unknown reference number, MACed with a made-up code.
func (f *flood) cmpAttack(ctx context.Context, c *http.Client, url string) {
	cl, err := cmpclient.New(url, &cmpclient.Options{HTTPClient: c, Retries: -1})
	if err != nil {
		panic(err)
	}
	_, err = cl.Enroll(ctx, cmpclient.EnrollRequest{Reference: "1" + randDigits(9), Code: "ABCDEFGHJKMNPQRS", Key: f.key})
	ans := "issued?"
	var rej *cmpclient.Rejection
	var ne *client.NetError
	switch {
	case errors.As(err, &rej) && rej.Code == "RATE_LIMITED":
		ans = "http 429 RATE_LIMITED"
	case errors.As(err, &rej):
		ans = "refused " + rej.Code
	case errors.As(err, &ne):
		ans = classify(ne.Err, 0, nil)
	case err != nil:
		ans = firstLine(err.Error())
	}
	f.note(atkCMPUnknown, ans)
}

// ownersRedeem: each owner of a leaked reference asks for the certificate with the right
// code from an address of its own, as a legitimate user (refusals count as such).
func (f *flood) ownersRedeem() {
	ctx := context.Background()
	var wg sync.WaitGroup
	for i, l := range f.leaked {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := sourceClient(fmt.Sprintf("127.0.3.%d", i+1), 2)
			t0 := time.Now()
			r := f.h.issueVia(ctx, c, l.inst, l.ref, l.code, <-f.h.keys, false, false)
			f.h.st.op("issuance of a leaked reference by its owner", t0, r != nil)
		}()
	}
	wg.Wait()
}

// report prints what the attackers got.
func (f *flood) report() {
	f.mu.Lock()
	defer f.mu.Unlock()
	fmt.Printf("  flood %s to %s (%.1f s), %d attacking connections from %d addresses, each request with a forged X-Forwarded-For:\n",
		f.start.Format("15:04:05"), f.end.Format("15:04:05"), f.end.Sub(f.start).Seconds(), f.h.o.attackers, attackerAddrs)
	var kinds []string
	for k := range f.answers {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		total, limited := 0, 0
		var others []string
		for a, n := range f.answers[k] {
			total += n
			if strings.HasPrefix(a, "http 429") {
				limited += n
			} else {
				others = append(others, fmt.Sprintf("%d %s", n, a))
			}
		}
		sort.Strings(others)
		fmt.Printf("    %-52s %6d requests (%5.1f/s), %6d answered 429 (%5.1f%%), other: %s\n", k, total,
			float64(total)/f.end.Sub(f.start).Seconds(), limited, 100*float64(limited)/float64(max(total, 1)), strings.Join(others, ", "))
	}
}

// opSet is a set of legitimate operations: how many, how many succeeded, their times.
type opSet struct {
	ops, ok int
	kinds   map[string]*opSet
	lat     []time.Duration
}

func (s *opSet) add(o op) {
	s.ops++
	if o.ok {
		s.ok++
		s.lat = append(s.lat, o.end.Sub(o.start))
	}
	if s.kinds == nil {
		s.kinds = map[string]*opSet{}
	}
	if o.kind == "" {
		return
	}
	k := s.kinds[o.kind]
	if k == nil {
		k = &opSet{}
		s.kinds[o.kind] = k
	}
	k.add(op{start: o.start, end: o.end, ok: o.ok})
}

func (s *opSet) byKind() string {
	var out []string
	for k, v := range s.kinds {
		out = append(out, fmt.Sprintf("%s %d/%d", k, v.ok, v.ops))
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

type floodRates struct{ before, during, owners opSet }

// floodRates sorts the legitimate operations that no kill or PostgreSQL restart touched
// into before the flood and during it (whole operations); h.st.mu is held.
func (h *harness) floodRates() floodRates {
	h.phasesMu.Lock()
	phases := append([]phase(nil), h.phases...)
	h.phasesMu.Unlock()
	faulted := func(o op) bool {
		for _, p := range phases {
			if p.kind != "flood" && o.start.Before(p.end) && p.start.Before(o.end) {
				return true
			}
		}
		return false
	}
	var r floodRates
	for _, o := range h.st.ops {
		switch {
		case o.kind == "issuance of a leaked reference by its owner":
			r.owners.add(o)
		case faulted(o):
		case o.end.Before(h.fl.start):
			r.before.add(o)
		case !o.start.Before(h.fl.start) && !o.end.After(h.fl.end):
			r.during.add(o)
		}
	}
	return r
}

// floodFigures prints the legitimate users' success rate and times before the flood
// and during it.
func (h *harness) floodFigures() {
	r := h.floodRates()
	fmt.Println("  legitimate users before the flood and during it (whole operations no kill or PostgreSQL restart touched):")
	fmt.Printf("    %-46s %22s   %22s\n", "", "before", "during the flood")
	row := func(name string, b, d *opSet) {
		if b == nil {
			b = &opSet{}
		}
		if d == nil {
			d = &opSet{}
		}
		cell := func(s *opSet) string {
			if s.ops == 0 {
				return "-"
			}
			return fmt.Sprintf("%d/%d %5.1f%% p50 %s p99 %s", s.ok, s.ops, 100*float64(s.ok)/float64(s.ops), pct(s.lat, 50), pct(s.lat, 99))
		}
		fmt.Printf("    %-46s %-36s %s\n", name, cell(b), cell(d))
	}
	row("all", &r.before, &r.during)
	kinds := map[string]bool{}
	for k := range r.before.kinds {
		kinds[k] = true
	}
	for k := range r.during.kinds {
		kinds[k] = true
	}
	var ks []string
	for k := range kinds {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		row(k, r.before.kinds[k], r.during.kinds[k])
	}
	fmt.Printf("    owners of leaked references, mid-flood: %d of %d redeemed, p99 %s\n", r.owners.ok, r.owners.ops, pct(r.owners.lat, 99))
	var refused []string
	for what, c := range h.st.refused {
		refused = append(refused, fmt.Sprintf("%d %s", c, what))
	}
	sort.Strings(refused)
	if len(refused) == 0 {
		refused = []string{"none"}
	}
	fmt.Printf("    legitimate requests refused with 429 or RELAY_BUSY: %s\n", strings.Join(refused, ", "))
}
