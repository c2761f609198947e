package httpapi

import (
	"net/http"

	"github.com/certcenter/certcenter/internal/errs"
)

// getPKI serves the CA certificates: root.crt and ca.crt (DER, as AIA caIssuers
// expects, RFC 5280 4.2.2.1) and their .pem variants.
func (s *Server) getPKI(w http.ResponseWriter, r *http.Request) {
	var der []byte
	pemForm := false
	switch r.PathValue("file") {
	case "root.crt":
		der = s.ca.RootDER()
	case "ca.crt":
		der = s.ca.IssuingDER()
	case "root.pem":
		der, pemForm = s.ca.RootDER(), true
	case "ca.pem":
		der, pemForm = s.ca.IssuingDER(), true
	default:
		s.problem(w, r, errs.New(errs.NotFound, "no file %q under /pki/ (root.crt, ca.crt, root.pem, ca.pem)", r.PathValue("file")))
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	if pemForm {
		w.Header().Set("Content-Type", "application/x-pem-file")
		w.Write([]byte(pemCert(der)))
		return
	}
	w.Header().Set("Content-Type", "application/pkix-cert")
	w.Write(der)
}

// healthz answers 200 when the store answers.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if s.ready != nil {
		if err := s.ready(r.Context()); err != nil {
			s.log.Warn("health check failed", "err", err)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"status":"unavailable"}` + "\n"))
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"status":"ok"}` + "\n"))
}
