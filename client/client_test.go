package client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestNew(t *testing.T) {
	for _, u := range []string{"", "ftp://x", "http://", "localhost:8080"} {
		if _, err := New(u, nil); err == nil {
			t.Errorf("New(%q) = nil error", u)
		}
	}
	if _, err := New("https://cc.example/", nil); err != nil {
		t.Errorf("New(https) = %v", err)
	}
}

func TestErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept-Language") != "ko" {
			t.Errorf("Accept-Language = %q", r.Header.Get("Accept-Language"))
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`{"status":403,"code":"RELAY_CODE_INVALID","title":"복사 코드가 올바르지 않습니다."}`))
	}))
	c, _ := New(srv.URL, srv.Client())
	c.SetLanguage("ko")
	_, err := c.ClaimRelay(context.Background(), "123456789012", make([]byte, 32))
	var p *Problem
	if !errors.As(err, &p) || p.Status != 403 || !IsCode(err, "RELAY_CODE_INVALID") {
		t.Errorf("ClaimRelay() = %v, want a RELAY_CODE_INVALID problem", err)
	}
	srv.Close()
	_, err = c.OpenRelay(context.Background(), make([]byte, 32))
	var ne *NetError
	if !errors.As(err, &ne) {
		t.Errorf("OpenRelay(server down) = %v, want *NetError", err)
	}
}
