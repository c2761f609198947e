package notify

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"
)

// SMTP sends e-mail through a relay with net/smtp. The relay's address is host:port;
// with a username, PLAIN authentication is used (net/smtp refuses it without TLS except
// to localhost, which is what we want).
type SMTP struct {
	Addr     string // host:port of the relay
	From     string // envelope and header sender
	Username string
	Password string
	Now      func() time.Time
}

// Send implements Notifier for the email channel.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if m.Channel != Email {
		return fmt.Errorf("notify: smtp: channel %s is not e-mail", m.Channel)
	}
	if strings.ContainsAny(m.To, "\r\n") || strings.ContainsAny(s.From, "\r\n") {
		return fmt.Errorf("notify: smtp: line break in an address")
	}
	var auth smtp.Auth
	if s.Username != "" {
		host, _, _ := net.SplitHostPort(s.Addr)
		auth = smtp.PlainAuth("", s.Username, s.Password, host)
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	msg := buildMail(s.From, m.To, m.Subject, m.Body, now())
	done := make(chan error, 1)
	go func() { done <- smtp.SendMail(s.Addr, auth, s.From, []string{m.To}, msg) }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("notify: smtp %s: %w", s.Addr, redact(err))
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("notify: smtp %s: %w", s.Addr, ctx.Err())
	}
}

// redact drops an SMTP server's reply text, which often repeats the recipient's
// address ("550 <hong@example.kr>: no such user"), keeping its status code: errors are
// logged, and addresses are personal data.
func redact(err error) error {
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return fmt.Errorf("the server answered %d", tp.Code)
	}
	return err
}

// buildMail writes an RFC 5322 message with a UTF-8 subject (RFC 2047) and a base64
// UTF-8 body, so Korean text survives any relay.
func buildMail(from, to, subject, body string, at time.Time) []byte {
	var b strings.Builder
	b.WriteString("From: " + from + "\r\n")
	b.WriteString("To: " + to + "\r\n")
	b.WriteString("Subject: " + mime.BEncoding.Encode("UTF-8", strings.ReplaceAll(subject, "\n", " ")) + "\r\n")
	b.WriteString("Date: " + at.Format(time.RFC1123Z) + "\r\n")
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return []byte(b.String())
}
