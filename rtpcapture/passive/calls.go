package passive

import (
	"context"
	"net/netip"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/umli/umli/rtpcapture"
	"github.com/umli/umli/rtpcapture/sdpinfo"
	"github.com/umli/umli/rtpcapture/sipcall"
)

// sweepEvery is how often (capture time) idle flows are looked for.
const sweepEvery = time.Second

// flow is one negotiated RTP direction: packets to dst from the peer's address.
type flow struct {
	dst    netip.AddrPort
	from   netip.Addr
	leg    *rtpcapture.Leg
	last   time.Time
	closed bool
}

func (f *flow) push(ctx context.Context, at time.Time, payload []byte) {
	if f.closed {
		return
	}
	f.last = at
	// Bad packets are counted by the leg.
	_ = f.leg.Push(ctx, payload, at)
}

// call is one INVITE dialog followed by Call-ID.
type call struct {
	invite    *sip.Request
	md        *sdpinfo.Metadata
	callerSDP *sdpinfo.Description // from the INVITE, or the ACK for a late offer
	umSDP     *sdpinfo.Description // from the 2xx
	callerTag string
	sess      *rtpcapture.Session
	flows     []*flow
}

func (c *Capture) body(msg sip.Message) (*sdpinfo.Description, *sdpinfo.Metadata) {
	if len(msg.Body()) == 0 {
		return nil, nil
	}
	ct := "application/sdp"
	if hs := msg.GetHeaders("Content-Type"); len(hs) > 0 {
		ct = hs[0].Value()
	}
	b, err := sdpinfo.SplitBody(ct, msg.Body())
	if err == nil && b.SDP == nil {
		return nil, nil
	}
	var d *sdpinfo.Description
	if err == nil {
		d, err = sdpinfo.ParseSDP(b.SDP)
	}
	if err != nil {
		c.Stats.SIPErrors++
		c.cfg.Log.Warn().Err(err).Msg("ignoring unusable SDP")
		return nil, nil
	}
	var md *sdpinfo.Metadata
	if b.Metadata != nil {
		if md, err = sdpinfo.ParseMetadata(b.Metadata); err != nil {
			c.cfg.Log.Warn().Err(err).Msg("ignoring unusable rs-metadata")
		}
	}
	return d, md
}

func callID(msg sip.Message) string {
	if h := msg.CallID(); h != nil {
		return h.Value()
	}
	return ""
}

func fromTag(msg sip.Message) string {
	if h := msg.From(); h != nil {
		t, _ := h.Params.Get("tag")
		return t
	}
	return ""
}

func (c *Capture) sipMessage(ctx context.Context, at time.Time, msg sip.Message) {
	id := callID(msg)
	if id == "" {
		c.Stats.SIPErrors++
		return
	}
	cl := c.calls[id]
	switch m := msg.(type) {
	case *sip.Request:
		switch m.Method {
		case sip.INVITE:
			d, md := c.body(m)
			if cl == nil {
				if len(c.calls) >= c.cfg.MaxCalls {
					return
				}
				cl = &call{invite: m, md: md, callerSDP: d, callerTag: fromTag(m)}
				c.calls[id] = cl
				return
			}
			if cl.sess != nil && d != nil {
				// re-INVITE: the offerer's side may move its receive address.
				c.update(ctx, cl, d, fromTag(m) == cl.callerTag)
			}
		case sip.ACK:
			if cl != nil && cl.sess == nil && cl.callerSDP == nil {
				if d, _ := c.body(m); d != nil {
					cl.callerSDP = d
					c.establish(ctx, cl, at)
				}
			}
		case sip.BYE:
			if cl != nil {
				c.endCall(ctx, cl, at)
				delete(c.calls, id)
			}
		case sip.CANCEL:
			if cl != nil && cl.sess == nil {
				delete(c.calls, id)
			}
		}
	case *sip.Response:
		if cl == nil || m.CSeq() == nil || m.CSeq().MethodName != sip.INVITE {
			return
		}
		switch {
		case m.IsSuccess():
			d, _ := c.body(m)
			if d == nil {
				return
			}
			if cl.sess == nil {
				cl.umSDP = d
				c.establish(ctx, cl, at)
				return
			}
			// Answer to a re-INVITE: the answerer's side is the other one.
			c.update(ctx, cl, d, fromTag(m) != cl.callerTag)
		case m.StatusCode >= 300 && cl.sess == nil:
			delete(c.calls, id)
		}
	}
}

