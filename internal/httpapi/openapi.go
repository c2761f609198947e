package httpapi

import (
	_ "embed"
	"net/http"
)

// openapiJSON is the OpenAPI 3 document of the API. openapi_test.go checks that every
// route is documented and every documented route exists.
//
//go:embed openapi.json
var openapiJSON []byte

func (h deskHandlers) getOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(openapiJSON)
}
