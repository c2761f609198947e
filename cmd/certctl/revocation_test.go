package main

import (
	"io"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
	"golang.org/x/crypto/ocsp"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/model"
)

// Stand-ins for the OCSP responder and the CRL server (issue 6 mounts the real ones):
// answers signed by the test server's own keys through ca.Authority, about the
// revocations the test declares in s.revoked.

// firstCertID returns the DER CertID of the first request in an OCSPRequest.
func firstCertID(req []byte) []byte {
	in := cryptobyte.String(req)
	var ocspReq, tbs, list, one cryptobyte.String
	var certID cryptobyte.String
	if !in.ReadASN1(&ocspReq, cbasn1.SEQUENCE) || !ocspReq.ReadASN1(&tbs, cbasn1.SEQUENCE) {
		return nil
	}
	tbs.SkipOptionalASN1(cbasn1.Tag(0).ContextSpecific().Constructed())
	tbs.SkipOptionalASN1(cbasn1.Tag(1).ContextSpecific().Constructed())
	if !tbs.ReadASN1(&list, cbasn1.SEQUENCE) || !list.ReadASN1(&one, cbasn1.SEQUENCE) ||
		!one.ReadASN1Element(&certID, cbasn1.SEQUENCE) {
		return nil
	}
	return certID
}

func (s *testServer) serveOCSP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	down := s.ocspDown
	s.ocspHits++
	s.mu.Unlock()
	if down {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	req, err := ocsp.ParseRequest(body)
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	now := s.now().UTC().Truncate(time.Second)
	single := ca.OCSPSingle{CertID: firstCertID(body), Status: ca.OCSPGood, ThisUpdate: now, NextUpdate: now.Add(time.Hour)}
	s.mu.Lock()
	if at, ok := s.revoked[strings.ToLower(req.SerialNumber.Text(16))]; ok {
		reason := model.RevocationReason(1)
		single.Status, single.RevokedAt, single.Reason = ca.OCSPRevoked, at, &reason
	}
	s.mu.Unlock()
	der, err := s.App.CA.SignOCSP(ca.OCSPTemplate{ProducedAt: now, Responses: []ca.OCSPSingle{single}})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/ocsp-response")
	w.Write(der)
}

func (s *testServer) serveCRL(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	down := s.crlDown
	s.mu.Unlock()
	if down {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	// /crl/<issuer>/p<N>.crl
	name := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(name, "p"), ".crl"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	now := s.now().UTC().Truncate(time.Second)
	t := ca.CRLTemplate{Number: now.Unix(), ThisUpdate: now, NextUpdate: now.Add(time.Hour), Partition: n}
	s.mu.Lock()
	for serial, at := range s.revoked {
		b, _ := new(big.Int).SetString(serial, 16)
		t.Entries = append(t.Entries, ca.CRLEntry{Serial: model.Serial(b.Bytes()), RevokedAt: at.UTC().Truncate(time.Second), Reason: model.RevocationReason(1)})
	}
	s.mu.Unlock()
	der, err := s.App.CA.SignCRL(t)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/pkix-crl")
	w.Write(der)
}
