package center

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/notify"
	"github.com/certcenter/certcenter/internal/store"
)

// ReminderThresholds are the days before notAfter at which a holder is reminded, in
// ascending order.
var ReminderThresholds = []int{1, 7, 30}

// reminderLease is how long a claimed, unsent reminder stays with the node that claimed
// it; after that another node (or the same one after a restart) takes it over.
const reminderLease = 5 * time.Minute

// Reminders sends expiry reminders. Each (certificate, threshold) is claimed in the
// database before sending, so several nodes running Reminders send it once; a claim
// whose node died before recording the send is taken over after the lease. A crash
// between sending and recording can repeat one message: at least once, never lost.
type Reminders struct {
	d    *Desk
	node string
}

// NewReminders returns a reminder sender with its own node identity.
func (d *Desk) NewReminders() *Reminders { return &Reminders{d: d, node: newID("node_")} }

// RunOnce sends every reminder due now and returns how many it sent.
func (r *Reminders) RunOnce(ctx context.Context) (int, error) {
	d := r.d
	sent := 0
	for {
		now := d.now()
		due, err := d.st.DueReminders(ctx, now, ReminderThresholds, 200)
		if err != nil || len(due) == 0 {
			return sent, err
		}
		progress := false
		for _, x := range due {
			ok, err := d.st.ClaimReminder(ctx, x.Serial, x.Threshold, r.node, now, now.Add(-reminderLease))
			if err != nil {
				return sent, err
			}
			if !ok {
				continue
			}
			progress = true
			channels, err := r.send(ctx, x)
			if err != nil {
				continue // the claim expires and the reminder is tried again
			}
			err = d.st.MarkReminderSent(ctx, x.Serial, x.Threshold, r.node, d.now(), model.AuditEvent{
				Type: "reminder.sent", Actor: "system", Institution: x.InstitutionCode, Subject: x.Serial.String(),
				Details: map[string]string{"days": strconv.Itoa(x.Threshold), "channels": channels, "customer": x.CustomerID}})
			if err != nil && !errors.Is(err, store.ErrConflict) {
				return sent, err
			}
			sent++
		}
		if !progress {
			return sent, nil
		}
	}
}

func (r *Reminders) send(ctx context.Context, x model.ReminderDue) (string, error) {
	d := r.d
	c, err := d.st.Customer(ctx, x.CustomerID)
	if err != nil {
		return "", err
	}
	rec, err := d.open(c)
	if err != nil {
		return "", err
	}
	inst, err := d.store.Institution(ctx, x.InstitutionCode)
	if err != nil {
		return "", err
	}
	day := x.NotAfter.In(kst).Format("2006-01-02")
	what := "공동인증서"
	if c, err := d.store.Certificate(ctx, x.Serial); err == nil && c.Usage == model.FinCert {
		what = "금융인증서" // the financial certificate (internal/cloudcert) has the same window
	}
	text := fmt.Sprintf("[%s] 고객님의 %s(일련번호 %s…)가 %s에 만료됩니다 (D-%d). 만료 30일 전부터 갱신할 수 있고, 만료 후에는 재발급을 받아야 합니다.",
		inst.Name, what, x.Serial.String()[:8], day, x.Threshold)
	var msgs []notify.Message
	if rec.Profile.Email != "" {
		msgs = append(msgs, notify.Message{Institution: inst.Code, Channel: notify.Email, To: rec.Profile.Email,
			Subject: fmt.Sprintf("[%s] %s 만료 %d일 전 안내", inst.Name, what, x.Threshold), Body: text})
	}
	if rec.Profile.Phone != "" {
		msgs = append(msgs, notify.Message{Institution: inst.Code, Channel: notify.SMS, To: rec.Profile.Phone, Body: text})
	}
	var ok []string
	var errsList []error
	for _, m := range msgs {
		if err := d.notifier.Send(ctx, m); err != nil {
			errsList = append(errsList, err)
			continue
		}
		ok = append(ok, string(m.Channel))
	}
	if len(ok) == 0 && len(errsList) > 0 {
		return "", errors.Join(errsList...)
	}
	if len(ok) == 0 {
		return "none", nil
	}
	return strings.Join(ok, ","), nil
}

// Run sends reminders every interval until ctx is done.
func (r *Reminders) Run(ctx context.Context, interval time.Duration, onErr func(error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := r.RunOnce(ctx); err != nil && ctx.Err() == nil && onErr != nil {
			onErr(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
