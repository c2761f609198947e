package ratelimit

import (
	"net"
	"net/netip"
	"sync"
)

// Conns caps the connections one node holds open, in all and per client address, so
// that idle keep-alive connections cannot exhaust its file descriptors (issue 17:
// ~20,000 of them made the server unreachable). A connection over a cap is closed as
// soon as it is accepted. These caps protect one process, so they live in it.
type Conns struct {
	net.Listener
	max, perClient int

	mu     sync.Mutex
	open   int
	counts map[netip.Prefix]int
}

// LimitConns wraps ln. max or perClient 0 turns that cap off.
func LimitConns(ln net.Listener, max, perClient int) *Conns {
	return &Conns{Listener: ln, max: max, perClient: perClient, counts: map[netip.Prefix]int{}}
}

// ClientPrefix is the address a client is counted under: the IPv4 address, or the /64
// of an IPv6 address (one subscriber's usual allocation).
func ClientPrefix(a netip.Addr) netip.Prefix {
	a = a.Unmap()
	if a.Is4() {
		return netip.PrefixFrom(a, 32)
	}
	p, _ := a.Prefix(64)
	return p
}

// Accept returns the next connection within the caps.
func (c *Conns) Accept() (net.Conn, error) {
	for {
		conn, err := c.Listener.Accept()
		if err != nil {
			return nil, err
		}
		var p netip.Prefix
		if ap, err := netip.ParseAddrPort(conn.RemoteAddr().String()); err == nil {
			p = ClientPrefix(ap.Addr())
		}
		c.mu.Lock()
		ok := (c.max <= 0 || c.open < c.max) && (c.perClient <= 0 || c.counts[p] < c.perClient)
		if ok {
			c.open++
			c.counts[p]++
		}
		c.mu.Unlock()
		if !ok {
			conn.Close()
			continue
		}
		return &trackedConn{Conn: conn, c: c, p: p}, nil
	}
}

// Open returns how many connections are open.
func (c *Conns) Open() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.open
}

func (c *Conns) release(p netip.Prefix) {
	c.mu.Lock()
	c.open--
	if c.counts[p]--; c.counts[p] <= 0 {
		delete(c.counts, p)
	}
	c.mu.Unlock()
}

type trackedConn struct {
	net.Conn
	c    *Conns
	p    netip.Prefix
	once sync.Once
}

func (t *trackedConn) Close() error {
	err := t.Conn.Close()
	t.once.Do(func() { t.c.release(t.p) })
	return err
}

// Slots bounds concurrent holders of something scarce (long-polls), in all and per
// client. Acquire never waits: a caller that gets no slot answers at once instead of
// waiting (a long-poll becomes a short poll).
type Slots struct {
	max, perClient int

	mu     sync.Mutex
	used   int
	counts map[string]int
}

// NewSlots returns slots for max holders, perClient per client (0: no cap).
func NewSlots(max, perClient int) *Slots {
	return &Slots{max: max, perClient: perClient, counts: map[string]int{}}
}

// Acquire takes a slot for client and returns its release, or false when none is free.
func (s *Slots) Acquire(client string) (release func(), ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.max > 0 && s.used >= s.max || s.perClient > 0 && s.counts[client] >= s.perClient {
		return nil, false
	}
	s.used++
	s.counts[client]++
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			s.used--
			if s.counts[client]--; s.counts[client] <= 0 {
				delete(s.counts, client)
			}
			s.mu.Unlock()
		})
	}, true
}
