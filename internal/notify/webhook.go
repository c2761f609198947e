package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// Webhook sends text messages by POSTing JSON {"to", "text", "institution"} to an SMS
// provider's HTTP endpoint; any 2xx answer means accepted. Token, when set, is sent as
// a Bearer token.
type Webhook struct {
	URL    string
	Token  string
	Client *http.Client // default: http.DefaultClient
}

type webhookBody struct {
	To          string `json:"to"`
	Text        string `json:"text"`
	Institution string `json:"institution,omitempty"`
}

// Send implements Notifier for the sms channel.
func (w *Webhook) Send(ctx context.Context, m Message) error {
	if m.Channel != SMS {
		return fmt.Errorf("notify: sms webhook: channel %s is not sms", m.Channel)
	}
	b, _ := json.Marshal(webhookBody{To: m.To, Text: m.Body, Institution: m.Institution})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("notify: sms webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if w.Token != "" {
		req.Header.Set("Authorization", "Bearer "+w.Token)
	}
	c := w.Client
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("notify: sms webhook: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("notify: sms webhook: the provider answered %s", resp.Status)
	}
	return nil
}
