package ratelimit

import "context"

// Guesses limits wrong guesses at a secret that protects a target (an enrollment's
// code, a copy code): per client across all targets (scanning), per target and client
// (a back-off for one client that keeps failing on one target), and per target across
// all clients (a slower limit against guessing from many addresses).
//
// None of them ends the target for good: a stranger who knows a reference number can
// at most make its owner wait out a window, which answers "anyone who knows a
// reference can lock it with 5 requests" (issue 17). A rule with Limit 0 is off.
type Guesses struct {
	Limiter      *Limiter
	Client       Rule
	TargetClient Rule
	Target       Rule
}

// Check refuses (RATE_LIMITED) a client that may not guess at target now. target may
// be empty (not known before the request is read).
func (g *Guesses) Check(ctx context.Context, client, target string) error {
	if g == nil || g.Limiter == nil {
		return nil
	}
	if target == "" {
		return g.Limiter.Check(ctx, g.Client, client)
	}
	return g.Limiter.CheckAll(ctx, Limit{g.Client, client}, Limit{g.TargetClient, Key(target, client)}, Limit{g.Target, target})
}

// Fail counts a wrong guess by client at target.
func (g *Guesses) Fail(ctx context.Context, client, target string) {
	if g == nil || g.Limiter == nil {
		return
	}
	g.Limiter.Fail(ctx, g.Client, client)
	if target == "" {
		return
	}
	g.Limiter.Fail(ctx, g.TargetClient, Key(target, client))
	g.Limiter.Fail(ctx, g.Target, target)
}
