package model

import "time"

// What the CA operator's console pages show about the running deployment (migration
// 00016): its nodes, the notifications sent, the freshness of pre-signed OCSP
// responses, the reminder queue.

// Node is one serving node as its heartbeat recorded it.
type Node struct {
	ID         string
	Host       string
	PID        int
	StartedAt  time.Time
	LastSeenAt time.Time
	// PublisherSince is set while the node holds the revocation publisher lock (it
	// publishes CRLs and pre-signs OCSP responses).
	PublisherSince *time.Time
}

// NotificationRecord is the outcome of one message handed to the transports. It
// never holds the message's body.
type NotificationRecord struct {
	Institution  string
	Channel      string
	Recipient    string // masked (notify.MaskRecipient)
	RecipientKey string // keyed hash of institution, channel and recipient
	OK           bool
	Error        string // the transport's error, recipient masked; "" when OK
	At           time.Time
	Attempt      int // set by the store: 1, or more after failures to the same recipient
}

// NotificationStats counts one channel's notifications since a time.
type NotificationStats struct {
	Channel string
	Sent    int64 // accepted by every transport
	Failed  int64 // refused by a transport
	Retried int64 // attempts after an earlier failure to the same recipient
}

// OCSPFreshness describes the pre-signed OCSP responses.
type OCSPFreshness struct {
	Count          int64
	Oldest, Newest time.Time // thisUpdate (= producedAt) of the oldest and newest
	Stale          int64     // signed before the refresh threshold given
}

// ReminderQueue describes the expiry reminders' claims.
type ReminderQueue struct {
	Sent    int64 // sent
	Pending int64 // claimed and not sent: in progress, or failed and awaiting retry
}
