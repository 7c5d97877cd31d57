package translate

import (
	"time"

	"github.com/umli/umli/umsys/feed"
)

// calls is what the call-following translators (Asterisk, FreeSWITCH) share: the
// configuration, the bounded session table, which session each mailbox's
// channel-less events join, and umli's clock for the event being translated.
type calls[S any] struct {
	cfg      Config
	sessions *table[S]
	// boxes maps a mailbox to the table key of the latest session acting on it, so
	// events without a channel (MWI) join that session's sequence.
	boxes map[string]string
	// seen is umli's clock for the event being translated: idle expiry runs on it,
	// not on the platform's clock, which may be off.
	seen time.Time
}

func newCalls[S any](cfg Config) calls[S] {
	return calls[S]{cfg: cfg, sessions: newTable[S](cfg.MaxSessions, cfg.IdleTimeout), boxes: make(map[string]string)}
}

// Sessions is the number of calls currently tracked.
func (c *calls[S]) Sessions() int { return c.sessions.len() }

// begin sets the clock for e, whose platform time is at (umli's receipt time
// when known), and returns the system ID to report: the configured one, else
// platform's own name for itself.
func (c *calls[S]) begin(e *feed.Event, at time.Time, platform string) string {
	c.seen = e.Received
	if c.seen.IsZero() {
		c.seen = at
	}
	if c.cfg.SystemID != "" {
		return c.cfg.SystemID
	}
	return platform
}

// claimBox makes the session of key the one box's channel-less events join. A
// caller depositing (tui false) does not take the box from the owner's open TUI
// session (inTUI), which needs its events to account for the deposit.
func (c *calls[S]) claimBox(box, key string, tui bool, inTUI func(*S) bool) {
	if cur := c.boxes[box]; cur != "" && cur != key && !tui {
		if o := c.sessions.peek(cur); o != nil && inTUI(o) {
			return
		}
	}
	c.boxes[box] = key
}

// releaseBox forgets box's session when it is key's, as that session ends.
func (c *calls[S]) releaseBox(box, key string) {
	if c.boxes[box] == key {
		delete(c.boxes, box)
	}
}
