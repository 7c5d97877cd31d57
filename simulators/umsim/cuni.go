package umsim

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/umli/umli/umsys/cuni"
)

// CUNINotifier plays Cisco Unity Connection's Notifier: every messageEvent of a
// transcript is POSTed as its own XML document to the subscription's callback URL,
// with HTTP Basic credentials as given at subscribe (CUNI guide, "Subscribing to and
// Processing Notification Events").
type CUNINotifier struct {
	// URL is the callback URL (http://host:port/path).
	URL string
	// User and Password are the callback credentials.
	User, Password string
	// Client sends the requests; nil uses a client with a 30 s timeout.
	Client *http.Client
}

// Post sends one messageEvent document and returns the HTTP status.
func (n *CUNINotifier) Post(ctx context.Context, doc []byte) (int, error) {
	c := n.Client
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.URL, bytes.NewReader(doc))
	if err != nil {
		return 0, fmt.Errorf("cuni notifier: %w", err)
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.SetBasicAuth(n.User, n.Password)
	resp, err := c.Do(req)
	if err != nil {
		return 0, fmt.Errorf("cuni notifier: POST: %w", err)
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// Play posts each messageEvent of transcript (XML documents back to back) in order,
// each with its own XML declaration. A non-2xx answer stops the play: the receiver
// did not take the event.
func (n *CUNINotifier) Play(ctx context.Context, transcript []byte) (int, error) {
	evs, err := cuni.Events(transcript, "umsim", time.Time{})
	if err != nil {
		return 0, err
	}
	for i, e := range evs {
		doc := append([]byte(`<?xml version="1.0" ?>`), e.Raw...)
		code, err := n.Post(ctx, doc)
		if err != nil {
			return i, err
		}
		if code/100 != 2 {
			return i, fmt.Errorf("cuni notifier: event %d: HTTP %d", i, code)
		}
	}
	return len(evs), nil
}

// CUMIServer serves message audio as Connection's CUMI REST interface does:
// GET /vmrest/messages/{MessageId}/attachments/0 with Basic credentials.
type CUMIServer struct {
	User, Password string
	// Audio maps a MessageId to its audio (audio/wav).
	Audio map[string][]byte
}

// ServeHTTP implements http.Handler.
func (s *CUMIServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Error(w, "GET only", http.StatusMethodNotAllowed)
		return
	}
	if s.Password != "" {
		u, p, ok := r.BasicAuth()
		if !ok || u != s.User || p != s.Password {
			w.Header().Set("WWW-Authenticate", `Basic realm="Cisco Unity Connection"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
	}
	id, ok := strings.CutPrefix(r.URL.Path, "/vmrest/messages/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	id, ok = strings.CutSuffix(id, "/attachments/0")
	audio, found := s.Audio[id]
	if !ok || !found {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "audio/wav")
	w.Write(audio)
}
