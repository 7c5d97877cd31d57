package siprec

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/umli/umli/rtpcapture"
	"github.com/umli/umli/rtpcapture/sdpinfo"
	"github.com/umli/umli/rtpcapture/sipcall"
)

// The SIP side of the endpoint: one handler per method of a recording dialog.

func respond(tx sip.ServerTransaction, req *sip.Request, code int, reason string, headers ...sip.Header) {
	res := sip.NewResponseFromRequest(req, code, reason, nil)
	for _, h := range headers {
		res.AppendHeader(h)
	}
	_ = tx.Respond(res)
}

// warning carries the reason of a refusal to the SRC (RFC 3261 20.43).
func warning(err error) sip.Header {
	text := strings.NewReplacer(`"`, "'", "\r", " ", "\n", " ").Replace(err.Error())
	if len(text) > 200 {
		text = text[:200]
	}
	return sip.NewHeader("Warning", `399 umli "`+text+`"`)
}

// parseOffer reads the SDP (and rs-metadata) of a request.
func parseOffer(req *sip.Request) (*sdpinfo.Description, *sdpinfo.Metadata, error) {
	ct := "application/sdp"
	if h := req.ContentType(); h != nil {
		ct = h.Value()
	}
	body, err := sdpinfo.SplitBody(ct, req.Body())
	if err != nil {
		return nil, nil, err
	}
	if body.SDP == nil {
		return nil, nil, errors.New("no SDP offer")
	}
	offer, err := sdpinfo.ParseSDP(body.SDP)
	if err != nil {
		return nil, nil, err
	}
	var md *sdpinfo.Metadata
	if body.Metadata != nil {
		if md, err = sdpinfo.ParseMetadata(body.Metadata); err != nil {
			return nil, nil, err
		}
	}
	return offer, md, nil
}

// sessionTimer reads RFC 4028 Session-Expires (compact form x); 0 means none.
func (e *Endpoint) sessionTimer(req *sip.Request) (time.Duration, sip.Header) {
	h := req.GetHeader("Session-Expires")
	if h == nil {
		h = req.GetHeader("x")
	}
	if h == nil {
		return 0, nil
	}
	v, _, _ := strings.Cut(h.Value(), ";")
	secs, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || secs <= 0 {
		return 0, nil
	}
	secs = max(secs, int(e.cfg.MinSessionExpires/time.Second))
	return time.Duration(secs) * time.Second, sip.NewHeader("Session-Expires", strconv.Itoa(secs)+";refresher=uac")
}

