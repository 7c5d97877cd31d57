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
// Event identity: FreeSWITCH Core-UUID + Event-Sequence; JSON the event's "id" field;
// otherwise (Asterisk, JSON without id, CUNI) a SHA-256 of the event's bytes, which for AMI
// needs timestampevents=yes so that two identical events differ in their Timestamp.
//
// A late-joining (restarted) instance must not emit a different inference for a call it saw
// only partly. The translators open a call's state only on the event that starts the
// voicemail application (CHANNEL_EXECUTE voicemail, Newexten VoiceMail/VoiceMailMain), so an
// instance never follows a call whose start it did not see; its peers deliver that call.
// What remains is inference from state shared between calls (a MessageWaiting routed to a
// mailbox's open TUI session): for PeerWarmup after start the adapter emits only records of
// calls it saw open itself and leaves everything else to its peers. That holds only for the
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

// claimEvent gives the outputs of one event their claims: base:index.
func claimEvent(outs []translate.Output, base string) {
	for i := range outs {
		outs[i].Record.Claim = base + ":" + strconv.Itoa(i)
	}
}

// claimExpired gives the outputs of an idle expiry their claims. Peers expire a call at
// different moments, so the claim names the call, not the tick: x:<source>:<key>:<n>.
func claimExpired(outs []translate.Output, dialect feed.Dialect) {
	n := map[string]int{}
	for i := range outs {
		r := &outs[i].Record
		k := string(dialect) + "\x00" + r.Source + "\x00" + r.CorrelationKey
		h := sha256.Sum256([]byte(k))
		r.Claim = "x" + hex.EncodeToString(h[:16]) + ":" + strconv.Itoa(n[k])
		n[k]++
	}
}

// broadcastFeed tells whether every peer sees every event of dialect d: an ESL or AMI
// event socket each instance subscribes to itself. JSON lines, webhooks and the CUNI
// Notifier hand each event to one instance only (a sender spreading lines, a load
// balancer), so the instance that got it is the only one that can deliver it: leaving
// it to peers during warm-up would lose it after it was acknowledged.
func broadcastFeed(d feed.Dialect) bool {
	return d == feed.FreeSWITCH || d == feed.Asterisk
}

// warmGate keeps, for PeerWarmup after start, only records of calls this instance saw
// open; guarded by the dialect's lock.
type warmGate struct {
	until  time.Time
	opened map[string]bool // correlation keys opened since start
}

// filter drops, while warming up, the outputs a peer may infer differently.
func (g *warmGate) filter(outs []translate.Output, now time.Time) (kept []translate.Output, dropped int) {
	if g.until.IsZero() || !now.Before(g.until) {
		g.opened = nil
		return outs, 0
	}
	if g.opened == nil {
		g.opened = map[string]bool{}
	}
	kept = outs[:0]
	for _, o := range outs {
		r := &o.Record
		if r.Boundary == record.Open && r.CorrelationKey != "" {
			g.opened[r.CorrelationKey] = true
		}
		if r.CorrelationKey != "" && g.opened[r.CorrelationKey] && r.Boundary != record.Standalone {
			kept = append(kept, o)
			continue
		}
		dropped++
	}
	return kept, dropped
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
	if w > 0 {
		until := time.Now().Add(w)
		for d, l := range a.tr {
			if broadcastFeed(d) {
				l.gate.until = until
			}
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
	claimEvent(outs, claimBase(e))
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
