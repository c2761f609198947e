package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/config"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/sealer"
	"github.com/certcenter/certcenter/internal/store"
)

// The key ceremony (README "The root key offline"): the root key is made on the
// offline machine and never reaches a server.
//
//	offline: certcenter root init      RootInit: the root key and certificate
//	server:  certcenter ca request     RequestCA: the issuing key, its CSR (pending)
//	offline: certcenter root sign-ca   SignCA; certcenter root crl (rootoffline.go)
//	server:  certcenter ca import      ImportCA: checked, stored as the bootstrap
//
// The pending request lives in the data folder (requestFile), beside the key it names:
// request and import run on the same node; the database holds nothing until the
// import, which stores everything in the bootstrap's one transaction.

// requestFile is the pending issuing CA request in the data folder.
const requestFile = "ca-request.json"

// pendingCA is requestFile's content.
type pendingCA struct {
	Group     string    `json:"group"`
	KeyRef    string    `json:"keyRef"`
	CSR       []byte    `json:"csr"` // DER
	CreatedAt time.Time `json:"createdAt"`
}

func pendingRequest(cfg config.Config) bool {
	_, err := os.Stat(filepath.Join(cfg.DataDir, requestFile))
	return err == nil
}

func pendingNote(cfg config.Config) string {
	if pendingRequest(cfg) {
		return "; an issuing CA request is pending (" + filepath.Join(AbsPath(cfg.DataDir), requestFile) + "): import its certificate with certcenter ca import"
	}
	return ""
}

func readPending(cfg config.Config) (pendingCA, error) {
	var p pendingCA
	b, err := os.ReadFile(filepath.Join(cfg.DataDir, requestFile))
	if errors.Is(err, fs.ErrNotExist) {
		return p, errs.New(errs.CARequestMissing, "no %s in %s", requestFile, AbsPath(cfg.DataDir))
	}
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal(b, &p); err != nil || p.KeyRef == "" || len(p.CSR) == 0 {
		return p, fmt.Errorf("ca request: %s is damaged (%v)", filepath.Join(cfg.DataDir, requestFile), err)
	}
	return p, nil
}

// offlineKeySource is the key source of the offline machine: key is a key file's path
// or "pkcs11:LABEL"; it returns the source and the key's reference.
func offlineKeySource(cfg config.Config, key string) (ca.KeySource, string, error) {
	ks := ca.KeySource{Kind: cfg.Keys.Source, Dir: cfg.DataDir, Passphrase: cfg.Keys.Passphrase,
		PKCS11Module: cfg.Keys.PKCS11.Module, PKCS11Token: cfg.Keys.PKCS11.TokenLabel, PKCS11PIN: cfg.Keys.PKCS11.PIN}
	if strings.HasPrefix(key, "pkcs11:") {
		if cfg.Keys.Source != "pkcs11" {
			return ks, "", fmt.Errorf("root key %s: keys.source is %q; a token key needs [keys] source = \"pkcs11\" and [keys.pkcs11]", key, cfg.Keys.Source)
		}
		return ks, key, nil
	}
	abs, err := filepath.Abs(key)
	if err != nil {
		return ks, "", err
	}
	if ks.Passphrase == "" {
		// Demo layout: the generated passphrase beside the keys; never created here.
		p := filepath.Join(cfg.DataDir, "ca-passphrase")
		if _, err := os.Stat(p); err != nil {
			return ks, "", fmt.Errorf("root key: no keys.passphrase in the configuration and no %s: %w", p, err)
		}
		ks.Passphrase = "file:" + p
	}
	return ks, "file:" + abs, nil
}

// RootInit makes the root key at key (a file path, encrypted under keys.passphrase, or
// "pkcs11:LABEL") and the self-signed root certificate, written to certFile (PEM):
// the offline machine's first step. Neither may exist yet.
func RootInit(cfg config.Config, key, certFile string, now time.Time) ([]byte, error) {
	if _, err := os.Lstat(certFile); err == nil {
		return nil, errs.New(errs.RootKeyExists, "%s exists", certFile)
	}
	ks, ref, err := offlineKeySource(cfg, key)
	if err != nil {
		return nil, err
	}
	der, err := ca.NewRoot(caConfig(cfg, func() time.Time { return now }, nil, nil), ks, ref)
	if err != nil {
		return nil, err
	}
	if err := writeNewFile(certFile, pemCert(der), 0o644); err != nil {
		return nil, fmt.Errorf("root init: the key %s was made, but its certificate could not be written: %w", key, err)
	}
	return der, nil
}

// SignCA signs the issuing CA request csrDER with the root (key and rootDER), on the
// offline machine, and returns the certificate (DER).
func SignCA(cfg config.Config, key string, rootDER, csrDER []byte, now time.Time) ([]byte, error) {
	ks, ref, err := offlineKeySource(cfg, key)
	if err != nil {
		return nil, err
	}
	return ca.SignIssuing(caConfig(cfg, func() time.Time { return now }, nil, nil), ks, ref, rootDER, csrDER)
}

