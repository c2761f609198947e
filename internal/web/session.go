package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/certcenter/certcenter/internal/model"
	"github.com/certcenter/certcenter/internal/sealer"
	"github.com/certcenter/certcenter/internal/store"
)

// SessionStore is what sessions need from storage. WebSession returns store.ErrNotFound
// for a missing or idle-expired session; TouchWebSession returns it for one that expired
// before the touch (an idle session is never revived).
type SessionStore interface {
	CreateWebSession(ctx context.Context, s model.WebSession) error
	WebSession(ctx context.Context, tokenHash []byte, now time.Time) (model.WebSession, error)
	TouchWebSession(ctx context.Context, tokenHash, data []byte, seen, expires time.Time) error
	DeleteWebSession(ctx context.Context, tokenHash []byte) error
	DeleteExpiredWebSessions(ctx context.Context, now time.Time) (int64, error)
}

// IdleTimeout is how long a session lives without a request: Korean banks' web sites
// log out after 10 minutes of inactivity, with a visible countdown and a button to extend.
const IdleTimeout = 10 * time.Minute

// Sessions issues and finds browser sessions of one kind ("center", "console").
type Sessions struct {
	st     SessionStore
	seal   *sealer.Sealer
	now    func() time.Time
	kind   string
	cookie string
	secure bool
	idle   time.Duration
}

// NewSessions returns the session manager for kind. secure sets the cookie's Secure
// attribute (the server is reached over TLS).
func NewSessions(st SessionStore, seal *sealer.Sealer, now func() time.Time, kind string, secure bool) *Sessions {
	name := "cc_" + kind
	if secure {
		// The __Host- prefix pins the cookie to this host, path / and Secure.
		name = "__Host-" + name
	}
	return &Sessions{st: st, seal: seal, now: now, kind: kind, cookie: name, secure: secure, idle: IdleTimeout}
}

// Session is one browser's session. Values are sealed at rest; CSRF is the token every
// state-changing request must carry.
type Session struct {
	hash      []byte
	CSRF      string
	ExpiresAt time.Time
	values    map[string]string
	changed   bool
}

// Get returns a value ("" when unset).
func (s *Session) Get(k string) string { return s.values[k] }

// Set stores a value; "" deletes it.
func (s *Session) Set(k, v string) {
	if s.values[k] == v {
		return
	}
	if v == "" {
		delete(s.values, k)
	} else {
		s.values[k] = v
	}
	s.changed = true
}

// Clear forgets every value (the CSRF token stays).
func (s *Session) Clear() {
	if len(s.values) > 0 {
		s.values, s.changed = map[string]string{}, true
	}
}

func token() (raw string, hash []byte) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	raw = base64.RawURLEncoding.EncodeToString(b)
	h := sha256.Sum256([]byte(raw))
	return raw, h[:]
}

func (m *Sessions) binding(hash []byte) string { return m.kind + ":" + hex.EncodeToString(hash) }

// Load returns the request's live session, or nil when it has none (no cookie, an
// unknown token, or idle past IdleTimeout).
func (m *Sessions) Load(r *http.Request) (*Session, error) {
	c, err := r.Cookie(m.cookie)
	if err != nil || c.Value == "" || len(c.Value) > 64 {
		return nil, nil
	}
	h := sha256.Sum256([]byte(c.Value))
	ws, err := m.st.WebSession(r.Context(), h[:], m.now())
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if ws.Kind != m.kind {
		return nil, nil
	}
	s := &Session{hash: ws.TokenHash, CSRF: ws.CSRF, ExpiresAt: ws.ExpiresAt, values: map[string]string{}}
	if len(ws.Data) > 0 {
		pt, err := m.seal.Open("web-session", m.binding(ws.TokenHash), ws.Data)
		if err != nil {
			return nil, fmt.Errorf("web: open session data: %w", err)
		}
		if err := json.Unmarshal(pt, &s.values); err != nil {
			return nil, fmt.Errorf("web: session data: %w", err)
		}
	}
	return s, nil
}

// Start creates a new session and sets its cookie.
func (m *Sessions) Start(w http.ResponseWriter, r *http.Request) (*Session, error) {
	raw, hash := token()
	csrf, _ := token()
	now := m.now()
	s := &Session{hash: hash, CSRF: csrf, ExpiresAt: now.Add(m.idle), values: map[string]string{}}
	if err := m.st.CreateWebSession(r.Context(), model.WebSession{TokenHash: hash, Kind: m.kind, CSRF: csrf,
		CreatedAt: now, SeenAt: now, ExpiresAt: s.ExpiresAt}); err != nil {
		return nil, err
	}
	http.SetCookie(w, &http.Cookie{Name: m.cookie, Value: raw, Path: "/", HttpOnly: true, Secure: m.secure,
		SameSite: http.SameSiteStrictMode})
	return s, nil
}

// Save records the request as activity (extending the idle deadline) and writes
// changed values. A session that went idle meanwhile is store.ErrNotFound.
func (m *Sessions) Save(ctx context.Context, s *Session) error {
	now := m.now()
	var data []byte
	if s.changed {
		pt, _ := json.Marshal(s.values)
		var err error
		if data, err = m.seal.Seal("web-session", m.binding(s.hash), pt); err != nil {
			return err
		}
	}
	if err := m.st.TouchWebSession(ctx, s.hash, data, now, now.Add(m.idle)); err != nil {
		return err
	}
	s.changed, s.ExpiresAt = false, now.Add(m.idle)
	return nil
}

// End deletes the session and its cookie.
func (m *Sessions) End(w http.ResponseWriter, r *http.Request, s *Session) error {
	http.SetCookie(w, &http.Cookie{Name: m.cookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: m.secure,
		SameSite: http.SameSiteStrictMode})
	if s == nil {
		return nil
	}
	return m.st.DeleteWebSession(r.Context(), s.hash)
}

// Sweep deletes idle sessions; the server runs it now and then.
func (m *Sessions) Sweep(ctx context.Context) (int64, error) {
	return m.st.DeleteExpiredWebSessions(ctx, m.now())
}
