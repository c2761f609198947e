package httpapi

import "net/http"

// NotFound answers a request no route takes with the problem document every unknown
// API path gets (the web layer hands it paths that are not its own).
func (s *Server) NotFound(w http.ResponseWriter, r *http.Request) {
	s.problem(w, r, errNotFoundRoute(r))
}
