package siprec

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/umli/umli/rtpcapture"
	"github.com/umli/umli/rtpcapture/sdpinfo"
	"github.com/umli/umli/rtpcapture/sipcall"
)

// call is one recording session: its dialog, its streams keyed by m= line index, and
// the rtpcapture session they feed.
type call struct {
	e    *Endpoint
	dlg  *sipgo.DialogServerSession
	key  string
	md   *sdpinfo.Metadata
	sess *rtpcapture.Session

	mu      sync.Mutex
	streams map[int]*stream
	offer   *sdpinfo.Description
	version uint64
	// refresh is signalled by re-INVITE/UPDATE (RFC 4028 session refresh).
	refresh chan time.Duration
	end     chan string
}

// accepts says whether umli reads a stream of the offer: audio with a port, sent by
// the offerer, from a usable address.
func accepts(st sdpinfo.Stream) bool {
	return st.Port != 0 && (st.Dir == sdpinfo.SendOnly || st.Dir == sdpinfo.SendRecv) &&
		st.Addr.IsValid() && !st.Addr.IsUnspecified()
}

// prepare opens sockets for the accepted streams of an offer (the initial one or a
// re-INVITE) and returns the answer. New streams are returned for starting once the
// session exists.
func (c *call) prepare(offer *sdpinfo.Description) ([]byte, map[int]*stream, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	accepted := map[int]sdpinfo.AnswerStream{}
	fresh := map[int]*stream{}
	for _, st := range offer.Streams {
		if !accepts(st) {
			continue
		}
		if s, ok := c.streams[st.Index]; ok {
			// A re-INVITE may move the source or change codecs; the socket stays.
			from := st.Addr.Unmap()
			s.from.Store(&from)
			pts := st.PayloadTypes
			s.pts.Store(&pts)
			accepted[st.Index] = sdpinfo.AnswerStream{Port: s.port, Dir: sdpinfo.RecvOnly}
			continue
		}
		s, err := newStream(&c.e.cfg, &c.e.media, st.Addr.Unmap(), st.PayloadTypes)
		if err != nil {
			for _, f := range fresh {
				f.shut()
			}
			return nil, nil, fmt.Errorf("stream %d: %w", st.Index, err)
		}
		fresh[st.Index] = s
		accepted[st.Index] = sdpinfo.AnswerStream{Port: s.port, Dir: sdpinfo.RecvOnly}
	}
	c.offer = offer
	c.version++
	return sdpinfo.Answer(offer, c.e.cfg.MediaAddr, accepted, uint64(time.Now().Unix()), c.version), fresh, nil //nolint:gosec // G115: the SDP session version is now in seconds, after 1970
}

// start creates the legs of new streams and starts reading them. Streams the offer no
// longer accepts are closed (their legs end).
func (c *call) start(ctx context.Context, fresh map[int]*stream) {
	c.mu.Lock()
	defer c.mu.Unlock()
	pos := 0
	for _, st := range c.offer.Streams {
		if s, ok := fresh[st.Index]; ok {
			side, known := sipcall.SideOf(st, pos, c.md)
			if !known {
				// Metadata says nobody sends it: nothing of a party to capture. Its reader
				// never started, so only the socket goes.
				s.shut()
			} else {
				leg := c.sess.NewLeg(side, st.PayloadTypes)
				c.streams[st.Index] = s
				go s.run(ctx, leg, &c.e.cfg)
			}
		}
		if st.Port != 0 {
			pos++
		}
	}
	for idx, s := range c.streams {
		still := false
		for _, st := range c.offer.Streams {
			if st.Index == idx && accepts(st) {
				still = true
			}
		}
		if !still {
			s.close()
			delete(c.streams, idx)
		}
	}
}

// allTimedOut says whether every stream of the call stopped on media timeout.
func (c *call) allTimedOut() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.streams) == 0 {
		return false
	}
	for _, s := range c.streams {
		if !s.timedOut.Load() {
			return false
		}
	}
	return true
}

// run waits for the call to end: BYE from the SRC, media timeout, session timer,
// or endpoint shutdown. Then it closes the streams (final chunks) and the session.
func (c *call) run(ctx context.Context, expires time.Duration) {
	log := c.e.cfg.Log.With().Str("correlation", c.key).Logger()
	var timer <-chan time.Time
	var t *time.Timer
	if expires > 0 {
		t = time.NewTimer(expires)
		defer t.Stop()
		timer = t.C
	}
	poll := time.NewTicker(c.e.cfg.MediaTimeout / 4)
	defer poll.Stop()
	bye := false
	reason := "bye"
loop:
	for {
		select {
		case <-c.dlg.Context().Done():
			break loop
		case <-ctx.Done():
			reason, bye = "shutdown", true
			break loop
		case r := <-c.end:
			reason, bye = r, true
			break loop
		case d := <-c.refresh:
			if t != nil && d > 0 {
				t.Reset(d)
			}
		case <-timer:
			reason, bye = "session timer expired", true
			break loop
		case <-poll.C:
			if c.allTimedOut() {
				reason, bye = "media timeout", true
				break loop
			}
		}
	}
	if bye {
		bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flushTimeout)
		if err := c.dlg.Bye(bctx); err != nil {
			log.Warn().Err(err).Msg("BYE to recording client failed")
		}
		cancel()
	}
	c.mu.Lock()
	for idx, s := range c.streams {
		s.close()
		delete(c.streams, idx)
	}
	c.mu.Unlock()
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flushTimeout)
	defer cancel()
	if err := c.sess.Close(cctx, time.Now()); err != nil {
		log.Warn().Err(err).Msg("closing session")
	}
	_ = c.dlg.Close()
	log.Info().Str("reason", reason).Msg("recording session ended")
}

// sourceOf is where an offer's audio comes from, for logs: never identities.
func sourceOf(d *sdpinfo.Description) netip.Addr {
	for _, s := range d.Streams {
		if s.Addr.IsValid() {
			return s.Addr
		}
	}
	return netip.Addr{}
}
