package main

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/certcenter/certcenter/npki"
)

// The NPKI folder: NPKI/<CA>/USER/<subject folder>/signCert.der, signPri.key and
// optionally kmCert.der, kmPri.key (KOREAN-PKI.md section 3).

const (
	signCertFile = npki.SignCertFile
	signKeyFile  = npki.SignKeyFile
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
	home := c.home()
	if home == "" {
		return "", errf(msgNoDefaultRoot).withHint(msgHintNPKIDir)
	}
	return npki.DefaultRoot(c.goos, home, c.env), nil
}

// home is the user's home folder: $HOME, or %USERPROFILE% on Windows.
func (c *cli) home() string {
	if c.goos == "windows" && c.env("USERPROFILE") != "" {
		return c.env("USERPROFILE")
	}
	return c.env("HOME")
}

// npkiRoots is where certificates are looked for: --npki-dir or $CERTCTL_NPKI_DIR alone
// when given, else the system's default folder, the other folders Korean software looks
// in (otherRoots) and the NPKI folders of removable drives.
func (c *cli) npkiRoots(flagValue string) ([]string, error) {
	root, err := c.npkiRoot(flagValue)
	if err != nil {
		return nil, err
	}
	roots := []string{root}
	if flagValue != "" || c.env("CERTCTL_NPKI_DIR") != "" {
		return roots, nil
	}
	var more []string
	for _, f := range []func() []string{c.otherRoots, c.removable} {
		if f != nil {
			more = append(more, f()...)
		}
	}
	for _, r := range more {
		if !slices.Contains(roots, r) {
			roots = append(roots, r)
		}
	}
	return roots, nil
}

// loadAll reads every root in order and numbers the certificates across them, so a list
// index means the same certificate to every command.
func loadAll(roots []string) ([]*entry, error) {
	var all []*entry
	for _, r := range roots {
		es, err := loadEntries(r)
		if err != nil {
			return nil, err
		}
		all = append(all, es...)
	}
	for i, e := range all {
		e.index = i + 1
	}
	return all, nil
}

// loadEntries finds every certificate folder under root (npki.List), ordered by CA
// folder then subject folder so list numbers stay the same from one run to the next.
// Folders npki cannot read are kept, in their place, so that list can show them; a
// certificate whose key file is missing is shown without key. A missing root holds no
// certificates.
func loadEntries(root string) ([]*entry, error) {
	good, bad, err := npki.List(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, errf(msgReadNPKI, root).wrap(err)
	}
	var out []*entry
	for _, g := range good {
		out = append(out, &entry{dir: g.Dir, cert: g.Cert, hasKey: true, hasKM: g.KMCert != nil && g.KMKey != nil})
	}
	for _, b := range bad {
		if !fileExists(filepath.Join(b.Dir, signCertFile)) {
			continue // a CA or USER folder that could not be read
		}
		e := &entry{dir: b.Dir}
		// npki refuses the whole folder when signPri.key is missing or unreadable; the
		// certificate alone is still worth showing.
		e.cert, e.certErr = readCert(e.certPath())
		e.hasKey = fileExists(e.keyPath())
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return pathLess(root, out[i].dir, out[j].dir) })
	for i, e := range out {
		e.index = i + 1
		if rel, err := filepath.Rel(root, e.dir); err == nil {
			e.caFolder = strings.Split(filepath.ToSlash(rel), "/")[0]
		}
	}
	return out, nil
}

// pathLess orders folders under root component by component, as npki.List walks them.
func pathLess(root, a, b string) bool {
	ra, _ := filepath.Rel(root, a)
	rb, _ := filepath.Rel(root, b)
	return slices.Compare(strings.Split(filepath.ToSlash(ra), "/"), strings.Split(filepath.ToSlash(rb), "/")) < 0
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
