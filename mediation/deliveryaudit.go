package mediation

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/rs/zerolog"

	"github.com/umli/umli/handover"
	"github.com/umli/umli/handover/x2x3"
	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/etsi"
)

// maxDeliveryRuns bounds the summaries held between flushes; reaching it flushes early.
const maxDeliveryRuns = 50_000

// DeliveryAudit turns the PDUs handover writes to LEMFs into audit Delivery entries: per
// (destination, HI, LIID, network element, CIN, IRI|CC) and period, the sequence-number
// range and counts. It reads only PS-PDU headers (etsi.PeekHeader) and never records
// content or target identities. Keep-alives are not summarized.
//
// Install puts its hook into a handover configuration; the hook only updates a map under
// a mutex, so the sender never waits for the audit file. Run writes the entries every
// interval on its own goroutine; Flush writes what is pending (call it once handover has
// stopped, so the last writes are recorded too).
type DeliveryAudit struct {
	log      *audit.Log
	zl       zerolog.Logger
	interval time.Duration
	now      func() time.Time
	kick     chan struct{}

	mu      sync.Mutex
	runs    map[deliveryKey]*deliveryRun
	unread  int   // PDUs whose header could not be read
	readErr error // the first such error, for the log

	flushMu sync.Mutex // one flush at a time keeps entries in period order
	entries atomic.Int64
}

// deliveryKey is one summarized sequence at one LEMF interface.
type deliveryKey struct {
	dest   string
	hi     handover.HI
	liid   string
	ne     string
	cin    uint32
	hasCIN bool
	kind   etsi.PayloadKind
}

// deliveryRun is what one period wrote of one deliveryKey.
type deliveryRun struct {
	first, last    uint32
	pdus, replayed int
	since          time.Time
}

// NewDeliveryAudit summarizes into l every interval (DefaultDeliveryInterval when
// interval <= 0).
func NewDeliveryAudit(l *audit.Log, log zerolog.Logger, interval time.Duration) (*DeliveryAudit, error) {
	if l == nil {
		return nil, errors.New("mediation: delivery audit: no audit log")
	}
	if interval <= 0 {
		interval = DefaultDeliveryInterval
	}
	return &DeliveryAudit{
		log: l, zl: log.With().Str("component", "delivery-audit").Logger(),
		interval: interval, now: time.Now, kick: make(chan struct{}, 1),
		runs: map[deliveryKey]*deliveryRun{},
	}, nil
}

// Install sets Destination.Written on every destination of hc (before handover.New).
func (a *DeliveryAudit) Install(hc *handover.Config) {
	for i := range hc.Destinations {
		d := &hc.Destinations[i]
		name, prev := d.Name, d.Written
		d.Written = func(hi handover.HI, pdu string, replayed bool) {
			a.written(name, hi, pdu, replayed)
			if prev != nil {
				prev(hi, pdu, replayed)
			}
		}
	}
}

// written records one PDU handover wrote to dest's hi connection.
func (a *DeliveryAudit) written(dest string, hi handover.HI, pdu string, replayed bool) {
	// PeekHeader only reads; the string's bytes are never written through this slice.
	b := unsafe.Slice(unsafe.StringData(pdu), len(pdu))
	// An x2x3 destination's PDU is a TS 103 221-2 PDU around the PS-PDU: its version
	// starts 0x00, a BER PS-PDU always 0x30 (SEQUENCE).
	if len(b) > 0 && b[0] == 0 {
		if p, err := x2x3.Parse(b); err == nil {
			b = p.Payload
		}
	}
	hs, err := etsi.PeekHeader(b)
	if err != nil {
		a.mu.Lock()
		a.unread++
		if a.readErr == nil {
			a.readErr = err
		}
		a.mu.Unlock()
		return
	}
	if hs.Kind == etsi.PayloadTRI {
		return
	}
	seq := hs.SequenceNumber
	// LIID and NE are substrings of pdu for the lookup; a new key gets its own copies so
	// the map never pins a PDU.
	k := deliveryKey{dest: dest, hi: hi, liid: alias(hs.LIID), ne: alias(hs.NetworkElement),
		cin: hs.CIN, hasCIN: hs.HasCIN, kind: hs.Kind}
	a.mu.Lock()
	r := a.runs[k]
	if r == nil {
		k.liid, k.ne = strings.Clone(k.liid), strings.Clone(k.ne)
		r = &deliveryRun{first: seq, last: seq, since: a.now()}
		a.runs[k] = r
		if len(a.runs) >= maxDeliveryRuns {
			select {
			case a.kick <- struct{}{}:
			default:
			}
		}
	} else {
		r.first, r.last = min(r.first, seq), max(r.last, seq)
	}
	if replayed {
		r.replayed++
	} else {
		r.pdus++
	}
	a.mu.Unlock()
}

