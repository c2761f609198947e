package client

import (
	"context"
	"net/url"
	"strconv"
	"time"
)

// The copy relay (internal/relay's package doc has the protocol). These calls move
// bytes; the end-to-end cryptography is the caller's.

// RelayOpened is a new session as the receiver sees it.
type RelayOpened struct {
	ID        string    `json:"id"`
	Token     string    `json:"token"`
	Code      string    `json:"code"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// RelayClaimed is the sender's answer to a good code.
type RelayClaimed struct {
	ID         string    `json:"id"`
	Token      string    `json:"token"`
	Commitment []byte    `json:"commitment"`
	ExpiresAt  time.Time `json:"expiresAt"`
}

// RelayView is a session's state as one party sees it.
type RelayView struct {
	State       string    `json:"state"` // open, claimed, revealed, sent, done, locked
	Commitment  []byte    `json:"commitment"`
	ReceiverKey []byte    `json:"receiverKey"`
	SenderKey   []byte    `json:"senderKey"`
	Ciphertext  []byte    `json:"ciphertext"`
	Outcome     []byte    `json:"outcome"` // the receiver's, to the sender, once done
	ExpiresAt   time.Time `json:"expiresAt"`
}

// OpenRelay opens a session with the receiver's commitment (SHA-256 of its public key).
func (c *Client) OpenRelay(ctx context.Context, commitment []byte) (*RelayOpened, error) {
	var out RelayOpened
	err := c.do(ctx, "POST", "/api/v1/relay/sessions", "", map[string]any{"commitment": commitment}, &out)
	return &out, err
}

// ClaimRelay redeems a code with the sender's public key.
func (c *Client) ClaimRelay(ctx context.Context, code string, publicKey []byte) (*RelayClaimed, error) {
	var out RelayClaimed
	err := c.do(ctx, "POST", "/api/v1/relay/claims", "", map[string]any{"code": code, "publicKey": publicKey}, &out)
	return &out, err
}

// RelayStatus returns the session's state; with wait > 0 the server holds the answer
// (up to 25 s) until the state is no longer after.
func (c *Client) RelayStatus(ctx context.Context, id, token, after string, wait time.Duration) (*RelayView, error) {
	q := url.Values{}
	if wait > 0 {
		q.Set("wait", strconv.Itoa(int(wait/time.Second)))
		q.Set("after", after)
	}
	path := "/api/v1/relay/sessions/" + url.PathEscape(id)
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var out RelayView
	err := c.do(ctx, "GET", path, token, nil, &out)
	return &out, err
}

// RevealRelayKey gives the receiver's public key (checked against its commitment).
func (c *Client) RevealRelayKey(ctx context.Context, id, token string, publicKey []byte) error {
	return c.do(ctx, "PUT", "/api/v1/relay/sessions/"+url.PathEscape(id)+"/receiver-key", token,
		map[string]any{"publicKey": publicKey}, nil)
}

// SendRelayPayload puts the sender's ciphertext.
func (c *Client) SendRelayPayload(ctx context.Context, id, token string, ciphertext []byte) error {
	return c.do(ctx, "PUT", "/api/v1/relay/sessions/"+url.PathEscape(id)+"/payload", token,
		map[string]any{"ciphertext": ciphertext}, nil)
}

// SendRelayOutcome puts the receiver's encrypted outcome (after the payload). A server
// older than the outcome answers 404 or 405: a *Problem.
func (c *Client) SendRelayOutcome(ctx context.Context, id, token string, ciphertext []byte) error {
	return c.do(ctx, "PUT", "/api/v1/relay/sessions/"+url.PathEscape(id)+"/outcome", token,
		map[string]any{"ciphertext": ciphertext}, nil)
}

// DeleteRelay ends a session (done or cancelled).
func (c *Client) DeleteRelay(ctx context.Context, id, token string) error {
	return c.do(ctx, "DELETE", "/api/v1/relay/sessions/"+url.PathEscape(id), token, nil, nil)
}

// WaitRelay long-polls until the session leaves state after or ctx ends.
func (c *Client) WaitRelay(ctx context.Context, id, token, after string) (*RelayView, error) {
	for {
		v, err := c.RelayStatus(ctx, id, token, after, 20*time.Second)
		if err != nil || v.State != after {
			return v, err
		}
		if err := ctx.Err(); err != nil {
			return v, err
		}
	}
}
