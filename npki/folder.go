package npki

import (
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// NPKI folders on a user's device (KOREAN-PKI.md section 3):
//
//	<root>/<CA O value>/USER/<subject folder>/signCert.der, signPri.key[, kmCert.der, kmPri.key]

// File names inside a certificate folder.
const (
	SignCertFile = "signCert.der"
	SignKeyFile  = "signPri.key"
	KMCertFile   = "kmCert.der"
	KMKeyFile    = "kmPri.key"
	userDir      = "USER"
	maxCertSize  = 64 << 10
)

// ErrExists: the certificate folder already exists and WriteOptions.Overwrite is not set.
var ErrExists = errors.New("npki: certificate folder already exists")

// DefaultRoot returns the NPKI root for goos ("linux", "darwin", "windows", or others
// treated as Linux), given the user's home directory and an environment lookup (for
// %USERPROFILE% on Windows; nil means os.Getenv). Paths use goos's separator, so all
// three are computed (and tested) on any system.
func DefaultRoot(goos, home string, getenv func(string) string) string {
	if getenv == nil {
		getenv = os.Getenv
	}
	switch goos {
	case "windows":
		base := getenv("USERPROFILE")
		if base == "" {
			base = home
		}
		return strings.TrimRight(base, `\`) + `\AppData\LocalLow\NPKI`
	case "darwin":
		return path.Join(home, "Library", "Preferences", "NPKI")
	}
	return path.Join(home, "NPKI")
}

// OtherRootCandidates returns the other places Korean software keeps NPKI folders on
// goos's devices, besides DefaultRoot (KOREAN-PKI.md section 3; issue 18 item 6):
// Windows C:\Program Files\NPKI (XP and older programs; %ProgramFiles% when set),
// macOS ~/Documents/NPKI, Android /sdcard/NPKI (and ~/NPKI, DefaultRoot there). None
// for Linux and others. Like DefaultRoot it only computes paths; OtherRoots keeps
// those present.
func OtherRootCandidates(goos, home string, getenv func(string) string) []string {
	if getenv == nil {
		getenv = os.Getenv
	}
	switch goos {
	case "windows":
		pf := getenv("ProgramFiles")
		if pf == "" {
			pf = `C:\Program Files`
		}
		return []string{strings.TrimRight(pf, `\`) + `\NPKI`}
	case "darwin":
		if home == "" {
			return nil
		}
		return []string{path.Join(home, "Documents", "NPKI")}
	case "android":
		return []string{"/sdcard/NPKI"}
	}
	return nil
}

// OtherRoots returns the OtherRootCandidates that exist as folders on this system.
func OtherRoots(goos, home string, getenv func(string) string) []string {
	var roots []string
	for _, r := range OtherRootCandidates(goos, home, getenv) {
		if fi, err := os.Stat(r); err == nil && fi.IsDir() {
			roots = append(roots, r)
		}
	}
	return roots
}

// RemovableRootPatterns returns glob patterns (filepath.Glob syntax) for NPKI roots on
// removable drives: Linux /media/$USER/*/NPKI, /run/media/$USER/*/NPKI, /mnt/*/NPKI;
// macOS /Volumes/*/NPKI; Windows D:\NPKI to Z:\NPKI.
func RemovableRootPatterns(goos, user string) []string {
	switch goos {
	case "windows":
		var p []string
		for d := 'D'; d <= 'Z'; d++ {
			p = append(p, string(d)+`:\NPKI`)
		}
		return p
	case "darwin":
		return []string{"/Volumes/*/NPKI"}
	}
	var p []string
	if user != "" && !strings.ContainsAny(user, `/*?[\`) {
		p = append(p, "/media/"+user+"/*/NPKI", "/run/media/"+user+"/*/NPKI")
	}
	return append(p, "/mnt/*/NPKI")
}

// RemovableRoots returns the NPKI roots present on removable drives of this system.
func RemovableRoots(goos, user string) []string {
	var roots []string
	for _, pat := range RemovableRootPatterns(goos, user) {
		m, _ := filepath.Glob(pat) // the patterns are well-formed
		for _, r := range m {
			if fi, err := os.Stat(r); err == nil && fi.IsDir() {
				roots = append(roots, r)
			}
		}
	}
	return roots
}

// Short names of the attribute types seen in Korean subject DNs.
var rdnShortNames = []struct {
	oid  asn1.ObjectIdentifier
	name string
}{
	{asn1.ObjectIdentifier{2, 5, 4, 3}, "cn"},
	{asn1.ObjectIdentifier{2, 5, 4, 6}, "c"},
	{asn1.ObjectIdentifier{2, 5, 4, 7}, "l"},
	{asn1.ObjectIdentifier{2, 5, 4, 8}, "st"},
	{asn1.ObjectIdentifier{2, 5, 4, 10}, "o"},
	{asn1.ObjectIdentifier{2, 5, 4, 11}, "ou"},
	{asn1.ObjectIdentifier{2, 5, 4, 5}, "serialnumber"},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}, "e"},
}

type ava struct {
	key, value string
}

// parseName reads a DER Name into its RDNs in certificate order (least specific
// first), keeping each value's characters as the certificate has them.
func parseName(der []byte) ([][]ava, error) {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, fmt.Errorf("%w: Name", ErrMalformed)
	}
	var rdns [][]ava
	for !seq.Empty() {
		var set cryptobyte.String
		if !seq.ReadASN1(&set, cbasn1.SET) {
			return nil, fmt.Errorf("%w: RDN", ErrMalformed)
		}
		var rdn []ava
		for !set.Empty() {
			var atv, val cryptobyte.String
			var oid asn1.ObjectIdentifier
			var tag cbasn1.Tag
			if !set.ReadASN1(&atv, cbasn1.SEQUENCE) || !atv.ReadASN1ObjectIdentifier(&oid) ||
				!atv.ReadAnyASN1(&val, &tag) || !atv.Empty() {
				return nil, fmt.Errorf("%w: AttributeTypeAndValue", ErrMalformed)
			}
			key := oid.String()
			for _, s := range rdnShortNames {
				if s.oid.Equal(oid) {
					key = s.name
				}
			}
			v, err := directoryString(tag, val)
			if err != nil {
				return nil, err
			}
			rdn = append(rdn, ava{key, v})
		}
		rdns = append(rdns, rdn)
	}
	return rdns, nil
}

