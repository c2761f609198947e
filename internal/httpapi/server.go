// Package httpapi is certcenter's JSON API for institutions and subscribers: enrollment,
// issuance, certificate lookup, the CA certificates, health and metrics. Errors are RFC 9457
// problem documents with a stable code, in Korean or English by Accept-Language.
//
// httpapi owns request decoding, authentication by API key and response shapes. It holds
// no business rules (center and ca do) and never logs request bodies, identity numbers,
// codes or keys.
package httpapi

import (
	"context"
	"crypto"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/certcenter/certcenter/internal/ca"
	"github.com/certcenter/certcenter/internal/center"
	"github.com/certcenter/certcenter/internal/model"
)

// Center is what the API needs from the certificate center.
type Center interface {
	Authenticate(ctx context.Context, apiKey string) (model.Institution, error)
	Enroll(ctx context.Context, req center.EnrollRequest) (*center.Enrolled, error)
	IssueWithCodeOptions(ctx context.Context, ref, code string, pub crypto.PublicKey, r []byte, o center.IssueOptions) (*ca.Issued, error)
}

// Authority is what the API needs from the CA.
type Authority interface {
	Certificate(ctx context.Context, serial model.Serial) (model.Certificate, error)
	RootDER() []byte
	IssuingDER() []byte
}

// Server is the HTTP API.
type Server struct {
	center Center
	ca     Authority
	log    *slog.Logger
	mux    *http.ServeMux
	reg    *prometheus.Registry
	reqs   *prometheus.CounterVec
	dur    *prometheus.HistogramVec
	ready  func(context.Context) error
	desk   Desk     // the certificate desk, once MountDesk ran (desk.go)
	routes []string // every pattern mounted with Handle, for the OpenAPI check
	limits Limits   // per-client limits (limits.go)
}

// New builds the API. ready reports whether the server can serve (the store answers).
// Other parts (CMP, OCSP, CRLs) mount their routes with Handle.
func New(c Center, a Authority, ready func(context.Context) error, log *slog.Logger) *Server {
	s := &Server{center: c, ca: a, ready: ready, log: log, mux: http.NewServeMux(), reg: prometheus.NewRegistry()}
	s.reqs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "certcenter_http_requests_total", Help: "HTTP requests by route and status.",
	}, []string{"route", "status"})
	s.dur = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "certcenter_http_request_duration_seconds", Help: "HTTP request latency by route.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"route"})
	s.reg.MustRegister(s.reqs, s.dur, prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))

	s.Handle("POST /api/v1/enrollments", s.postEnrollment)
	s.Handle("POST /api/v1/certificates", s.postCertificate)
	s.Handle("GET /api/v1/certificates/{serial}", s.getCertificate)
	s.Handle("GET /pki/{file}", s.getPKI)
	s.Handle("GET /healthz", s.healthz)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.problem(w, r, errNotFoundRoute(r))
	})
	return s
}

// Registry lets other parts register their metrics.
func (s *Server) Registry() *prometheus.Registry { return s.reg }

// Handle mounts a handler with request IDs, metrics and panic recovery.
func (s *Server) Handle(pattern string, h http.HandlerFunc) {
	s.routes = append(s.routes, pattern)
	s.mux.Handle(pattern, s.wrap(pattern, h))
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

type ctxKey int

const requestIDKey ctxKey = 0

func requestID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey).(string)
	return id
}

func (s *Server) wrap(route string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		var b [8]byte
		rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		w.Header().Set("X-Request-Id", id)
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey, id))
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("panic in handler", "route", route, "request_id", id, "panic", p)
				sw.status = http.StatusInternalServerError
				s.problem(sw, r, errPanic)
			}
			s.reqs.WithLabelValues(route, strconv.Itoa(sw.status)).Inc()
			s.dur.WithLabelValues(route).Observe(time.Since(start).Seconds())
		}()
		h(sw, r)
	})
}
