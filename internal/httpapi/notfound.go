package httpapi

import "net/http"

// NotFound answers a request no route takes with the problem document every unknown
// API path gets (the web layer hands it paths that are not its own).
func (s *Server) NotFound(w http.ResponseWriter, r *http.Request) {
	s.problem(w, r, errNotFoundRoute(r))
}

// Pages mounts the web layer's routes (HTML pages and their assets) with the same
// request IDs, metrics and panic recovery as the API's, but outside the API's route
// list: they are not part of the OpenAPI document.
func (s *Server) Pages() PageMounter { return PageMounter{s} }

// PageMounter mounts page routes on the server.
type PageMounter struct{ s *Server }

// Handle mounts a page route.
func (m PageMounter) Handle(pattern string, h http.HandlerFunc) {
	m.s.mux.Handle(pattern, m.s.wrap(pattern, h))
}
