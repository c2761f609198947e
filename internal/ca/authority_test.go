package ca_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
	"github.com/certcenter/certcenter/internal/store/sqlstore"
)

// crashingStore fails StoreCertificate as a crash between signing and storage would,
// and, with lostDER, FinishCertificates as a crash after the commit of an issuance.
type crashingStore struct {
	*sqlstore.DB
	crash      bool
	lostDER    bool
	slowDER    time.Duration // FinishCertificates waits this long first
	lastSerial model.Serial
}

func (s *crashingStore) FinishCertificates(ctx context.Context, done []model.SignedCertificate, ev *model.AuditEvent) ([]model.Serial, error) {
	if s.lostDER {
		return nil, errCrash
	}
	time.Sleep(s.slowDER)
	return s.DB.FinishCertificates(ctx, done, ev)
}

var errCrash = errors.New("injected crash before the certificate is stored")

func (s *crashingStore) StoreCertificate(ctx context.Context, c model.Certificate, ref string, ev model.AuditEvent) error {
	s.lastSerial = c.Serial
	if s.crash {
		return errCrash
	}
	return s.DB.StoreCertificate(ctx, c, ref, ev)
}

// StoreCertificateFinishing fails as StoreCertificate does, and as FinishCertificates
// does when it carries DERs (a transaction that writes one fails as a whole).
func (s *crashingStore) StoreCertificateFinishing(ctx context.Context, c model.Certificate, ref string, ev model.AuditEvent, finish []model.SignedCertificate) ([]model.Serial, error) {
	s.lastSerial = c.Serial
	if s.crash || s.lostDER && len(finish) > 0 {
		return nil, errCrash
	}
	if len(finish) > 0 {
		time.Sleep(s.slowDER)
	}
	return s.DB.StoreCertificateFinishing(ctx, c, ref, ev, finish)
}

func openAuthority(t *testing.T) (*ca.Authority, *crashingStore) {
	t.Helper()
	w := newWorld(t)
	st := &crashingStore{DB: w.db}
	return w.open(t, st, time.Now), st
}

func TestCrashBetweenReservationAndStorage(t *testing.T) {
	a, st := openAuthority(t)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	req := ca.IssueRequest{Institution: model.Institution{Code: "901", ShortName: "DEMOBANK"}, Name: "홍길동",
		IDN: "8001011234567", Kind: model.Personal, Usage: model.Banking, PublicKey: key.Public(), Actor: "test"}
	ctx := context.Background()
	before, _ := st.CountCertificates(ctx)

	st.crash = true
	_, err = a.Issue(ctx, req)
	if !errors.Is(err, errCrash) {
		t.Fatalf("Issue with a crash = %v, want the injected crash", err)
	}
	// The serial the crashed issuance signed with: reserved, unused, no certificate.
	crashed := st.lastSerial.String()
	serial, _ := model.ParseSerial(crashed)
	if _, err := a.Certificate(ctx, serial); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("certificate of the crashed issuance: %v, want not found (no orphan)", err)
	}
	if n, _ := st.CountCertificates(ctx); n != before {
		t.Errorf("certificates after the crash = %d, want %d", n, before)
	}
	var used bool
	if err := st.SQL().QueryRowContext(ctx, `SELECT used FROM serials WHERE serial = ?`, crashed).Scan(&used); err != nil || used {
		t.Errorf("crashed serial: used=%v, %v; want reserved and unused", used, err)
	}
	// The serial stays reserved: it can never be reserved again.
	if err := st.ReserveSerial(ctx, serial, "issuing", time.Now()); !errors.Is(err, store.ErrConflict) {
		t.Errorf("re-reserving the crashed serial = %v, want ErrConflict", err)
	}

	st.crash = false
	got, err := a.Issue(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if got.Record.Serial.String() == crashed {
		t.Error("the next issuance reused the crashed serial")
	}
	if _, err := a.Certificate(ctx, got.Record.Serial); err != nil {
		t.Errorf("stored certificate not found: %v", err)
	}
}

func TestNewSerial(t *testing.T) {
	seen := map[string]bool{}
	prev := ca.NewSerial()
	for i := 0; i < 1000; i++ {
		s := ca.NewSerial()
		if len(s) != 20 || s[0] == 0 || s[0]&0x80 != 0 {
			t.Fatalf("serial %x is not 20 bytes positive and minimal", s)
		}
		if seen[s.String()] {
			t.Fatal("duplicate serial")
		}
		seen[s.String()] = true
		// Drawn close together, serials share their time prefix (or its next second) and
		// so sort together; what follows it is random.
		if p, q := binary.BigEndian.Uint32(prev), binary.BigEndian.Uint32(s); q != p && q != p+1 {
			t.Fatalf("time prefix went from %08x to %08x", p, q)
		}
		if bytes.Equal(s[4:12], prev[4:12]) {
			t.Fatalf("serials %x and %x share their random part", prev, s)
		}
		prev = s
	}
	// The prefix is the time: seconds since 2020 under the 0x40000000 mark.
	want := uint32(time.Now().Unix()-1577836800) & 0x3fffffff
	if got := binary.BigEndian.Uint32(ca.NewSerial()) &^ 0x40000000; got < want-2 || got > want+2 {
		t.Errorf("time prefix %d s, want about %d", got, want)
	}
}
