package main

// TEMPORARY private helpers for NPKI folders (KOREAN-PKI.md section 3), kept here only
// until package npki exports its own default root, subject folder naming and atomic
// folder writer; then this file goes and the callers use npki's.

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// defaultNPKIRoot is where Korean software keeps NPKI on each system, or "" when the
// home folder is unknown.
func defaultNPKIRoot(goos string, env func(string) string) string {
	switch goos {
	case "windows":
		if p := env("USERPROFILE"); p != "" {
			return p + `\AppData\LocalLow\NPKI`
		}
	case "darwin", "ios":
		if h := env("HOME"); h != "" {
			return filepath.Join(h, "Library", "Preferences", "NPKI")
		}
	case "android":
		return "/sdcard/NPKI"
	default:
		if h := env("HOME"); h != "" {
			return filepath.Join(h, "NPKI")
		}
	}
	return ""
}

// subjectFolderName is the subject DN from the most specific RDN to the least, keys
// lowercase, joined with "," and no spaces, values as in the certificate:
// cn=...,ou=...,ou=...,o=yessign,c=kr.
func subjectFolderName(cert *x509.Certificate) (string, error) {
	var rdns pkix.RDNSequence
	if rest, err := asn1.Unmarshal(cert.RawSubject, &rdns); err != nil || len(rest) > 0 {
		return "", errors.New("malformed subject name")
	}
	var parts []string
	for i := len(rdns) - 1; i >= 0; i-- {
		var atvs []string
		for _, atv := range rdns[i] {
			k, ok := attrKeys[atv.Type.String()]
			if !ok {
				k = atv.Type.String()
			}
			atvs = append(atvs, k+"="+fmt.Sprint(atv.Value))
		}
		parts = append(parts, strings.Join(atvs, "+"))
	}
	name := strings.Join(parts, ",")
	// Never let a value climb out of the USER folder.
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 {
			return '_'
		}
		return r
	}, name)
	if name == "" || name == "." || name == ".." {
		return "", errors.New("empty subject name")
	}
	return name, nil
}

// errFolderExists is returned by writeCertFolder when the folder is there and force
// is not set.
var errFolderExists = errors.New("certificate folder exists")

// writeCertFolder writes files into <root>/<ca>/USER/<name>/ all at once: they go to
// a temporary folder beside it, then one rename puts them in place, so a reader sees
// the old folder or the new one and never half of one. An existing folder is replaced
// only with force.
func writeCertFolder(root, ca, name string, files map[string][]byte, force bool) (string, error) {
	userDir := filepath.Join(root, ca, "USER")
	if err := os.MkdirAll(userDir, 0o700); err != nil {
		return "", err
	}
	final := filepath.Join(userDir, name)
	if _, err := os.Lstat(final); err == nil && !force {
		return final, errFolderExists
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return final, err
	}
	tmp, err := os.MkdirTemp(userDir, ".certctl-new-")
	if err != nil {
		return final, err
	}
	defer os.RemoveAll(tmp)
	for fname, data := range files {
		if err := writeFileSync(filepath.Join(tmp, fname), data, 0o600); err != nil {
			return final, err
		}
	}
	if _, err := os.Lstat(final); err == nil {
		old := tmp + ".old"
		if err := os.Rename(final, old); err != nil {
			return final, err
		}
		if err := os.Rename(tmp, final); err != nil {
			os.Rename(old, final)
			return final, err
		}
		return final, os.RemoveAll(old)
	}
	if err := os.Rename(tmp, final); err != nil {
		return final, err
	}
	syncDir(userDir)
	return final, nil
}
