package notify

import (
	"context"
	"encoding/hex"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/certcenter/certcenter/internal/model"
)

// RecordStore keeps the outcome of each message (sqlstore.DB).
type RecordStore interface {
	RecordNotification(ctx context.Context, n model.NotificationRecord) error
}

// Recorder sends through Next and records every message's outcome: institution,
// channel, the masked recipient, a keyed hash of the recipient (so that a later message
// to the same recipient after a failure counts as a retry), and the transport's error
// with recipients masked. Bodies are never recorded: they may hold one-time codes.
// A failure to record is reported to OnRecordError and does not change Send's answer.
type Recorder struct {
	Next  Notifier
	Store RecordStore
	// Key is a keyed hash (the secrets key's MAC): plain hashes of phone numbers are
	// easily reversed.
	Key           func(purpose string, data ...[]byte) []byte
	Now           func() time.Time
	OnRecordError func(error)
}

// maxErrorText bounds the recorded error text.
const maxErrorText = 200

var longDigits = regexp.MustCompile(`[0-9]{7,}`)

// Send implements Notifier.
func (r *Recorder) Send(ctx context.Context, m Message) error {
	err := r.Next.Send(ctx, m)
	rec := model.NotificationRecord{Institution: m.Institution, Channel: string(m.Channel), Recipient: MaskRecipient(m.To),
		OK: err == nil, At: r.Now()}
	k := r.Key("notify-recipient", []byte(m.Institution+"\x00"+string(m.Channel)+"\x00"+m.To))
	rec.RecipientKey = hex.EncodeToString(k[:min(16, len(k))])
	if err != nil {
		rec.Error = ErrorText(err, m.To)
	}
	if rerr := r.Store.RecordNotification(context.WithoutCancel(ctx), rec); rerr != nil && r.OnRecordError != nil {
		r.OnRecordError(rerr)
	}
	return err
}

// ErrorText is a transport's error as the log keeps it: the recipient masked wherever
// it appears, any other long digit run masked, at most 200 bytes.
func ErrorText(err error, to string) string {
	s := err.Error()
	if to != "" {
		s = strings.ReplaceAll(s, to, MaskRecipient(to))
	}
	s = longDigits.ReplaceAllStringFunc(s, func(d string) string { return d[:3] + strings.Repeat("*", len(d)-3) })
	if len(s) > maxErrorText {
		s = s[:maxErrorText]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return s
}