// RequestCA makes the issuing CA's key in the configured key source and returns its
// PKCS#10 request, on the server (keys.root = "offline", no CA yet). A request already
// pending is returned again (again = true) rather than replaced: its key is the one
// the offline machine may be certifying.
func RequestCA(ctx context.Context, cfg config.Config, now time.Time) (csr []byte, again bool, err error) {
	if cfg.Keys.Root != "offline" {
		return nil, false, errs.New(errs.RootNotOffline, "keys.root = %q", cfg.Keys.Root)
	}
	if err := refuseInstalled(ctx, cfg); err != nil {
		return nil, false, err
	}
	if p, err := readPending(cfg); err == nil {
		return p.CSR, true, nil
	} else if !errors.Is(err, errs.Sentinel(errs.CARequestMissing)) {
		return nil, false, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, false, fmt.Errorf("data folder: %w", err)
	}
	ks, err := keySource(cfg)
	if err != nil {
		return nil, false, err
	}
	var idb [6]byte
	rand.Read(idb[:])
	group := hex.EncodeToString(idb[:])
	req, err := ca.RequestIssuing(caConfig(cfg, func() time.Time { return now }, nil, nil), ks, group)
	if err != nil {
		ca.DiscardBootstrap(ks, group)
		return nil, false, err
	}
	b, _ := json.MarshalIndent(pendingCA{Group: group, KeyRef: req.KeyRef, CSR: req.CSR, CreatedAt: now.UTC()}, "", "  ")
	if err := writeNewFile(filepath.Join(cfg.DataDir, requestFile), append(b, '\n'), 0o600); err != nil {
		ca.DiscardBootstrap(ks, group)
		return nil, false, fmt.Errorf("ca request: %w", err)
	}
	return req.CSR, false, nil
}

// refuseInstalled refuses when the configured database already has a CA. It creates
// no SQLite file.
func refuseInstalled(ctx context.Context, cfg config.Config) error {
	if DatabaseMissing(cfg) {
		return nil
	}
	st, _, err := openBase(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	done, err := st.Bootstrapped(ctx)
	if err != nil {
		return err
	}
	if done {
		return errs.New(errs.CAAlreadyInstalled, "the %s database of %s has its authorities", cfg.Database.Driver, AbsPath(cfg.DataDir))
	}
	return nil
}

// ImportCA installs the issuing CA certificate the offline root made for the pending
// request: checked (ca.InstallIssuing), then stored as the bootstrap with the node
// checks, the demo institutions of a demo deployment and, when crlDER is not nil, the
// root's first CRL. The request file is removed once stored.
func ImportCA(ctx context.Context, cfg config.Config, certDER, rootDER, crlDER []byte, opts Options) ([]model.Authority, error) {
	opts.defaults()
	if cfg.Keys.Root != "offline" {
		return nil, errs.New(errs.RootNotOffline, "keys.root = %q", cfg.Keys.Root)
	}
	if err := refuseInstalled(ctx, cfg); err != nil {
		return nil, err
	}
	p, err := readPending(cfg)
	if err != nil {
		return nil, err
	}
	var crl model.CRL
	if crlDER != nil {
		if crl, err = ca.CheckRootCRL(rootDER, crlDER, opts.Now()); err != nil {
			return nil, err
		}
	}
	ks, err := keySource(cfg)
	if err != nil {
		return nil, err
	}
	st, seal, err := openBase(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	ccfg := caConfig(cfg, opts.Now, seal, opts.Log)
	auths, err := ca.InstallIssuing(ccfg, ks, ca.IssuingRequest{Group: p.Group, KeyRef: p.KeyRef, CSR: p.CSR}, certDER, rootDER)
	if err != nil {
		return nil, err
	}
	demo, err := storeBootstrap(ctx, cfg, st, auths, nodeChecks(cfg, seal), p.Group, model.AuditEvent{
		Type: "authority.bootstrapped", Actor: "operator", Subject: "bootstrap-" + p.Group,
		Details: map[string]string{"keys": ks.Kind, "root": "offline", "ceremony": "ca import"},
	}, opts)
	if errors.Is(err, store.ErrConflict) {
		return nil, errs.Wrap(errs.CAAlreadyInstalled, err, "another node installed a CA first")
	}
	if err != nil {
		return nil, err
	}
	os.Remove(filepath.Join(cfg.DataDir, requestFile))
	if crlDER != nil {
		if err := st.StoreCRL(ctx, crl); err != nil {
			return auths, fmt.Errorf("ca import: the CA is installed, but the root CRL was not stored (import it with certcenter root import-crl): %w", err)
		}
	}
	dir := AbsPath(cfg.DataDir)
	fmt.Fprintf(opts.Out, "certcenter: issuing CA installed in %s (database %s); the root key is not on this machine\n", dir, cfg.Database.Driver)
	fmt.Fprintf(opts.Out, "certcenter: 발급 인증기관을 %s 에 설치했습니다; 최상위 키는 이 장비에 없습니다\n", dir)
	opts.Log.Warn("installed an issuing CA signed offline", "data", dir, "database", cfg.Database.Driver)
	for _, a := range auths {
		fmt.Fprintf(opts.Out, "  %-8s %s\n", a.Role, describeAuthority(a))
	}
	announceInstitutions(opts, dir, demo)
	if crlDER == nil {
		fmt.Fprintf(opts.Out, "  no root CRL yet: sign one offline (certcenter root crl) and import it (certcenter root import-crl)\n")
	}
	return auths, nil
}

// writeNewFile writes data to path, which must not exist, atomically.
func writeNewFile(path string, data []byte, mode os.FileMode) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s exists", path)
	}
	return sealer.WriteFileAtomic(path, data, mode)
}

// pemCert is a certificate in PEM.
func pemCert(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
