package jsonfeed

import (
	"encoding/json"
	"errors"
	"io"
	"sync"

	"github.com/umli/umli/umsys/adapter"
	"github.com/umli/umli/umsys/feed"
)

// Per-line acknowledgement (optional). A sender that wants to know a line is safe asks with
// a top-level "ack": true and names the line with a top-level "id" (a string, unique per
// event; umli also uses it as the event's identity, so a resent line is delivered once).
// Once the line's records are in the durable handover queue umli answers on the same
// connection with one line
//
//	{"ack":"<id>"}
//
// or, when the event can be read but not translated (resending cannot help),
//
//	{"ack":"<id>","error":"invalid event"}
//
// A line without "ack": true is handled as before and never answered. A line that is not a
// JSON object, or asks for ack without an id, is never acknowledged. Acknowledgements come
// in line order. A sender keeps every line until its ack and resends the unacknowledged
// ones, in order, after reconnecting (to this or a peer instance).

// ackRequest returns the line's id when it asks to be acknowledged.
func ackRequest(hs []feed.Header) (id string, ok bool) {
	var ask bool
	for _, h := range hs {
		switch h.Name {
		case "ack":
			ask = h.Value == "true"
		case "id":
			id = h.Value
		}
	}
	return id, ask && id != ""
}

// acker writes acknowledgements to one connection; nil when the connection has no
// writer (serveReader over a plain reader).
type acker struct {
	mu sync.Mutex
	w  io.Writer
}

type ackLine struct {
	Ack   string `json:"ack"`
	Error string `json:"error,omitempty"`
}

// send writes the acknowledgement of id; invalid marks an event that could not be
// translated. A write error is returned (the sender resends what it did not see acked).
func (a *acker) send(id string, invalid bool) error {
	if a == nil || a.w == nil {
		return nil
	}
	l := ackLine{Ack: id}
	if invalid {
		l.Error = "invalid event"
	}
	b, err := json.Marshal(l)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	_, err = a.w.Write(append(b, '\n'))
	return err
}

// handleAcked hands an event that asked for acknowledgement to the durable handler (the
// ack promises durability) and acknowledges it. It returns the handler's error, if any;
// then nothing is acknowledged.
func (s *LineServer) handleAcked(ev *feed.Event, id string, a *acker) error {
	h := s.cfg.Durable
	if h == nil {
		h = s.h
	}
	err := h(ev)
	if err != nil && !errors.Is(err, adapter.ErrInvalidEvent) {
		return err
	}
	if werr := a.send(id, err != nil); werr != nil {
		return werr
	}
	return err
}
