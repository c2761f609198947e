package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/config"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/store"
)

// SignRootCRLOffline signs the root's CRL on the machine that keeps the root key
// (keys.root = "offline", `certcenter root crl`): key is the key file's path or
// "pkcs11:LABEL"; rootDER is the root certificate, or nil to read it from the
// configured database. The CRL is valid from now for validity.
func SignRootCRLOffline(ctx context.Context, cfg config.Config, key string, rootDER []byte, now time.Time, validity time.Duration) ([]byte, error) {
	if rootDER == nil {
		root, err := storedRoot(ctx, cfg)
		if err != nil {
			return nil, err
		}
		rootDER = root.CertDER
	}
	ks, ref, err := offlineKeySource(cfg, key)
	if err != nil {
		return nil, err
	}
	return ca.SignRootCRLOffline(caConfig(cfg, func() time.Time { return now }, nil, nil), ks, ref, rootDER, now, now.Add(validity))
}

// ImportRootCRL stores a root CRL signed offline, after checking that the stored root
// signed it and that it is current. A CRL older than the stored one is refused.
func ImportRootCRL(ctx context.Context, cfg config.Config, der []byte, now time.Time) (model.CRL, error) {
	if DatabaseMissing(cfg) {
		return model.CRL{}, errNotBootstrapped
	}
	st, _, err := openBase(ctx, cfg)
	if err != nil {
		return model.CRL{}, err
	}
	defer st.Close()
	auths, err := st.Authorities(ctx)
	if err != nil {
		return model.CRL{}, err
	}
	for _, a := range auths {
		if a.Role != model.RoleRoot {
			continue
		}
		crl, err := ca.CheckRootCRL(a.CertDER, der, now)
		if err != nil {
			return model.CRL{}, err
		}
		if err := st.StoreCRL(ctx, crl); errors.Is(err, store.ErrConflict) {
			return model.CRL{}, fmt.Errorf("root CRL: the database holds a newer one (number above %d)", crl.Number)
		} else if err != nil {
			return model.CRL{}, err
		}
		return crl, nil
	}
	return model.CRL{}, errNotBootstrapped
}

// storedRoot reads the root authority from the configured database.
func storedRoot(ctx context.Context, cfg config.Config) (model.Authority, error) {
	if DatabaseMissing(cfg) {
		return model.Authority{}, errNotBootstrapped
	}
	st, _, err := openBase(ctx, cfg)
	if err != nil {
		return model.Authority{}, err
	}
	defer st.Close()
	auths, err := st.Authorities(ctx)
	if err != nil {
		return model.Authority{}, err
	}
	for _, a := range auths {
		if a.Role == model.RoleRoot {
			return a, nil
		}
	}
	return model.Authority{}, errNotBootstrapped
}
