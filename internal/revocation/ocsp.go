package revocation

import (
	"bytes"
	"context"
	"crypto"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Unsigned OCSP responses: OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED }
// (RFC 6960 section 4.2.1).
var (
	respMalformed    = []byte{0x30, 0x03, 0x0a, 0x01, 0x01}
	respInternal     = []byte{0x30, 0x03, 0x0a, 0x01, 0x02}
	respTryLater     = []byte{0x30, 0x03, 0x0a, 0x01, 0x03}
	respUnauthorized = []byte{0x30, 0x03, 0x0a, 0x01, 0x06}
)

// ours reports whether id names this service's issuing CA.
func (s *Service) ours(id CertID) bool {
	h, ok := s.ids[id.Hash]
	return ok && bytes.Equal(h[0], id.NameHash) && bytes.Equal(h[1], id.KeyHash)
}

// Answer returns the DER OCSPResponse for a parsed request, and the cache entry it came
// from when it was pre-signed (nil when it was signed for this request or is unsigned).
//
// One certificate without a nonce (or with one, under NonceIgnore) is answered with the
// pre-signed response; several certificates, or a nonce under NonceEcho, are signed for
// the request. A request about no certificate of this CA is unauthorized (RFC 6960
// section 2.3); in a request about several, the foreign ones are unknown (section 2.2).
func (s *Service) Answer(ctx context.Context, req *Request) ([]byte, *entry, error) {
	if len(req.Certs) == 1 && (req.Nonce == nil || s.cfg.Nonce == NonceIgnore) {
		id := req.Certs[0]
		if !s.ours(id) {
			return respUnauthorized, nil, nil
		}
		e, err := s.presigned(ctx, id.Hash, id.Serial)
		if err != nil {
			return nil, nil, err
		}
		return e.der, e, nil
	}
	now := s.now()
	singles := make([]ca.OCSPSingle, 0, len(req.Certs))
	foreign := 0
	for _, id := range req.Certs {
		if !s.ours(id) {
			foreign++
			singles = append(singles, ca.OCSPSingle{CertID: id.Raw, Status: ca.OCSPUnknown, ThisUpdate: now, NextUpdate: now.Add(unknownValidity)})
			continue
		}
		single, err := s.status(ctx, id.Serial, now)
		if err != nil {
			return nil, nil, err
		}
		single.CertID = id.Raw
		singles = append(singles, single)
	}
	if foreign == len(req.Certs) {
		return respUnauthorized, nil, nil
	}
	t := ca.OCSPTemplate{ProducedAt: now, Responses: singles}
	if s.cfg.Nonce == NonceEcho {
		t.Nonce = req.Nonce
	}
	der, err := s.signLive(ctx, t)
	return der, nil, err
}

// status is the current status of serial as a SingleResponse without CertID, and the
// certificate's StatusAt (zero when unknown).
func (s *Service) status(ctx context.Context, serial model.Serial, now time.Time) (ca.OCSPSingle, error) {
	single, _, err := s.statusAt(ctx, serial, now)
	return single, err
}

func (s *Service) statusAt(ctx context.Context, serial model.Serial, now time.Time) (ca.OCSPSingle, time.Time, error) {
	unknown := ca.OCSPSingle{Status: ca.OCSPUnknown, ThisUpdate: now, NextUpdate: now.Add(unknownValidity)}
	if serial == nil {
		return unknown, time.Time{}, nil
	}
	c, err := s.st.Certificate(ctx, serial)
	if errors.Is(err, store.ErrNotFound) {
		return unknown, time.Time{}, nil
	}
	if err != nil {
		return unknown, time.Time{}, err
	}
	return s.singleFor(c, now), c.StatusAt, nil
}

