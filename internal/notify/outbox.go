package notify

import (
	"context"
	"time"

	"github.com/certcenter/certcenter/internal/model"
)

// OutboxStore keeps outbox messages (sqlstore implements it).
type OutboxStore interface {
	AppendOutbox(ctx context.Context, m model.OutboxMessage) error
}

// Outbox is the development transport: messages land in the database, recipients
// masked, readable by the sending institution at GET /api/v1/dev/outbox. Demo mode
// only: the bodies hold one-time codes in clear, as a phone's inbox would.
type Outbox struct {
	Store OutboxStore
	Now   func() time.Time
}

// Send implements Notifier for every channel.
func (o *Outbox) Send(ctx context.Context, m Message) error {
	return o.Store.AppendOutbox(ctx, model.OutboxMessage{
		InstitutionCode: m.Institution, Channel: string(m.Channel), To: MaskRecipient(m.To),
		Subject: m.Subject, Body: m.Body, CreatedAt: o.Now(),
	})
}