// alias views b, a part of an immutable string, as a string without copying.
func alias(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// Run flushes every interval (and early when many sequences are pending) until ctx ends,
// then once more. Failures are logged; the summaries are kept for the next flush.
func (a *DeliveryAudit) Run(ctx context.Context) error {
	t := time.NewTicker(a.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			_ = a.Flush()
			return nil
		case <-t.C:
		case <-a.kick:
		}
		_ = a.Flush()
	}
}

// Entries is the number of Delivery entries written so far.
func (a *DeliveryAudit) Entries() int64 { return a.entries.Load() }

// Flush writes one Delivery entry per pending summary, in a stable order. Summaries that
// could not be written stay pending (merged with later writes) and the error is returned
// and logged.
func (a *DeliveryAudit) Flush() error {
	a.flushMu.Lock()
	defer a.flushMu.Unlock()
	a.mu.Lock()
	var runs map[deliveryKey]*deliveryRun
	if len(a.runs) > 0 {
		runs, a.runs = a.runs, make(map[deliveryKey]*deliveryRun, len(a.runs))
	}
	unread, readErr := a.unread, a.readErr
	a.unread, a.readErr = 0, nil
	a.mu.Unlock()
	if unread > 0 {
		// DecodeError names offsets and ASN.1 paths, never content.
		a.zl.Error().Err(readErr).Int("pdus", unread).Msg("delivered PDUs whose header could not be read are not in the audit log")
	}
	if len(runs) == 0 {
		return nil
	}
	keys := make([]deliveryKey, 0, len(runs))
	for k := range runs {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y deliveryKey) int {
		return cmp.Or(cmp.Compare(x.dest, y.dest), cmp.Compare(x.hi, y.hi), cmp.Compare(x.liid, y.liid),
			cmp.Compare(x.ne, y.ne), cmp.Compare(x.cin, y.cin), cmp.Compare(x.kind, y.kind))
	})
	for i, k := range keys {
		r := runs[k]
		_, err := a.log.Delivery(audit.DeliverySummary{
			LIID: k.liid, NetworkElement: k.ne, CIN: uint64(k.cin), HasCIN: k.hasCIN, FirstSeq: uint64(r.first), LastSeq: uint64(r.last),
			PDUs: r.pdus, Replayed: r.replayed, Kind: k.kind.String(), Destination: k.dest, HI: k.hi.String(), Since: r.since,
		})
		if err != nil {
			// The file is failing: keep this and the rest for the next attempt.
			a.requeue(keys[i:], runs)
			err = fmt.Errorf("mediation: delivery audit: %d summaries pending: %w", len(keys)-i, err)
			a.zl.Error().Err(err).Msg("delivery summaries not recorded; retrying at the next flush")
			return err
		}
		a.entries.Add(1)
	}
	return nil
}

// requeue merges summaries that could not be written back into the pending ones.
func (a *DeliveryAudit) requeue(keys []deliveryKey, runs map[deliveryKey]*deliveryRun) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, k := range keys {
		r := runs[k]
		cur := a.runs[k]
		if cur == nil {
			a.runs[k] = r
			continue
		}
		cur.first, cur.last = min(cur.first, r.first), max(cur.last, r.last)
		cur.pdus += r.pdus
		cur.replayed += r.replayed
		if r.since.Before(cur.since) {
			cur.since = r.since
		}
	}
}
