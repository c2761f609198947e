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
				Details: map[string]string{"days": strconv.Itoa(x.Threshold), "daysLeft": strconv.Itoa(DaysLeft(x.NotAfter, now)),
					"channels": channels, "customer": x.CustomerID}})
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
	text, subject := reminderText(inst.Name, x.Serial, x.NotAfter, d.now()), reminderSubject(inst.Name, x.NotAfter, d.now())
	if c, err := d.store.Certificate(ctx, x.Serial); err == nil && c.Usage == model.FinCert {
		// The financial certificate (internal/cloudcert) has the same renewal window.
		text, subject = strings.Replace(text, "공동인증서", "금융인증서", 1), strings.Replace(subject, "공동인증서", "금융인증서", 1)
	}
	var msgs []notify.Message
	if rec.Profile.Email != "" {
		msgs = append(msgs, notify.Message{Institution: inst.Code, Channel: notify.Email, To: rec.Profile.Email,
			Subject: subject,
			Body:    text + "\n\n일련번호 / serial: " + strings.ToUpper(x.Serial.String())})
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

// DaysLeft is the number of Korea-time calendar days from now to the day of notAfter:
// 0 on the day the certificate expires (at 23:59:59 KST), 1 the day before. A reminder
// states these real days, not the threshold that made it due: a certificate registered
// 10 days before expiry gets its first reminder at the 30-day threshold, saying D-10.
func DaysLeft(notAfter, now time.Time) int {
	y, m, d := notAfter.In(kst).Date()
	end := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	y, m, d = now.In(kst).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return int(end.Sub(today).Hours() / 24)
}

// reminderSerial is the serial as a reminder shows it: "…" and the last 8 hex digits
// (serialTail, web.go), uppercase as certctl list prints serials. The first bytes are the
// time of drawing (ca.NewSerial), which every certificate drawn in the same second shares.
func reminderSerial(s model.Serial) string {
	return "…" + strings.ToUpper(serialTail(s))
}

func dday(n int) string {
	if n <= 0 {
		return "D-day"
	}
	return "D-" + strconv.Itoa(n)
}

// reminderText is the reminder's body: the institution, the serial's distinguishing
// tail, the expiry date and the real days left.
func reminderText(instName string, serial model.Serial, notAfter, now time.Time) string {
	n := DaysLeft(notAfter, now)
	at := notAfter.In(kst).Format("2006-01-02 15:04:05")
	when := fmt.Sprintf("%s에 만료됩니다 (%s)", at, dday(n))
	if n <= 0 {
		when = fmt.Sprintf("오늘 %s에 만료됩니다 (D-day)", at)
	}
	return fmt.Sprintf("[%s] 고객님의 공동인증서(일련번호 %s)가 %s. 만료 30일 전부터 갱신할 수 있고, 만료 후에는 재발급을 받아야 합니다.",
		instName, reminderSerial(serial), when)
}

func reminderSubject(instName string, notAfter, now time.Time) string {
	if n := DaysLeft(notAfter, now); n > 0 {
		return fmt.Sprintf("[%s] 공동인증서 만료 %d일 전 안내 (%s)", instName, n, dday(n))
	}
	return fmt.Sprintf("[%s] 공동인증서가 오늘 만료됩니다 (D-day)", instName)
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