func (e *Endpoint) onInvite(req *sip.Request, tx sip.ServerTransaction) {
	if !e.enter() {
		respond(tx, req, sip.StatusServiceUnavailable, "Service Unavailable")
		return
	}
	defer e.wg.Done()
	if to := req.To(); to != nil {
		if tag, ok := to.Params.Get("tag"); ok && tag != "" {
			e.onReInvite(req, tx)
			return
		}
	}
	// An offer umli would refuse costs nothing to refuse: it is answered 488 before
	// it counts against the peer's pending INVITEs, so a burst of oversized offers
	// gets its precise answer and takes no slot from the peer's real calls.
	offer, md, err := parseOffer(req)
	if err == nil {
		err = e.checkStreams(offer)
	}
	if err != nil {
		e.refused(req, RefusedOffer, err)
		respond(tx, req, 488, "Not Acceptable Here", warning(err))
		return
	}
	// An INVITE holds its media sockets until the ACK (up to 32 s): a peer sending
	// INVITEs it never ACKs is held to its share (issue 21).
	peer := peerOf(req)
	if !e.holdPending(peer) {
		e.refused(req, RefusedPending, nil)
		respond(tx, req, sip.StatusServiceUnavailable, "Service Unavailable", sip.NewHeader("Retry-After", "5"),
			warning(fmt.Errorf("more than %d INVITEs of this peer await their ACK", e.cfg.MaxPendingPerPeer)))
		return
	}
	defer e.releasePending(peer)
	log := e.cfg.Log
	cache := e.cacheFor(req)
	if cache == nil {
		respond(tx, req, sip.StatusInternalServerError, "Server Internal Error")
		return
	}
	dlg, err := cache.ReadInvite(req, tx)
	if err != nil {
		respond(tx, req, sip.StatusBadRequest, "Bad Request", warning(err))
		return
	}
	e.mu.Lock()
	busy := len(e.calls) >= e.cfg.MaxCalls
	e.mu.Unlock()
	if busy {
		e.refused(req, RefusedCalls, nil)
		_ = dlg.Respond(sip.StatusBusyHere, "Busy Here", nil)
		_ = dlg.Close()
		return
	}
	plan := sipcall.Info(req, md).Classify(e.cfg.Pilots)
	c := &call{e: e, dlg: dlg, key: plan.CorrelationKey, md: md, streams: map[int]*stream{},
		refresh: make(chan time.Duration, 1), end: make(chan string, 1)}
	answer, fresh, err := c.prepare(offer)
	if errors.Is(err, errMediaCap) {
		e.refused(req, RefusedStreams, err)
		_ = dlg.Respond(sip.StatusServiceUnavailable, "Service Unavailable", nil, sip.NewHeader("Retry-After", "5"), warning(err))
		_ = dlg.Close()
		return
	}
	if err != nil {
		log.Error().Err(err).Msg("no media ports for recording offer")
		_ = dlg.Respond(sip.StatusServiceUnavailable, "Service Unavailable", nil, warning(err))
		_ = dlg.Close()
		return
	}
	closeFresh := func() {
		for _, s := range fresh {
			s.shut()
		}
	}
	expires, seHeader := e.sessionTimer(req)
	headers := []sip.Header{sip.NewHeader("Content-Type", "application/sdp")}
	if seHeader != nil {
		headers = append(headers, seHeader, sip.NewHeader("Require", "timer"))
	}
	ready := make(chan struct{})
	e.mu.Lock()
	e.calls[dlg.ID] = c
	e.ready[dlg.ID] = ready
	e.mu.Unlock()
	unregister := func() {
		e.mu.Lock()
		delete(e.calls, dlg.ID)
		delete(e.ready, dlg.ID)
		e.mu.Unlock()
	}
	// Respond returns once the ACK came; a CANCEL or a missing ACK makes it fail.
	if err := dlg.Respond(sip.StatusOK, "OK", answer, headers...); err != nil {
		log.Info().Err(err).Str("correlation", c.key).Msg("recording offer not completed")
		closeFresh()
		unregister()
		_ = dlg.Close()
		return
	}
	sess, err := rtpcapture.NewSession(e.ctx, rtpcapture.SessionConfig{
		Source: e.sourceOf(req), CorrelationKey: plan.CorrelationKey, Parties: plan.Parties, Sink: e.cfg.Sink,
		DTMF: e.cfg.DTMF, Connect: e.cfg.Connect, Chunk: e.cfg.Chunk, Window: e.cfg.Window,
		Metrics: e.cfg.Metrics, Log: e.cfg.Log,
	}, time.Now())
	if err != nil {
		log.Error().Err(err).Str("correlation", c.key).Msg("cannot record session")
		closeFresh()
		unregister()
		bctx, cancel := context.WithTimeout(e.ctx, flushTimeout)
		_ = dlg.Bye(bctx)
		cancel()
		_ = dlg.Close()
		return
	}
	c.sess = sess
	c.start(e.ctx, fresh)
	close(ready)
	log.Info().Str("correlation", c.key).Int("streams", len(fresh)).Stringer("media_from", sourceOf(offer)).
		Bool("metadata", md != nil).Msg("recording session started")
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		defer unregister()
		c.run(e.ctx, expires)
	}()
}

