package main

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The NPKI folder: NPKI/<CA>/USER/<subject folder>/signCert.der, signPri.key and
// optionally kmCert.der, kmPri.key (KOREAN-PKI.md section 3).

const (
	signCertFile = "signCert.der"
	signKeyFile  = "signPri.key"
	kmCertFile   = "kmCert.der"
	kmKeyFile    = "kmPri.key"
)

// maxCertFile bounds what is read as a certificate: real ones are under 2 KiB.
const maxCertFile = 64 << 10

// entry is one certificate folder.
type entry struct {
	index    int    // 1-based, as list numbers them
	caFolder string // the <CA> folder name
	dir      string // the subject folder
	cert     *x509.Certificate
	certErr  error // why signCert.der could not be read, when cert is nil
	hasKey   bool
	hasKM    bool
}

func (e *entry) keyPath() string  { return filepath.Join(e.dir, signKeyFile) }
func (e *entry) certPath() string { return filepath.Join(e.dir, signCertFile) }

// npkiRoot is --npki-dir, else $CERTCTL_NPKI_DIR, else the system's default.
func (c *cli) npkiRoot(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if v := c.env("CERTCTL_NPKI_DIR"); v != "" {
		return v, nil
	}
	root := defaultNPKIRoot(c.goos, c.env)
	if root == "" {
		return "", errf(msgNoDefaultRoot).withHint(msgHintNPKIDir)
	}
	return root, nil
}

// loadEntries finds every certificate folder under root, ordered by CA folder then
// subject folder, so list numbers stay the same from one run to the next. A missing
// root holds no certificates.
func loadEntries(root string) ([]*entry, error) {
	cas, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, errf(msgReadNPKI, root).wrap(err)
	}
	var out []*entry
	for _, ca := range cas {
		if !ca.IsDir() {
			continue
		}
		userDir, ok := findUserDir(filepath.Join(root, ca.Name()))
		if !ok {
			continue
		}
		subjects, err := os.ReadDir(userDir)
		if err != nil {
			return nil, errf(msgReadNPKI, userDir).wrap(err)
		}
		for _, s := range subjects {
			if !s.IsDir() {
				continue
			}
			dir := filepath.Join(userDir, s.Name())
			if _, err := os.Stat(filepath.Join(dir, signCertFile)); err != nil {
				continue
			}
			e := &entry{index: len(out) + 1, caFolder: ca.Name(), dir: dir}
			e.cert, e.certErr = readCert(e.certPath())
			e.hasKey = fileExists(e.keyPath())
			e.hasKM = fileExists(filepath.Join(dir, kmCertFile)) && fileExists(filepath.Join(dir, kmKeyFile))
			out = append(out, e)
		}
	}
	return out, nil
}

// findUserDir returns <ca>/USER, accepting any letter case (folders copied through
// case-insensitive file systems).
func findUserDir(caDir string) (string, bool) {
	ents, err := os.ReadDir(caDir)
	if err != nil {
		return "", false
	}
	for _, e := range ents {
		if e.IsDir() && strings.EqualFold(e.Name(), "USER") {
			return filepath.Join(caDir, e.Name()), true
		}
	}
	return "", false
}

func readCert(path string) (*x509.Certificate, error) {
	der, err := readFileLimit(path, maxCertFile)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// readFileLimit reads a whole file, refusing files over limit bytes.
func readFileLimit(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: file too large (over %d bytes)", path, limit)
	}
	return b, nil
}

func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}
