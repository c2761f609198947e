package app

import (
	"context"

	"github.com/certcenter/certcenter/internal/model"
)

// webDirectory gives the web center the institutions, certificates and outbox.
type webDirectory struct{ a *App }

func (d webDirectory) Institution(ctx context.Context, code string) (model.Institution, error) {
	return d.a.Store.Institution(ctx, code)
}

func (d webDirectory) Institutions(ctx context.Context) ([]model.Institution, error) {
	return d.a.Store.Institutions(ctx)
}

func (d webDirectory) Certificate(ctx context.Context, serial model.Serial) (model.Certificate, error) {
	return d.a.CA.Certificate(ctx, serial)
}

func (d webDirectory) Outbox(ctx context.Context, institution string, limit int) ([]model.OutboxMessage, error) {
	return d.a.Store.Outbox(ctx, institution, limit)
}