// sourceOf names the network element of a recording: the UM platform the SRC belongs to.
func (e *Endpoint) sourceOf(req *sip.Request) string {
	if len(e.cfg.SourceByAddr) > 0 {
		if ap, err := netip.ParseAddrPort(req.Source()); err == nil {
			if s, ok := e.cfg.SourceByAddr[ap.Addr().Unmap()]; ok {
				return s
			}
		}
	}
	return e.cfg.Source
}

// lookup finds an established call of an in-dialog request.
func (e *Endpoint) lookup(req *sip.Request) (*call, bool, error) {
	id, err := sip.DialogIDFromRequestUAS(req)
	if err != nil {
		return nil, false, err
	}
	e.mu.Lock()
	c, ready := e.calls[id], e.ready[id]
	e.mu.Unlock()
	if c == nil {
		return nil, false, errors.New("no such dialog")
	}
	select {
	case <-ready:
		return c, true, nil
	default:
		return c, false, nil
	}
}

func (e *Endpoint) onReInvite(req *sip.Request, tx sip.ServerTransaction) {
	c, ready, err := e.lookup(req)
	if err != nil {
		respond(tx, req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist")
		return
	}
	if !ready {
		respond(tx, req, 491, "Request Pending")
		return
	}
	c.mu.Lock()
	offer := c.offer
	c.mu.Unlock()
	if len(req.Body()) > 0 {
		o, md, err := parseOffer(req)
		if err == nil {
			err = e.checkStreams(o)
		}
		if err != nil {
			// The session goes on with the previous offer (RFC 3264 8).
			respond(tx, req, 488, "Not Acceptable Here", warning(err))
			return
		}
		offer = o
		if md != nil {
			c.mu.Lock()
			c.md = md
			c.mu.Unlock()
		}
	}
	answer, fresh, err := c.prepare(offer)
	if err != nil {
		respond(tx, req, sip.StatusServiceUnavailable, "Service Unavailable", warning(err))
		return
	}
	res := sip.NewResponseFromRequest(req, sip.StatusOK, "OK", answer)
	res.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	res.AppendHeader(c.dlg.InviteResponse.Contact())
	expires, se := e.sessionTimer(req)
	if se != nil {
		res.AppendHeader(se)
	}
	if err := tx.Respond(res); err != nil {
		for _, s := range fresh {
			s.shut()
		}
		return
	}
	c.start(e.ctx, fresh)
	c.refreshed(expires)
}

func (c *call) refreshed(d time.Duration) {
	select {
	case c.refresh <- d:
	default:
	}
}

func (e *Endpoint) onUpdate(req *sip.Request, tx sip.ServerTransaction) {
	c, _, err := e.lookup(req)
	if err != nil {
		respond(tx, req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist")
		return
	}
	expires, se := e.sessionTimer(req)
	var hs []sip.Header
	if se != nil {
		hs = append(hs, se)
	}
	respond(tx, req, sip.StatusOK, "OK", hs...)
	c.refreshed(expires)
}

func (e *Endpoint) onAck(req *sip.Request, tx sip.ServerTransaction) {
	if cache := e.cacheFor(req); cache != nil {
		// ACKs of re-INVITEs match no pending wait; that is fine.
		_ = cache.ReadAck(req, tx)
	}
}

func (e *Endpoint) onBye(req *sip.Request, tx sip.ServerTransaction) {
	cache := e.cacheFor(req)
	if cache == nil {
		respond(tx, req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist")
		return
	}
	if err := cache.ReadBye(req, tx); err != nil {
		respond(tx, req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist")
	}
}

// checkStreams refuses an offer with more audio streams to read than the per-offer cap:
// each one is a socket held until the call ends (issue 21).
func (e *Endpoint) checkStreams(offer *sdpinfo.Description) error {
	n := 0
	for _, st := range offer.Streams {
		if accepts(st) {
			n++
		}
	}
	if n > e.cfg.MaxStreamsPerOffer {
		return fmt.Errorf("offer has %d audio streams, at most %d are read", n, e.cfg.MaxStreamsPerOffer)
	}
	return nil
}
