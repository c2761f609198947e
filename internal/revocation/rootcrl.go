package revocation

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// rootCRL is the root's CRL, served at /crl/root/p0.crl (the
// distribution point in the issuing CA's certificate), so that relying parties that
// check the whole chain (openssl verify -crl_check_all) can. It is re-signed at half its
// validity, by the publishing node or by whichever node is asked for it first; the root
// key is opened only for that signature.
type rootCRL struct {
	mu  sync.Mutex
	crl *model.CRL
}

// fresh reports whether crl can be served without re-signing: inside the first half of
// its validity, like the partitions.
func (s *Service) rootFresh(crl model.CRL, now time.Time) bool {
	return now.Before(crl.ThisUpdate.Add(s.cfg.CRLValidity/2)) && now.Before(crl.NextUpdate)
}

// RootCRL returns the root's CRL: from memory, from the database, or signed now.
func (s *Service) RootCRL(ctx context.Context) (model.CRL, error) {
	s.root.mu.Lock()
	defer s.root.mu.Unlock()
	now := s.now()
	if c := s.root.crl; c != nil && s.rootFresh(*c, now) {
		return *c, nil
	}
	stored, err := s.st.CRL(ctx, ca.RootIssuerID, 0)
	switch {
	case err == nil && s.rootFresh(stored, now):
		s.root.crl = &stored
		return stored, nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return model.CRL{}, err
	}
	// With the root key offline no node signs: the imported CRL is served until its
	// nextUpdate (refreshRootCRL warns from half its validity on).
	if o, ok := s.auth.(interface{ RootOffline() bool }); ok && o.RootOffline() {
		if err == nil && now.Before(stored.NextUpdate) {
			return stored, nil
		}
		return model.CRL{}, ca.ErrRootOffline
	}
	num, err := s.st.NextCRLNumber(ctx, ca.RootIssuerID, 0)
	if err != nil {
		return model.CRL{}, err
	}
	this := now.UTC().Truncate(time.Second)
	next := this.Add(s.cfg.CRLValidity)
	der, err := s.auth.SignRootCRL(num, this, next)
	if err != nil {
		return model.CRL{}, err
	}
	crl := model.CRL{IssuerID: ca.RootIssuerID, Partition: 0, Number: num, ThisUpdate: this, NextUpdate: next, DER: der}
	if err := s.st.StoreCRL(ctx, crl); errors.Is(err, store.ErrConflict) {
		if cur, err2 := s.st.CRL(ctx, ca.RootIssuerID, 0); err2 == nil {
			crl = cur // another node signed a newer one meanwhile
		}
	} else if err != nil {
		return model.CRL{}, err
	}
	s.root.crl = &crl
	return crl, nil
}

// refreshRootCRL keeps the root's CRL fresh on the publishing node.
func (s *Service) refreshRootCRL(ctx context.Context) {
	crl, err := s.RootCRL(ctx)
	if err != nil && ctx.Err() == nil {
		s.cfg.Log.Warn("revocation: root CRL", "err", err)
		return
	}
	if err == nil && !s.rootFresh(crl, s.now()) {
		s.cfg.Log.Warn("revocation: the root's CRL (root key offline) is past half its validity: sign the next one offline (certcenter root crl) and import it (certcenter root import-crl)",
			"next_update", crl.NextUpdate)
	}
}
