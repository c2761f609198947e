package app

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Handler is what Serve serves on the main listener: the API, with /metrics as the
// configuration's [metrics] says (config/metrics.go). The metrics tell request counts,
// latencies and the process's state, which are not for the public: on the main
// listener they are public only in demo mode with no setting, behind the bearer token
// when metrics.token is set, and absent when metrics.listen serves them elsewhere.
func (a *App) Handler() http.Handler {
	onMain := a.Cfg.Metrics.Listen == "" && (a.Cfg.MetricsPublic() || a.metricsToken != nil)
	metrics := a.metricsHandler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			a.API.ServeHTTP(w, r)
			return
		}
		if !onMain {
			a.API.NotFound(w, r) // the problem document of any unknown path
			return
		}
		metrics.ServeHTTP(w, r)
	})
}

// metricsHandler serves the metrics, behind the token when there is one.
func (a *App) metricsHandler() http.Handler {
	h := promhttp.HandlerFor(a.API.Registry(), promhttp.HandlerOpts{})
	if a.metricsToken == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), a.metricsToken) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="certcenter metrics"`)
			http.Error(w, "metrics: a bearer token is required (metrics.token)", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}
