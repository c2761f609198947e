// Package client is the Go client of certcenter's HTTP API, used by certctl and by
// end-to-end tests. One file per resource; this one holds the transport and the error
// type. Server errors come back as *Problem (RFC 9457, with certcenter's stable code),
// so callers test them with errors.As and the Code field; a server that cannot be
// reached is a *NetError.
//
// client does no cryptography of its own and keeps no state between calls beyond the
// base URL and the http.Client.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client calls one certcenter server.
type Client struct {
	base string
	hc   *http.Client
	lang string
}

// New returns a client of the server at baseURL (http or https, no path needed).
// hc nil means a client with a 60-second timeout.
func New(baseURL string, hc *http.Client) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("client: server URL %q: want http(s)://host[:port]", baseURL)
	}
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	return &Client{base: u.String(), hc: hc}, nil
}

// SetLanguage asks the server for problem texts in lang ("ko" or "en").
func (c *Client) SetLanguage(lang string) { c.lang = lang }

// Problem is an error answer of the server.
type Problem struct {
	Status    int    `json:"status"`
	Code      string `json:"code"`
	Title     string `json:"title"`
	Detail    string `json:"detail"`
	Hint      string `json:"hint"`
	RequestID string `json:"requestId"`
}

func (p *Problem) Error() string {
	s := p.Title
	if s == "" {
		s = http.StatusText(p.Status)
	}
	if p.Code != "" {
		s += " (" + p.Code + ")"
	}
	return s
}

// NetError is a server that did not answer: down, unreachable, or timed out.
type NetError struct {
	URL string
	Err error
}

func (e *NetError) Error() string { return fmt.Sprintf("cannot reach %s: %v", e.URL, e.Err) }
func (e *NetError) Unwrap() error { return e.Err }

// maxAnswer bounds what is read of an answer.
const maxAnswer = 4 << 20

// do sends a JSON request (in nil: none) and decodes a JSON answer into out (nil:
// ignored). Non-2xx answers become *Problem.
func (c *Client) do(ctx context.Context, method, path, token string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &NetError{URL: c.base, Err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return &NetError{URL: c.base, Err: err}
	}
	if resp.StatusCode >= 300 {
		p := &Problem{Status: resp.StatusCode}
		if json.Unmarshal(raw, p) != nil || p.Code == "" {
			p.Title = fmt.Sprintf("HTTP %d from %s%s", resp.StatusCode, c.base, path)
		}
		return p
	}
	if out == nil || len(raw) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("client: %s %s: unreadable answer: %w", method, path, err)
	}
	return nil
}

// IsCode reports whether err is a *Problem with this code.
func IsCode(err error, code string) bool {
	var p *Problem
	return errors.As(err, &p) && p.Code == code
}
