package main

import (
	"fmt"
	"strconv"
	"strings"
)

// A SELECTOR names one certificate: its number in list (1-based), its serial in hex
// (0x and colons allowed, any case), or a part of its subject name found in no other
// certificate. The number wins when the argument could be both; real serials are
// long enough not to collide with list numbers.

// selectEntry resolves sel among entries.
func (c *cli) selectEntry(entries []*entry, sel string, root string) (*entry, error) {
	sel = strings.TrimSpace(sel)
	if sel == "" {
		return nil, usageErr(msgEmptySelector)
	}
	if len(entries) == 0 {
		return nil, errf(msgNoCertificates, root).withHint(msgHintImport)
	}
	if n, err := strconv.Atoi(sel); err == nil && n >= 1 && n <= len(entries) {
		return entries[n-1], nil
	}
	if s := normalizeSerial(sel); s != "" {
		for _, e := range entries {
			if e.cert != nil && strings.TrimLeft(serialHex(e.cert), "0") == s {
				return e, nil
			}
		}
	}
	var found []*entry
	needle := strings.ToLower(sel)
	for _, e := range entries {
		if e.cert == nil {
			continue
		}
		if strings.Contains(strings.ToLower(dnString(e.cert.RawSubject)), needle) ||
			strings.Contains(strings.ToLower(e.cert.Subject.CommonName), needle) {
			found = append(found, e)
		}
	}
	switch len(found) {
	case 0:
		return nil, errf(msgNotFound, sel).withHint(msgHintList)
	case 1:
		return found[0], nil
	}
	var b strings.Builder
	for _, e := range found {
		fmt.Fprintf(&b, "\n  %d  %s  %s", e.index, serialHex(e.cert), e.cert.Subject.CommonName)
	}
	return nil, errf(msgAmbiguous, sel, b.String()).withHint(msgHintAmbiguous)
}

// normalizeSerial returns sel as uppercase hex without 0x, colons or leading zeros,
// or "" when it is not hex.
func normalizeSerial(sel string) string {
	s := strings.ToUpper(strings.ReplaceAll(sel, ":", ""))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "0X"), "0x")
	if s == "" {
		return ""
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'F') {
			return ""
		}
	}
	if s = strings.TrimLeft(s, "0"); s == "" {
		return "0"
	}
	return s
}

// loadAndSelect finds the NPKI root, reads it and resolves sel; the certificate must
// be readable.
func (c *cli) loadAndSelect(npkiDir, sel string) (*entry, error) {
	roots, err := c.npkiRoots(npkiDir)
	if err != nil {
		return nil, err
	}
	entries, err := loadAll(roots)
	if err != nil {
		return nil, err
	}
	e, err := c.selectEntry(entries, sel, strings.Join(roots, ", "))
	if err != nil {
		return nil, err
	}
	if e.cert == nil {
		return nil, errf(msgBadCert, e.certPath()).wrap(e.certErr)
	}
	return e, nil
}
