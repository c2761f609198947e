package notify

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/model"
)

// smtpServer is a tiny SMTP server on loopback that records one conversation: enough
// of RFC 5321 for net/smtp (EHLO, MAIL, RCPT, DATA, QUIT).
type smtpServer struct {
	rejectRcpt bool // answer RCPT with a 550 that repeats the address, as real servers do
	ln         net.Listener
	mu         sync.Mutex
	from       string
	rcpt       []string
	data       string
	done       chan struct{}
}

func newSMTPServer(t *testing.T) *smtpServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln, done: make(chan struct{})}
	t.Cleanup(func() { ln.Close() })
	go s.serve()
	return s
}

func (s *smtpServer) serve() {
	c, err := s.ln.Accept()
	if err != nil {
		return
	}
	defer c.Close()
	defer close(s.done)
	tp := textproto.NewConn(c)
	tp.PrintfLine("220 test ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		cmd := strings.ToUpper(line)
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			tp.PrintfLine("250-test\r\n250 8BITMIME")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			s.mu.Lock()
			addr, _, _ := strings.Cut(line[len("MAIL FROM:"):], " BODY=")
			s.from = strings.Trim(addr, "<> ")
			s.mu.Unlock()
			tp.PrintfLine("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			s.mu.Lock()
			addr := strings.Trim(line[len("RCPT TO:"):], "<> ")
			s.rcpt = append(s.rcpt, addr)
			reject := s.rejectRcpt
			s.mu.Unlock()
			if reject {
				tp.PrintfLine("550 5.1.1 <%s>: Recipient address rejected", addr)
				continue
			}
			tp.PrintfLine("250 ok")
		case cmd == "DATA":
			tp.PrintfLine("354 go ahead")
			b, err := io.ReadAll(tp.DotReader())
			if err != nil {
				return
			}
			s.mu.Lock()
			s.data = string(b)
			s.mu.Unlock()
			tp.PrintfLine("250 queued")
		case cmd == "QUIT":
			tp.PrintfLine("221 bye")
			return
		default:
			tp.PrintfLine("502 not implemented")
		}
	}
}

func TestSMTP(t *testing.T) {
	srv := newSMTPServer(t)
	s := &SMTP{Addr: srv.ln.Addr().String(), From: "certcenter@bank.example", Now: func() time.Time { return time.Unix(1774400000, 0) }}
	err := s.Send(context.Background(), Message{Channel: Email, To: "hong@example.kr", Subject: "[데모은행] 공동인증서 만료 30일 전 안내", Body: "만료됩니다 (D-30)."})
	if err != nil {
		t.Fatalf("Send = %v", err)
	}
	<-srv.done
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.from != "certcenter@bank.example" || len(srv.rcpt) != 1 || srv.rcpt[0] != "hong@example.kr" {
		t.Errorf("envelope: from %q to %v", srv.from, srv.rcpt)
	}
	head, body, _ := strings.Cut(strings.ReplaceAll(srv.data, "\r\n", "\n"), "\n\n")
	var subject string
	for _, l := range strings.Split(head, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "Subject: "); ok {
			subject, _ = new(mime.WordDecoder).DecodeHeader(v)
		}
	}
	if subject != "[데모은행] 공동인증서 만료 30일 전 안내" {
		t.Errorf("subject %q", subject)
	}
	dec, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(body), ""))
	if err != nil || string(dec) != "만료됩니다 (D-30)." {
		t.Errorf("body %q (%v)", dec, err)
	}
	if err := s.Send(context.Background(), Message{Channel: Email, To: "a@b.c\r\nBcc: x@y.z", Body: "x"}); err == nil {
		t.Error("a header injection in the recipient was sent")
	}
	if err := s.Send(context.Background(), Message{Channel: SMS, To: "01012345678"}); err == nil {
		t.Error("an SMS went out by e-mail")
	}
}

func TestSMTPRelayDown(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	err := (&SMTP{Addr: addr, From: "a@b.c"}).Send(context.Background(), Message{Channel: Email, To: "d@e.f"})
	if err == nil || !strings.Contains(err.Error(), "notify: smtp") {
		t.Errorf("Send to a closed port = %v", err)
	}
}

func TestWebhook(t *testing.T) {
	var got webhookBody
	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		json.NewDecoder(r.Body).Decode(&got)
		if got.To == "01000000000" {
			http.Error(w, "no", http.StatusBadGateway)
		}
	}))
	defer srv.Close()
	w := &Webhook{URL: srv.URL, Token: "tok", Client: srv.Client()}
	if err := w.Send(context.Background(), Message{Institution: "901", Channel: SMS, To: "01012345678", Body: "인증번호 [123456]"}); err != nil {
		t.Fatalf("Send = %v", err)
	}
	if got.To != "01012345678" || got.Text != "인증번호 [123456]" || got.Institution != "901" || auth != "Bearer tok" {
		t.Errorf("provider got %+v, auth %q", got, auth)
	}
	if err := w.Send(context.Background(), Message{Channel: SMS, To: "01000000000"}); err == nil || !strings.Contains(err.Error(), "502") {
		t.Errorf("provider refusal = %v", err)
	}
}

type memOutbox struct{ list []model.OutboxMessage }

func (m *memOutbox) AppendOutbox(_ context.Context, msg model.OutboxMessage) error {
	m.list = append(m.list, msg)
	return nil
}

func TestRouterAndOutbox(t *testing.T) {
	mem := &memOutbox{}
	ob := &Outbox{Store: mem, Now: time.Now}
	r := Router{SMS: {ob}}
	if err := r.Send(context.Background(), Message{Institution: "901", Channel: SMS, To: "010-1234-5678", Body: "b"}); err != nil {
		t.Fatal(err)
	}
	if len(mem.list) != 1 || mem.list[0].To != "010-****-5678" || mem.list[0].InstitutionCode != "901" {
		t.Errorf("outbox holds %+v", mem.list)
	}
	if err := r.Send(context.Background(), Message{Channel: Email, To: "a@b.c"}); !errors.Is(err, ErrNoRoute) {
		t.Errorf("e-mail without a transport = %v, want ErrNoRoute", err)
	}
}

func TestMaskRecipient(t *testing.T) {
	for in, want := range map[string]string{
		"01012345678":     "010-****-5678",
		"010-1234-5678":   "010-****-5678",
		"hong@example.kr": "h***@example.kr",
		"123":             "****",
	} {
		if got := MaskRecipient(in); got != want {
			t.Errorf("MaskRecipient(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSMTPErrorsCarryNoAddress: a server's refusal that repeats the recipient's address
// reaches the caller (and the log) with its code only.
func TestSMTPErrorsCarryNoAddress(t *testing.T) {
	srv := newSMTPServer(t)
	srv.mu.Lock()
	srv.rejectRcpt = true
	srv.mu.Unlock()
	s := &SMTP{Addr: srv.ln.Addr().String(), From: "certcenter@example.kr"}
	err := s.Send(context.Background(), Message{Channel: Email, To: "hong.gildong@example.kr", Subject: "x", Body: "y"})
	if err == nil || !strings.Contains(err.Error(), "550") || strings.Contains(err.Error(), "hong.gildong") {
		t.Errorf("Send to a rejected address = %v, want the code 550 and no address", err)
	}
}