// singleFor maps a certificate's status onto OCSP (RFC 6960 section 2.2): valid and
// replaced (renewed, still within its validity) are good; revoked is revoked with its
// time and reason (unspecified is left out, as RFC 5280 section 5.3.1 asks of CRLs);
// suspended is revoked with reason certificateHold. Expired certificates keep their
// status: the database remembers it, so the answer stays exact.
func (s *Service) singleFor(c model.Certificate, now time.Time) ca.OCSPSingle {
	out := ca.OCSPSingle{Status: ca.OCSPGood, ThisUpdate: now, NextUpdate: now.Add(s.cfg.OCSPValidity)}
	if c.IssuerID != s.issuerID {
		out.Status, out.NextUpdate = ca.OCSPUnknown, now.Add(unknownValidity)
		return out
	}
	switch c.Status {
	case model.StatusRevoked, model.StatusSuspended:
		out.Status = ca.OCSPRevoked
		out.RevokedAt = c.StatusAt
		if c.RevokedAt != nil {
			out.RevokedAt = *c.RevokedAt
		}
		reason := model.ReasonUnspecified
		if c.Reason != nil {
			reason = *c.Reason
		}
		if c.Status == model.StatusSuspended {
			reason = model.ReasonCertificateHold
		}
		if reason != model.ReasonUnspecified {
			out.Reason = &reason
		}
	}
	return out
}

// presigned returns the cached response for (h, serial), loading or signing it on a miss.
func (s *Service) presigned(ctx context.Context, h crypto.Hash, serial model.Serial) (*entry, error) {
	key := cacheKey(h, serial)
	now := s.now()
	if e := s.cache.get(key); e != nil && now.Before(e.serveUntil) {
		if !now.Before(e.refreshAt) {
			s.enqueue(refreshJob{hash: h, serial: serial})
		}
		return e, nil
	}
	// The load outlives a client that gives up: others may be waiting for it.
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return s.flight.do(ctx, key, func() (*entry, error) { return s.load(lctx, h, serial, false) })
}

// load builds the entry for (h, serial): the shared pre-signed response when it is
// current (SHA-1 only), or a new signature, which it shares. The entry is cached unless
// an invalidation happened meanwhile (the status read may predate it); with onlyCached
// it replaces an entry already cached and adds none.
func (s *Service) load(ctx context.Context, h crypto.Hash, serial model.Serial, onlyCached bool) (*entry, error) {
	gen := s.gen.Load()
	now := s.now()
	key := cacheKey(h, serial)
	var e *entry
	if serial != nil {
		c, err := s.st.Certificate(ctx, serial)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return nil, err
		default:
			if h == crypto.SHA1 {
				r, err := s.st.OCSPResponse(ctx, serial)
				if err == nil && r.StatusAt.Equal(c.StatusAt) && now.Before(r.ThisUpdate.Add(s.cfg.OCSPValidity/2)) && now.Before(r.NextUpdate) {
					e = s.entryFor(r.DER, r.ThisUpdate, r.NextUpdate)
				} else if err != nil && !errors.Is(err, store.ErrNotFound) {
					return nil, err
				}
			}
			if e == nil {
				single := s.singleFor(c, now)
				der, err := s.signOne(ctx, h, serial, single)
				if err != nil {
					return nil, err
				}
				e = s.entryFor(der, single.ThisUpdate, single.NextUpdate)
				if h == crypto.SHA1 && single.Status != ca.OCSPUnknown {
					if err := s.st.StoreOCSPResponses(ctx, []model.OCSPResponse{{Serial: serial, ThisUpdate: single.ThisUpdate,
						NextUpdate: single.NextUpdate, StatusAt: c.StatusAt, DER: der}}); err != nil {
						s.cfg.Log.Warn("revocation: store OCSP response", "serial", serial.String(), "err", err)
					}
				}
			}
		}
	}
	if e == nil { // unknown
		single := ca.OCSPSingle{Status: ca.OCSPUnknown, ThisUpdate: now, NextUpdate: now.Add(unknownValidity)}
		der, err := s.signOne(ctx, h, serial, single)
		if err != nil {
			return nil, err
		}
		e = &entry{der: der, thisUpdate: now, nextUpdate: single.NextUpdate, refreshAt: now.Add(unknownTTL), serveUntil: now.Add(unknownTTL)}
	}
	if s.gen.Load() == gen {
		if onlyCached {
			s.cache.replace(key, e)
		} else {
			s.cache.put(key, e)
		}
	}
	return e, nil
}

func (s *Service) entryFor(der []byte, this, next time.Time) *entry {
	return &entry{der: der, thisUpdate: this, nextUpdate: next, refreshAt: this.Add(s.cfg.OCSPValidity / 2), serveUntil: next}
}

