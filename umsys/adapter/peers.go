package adapter

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/translate"
)

// Active-active consumption (Config.Peers): several umli instances subscribe to the same
// ESL/AMI feed, JSON-lines sender or webhook and each translates every event it sees with
// the same deterministic translator. Every record carries a claim, the platform event's
// identity plus the record's index among the event's outputs, and mediation numbers and
// delivers only the first instance's copy (mediation/session claim.go): the claim is taken
// in the numbering script itself.
//
// Event identity: FreeSWITCH Core-UUID + Event-Sequence; JSON (JSON lines and webhook) the
// event's "id" field; CUNI the mailboxId + USN; otherwise (Asterisk, JSON without id) a SHA-256 of the event's bytes, which for AMI
// needs timestampevents=yes so that two identical events differ in their Timestamp.
//
// A late-joining (restarted) instance must not emit a different inference for a call it saw
// only partly: the gate (warmGate) passes a call's records only when this instance saw the
// call open, so its peers deliver calls begun before it joined. What remains is inference
// from state shared between calls (a MessageWaiting routed to a mailbox's open TUI
// session): for PeerWarmup after start the adapter also leaves session-less records to its
// peers. A call's ending is claimed by the call (claimEndings), so a peer ending it on idle
// expiry and another on a late event deliver one ending. All of this holds only for the
// broadcast feeds (ESL, AMI); see broadcastFeed.

// DefaultPeerWarmup is how long a starting instance leaves session-less records to peers.
const DefaultPeerWarmup = time.Minute

// claimBase returns the identity of e for claims: a fixed-length digest, so no platform
// value is stored in a Redis key name.
func claimBase(e *feed.Event) string {
	h := sha256.New()
	h.Write([]byte(e.Dialect))
	h.Write([]byte{0})
	h.Write([]byte(e.Source))
	h.Write([]byte{0})
	core, okc := e.Get("Core-UUID")
	seq, oks := e.Get("Event-Sequence")
	id, oki := e.Get("id")
	switch {
	case e.Dialect == feed.FreeSWITCH && okc && oks && core != "" && seq != "":
		h.Write([]byte("fs\x00" + core + "\x00" + seq))
	case e.Dialect == feed.JSON && oki && id != "":
		h.Write([]byte("id\x00" + id))
	case e.Dialect == feed.CUNI && usnOK(e):
		// CUNI sends each subscription its own notification (its own subscription
		// identity in the body); the mailbox and its update sequence number name the change.
		box, _ := e.Get("mailboxId")
		usn, _ := e.Get("USN")
		h.Write([]byte("usn\x00" + box + "\x00" + usn))
	case len(e.Raw) > 0:
		h.Write([]byte("raw\x00"))
		h.Write(e.Raw)
	default:
		h.Write([]byte("hdr\x00"))
		for i := 0; i < e.Len(); i++ {
			hd := e.Header(i)
			h.Write([]byte(hd.Name + "\x00" + hd.Value + "\x00"))
		}
		h.Write(e.Body)
	}
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0])[:16])
}

// usnOK reports whether a CUNI event carries its mailbox and USN.
func usnOK(e *feed.Event) bool {
	box, okb := e.Get("mailboxId")
	usn, oku := e.Get("USN")
	return okb && oku && box != "" && usn != ""
}

// claimEvent gives the outputs of one event their claims: base:index, except a call's
// ending (see claimEndings).
func claimEvent(outs []translate.Output, base string, dialect feed.Dialect) {
	for i := range outs {
		outs[i].Record.Claim = base + ":" + strconv.Itoa(i)
	}
	claimEndings(outs, dialect)
}

// claimExpired gives the outputs of an idle expiry their claims. Peers expire a call at
// different moments, so the claim names the call, not the tick: x:<source>:<key>:<n>.
func claimExpired(outs []translate.Output, dialect feed.Dialect) {
	n := map[string]int{}
	for i := range outs {
		r := &outs[i].Record
		k := callClaim(dialect, r)
		r.Claim = k + ":" + strconv.Itoa(n[k])
		n[k]++
	}
	claimEndings(outs, dialect)
}

// broadcastFeed tells whether every peer sees every event of dialect d: an ESL or AMI
// event socket each instance subscribes to itself. JSON lines, webhooks and the CUNI
// Notifier hand each event to one instance only (a sender spreading lines, a load
// balancer), so the instance that got it is the only one that can deliver it: leaving
// it to peers during warm-up would lose it after it was acknowledged.
func broadcastFeed(d feed.Dialect) bool {
	return d == feed.FreeSWITCH || d == feed.Asterisk
}

// callClaim names the call of r across instances.
func callClaim(dialect feed.Dialect, r *record.Record) string {
	h := sha256.Sum256([]byte(string(dialect) + "\x00" + r.Source + "\x00" + r.CorrelationKey))
	return "x" + hex.EncodeToString(h[:16])
}

