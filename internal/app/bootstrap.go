package app

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/config"
	"github.com/certcenter/certcenter/internal/errs"
	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/sealer"
	"github.com/certcenter/certcenter/internal/store"
	"github.com/certcenter/certcenter/internal/store/sqlstore"
)

// DemoInstitution is one entry of demo-institutions.json.
type DemoInstitution struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	ShortName string `json:"shortName"`
	APIKey    string `json:"apiKey"`
}

// demoInstitutions are the three registration authorities of a demo deployment.
var demoInstitutions = []DemoInstitution{
	{Code: "901", Name: "데모은행", ShortName: "DEMOBANK"},
	{Code: "902", Name: "한빛은행", ShortName: "HANBIT"},
	{Code: "903", Name: "새봄증권", ShortName: "SAEBOM"},
}

const demoFile = "demo-institutions.json"

// NewAPIKey draws an institution API key: "cc_<code>_" and 32 random bytes
// (center.NewAPIKey, which the operator's console uses too).
func NewAPIKey(code string) string { return center.NewAPIKey(code) }

// bootstrap returns the authorities, creating them on the first start. The step is
// crash-safe without a distributed transaction: keys are written first, into a folder
// (or token labels) unique to this attempt; then one database transaction stores the
// certificates, key references and institutions; the API keys file is written beside
// as pending and renamed once the transaction committed. A crash before the commit
// leaves only unreferenced files, removed at a later start; a crash after it leaves a
// pending API keys file that the next start recognizes by its hashes and finishes.
func bootstrap(ctx context.Context, cfg config.Config, st *sqlstore.DB, ccfg ca.Config, ks ca.KeySource, checks map[string]string, opts Options) ([]model.Authority, error) {
	done, err := st.Bootstrapped(ctx)
	if err != nil {
		return nil, err
	}
	if done {
		auths, err := st.Authorities(ctx)
		if err != nil {
			return nil, err
		}
		if err := finishPending(ctx, cfg, st); err != nil {
			return nil, err
		}
		cleanOrphans(cfg.DataDir, auths, opts.Now())
		return auths, nil
	}
	if ccfg.RootOffline || pendingRequest(cfg) {
		// The root key is not here, so no CA is made here: it comes from the ceremony.
		return nil, errs.New(errs.CANotInstalled, "no certificate authority in the database (%s) and keys.root = %q%s",
			cfg.Database.Driver, cfg.Keys.Root, pendingNote(cfg))
	}
	var idb [6]byte
	rand.Read(idb[:])
	id := hex.EncodeToString(idb[:])
	auths, err := ca.Bootstrap(ctx, ccfg, ks, id)
	if err != nil {
		ca.DiscardBootstrap(ks, id)
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	demo, err := storeBootstrap(ctx, cfg, st, auths, checks, id, model.AuditEvent{
		Type: "authority.bootstrapped", Actor: "system", Subject: "bootstrap-" + id,
		Details: map[string]string{"keys": ks.Kind},
	}, opts)
	if errors.Is(err, store.ErrConflict) {
		// Another process bootstrapped first: use its authorities, drop ours.
		ca.DiscardBootstrap(ks, id)
		return st.Authorities(ctx)
	}
	if err != nil {
		ca.DiscardBootstrap(ks, id)
		return nil, err
	}
	// Said loudly, with the full path: started from the wrong folder, serve makes a new
	// CA where the operator did not expect one (issue 18).
	dir := AbsPath(cfg.DataDir)
	fmt.Fprintf(opts.Out, "certcenter: NEW CERTIFICATE AUTHORITY: no certificate authority was found, so a new root and issuing CA were created in %s (database %s)\n", dir, cfg.Database.Driver)
	fmt.Fprintf(opts.Out, "certcenter: 새 인증기관: 기존 인증기관이 없어 %s 에 새 최상위·발급 인증기관을 만들었습니다\n", dir)
	fmt.Fprintf(opts.Out, "  if you meant an existing one, stop now and start with --data DIR or --config FILE (기존 인증기관을 쓰려던 것이면 지금 멈추고 --data 나 --config 로 다시 시작하세요)\n")
	opts.Log.Warn("created a new certificate authority", "data", dir, "database", cfg.Database.Driver)
	for _, a := range auths {
		fmt.Fprintf(opts.Out, "  %-8s %s\n", a.Role, describeAuthority(a))
	}
	announceInstitutions(opts, dir, demo)
	fmt.Fprintf(opts.Out, "  database: %s\n", cfg.Database.Driver)
	return auths, nil
}

// announceInstitutions says which demo institutions a bootstrap made, and where their
// API keys are.
func announceInstitutions(opts Options, dir string, demo []DemoInstitution) {
	if len(demo) > 0 {
		var names []string
		for _, d := range demo {
			names = append(names, d.Code+" "+d.Name)
		}
		fmt.Fprintf(opts.Out, "  institutions: %s\n  their API keys: %s (mode 0600)\n",
			strings.Join(names, ", "), filepath.Join(dir, demoFile))
	}
}

// storeBootstrap stores a first start's authorities (made here, or installed by the
// key ceremony) with the demo institutions of a demo deployment and the node checks,
// in one transaction: the API keys file is written beside as pending and renamed once
// the transaction committed. It returns store.ErrConflict when the database was
// bootstrapped already; the caller owns the keys of id and discards them on failure.
func storeBootstrap(ctx context.Context, cfg config.Config, st *sqlstore.DB, auths []model.Authority, checks map[string]string, id string, ev model.AuditEvent, opts Options) ([]DemoInstitution, error) {
	var insts []model.Institution
	var demo []DemoInstitution
	if cfg.Demo {
		for _, d := range demoInstitutions {
			d.APIKey = NewAPIKey(d.Code)
			demo = append(demo, d)
			insts = append(insts, model.Institution{Code: d.Code, Name: d.Name, ShortName: d.ShortName,
				APIKeyHash: center.HashAPIKey(d.APIKey), CreatedAt: opts.Now()})
		}
	}
	pending := filepath.Join(cfg.DataDir, "demo-institutions.pending-"+id+".json")
	if len(demo) > 0 {
		b, _ := json.MarshalIndent(demo, "", "  ")
		if err := sealer.WriteFileAtomic(pending, append(b, '\n'), 0o600); err != nil {
			return nil, fmt.Errorf("bootstrap: %w", err)
		}
	}
	if ev.Details == nil {
		ev.Details = map[string]string{}
	}
	ev.Details["institutions"] = fmt.Sprint(len(insts))
	err := st.Bootstrap(ctx, model.Bootstrap{Authorities: auths, Institutions: insts, NodeChecks: checks}, ev)
	if err != nil {
		os.Remove(pending)
		if errors.Is(err, store.ErrConflict) {
			return nil, err
		}
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	if len(demo) > 0 {
		if err := os.Rename(pending, filepath.Join(cfg.DataDir, demoFile)); err != nil {
			return nil, fmt.Errorf("bootstrap: %w", err)
		}
	}
	return demo, nil
}

// AbsPath is path made absolute for messages (path itself if that fails).
func AbsPath(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

func describeAuthority(a model.Authority) string {
	subject := ""
	if c, err := ca.ParseCertificate(a.CertDER); err == nil {
		subject = model.SubjectString(c)
	}
	return fmt.Sprintf("%s (key %s)", subject, a.KeyRef)
}

// finishPending completes a bootstrap that committed but crashed before renaming the
// API keys file: a pending file whose keys hash to the stored institutions is the one.
func finishPending(ctx context.Context, cfg config.Config, st *sqlstore.DB) error {
	final := filepath.Join(cfg.DataDir, demoFile)
	matches, _ := filepath.Glob(filepath.Join(cfg.DataDir, "demo-institutions.pending-*.json"))
	for _, p := range matches {
		if _, err := os.Stat(final); err == nil {
			os.Remove(p)
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		var demo []DemoInstitution
		if json.Unmarshal(b, &demo) != nil || len(demo) == 0 {
			os.Remove(p)
			continue
		}
		ok := true
		for _, d := range demo {
			inst, err := st.Institution(ctx, d.Code)
			if err != nil || subtle.ConstantTimeCompare(inst.APIKeyHash, center.HashAPIKey(d.APIKey)) != 1 {
				ok = false
				break
			}
		}
		if !ok {
			os.Remove(p)
			continue
		}
		if err := os.Rename(p, final); err != nil {
			return err
		}
	}
	return nil
}

// cleanOrphans removes key folders of bootstrap attempts that never committed. Only
// folders older than ten minutes go, so a concurrent first start is left alone.
func cleanOrphans(dataDir string, auths []model.Authority, now time.Time) {
	used := map[string]bool{}
	for _, a := range auths {
		if dir, _, ok := strings.Cut(strings.TrimPrefix(a.KeyRef, "file:"), "/"); ok {
			used[dir] = true
		}
	}
	matches, _ := filepath.Glob(filepath.Join(dataDir, "keys-*"))
	for _, m := range matches {
		fi, err := os.Stat(m)
		if err != nil || !fi.IsDir() || used[filepath.Base(m)] || now.Sub(fi.ModTime()) < 10*time.Minute {
			continue
		}
		os.RemoveAll(m)
	}
}
