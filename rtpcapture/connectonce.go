package rtpcapture

import (
	"bytes"
	"container/list"
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// ConnectOnce is a record.Sink in front of mediation, shared by the recording endpoint
// (or passive capture) and the UM feed of the same platform. Both may report the connect
// of one call (ConnectOpen, the default, and the feed's own connect); TS 102 232-2 clause
// 8.1 wants one connect event whose event-identifier the RTP MessagingCC repeat
// (Table 6), so the second report is not delivered again.
//
// A connect is a record with Boundary Open, EventKey ConnectEventKey and a message-box
// connect IRI. Per (Source, CorrelationKey) ConnectOnce remembers the identities already
// connected; a later connect is submitted only with the identities not yet covered, and
// dropped when none is left. The identities are what mediation matches warrants on, so
// a warrant already given the first connect does not get a second one; a warrant on an
// identity only the second reporter knows (e.g. a directory MSISDN) still gets its
// connect. A warrant that names identities of both reports gets both: mediation, which
// alone knows the warrants, then continues the first one's sequence.
//
// Every other record passes unchanged, in the caller's order.
type ConnectOnce struct {
	next record.Sink
	ttl  time.Duration
	max  int
	now  func() time.Time

	mu    sync.Mutex
	calls map[string]*list.Element
	order list.List // oldest first

	dropped, trimmed atomic.Uint64
}

type connected struct {
	key string
	at  time.Time
	ids map[record.Identity]struct{}
}

// Defaults of NewConnectOnce.
const (
	DefaultConnectTTL   = time.Hour
	DefaultConnectCalls = 100000
)

// NewConnectOnce wraps next. A call is remembered for ttl after its first connect and at
// most max calls are (the oldest is forgotten first); zero values take the defaults.
func NewConnectOnce(next record.Sink, ttl time.Duration, max int) *ConnectOnce {
	if ttl <= 0 {
		ttl = DefaultConnectTTL
	}
	if max <= 0 {
		max = DefaultConnectCalls
	}
	return &ConnectOnce{next: next, ttl: ttl, max: max, now: time.Now, calls: map[string]*list.Element{}}
}

// Dropped is the number of connects not delivered because an earlier one covered every
// identity; Trimmed the number delivered with fewer identities.
func (c *ConnectOnce) Dropped() uint64 { return c.dropped.Load() }

// Trimmed: see Dropped.
func (c *ConnectOnce) Trimmed() uint64 { return c.trimmed.Load() }

// Submit implements record.Sink.
func (c *ConnectOnce) Submit(ctx context.Context, r *record.Record) error {
	r, ok := c.filter(r)
	if !ok {
		return nil
	}
	return c.next.Submit(ctx, r)
}

// SubmitRelease implements record.ReleaseSink when next does, so RTP chunk memory is
// still reused; connects carry no chunk memory and go through Submit. A next that is a
// plain Sink may keep r after Submit returns (mediation queues it), so it gets a copy
// of the record's memory and r is released at once.
func (c *ConnectOnce) SubmitRelease(ctx context.Context, r *record.Record, release func()) error {
	if rs, ok := c.next.(record.ReleaseSink); ok && !isConnect(r) {
		return rs.SubmitRelease(ctx, r, release)
	}
	if !isConnect(r) {
		r = detached(r)
	}
	if err := c.Submit(ctx, r); err != nil {
		return err
	}
	release()
	return nil
}

// detached copies what the source may reuse once released: the record and its
// MessagingCC with the content and the numbers it points to.
func detached(r *record.Record) *record.Record {
	d := *r
	if cc := r.MessagingCC; cc != nil {
		c := *cc
		c.Content = bytes.Clone(cc.Content)
		if cc.ContentIdentifier != nil {
			v := *cc.ContentIdentifier
			c.ContentIdentifier = &v
		}
		if cc.SequenceNumber != nil {
			v := *cc.SequenceNumber
			c.SequenceNumber = &v
		}
		d.MessagingCC = &c
	}
	d.Identities = slices.Clone(r.Identities)
	return &d
}

func isConnect(r *record.Record) bool {
	if r.Boundary != record.Open || r.EventKey != ConnectEventKey || r.MessagingIRI == nil {
		return false
	}
	cat := r.MessagingIRI.Category
	return cat != nil && cat.MessageBox != nil && *cat.MessageBox == etsi.BoxConnect
}

// filter returns the record to submit (r itself, or a copy with fewer identities) and
// false when nothing is to be submitted.
func (c *ConnectOnce) filter(r *record.Record) (*record.Record, bool) {
	if !isConnect(r) {
		return r, true
	}
	key := r.Source + "\x00" + r.CorrelationKey
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expire(now)
	el, seen := c.calls[key]
	if !seen {
		if len(c.calls) >= c.max {
			c.forget(c.order.Front())
		}
		cn := &connected{key: key, at: now, ids: make(map[record.Identity]struct{}, len(r.Identities))}
		for _, id := range r.Identities {
			cn.ids[id] = struct{}{}
		}
		c.calls[key] = c.order.PushBack(cn)
		return r, true
	}
	cn := el.Value.(*connected)
	var fresh []record.Identity
	for _, id := range r.Identities {
		if _, ok := cn.ids[id]; !ok {
			fresh = append(fresh, id)
			cn.ids[id] = struct{}{}
		}
	}
	switch {
	case len(fresh) == 0:
		c.dropped.Add(1)
		return nil, false
	case len(fresh) < len(r.Identities):
		c.trimmed.Add(1)
		cp := *r
		cp.Identities = fresh
		return &cp, true
	}
	return r, true
}

func (c *ConnectOnce) expire(now time.Time) {
	for el := c.order.Front(); el != nil; el = c.order.Front() {
		if now.Sub(el.Value.(*connected).at) < c.ttl {
			return
		}
		c.forget(el)
	}
}

func (c *ConnectOnce) forget(el *list.Element) {
	if el == nil {
		return
	}
	c.order.Remove(el)
	delete(c.calls, el.Value.(*connected).key)
}