func directoryString(tag cbasn1.Tag, val []byte) (string, error) {
	switch tag {
	case cbasn1.UTF8String, cbasn1.PrintableString, cbasn1.IA5String, cbasn1.Tag(20) /* T61 */, cbasn1.Tag(26) /* Visible */ :
		if !utf8.Valid(val) {
			return "", fmt.Errorf("%w: name value is not UTF-8", ErrMalformed)
		}
		return string(val), nil
	case cbasn1.Tag(30): // BMPString
		if len(val)%2 != 0 {
			return "", fmt.Errorf("%w: BMPString", ErrMalformed)
		}
		u := make([]uint16, len(val)/2)
		for i := range u {
			u[i] = uint16(val[2*i])<<8 | uint16(val[2*i+1])
		}
		return string(utf16.Decode(u)), nil
	}
	return "", fmt.Errorf("%w: name value of ASN.1 tag %d", ErrUnsupported, tag)
}

// SubjectFolderName returns the folder name Korean software gives a certificate: the
// subject DN from the most specific RDN to the least, keys lowercase, values as in the
// certificate, joined with "," and no spaces (KOREAN-PKI.md section 3), e.g.
// "cn=홍길동()0020041200806232804005,ou=WOORI,ou=personal4IB,o=yessign,c=kr".
// Values that would be unsafe in a file name (path separators, control characters)
// are refused.
func SubjectFolderName(cert *x509.Certificate) (string, error) {
	rdns, err := parseName(cert.RawSubject)
	if err != nil {
		return "", err
	}
	if len(rdns) == 0 {
		return "", fmt.Errorf("%w: empty subject", ErrMalformed)
	}
	var parts []string
	for i := len(rdns) - 1; i >= 0; i-- {
		for _, a := range rdns[i] {
			if err := safeName(a.value); err != nil {
				return "", err
			}
			parts = append(parts, a.key+"="+a.value)
		}
	}
	return strings.Join(parts, ","), nil
}

