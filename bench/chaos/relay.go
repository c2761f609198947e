package main

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// copier runs device-to-device copy sessions through the relay until end, the two
// devices talking to random nodes: open, claim, reveal, send, outcome, delete. The
// payload is random bytes standing for the end-to-end ciphertext (the relay only stores
// and forwards it); what each side receives must be exactly what the other sent.
//
// Each copy's two devices are new clients: the receiver and the sender dial from two
// addresses of 127.0.1.0/24, taken in turn, as phones on different networks would (the
// relay limits the sessions one address opens, and the attackers' addresses are others).
func (h *harness) copier(end time.Time) {
	ctx := context.Background()
	for time.Now().Before(end) {
		t0 := time.Now()
		err := h.copyOnce(ctx, h.deviceClient(), h.deviceClient())
		h.st.op("relay copy", t0, err == nil)
		if err != nil {
			h.st.fail("copy: " + err.Error())
			h.st.mu.Lock()
			h.st.copiesFailed++
			h.st.mu.Unlock()
			time.Sleep(200 * time.Millisecond)
			continue
		}
		h.st.mu.Lock()
		h.st.copies++
		h.st.mu.Unlock()
		time.Sleep(250 * time.Millisecond) // a copy is a rare act: leave the CPU to issuance
	}
}

// relayStep sends one relay request, resending it after a network error or a
// 502/503/504 for up to 20 s (every step but the claim is safe to repeat; a repeated
// claim whose first answer was lost finds the code used up, which counts as a failure).
func (h *harness) relayStep(ctx context.Context, c *http.Client, step, method, path, token string, req, resp any) error {
	var body []byte
	if req != nil {
		body, _ = json.Marshal(req)
	}
	start := time.Now()
	for {
		status, rb, err := h.do(ctx, c, method, h.randomNode().url()+path, token, body)
		if err == nil && status >= 200 && status < 300 {
			if resp != nil {
				if err := json.Unmarshal(rb, resp); err != nil {
					return fmt.Errorf("%s: bad answer", step)
				}
			}
			return nil
		}
		if !retryable(err, status) || status == 429 || time.Since(start) > 20*time.Second {
			return fmt.Errorf("%s: %s", step, classify(err, status, rb))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

type relayView struct {
	State       string `json:"state"`
	ReceiverKey []byte `json:"receiverKey"`
	SenderKey   []byte `json:"senderKey"`
	Ciphertext  []byte `json:"ciphertext"`
	Outcome     []byte `json:"outcome"`
}

// waitState polls the session every 100 ms until want holds.
func (h *harness) waitState(ctx context.Context, c *http.Client, step, id, token string, want func(relayView) bool) (relayView, error) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var v relayView
		if err := h.relayStep(ctx, c, step, "GET", "/api/v1/relay/sessions/"+id, token, nil, &v); err != nil {
			return v, err
		}
		if want(v) {
			return v, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return relayView{}, fmt.Errorf("%s: timed out", step)
}

func (h *harness) copyOnce(ctx context.Context, recv, send *http.Client) error {
	kR, _ := ecdh.X25519().GenerateKey(rand.Reader)
	kS, _ := ecdh.X25519().GenerateKey(rand.Reader)
	pubR, pubS := kR.PublicKey().Bytes(), kS.PublicKey().Bytes()
	commit := sha256.Sum256(pubR)
	var opened struct {
		ID, Token, Code string
	}
	if err := h.relayStep(ctx, recv, "open", "POST", "/api/v1/relay/sessions", "", map[string]any{"commitment": commit[:]}, &opened); err != nil {
		return err
	}
	var claimed struct {
		ID, Token  string
		Commitment []byte
	}
	if err := h.relayStep(ctx, send, "claim", "POST", "/api/v1/relay/claims", "", map[string]any{"code": opened.Code, "publicKey": pubS}, &claimed); err != nil {
		return err
	}
	if claimed.ID != opened.ID || !bytes.Equal(claimed.Commitment, commit[:]) {
		h.corrupt("the claim names another session or commitment")
		return fmt.Errorf("claim: wrong session")
	}
	sess := "/api/v1/relay/sessions/" + opened.ID
	v, err := h.waitState(ctx, recv, "receiver waits for the claim", opened.ID, opened.Token, func(v relayView) bool { return len(v.SenderKey) > 0 })
	if err != nil {
		return err
	}
	if !bytes.Equal(v.SenderKey, pubS) {
		h.corrupt("the receiver saw another sender key")
	}
	if err := h.relayStep(ctx, recv, "reveal", "PUT", sess+"/receiver-key", opened.Token, map[string]any{"publicKey": pubR}, nil); err != nil {
		return err
	}
	v, err = h.waitState(ctx, send, "sender waits for the reveal", opened.ID, claimed.Token, func(v relayView) bool { return len(v.ReceiverKey) > 0 })
	if err != nil {
		return err
	}
	if !bytes.Equal(v.ReceiverKey, pubR) {
		h.corrupt("the sender saw another receiver key")
	}
	payload := make([]byte, 3000)
	rand.Read(payload)
	if err := h.relayStep(ctx, send, "send", "PUT", sess+"/payload", claimed.Token, map[string]any{"ciphertext": payload}, nil); err != nil {
		return err
	}
	v, err = h.waitState(ctx, recv, "receiver waits for the payload", opened.ID, opened.Token, func(v relayView) bool { return len(v.Ciphertext) > 0 })
	if err != nil {
		return err
	}
	if !bytes.Equal(v.Ciphertext, payload) {
		h.corrupt("the receiver got other bytes than were sent")
	}
	outcome := make([]byte, 100)
	rand.Read(outcome)
	if err := h.relayStep(ctx, recv, "outcome", "PUT", sess+"/outcome", opened.Token, map[string]any{"ciphertext": outcome}, nil); err != nil {
		return err
	}
	v, err = h.waitState(ctx, send, "sender waits for the outcome", opened.ID, claimed.Token, func(v relayView) bool { return len(v.Outcome) > 0 })
	if err != nil {
		return err
	}
	if !bytes.Equal(v.Outcome, outcome) {
		h.corrupt("the sender got another outcome than the receiver stored")
	}
	return h.relayStep(ctx, send, "delete", "DELETE", sess, claimed.Token, nil, nil)
}

// deviceClient is the client of a new device: the next address of 127.0.1.0/24.
func (h *harness) deviceClient() *http.Client {
	n := h.devices.Add(1)
	src := fmt.Sprintf("127.0.1.%d", 1+(n-1)%254)
	if c, ok := h.deviceClients.Load(src); ok {
		return c.(*http.Client)
	}
	c, _ := h.deviceClients.LoadOrStore(src, sourceClient(src, 4))
	return c.(*http.Client)
}

func (h *harness) corrupt(what string) {
	h.st.mu.Lock()
	h.st.copyCorrupt = append(h.st.copyCorrupt, what)
	h.st.mu.Unlock()
}
