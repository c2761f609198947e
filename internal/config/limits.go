package config

import (
	"fmt"
	"net/http"
	"time"
)

// Limits caps what one client may cost the server (issue 17). Counted limits live in
// the database (internal/ratelimit) so that they hold across nodes; connection and
// long-poll caps protect one node's file descriptors and memory, so they count per node.
// A limit of 0 turns it off.
type Limits struct {
	// ClientHeader names a request header holding the client's address, set by a
	// reverse proxy in front of every node (e.g. "X-Forwarded-For"; its last entry is
	// taken). Empty: the connection's address. Never set it without such a proxy: a
	// client could then choose its own address.
	ClientHeader string `toml:"client_header"`
	// MaxConns and MaxConnsPerClient cap the open connections of one node, in all and
	// per client address (an IPv6 /64 counts as one).
	MaxConns          int `toml:"max_conns"`
	MaxConnsPerClient int `toml:"max_conns_per_client"`
	// IdleTimeout closes keep-alive connections idle this long.
	IdleTimeout time.Duration `toml:"idle_timeout"`
	// LongPolls and LongPollsPerClient cap the copy relay's waiting status requests of
	// one node; past them a status request answers at once instead of waiting.
	LongPolls          int `toml:"long_polls"`
	LongPollsPerClient int `toml:"long_polls_per_client"`
	// EnrollGuesses limits wrong reference numbers and codes (REST and CMP).
	EnrollGuesses Guesses `toml:"enroll_guesses"`
	// RelayGuesses limits wrong copy codes; its per_target rule counts all codes.
	RelayGuesses Guesses `toml:"relay_guesses"`
	// RelayOpens limits the copy sessions one client opens.
	RelayOpens Rate `toml:"relay_opens"`
}

// Guesses are the limits of wrong guesses at one kind of secret.
type Guesses struct {
	PerClient       Rate `toml:"per_client"`        // per client, over all targets
	PerTargetClient Rate `toml:"per_target_client"` // per target and client: the back-off
	PerTarget       Rate `toml:"per_target"`        // per target, over all clients; refuses only clients that missed there (ratelimit.Guesses)
}

// Rate is at most Limit events per Period.
type Rate struct {
	Limit  int           `toml:"limit"`
	Period time.Duration `toml:"period"`
}

func defaultLimits() Limits {
	return Limits{
		MaxConns: 4096, MaxConnsPerClient: 128, IdleTimeout: 30 * time.Second,
		LongPolls: 1024, LongPollsPerClient: 8,
		EnrollGuesses: Guesses{
			PerClient:       Rate{30, 10 * time.Minute},
			PerTargetClient: Rate{5, 15 * time.Minute},
			PerTarget:       Rate{20, time.Hour},
		},
		RelayGuesses: Guesses{
			PerClient: Rate{10, 5 * time.Minute},
			PerTarget: Rate{600, time.Minute},
		},
		RelayOpens: Rate{10, 10 * time.Minute},
	}
}

func (l Limits) validate(add func(path, format string, args ...any)) {
	if l.ClientHeader != "" && http.CanonicalHeaderKey(l.ClientHeader) == "" {
		add("limits.client_header", "%q is not a header name", l.ClientHeader)
	}
	for path, n := range map[string]int{"max_conns": l.MaxConns, "max_conns_per_client": l.MaxConnsPerClient,
		"long_polls": l.LongPolls, "long_polls_per_client": l.LongPollsPerClient} {
		if n < 0 {
			add("limits."+path, "%d: must not be negative (0 turns it off)", n)
		}
	}
	if l.IdleTimeout < time.Second || l.IdleTimeout > 10*time.Minute {
		add("limits.idle_timeout", "%v: must be 1s to 10m", l.IdleTimeout)
	}
	rates := map[string]Rate{"relay_opens": l.RelayOpens}
	for name, g := range map[string]Guesses{"enroll_guesses": l.EnrollGuesses, "relay_guesses": l.RelayGuesses} {
		rates[name+".per_client"] = g.PerClient
		rates[name+".per_target_client"] = g.PerTargetClient
		rates[name+".per_target"] = g.PerTarget
	}
	for path, r := range rates {
		if r.Limit < 0 {
			add("limits."+path+".limit", "%d: must not be negative (0 turns it off)", r.Limit)
		}
		if r.Limit > 0 && (r.Period < time.Second || r.Period > 24*time.Hour) {
			add("limits."+path+".period", "%v: must be 1s to 24h (e.g. \"10m\")", r.Period)
		}
	}
}

func (r Rate) String() string { return fmt.Sprintf("%d per %v", r.Limit, r.Period) }
