package httpapi

import (
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/certcenter/certcenter/internal/ratelimit"
)

// Limits are the per-client limits of the API's secret-checking and costly routes
// (issue 17). A nil field is no limit.
type Limits struct {
	// ClientHeader names the header a trusted reverse proxy puts the client's address
	// in (its last entry); empty: the connection's address.
	ClientHeader string
	// Enroll limits wrong reference numbers and codes (POST /api/v1/certificates).
	Enroll *ratelimit.Guesses
	// Relay limits wrong copy codes; RelayOpen the sessions a client opens.
	Relay     *ratelimit.Guesses
	Limiter   *ratelimit.Limiter
	RelayOpen ratelimit.Rule
	// LongPolls bounds the relay's waiting status requests.
	LongPolls *ratelimit.Slots
}

// SetLimits sets the per-client limits; call it before serving.
func (s *Server) SetLimits(l Limits) { s.limits = l }

// ClientAddr returns the address a request is limited under: the connection's, or the
// last entry of header (set by a trusted proxy), as an IPv4 address or an IPv6 /64.
func ClientAddr(r *http.Request, header string) string {
	addr := r.RemoteAddr
	if header != "" {
		if v := r.Header.Values(header); len(v) > 0 {
			parts := strings.Split(v[len(v)-1], ",")
			addr = strings.TrimSpace(parts[len(parts)-1])
		}
	}
	if host, _, err := net.SplitHostPort(addr); err == nil {
		addr = host
	}
	a, err := netip.ParseAddr(strings.Trim(addr, "[]"))
	if err != nil {
		return "unknown"
	}
	return ratelimit.ClientPrefix(a).String()
}

func (s *Server) client(r *http.Request) string { return ClientAddr(r, s.limits.ClientHeader) }