// signOne signs a response about one certificate with the canonical CertID for h.
func (s *Service) signOne(ctx context.Context, h crypto.Hash, serial model.Serial, single ca.OCSPSingle) ([]byte, error) {
	single.CertID = s.certID(h, serial)
	return s.signLive(ctx, ca.OCSPTemplate{ProducedAt: single.ThisUpdate, Responses: []ca.OCSPSingle{single}})
}

// signLive signs through the authority, at most a few signatures at a time so that a
// flood of requests needing signatures cannot starve the pre-signed answers.
func (s *Service) signLive(ctx context.Context, t ca.OCSPTemplate) ([]byte, error) {
	select {
	case s.sign <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.sign }()
	return s.auth.SignOCSP(t)
}

// certID is the CertID this responder writes in pre-signed responses: the hash with
// NULL parameters (what OpenSSL and Go send), the issuer hashes, the serial. Clients
// match it by algorithm, hashes and serial (OpenSSL's OCSP_id_cmp, Go's serial match).
func (s *Service) certID(h crypto.Hash, serial model.Serial) []byte {
	ids := s.ids[h]
	var oid []int
	for _, x := range hashes {
		if x.hash == h {
			oid = x.oid
		}
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oid)
			b.AddASN1NULL()
		})
		b.AddASN1OctetString(ids[0])
		b.AddASN1OctetString(ids[1])
		b.AddASN1(cbasn1.INTEGER, func(b *cryptobyte.Builder) {
			if len(serial) == 0 {
				b.AddUint8(0)
				return
			}
			if serial[0]&0x80 != 0 {
				b.AddUint8(0)
			}
			b.AddBytes(serial)
		})
	})
	return b.BytesOrPanic()
}

// refreshJob asks for a cached response to be rebuilt.
type refreshJob struct {
	hash   crypto.Hash
	serial model.Serial
}

// enqueue queues a refresh; a full queue drops it (the next request retries).
func (s *Service) enqueue(j refreshJob) {
	select {
	case s.queue <- j:
	default:
	}
}

func (s *Service) runRefresh(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-s.queue:
			key := "r" + cacheKey(j.hash, j.serial)
			_, err := s.flight.do(ctx, key, func() (*entry, error) { return s.load(ctx, j.hash, j.serial, j.hash != crypto.SHA1) })
			if err != nil && ctx.Err() == nil {
				s.cfg.Log.Warn("revocation: refresh OCSP response", "serial", j.serial.String(), "err", err)
			}
		}
	}
}

// PresignAll signs and stores a fresh response for every unexpired certificate whose
// shared response is missing, older than half its validity, or older than the
// certificate's last status change, and returns how many it signed. The publishing
// node runs it every minute; a deployment can run it after a bulk import.
func (s *Service) PresignAll(ctx context.Context) (int, error) {
	var after model.Serial
	total := 0
	for {
		now := s.now()
		gen := s.gen.Load()
		list, err := s.st.StaleOCSP(ctx, after, now.Add(-s.cfg.OCSPValidity/2), now, 512)
		if err != nil || len(list) == 0 {
			return total, err
		}
		out := make([]model.OCSPResponse, len(list))
		errs := make([]error, len(list))
		var wg sync.WaitGroup
		for i, c := range list {
			wg.Add(1)
			go func() {
				defer wg.Done()
				single := s.singleFor(c, now)
				der, err := s.signOne(ctx, crypto.SHA1, c.Serial, single)
				out[i], errs[i] = model.OCSPResponse{Serial: c.Serial, ThisUpdate: single.ThisUpdate, NextUpdate: single.NextUpdate, StatusAt: c.StatusAt, DER: der}, err
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return total, fmt.Errorf("revocation: pre-sign: %w", err)
		}
		if err := s.st.StoreOCSPResponses(ctx, out); err != nil {
			return total, err
		}
		for _, r := range out {
			if s.gen.Load() != gen { // a status changed meanwhile: leave the cache to the change
				break
			}
			s.cache.replace(cacheKey(crypto.SHA1, r.Serial), s.entryFor(r.DER, r.ThisUpdate, r.NextUpdate))
		}
		total += len(out)
		after = list[len(list)-1].Serial
	}
}