// claimEndings names a call's ending alike however it came about: the Close record of a
// call and the records of the same call just before it in one batch (what finalising
// settles: an interrupted playback, unconfirmed key presses, a slamdown) are claimed by
// the call and their distance from the Close (x<call>:e0 is the Close). One peer may end
// a call on idle expiry while another ends it on a late hang-up event: the claims are the
// same, so the LEMF gets one ending, never two.
func claimEndings(outs []translate.Output, dialect feed.Dialect) {
	for i := range outs {
		r := &outs[i].Record
		if r.Boundary != record.Close || r.CorrelationKey == "" {
			continue
		}
		call := callClaim(dialect, r)
		d := 0
		for j := i; j >= 0; j-- {
			o := &outs[j].Record
			if o.CorrelationKey != r.CorrelationKey || o.Source != r.Source || (j < i && o.Boundary != record.Continue) {
				break
			}
			o.Claim = call + ":e" + strconv.Itoa(d)
			d++
		}
	}
}

// warmGate decides which records an instance leaves to its peers; guarded by the
// dialect's lock. A call's records (Continue/Close under a correlation key) pass only when
// this instance saw the call open, always: an instance that joined mid-call would infer
// its tail differently (without the caller, the box, the menu state), and a peer that
// saw it whole delivers it. Session-less records pass once PeerWarmup has elapsed. On a
// point-to-point feed (not broadcast) the gate passes everything: the instance that got
// an event is the only one that can deliver it.
type warmGate struct {
	broadcast bool // the gate applies (see broadcastFeed)
	until     time.Time
	opened    map[string]time.Time // correlation keys of calls opened since start, last seen
}

// filter drops the outputs a peer may infer differently.
func (g *warmGate) filter(outs []translate.Output, now time.Time) (kept []translate.Output, dropped int) {
	if !g.broadcast {
		return outs, 0
	}
	if g.opened == nil {
		g.opened = map[string]time.Time{}
	}
	warming := !g.until.IsZero() && now.Before(g.until)
	kept = outs[:0]
	for _, o := range outs {
		r := &o.Record
		if r.Boundary == record.Open && r.CorrelationKey != "" {
			g.opened[r.CorrelationKey] = now
		}
		var pass bool
		switch {
		case r.CorrelationKey != "" && r.Boundary != record.Standalone:
			_, pass = g.opened[r.CorrelationKey]
			if pass {
				g.opened[r.CorrelationKey] = now
			}
		default:
			pass = !warming
		}
		if r.Boundary == record.Close {
			delete(g.opened, r.CorrelationKey)
		}
		if pass {
			kept = append(kept, o)
			continue
		}
		dropped++
	}
	return kept, dropped
}

// forget drops the calls of expired outputs and, as a bound, calls not seen for idle.
func (g *warmGate) forget(outs []translate.Output, now time.Time, idle time.Duration) {
	for i := range outs {
		if r := &outs[i].Record; r.Boundary == record.Close {
			delete(g.opened, r.CorrelationKey)
		}
	}
	for k, t := range g.opened {
		if now.Sub(t) > idle {
			delete(g.opened, k)
		}
	}
}

// setupPeers arms the warm-up and its metric when Peers is set.
func (a *Adapter) setupPeers() error {
	if !a.cfg.Peers {
		return nil
	}
	w := a.cfg.PeerWarmup
	if w == 0 {
		w = DefaultPeerWarmup
	}
	until := time.Now().Add(w)
	for d, l := range a.tr {
		if !broadcastFeed(d) {
			continue
		}
		l.gate.broadcast = true
		if w > 0 {
			l.gate.until = until
		}
	}
	a.deferred = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "umli_umsys_peer_deferred_total",
		Help: "Records a warming-up instance left to its peers (calls whose start it did not see, session-less inference).",
	})
	if a.cfg.Registry != nil {
		if err := a.cfg.Registry.Register(a.deferred); err != nil {
			return fmt.Errorf("adapter metrics: %w", err)
		}
	}
	return nil
}

// claimAndGate claims the outputs of e (before the gate, so the index is the same on every
// instance) and drops what a warming instance leaves to its peers. Called under l.mu.
func (a *Adapter) claimAndGate(l *locked, outs []translate.Output, e *feed.Event) []translate.Output {
	if len(outs) == 0 {
		return outs
	}
	claimEvent(outs, claimBase(e), e.Dialect)
	kept, dropped := l.gate.filter(outs, time.Now())
	if dropped > 0 {
		a.deferred.Add(float64(dropped))
	}
	return kept
}

// chunkClaim names content chunk seq of a claimed record.
func chunkClaim(base string, seq uint32) string {
	if base == "" {
		return ""
	}
	return base + ":c" + strconv.FormatUint(uint64(seq), 10)
}