// establish starts following a call's media once offer and answer are known.
func (c *Capture) establish(ctx context.Context, cl *call, at time.Time) {
	if cl.callerSDP == nil || cl.umSDP == nil {
		return
	}
	plan := sipcall.Info(cl.invite, cl.md).Classify(c.cfg.Pilots)
	sess, err := rtpcapture.NewSession(ctx, rtpcapture.SessionConfig{
		Source: c.cfg.Source, CorrelationKey: plan.CorrelationKey, Parties: plan.Parties, Sink: c.cfg.Sink,
		DTMF: c.cfg.DTMF, Connect: c.cfg.Connect, Chunk: c.cfg.Chunk, Window: c.cfg.Window,
		Metrics: c.cfg.Metrics, Log: c.cfg.Log,
	}, at)
	if err != nil {
		c.cfg.Log.Warn().Err(err).Str("correlation", plan.CorrelationKey).Msg("not following call")
		delete(c.calls, callID(cl.invite))
		return
	}
	c.Stats.Calls++
	cl.sess = sess
	for _, cs := range cl.callerSDP.Streams {
		us, ok := streamAt(cl.umSDP, cs.Index)
		if !ok || cs.Port == 0 || us.Port == 0 || cs.Dir == sdpinfo.Inactive || us.Dir == sdpinfo.Inactive {
			continue
		}
		// The caller sends to the UM's address with the UM's payload numbering, and back.
		if cs.Dir != sdpinfo.RecvOnly && us.Dir != sdpinfo.SendOnly {
			c.addFlow(cl, rtpcapture.SideCaller, us, cs, at)
		}
		if us.Dir != sdpinfo.RecvOnly && cs.Dir != sdpinfo.SendOnly {
			c.addFlow(cl, rtpcapture.SideUM, cs, us, at)
		}
	}
}

func streamAt(d *sdpinfo.Description, index int) (sdpinfo.Stream, bool) {
	for _, s := range d.Streams {
		if s.Index == index {
			return s, true
		}
	}
	return sdpinfo.Stream{}, false
}

func mergedTypes(receiver, sender sdpinfo.Stream) rtpcapture.PayloadTypes {
	pts := rtpcapture.PayloadTypes{}
	for pt, codec := range sender.PayloadTypes {
		pts[pt] = codec
	}
	for pt, codec := range receiver.PayloadTypes {
		pts[pt] = codec
	}
	return pts
}

func (c *Capture) addFlow(cl *call, side rtpcapture.Side, receiver, sender sdpinfo.Stream, at time.Time) {
	dst := netip.AddrPortFrom(receiver.Addr, receiver.Port)
	if old, ok := c.flows[dst]; ok && !old.closed {
		// Two dialogs claim one address: the newer negotiation wins.
		old.closed = true
	}
	f := &flow{dst: dst, from: sender.Addr, last: at, leg: cl.sess.NewLeg(side, mergedTypes(receiver, sender))}
	c.flows[dst] = f
	cl.flows = append(cl.flows, f)
}

// update follows a re-negotiation: flows toward the re-negotiating side move to its new
// address, flows from it are expected from its new address.
func (c *Capture) update(ctx context.Context, cl *call, d *sdpinfo.Description, callerSide bool) {
	for _, s := range d.Streams {
		if s.Port == 0 || !s.Addr.IsValid() {
			continue
		}
		for _, f := range cl.flows {
			toSide := sideOfFlow(cl, f)
			if toSide == callerSide {
				// Packets to this side: re-key the flow to the new address.
				newDst := netip.AddrPortFrom(s.Addr, s.Port)
				if newDst != f.dst && c.flows[f.dst] == f {
					delete(c.flows, f.dst)
					f.dst = newDst
					c.flows[newDst] = f
				}
			} else {
				f.from = s.Addr
			}
		}
		break // one audio stream per side is followed on re-negotiation
	}
}

// sideOfFlow says whether a flow is received by the caller side.
func sideOfFlow(cl *call, f *flow) bool {
	for _, s := range cl.callerSDP.Streams {
		if netip.AddrPortFrom(s.Addr, s.Port) == f.dst {
			return true
		}
	}
	return false
}

// sweep closes flows idle beyond the media timeout, and calls whose flows all closed.
func (c *Capture) sweep(ctx context.Context, now time.Time) {
	if now.Sub(c.lastSweep) < sweepEvery {
		return
	}
	c.lastSweep = now
	for id, cl := range c.calls {
		if cl.sess == nil {
			continue
		}
		open := 0
		for _, f := range cl.flows {
			if !f.closed && now.Sub(f.last) > c.cfg.MediaTimeout {
				f.leg.Close(ctx)
				f.closed = true
			}
			if !f.closed {
				open++
			}
		}
		if open == 0 {
			c.endCall(ctx, cl, now)
			delete(c.calls, id)
		}
	}
}

func (c *Capture) endCall(ctx context.Context, cl *call, at time.Time) {
	for _, f := range cl.flows {
		if !f.closed {
			f.leg.Close(ctx)
			f.closed = true
		}
		if c.flows[f.dst] == f {
			delete(c.flows, f.dst)
		}
	}
	if cl.sess != nil {
		if at.IsZero() {
			at = time.Now()
		}
		if err := cl.sess.Close(ctx, at); err != nil {
			c.cfg.Log.Warn().Err(err).Msg("closing session")
		}
	}
}
