package notify

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
)

type memLog struct{ recs []model.NotificationRecord }

func (m *memLog) RecordNotification(_ context.Context, n model.NotificationRecord) error {
	m.recs = append(m.recs, n)
	return nil
}

type refuse struct{ err error }

func (r refuse) Send(context.Context, Message) error { return r.err }

// TestRecorder: every message's outcome is recorded with the recipient masked, a keyed
// hash of it, and the transport's error masked; never the body; Send's answer is the
// transport's.
func TestRecorder(t *testing.T) {
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	log := &memLog{}
	key := func(purpose string, data ...[]byte) []byte {
		return []byte(purpose + string(data[0]))[:20]
	}
	gw := errors.New("gateway: 550 01012345678 unknown subscriber, account 110123456789")
	for _, tc := range []struct {
		next Notifier
		want error
	}{{refuse{gw}, gw}, {refuse{}, nil}} {
		r := &Recorder{Next: tc.next, Store: log, Key: key, Now: func() time.Time { return at }}
		if err := r.Send(context.Background(), Message{Institution: "901", Channel: SMS, To: "01012345678", Body: "인증번호 123456"}); err != tc.want {
			t.Fatalf("Send = %v, want %v", err, tc.want)
		}
	}
	if len(log.recs) != 2 {
		t.Fatalf("%d records, want 2", len(log.recs))
	}
	failed, sent := log.recs[0], log.recs[1]
	if failed.OK || !sent.OK || failed.Recipient != "010-****-5678" || failed.Institution != "901" || failed.Channel != "sms" || !failed.At.Equal(at) {
		t.Errorf("records: %+v %+v", failed, sent)
	}
	if failed.RecipientKey == "" || failed.RecipientKey != sent.RecipientKey || strings.Contains(failed.RecipientKey, "12345678") {
		t.Errorf("recipient keys %q %q", failed.RecipientKey, sent.RecipientKey)
	}
	for _, leak := range []string{"01012345678", "110123456789", "123456"} {
		for _, r := range log.recs {
			if strings.Contains(r.Error, leak) || strings.Contains(r.Recipient, leak) {
				t.Errorf("record %+v carries %q", r, leak)
			}
		}
	}
	if !strings.Contains(failed.Error, "010-****-5678") || !strings.Contains(failed.Error, "unknown subscriber") {
		t.Errorf("error text %q", failed.Error)
	}
	if long := ErrorText(errors.New(strings.Repeat("가", 100)), ""); len(long) > maxErrorText || !strings.HasPrefix(long, "가") {
		t.Errorf("ErrorText of a long message: %d bytes", len(long))
	}
}
