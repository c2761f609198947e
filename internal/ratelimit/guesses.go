package ratelimit

import "context"

// Guesses limits wrong guesses at a secret that protects a target (an enrollment's
// code, a copy code): per client across all targets (scanning), per target and client
// (a back-off for one client that keeps failing on one target), and per target across
// all clients (a slower limit against guessing from many addresses).
//
// None of them ends the target for good, and none stops a client for others' misses:
// the per-target limit refuses only clients that have missed at that target themselves
// (or, with no per-target-and-client rule, anywhere), so a stranger who knows a
// reference number cannot lock its owner out, from one address or from hundreds
// (issue 17: "anyone who knows a reference can lock it with 5 requests"). Past the
// per-target limit each new address gets one miss at that target before it waits. A
// rule with Limit 0 is off.
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
	record := Limit{g.TargetClient, Key(target, client)}
	if g.TargetClient.Limit <= 0 {
		record = Limit{g.Client, client}
	}
	return g.Limiter.CheckShared(ctx, []Limit{{g.Client, client}, {g.TargetClient, Key(target, client)}},
		Limit{g.Target, target}, record)
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
