package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed ui
var uiFS embed.FS

// UI is the embedded templates, catalogues and static files, for the sub-packages.
func UI() fs.FS { return uiFS }

// asset is one static file, served under /assets/<hash>/<name> with a long cache life:
// a changed file gets a new URL. A file stored gzipped (name.gz) is served as is to
// browsers that accept gzip and decompressed for the others.
type asset struct {
	body    []byte // as stored
	gzipped bool
	ctype   string
	url     string
}

var assets = map[string]*asset{}

func init() {
	fs.WalkDir(uiFS, "ui/static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := uiFS.ReadFile(p)
		name := strings.TrimPrefix(p, "ui/static/")
		a := &asset{body: b}
		if strings.HasSuffix(name, ".gz") {
			name, a.gzipped = strings.TrimSuffix(name, ".gz"), true
		}
		a.ctype = mime.TypeByExtension(path.Ext(name))
		switch path.Ext(name) {
		case ".js", ".mjs":
			a.ctype = "text/javascript; charset=utf-8"
		case ".wasm":
			a.ctype = "application/wasm"
		case ".webmanifest":
			a.ctype = "application/manifest+json"
		case ".svg":
			a.ctype = "image/svg+xml"
		}
		h := sha256.Sum256(b)
		a.url = "/assets/" + hex.EncodeToString(h[:6]) + "/" + name
		assets[name] = a
		return nil
	})
}

// AssetURL returns the versioned URL of a static file (ui/static/<name>); an unknown
// name panics, so a template naming a missing file fails its test.
func AssetURL(name string) string {
	a, ok := assets[name]
	if !ok {
		panic("web: no asset " + name)
	}
	return a.url
}

// AssetURLs maps every asset's name to its URL (for the scripts' import map).
func AssetURLs() map[string]string {
	m := make(map[string]string, len(assets))
	for n, a := range assets {
		m[n] = a.url
	}
	return m
}

// ServeAsset serves GET /assets/{hash}/{name...}. A stale hash still gets the current
// file, without the long cache life.
func ServeAsset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	a, ok := assets[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	SecurityHeaders(w)
	w.Header().Set("Content-Type", a.ctype)
	if r.URL.Path == a.url {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Set("Vary", "Accept-Encoding")
	body := a.body
	if a.gzipped {
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			w.Header().Set("Content-Encoding", "gzip")
		} else {
			zr, err := gzip.NewReader(bytes.NewReader(a.body))
			if err != nil {
				http.Error(w, "bad asset", http.StatusInternalServerError)
				return
			}
			body, _ = io.ReadAll(zr)
		}
	}
	w.Write(body)
}
