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
	_, err := g.Admit(ctx, client, target)
	return err
}

// Admit is Check returning the context to serve the request under: when the client is
// let past the per-target limit only for its clean record, the context says so
// (PastShared), and a miss by that client must not count towards anything that ends the
// target for good (an enrollment's lock after center.MaxWrongCodes): else strangers
// from a hundred fresh addresses could end it at once. Under the per-target limit every
// miss counts, at most at that limit's pace.
func (g *Guesses) Admit(ctx context.Context, client, target string) (context.Context, error) {
	if g == nil || g.Limiter == nil {
		return ctx, nil
	}
	if target == "" {
		return ctx, g.Limiter.Check(ctx, g.Client, client)
	}
	record := Limit{g.TargetClient, Key(target, client)}
	if g.TargetClient.Limit <= 0 {
		record = Limit{g.Client, client}
	}
	past, err := g.Limiter.checkShared(ctx, []Limit{{g.Client, client}, {g.TargetClient, Key(target, client)}},
		Limit{g.Target, target}, record)
	if past {
		ctx = context.WithValue(ctx, pastSharedKey{}, true)
	}
	return ctx, err
}

type pastSharedKey struct{}

// PastShared reports whether ctx is a request Admit let past a per-target limit.
func PastShared(ctx context.Context) bool {
	v, _ := ctx.Value(pastSharedKey{}).(bool)
	return v
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
