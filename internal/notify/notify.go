// Package notify sends the certificate center's messages: one-time codes and expiry
// reminders, by e-mail over SMTP (net/smtp to a configured relay), by text message
// through an SMS provider's HTTP webhook, and, in demo mode, into a development outbox
// kept in the database so that any node can serve it (GET /api/v1/dev/outbox).
//
// notify owns transport only: it does not decide what to send or when (internal/center
// does), does not retry (callers do, through their own claims), and never logs message
// bodies, which may hold one-time codes.
package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Channel is how a message travels.
type Channel string

const (
	Email Channel = "email"
	SMS   Channel = "sms"
)

// Message is one notification.
type Message struct {
	Institution string // code of the institution on whose behalf it is sent
	Channel     Channel
	To          string // e-mail address or phone number (digits)
	Subject     string // e-mail only
	Body        string
}

// Notifier sends messages. Send returns an error when the message was not accepted by
// the transport; it does not retry. ErrNoRoute means no transport serves the channel.
type Notifier interface {
	Send(ctx context.Context, m Message) error
}

// ErrNoRoute: no transport is configured for the message's channel.
var ErrNoRoute = errors.New("notify: no transport for this channel")

// Router sends each message through the notifiers configured for its channel; all of
// them must accept it. A channel with none gives ErrNoRoute.
type Router map[Channel][]Notifier

// Send implements Notifier.
func (r Router) Send(ctx context.Context, m Message) error {
	ns := r[m.Channel]
	if len(ns) == 0 {
		return fmt.Errorf("%w (%s)", ErrNoRoute, m.Channel)
	}
	var errsList []error
	for _, n := range ns {
		if err := n.Send(ctx, m); err != nil {
			errsList = append(errsList, err)
		}
	}
	return errors.Join(errsList...)
}

// MaskRecipient hides most of a phone number or e-mail address, for places that show
// recipients (the outbox, logs): 010-****-5678, h***@example.kr.
func MaskRecipient(to string) string {
	if at := strings.LastIndexByte(to, '@'); at > 0 {
		return to[:1] + "***" + to[at:]
	}
	d := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, to)
	if len(d) < 8 {
		return "****"
	}
	return d[:3] + "-****-" + d[len(d)-4:]
}