// CAFolderName returns the CA folder name: the O value of the issuer (the CA), as in
// NPKI/yessign/USER/... (KOREAN-PKI.md section 3).
func CAFolderName(cert *x509.Certificate) (string, error) {
	rdns, err := parseName(cert.RawIssuer)
	if err != nil {
		return "", err
	}
	for _, rdn := range rdns {
		for _, a := range rdn {
			if a.key == "o" {
				if err := safeName(a.value); err != nil {
					return "", err
				}
				if a.value == "." || a.value == ".." {
					return "", fmt.Errorf("npki: CA name %q is not usable as a folder name", a.value)
				}
				return a.value, nil
			}
		}
	}
	return "", errors.New("npki: the issuer has no O attribute to name the CA folder")
}

// safeName refuses characters that would change the meaning of a path.
func safeName(v string) error {
	if v == "" || strings.ContainsAny(v, `/\`) || strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return errors.New("npki: certificate name contains characters unusable in a folder name (/ \\ or control characters)")
	}
	return nil
}

// CertDir returns root/<CA>/USER/<subject folder> for cert.
func CertDir(root string, cert *x509.Certificate) (string, error) {
	ca, err := CAFolderName(cert)
	if err != nil {
		return "", err
	}
	sub, err := SubjectFolderName(cert)
	if err != nil {
		return "", err
	}
	return filepath.Join(root, ca, userDir, sub), nil
}

// Entry is one certificate folder found under a root.
type Entry struct {
	Dir      string
	Cert     *x509.Certificate
	SignCert []byte // DER
	SignKey  []byte // encrypted, as on disk
	KMCert   []byte // nil when absent
	KMKey    []byte // nil when absent
}

// ListError is a folder that looked like a certificate folder but could not be read.
type ListError struct {
	Dir string
	Err error
}

func (e *ListError) Error() string { return fmt.Sprintf("npki: %s: %v", e.Dir, e.Err) }
func (e *ListError) Unwrap() error { return e.Err }

// List returns every certificate folder under root (root/*/USER/*/ holding
// signCert.der). Folders without signCert.der and stray files are ignored; folders
// whose files cannot be read or parsed are reported in the second result rather than
// failing the whole listing. The error is for root itself (e.g. fs.ErrNotExist).
func List(root string) ([]Entry, []*ListError, error) {
	cas, err := os.ReadDir(root)
	if err != nil {
		return nil, nil, err
	}
	var entries []Entry
	var bad []*ListError
	for _, ca := range cas {
		if !ca.IsDir() {
			continue
		}
		users, err := os.ReadDir(filepath.Join(root, ca.Name()))
		if err != nil {
			bad = append(bad, &ListError{filepath.Join(root, ca.Name()), err})
			continue
		}
		for _, u := range users {
			if !u.IsDir() || !strings.EqualFold(u.Name(), userDir) {
				continue
			}
			udir := filepath.Join(root, ca.Name(), u.Name())
			subs, err := os.ReadDir(udir)
			if err != nil {
				bad = append(bad, &ListError{udir, err})
				continue
			}
			for _, s := range subs {
				if !s.IsDir() {
					continue
				}
				dir := filepath.Join(udir, s.Name())
				e, err := readEntry(dir)
				if errors.Is(err, fs.ErrNotExist) && e == nil {
					continue // not a certificate folder
				}
				if err != nil {
					bad = append(bad, &ListError{dir, err})
					continue
				}
				entries = append(entries, *e)
			}
		}
	}
	return entries, bad, nil
}

// readEntry reads one certificate folder. A missing signCert.der returns (nil,
// fs.ErrNotExist).
func readEntry(dir string) (*Entry, error) {
	certDER, err := readLimited(filepath.Join(dir, SignCertFile), maxCertSize)
	if err != nil {
		return nil, err
	}
	e := &Entry{Dir: dir, SignCert: certDER}
	if e.Cert, err = x509.ParseCertificate(certDER); err != nil {
		return e, fmt.Errorf("%s: %w", SignCertFile, err)
	}
	if e.SignKey, err = readLimited(filepath.Join(dir, SignKeyFile), maxKeyFileSize); err != nil {
		return e, fmt.Errorf("%s: %w", SignKeyFile, err)
	}
	for _, f := range []struct {
		name  string
		limit int64
		dst   *[]byte
	}{{KMCertFile, maxCertSize, &e.KMCert}, {KMKeyFile, maxKeyFileSize, &e.KMKey}} {
		b, err := readLimited(filepath.Join(dir, f.name), f.limit)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return e, fmt.Errorf("%s: %w", f.name, err)
		}
		*f.dst = b
	}
	return e, nil
}

func readLimited(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	return b, nil
}

// Files are the contents of a certificate folder to write; key files already encrypted.
type Files struct {
	SignCert, SignKey []byte // required
	KMCert, KMKey     []byte // optional, both or neither
}

// WriteOptions controls Write.
type WriteOptions struct {
	// Overwrite replaces an existing folder for the same subject. Without it Write
	// returns ErrExists.
	Overwrite bool
}

// Write stores a certificate and its key under root at CertDir(root, cert) and returns
// that folder. The folder appears whole or not at all: the files are written into a
// temporary folder beside it (0600 files, 0700 folders, each fsynced) which is then
// renamed into place, so a crash never leaves a half-written key file. With Overwrite
// the old folder is first renamed aside (.npki-old-*) and removed after the new one is
// in place: a crash between the two renames leaves the old files there, never a mix.
func Write(root string, f Files, opts *WriteOptions) (string, error) {
	if opts == nil {
		opts = &WriteOptions{}
	}
	if len(f.SignCert) == 0 || len(f.SignKey) == 0 || (f.KMCert == nil) != (f.KMKey == nil) {
		return "", errors.New("npki: Write: signCert and signPri.key are required, kmCert and kmPri.key go together")
	}
	cert, err := x509.ParseCertificate(f.SignCert)
	if err != nil {
		return "", fmt.Errorf("npki: Write: %w", err)
	}
	dir, err := CertDir(root, cert)
	if err != nil {
		return "", err
	}
	if _, err := os.Lstat(dir); err == nil && !opts.Overwrite {
		return "", fmt.Errorf("%w: %s", ErrExists, dir)
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(parent, ".npki-new-*")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp) // no-op after a successful rename
	for _, w := range []struct {
		name string
		data []byte
	}{{SignCertFile, f.SignCert}, {SignKeyFile, f.SignKey}, {KMCertFile, f.KMCert}, {KMKeyFile, f.KMKey}} {
		if w.data == nil {
			continue
		}
		if err := writeSynced(filepath.Join(tmp, w.name), w.data); err != nil {
			return "", err
		}
	}
	if err := syncDir(tmp); err != nil {
		return "", err
	}
	if opts.Overwrite {
		if _, err := os.Lstat(dir); err == nil {
			old, err := os.MkdirTemp(parent, ".npki-old-*")
			if err != nil {
				return "", err
			}
			os.Remove(old)
			if err := os.Rename(dir, old); err != nil {
				return "", err
			}
			defer os.RemoveAll(old)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Lstat(dir); serr == nil {
			return "", fmt.Errorf("%w: %s", ErrExists, dir) // lost a race with another writer
		}
		return "", err
	}
	return dir, syncDir(parent)
}

func writeSynced(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	// Some systems (Windows) cannot sync a directory; the rename is still atomic.
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) && !errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	return nil
}
