package handover

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

const (
	// writeBufferSize batches PDUs into few socket writes (and few TLS records).
	writeBufferSize = 64 << 10
	// ackInterval spaces progress records while the sender is behind: each is a Redis write
	// (an fsync with appendfsync always), and PDUs written but not yet recorded are only
	// sent again after a reconnect, which at-least-once allows. Once caught up, every batch
	// is recorded at once. Records run beside the writes (one at a time), so the next
	// batch never waits for one.
	ackInterval = 100 * time.Millisecond
)

// session is one connection's life: the fetcher reads the stream, this loop writes it to
// the socket, records progress, and keeps the connection alive.
type session struct {
	s          *stream
	conn       net.Conn
	in         *inbound
	bw         *bufio.Writer
	ring       *idRing
	openBuf    []byte    // reused for each opened entry
	sent       streamID  // last id recorded as written; entries up to it are replays
	skip       skipMark  // PDUs of the first kept entry older than the resend window
	ack        *streamID // written but not yet recorded in Redis
	ackedAt    time.Time
	connected  time.Time // when this connection's session started
	ready      bool      // the LEMF answered the opening keep-alive (or none is awaited)
	confirming bool      // trimming waits for keep-aliveResponses (else: written position)
	awaits     bool      // keep-aliveResponses are awaited on this connection
	kaSeq      uint32    // keep-alives sent on this connection
	lastPDU    time.Time // last PDU write
	lastKA     time.Time // last keep-alive write
	kaSent     time.Time // keep-alive awaiting its response; zero when none
	kaWant     int64     // response count that answers the outstanding keep-alive
	written    *streamID // last id written on this connection
	kaMark     *streamID // last id written before the outstanding keep-alive
	confirm    *streamID // the LEMF has read up to here; trim to the window below it
	lastErr    time.Time // last Redis warning, to keep logs readable during an outage

	// acking is the id being recorded by the one progress record in flight (nil: none);
	// its result arrives on ackDone. caughtUp: the last batch emptied the stream.
	acking   *streamID
	ackDone  chan error
	caughtUp bool
}

// writeError marks a socket failure (as opposed to a Redis one).
type writeError struct{ err error }

func (e writeError) Error() string { return "write to LEMF: " + e.err.Error() }
func (e writeError) Unwrap() error { return e.err }

func (s *stream) newSession(conn net.Conn) *session {
	ss := &session{
		s: s, conn: conn, in: startInbound(conn, s.h.framer, s.dest),
		bw:      bufio.NewWriterSize(conn, writeBufferSize),
		ackDone: make(chan error, 1), connected: time.Now(),
	}
	// The written-position window is kept even while confirming: a LEMF that leaves the
	// opening keep-alive unanswered turns the connection into an unconfirmed one.
	ss.ring = s.dest.newRing()
	ss.confirming, ss.awaits = s.dest.confirming(), s.dest.awaits()
	// With answered keep-alives, the first one goes out at once and nothing else is sent
	// before it is answered or KeepAliveTimeout passes: a TLS 1.3 server refuses a client
	// certificate only after the client thinks the handshake is done (the refusal ends the
	// connection within that wait), and PDUs written into such a connection would be lost.
	ss.ready = !ss.awaits
	return ss
}

// session runs one connection until it fails, the lease is lost or ctx ends.
func (s *stream) session(ctx context.Context, conn net.Conn) error {
	ss := s.newSession(conn)
	fctx, cancel := context.WithCancel(ctx)
	batches := make(chan fetched, 1)
	var wg sync.WaitGroup
	wg.Go(func() { ss.fetch(fctx, batches) })
	defer func() {
		cancel()
		_ = conn.Close()
		<-ss.in.done
		wg.Wait()
		if ss.acking != nil {
			_ = ss.acked(<-ss.ackDone) // the session is ending either way
		}
		if ss.ack != nil { // record what was written before the end, even on shutdown
			actx, acancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
			defer acancel()
			if err := ss.acknowledge(actx); err != nil && !errors.Is(err, errLeaseLost) {
				s.log.Warn().Err(err).Msg("record progress at connection end; those PDUs will be sent again")
			}
		}
	}()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		if err := ss.keepAlive(time.Now()); err != nil {
			return err
		}
		if ss.kaSent.IsZero() {
			ss.ready = true
		}
		if ss.confirm != nil {
			if err := ss.trimConfirmed(ctx); err != nil {
				if errors.Is(err, errLeaseLost) || ctx.Err() != nil {
					return err
				}
				ss.warnRedis(err)
			}
		}
		var feed <-chan fetched
		if ss.ready {
			feed = batches
		}
		timer.Reset(ss.untilKeepAliveDuty(time.Now()))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ss.in.done:
			if errors.Is(ss.in.err, io.EOF) {
				return errPeerClosed
			}
			return fmt.Errorf("read from LEMF: %w", ss.in.err)
		case <-ss.in.resp:
		case <-timer.C:
		case err := <-ss.ackDone:
			if err = ss.acked(err); err != nil {
				return err
			}
			ss.startAck(ctx)
		case f := <-feed:
			if err := ss.handle(ctx, f); err != nil {
				return err
			}
		}
	}
}

// handle writes a fetched batch and records progress when due.
func (ss *session) handle(ctx context.Context, f fetched) error {
	switch {
	case f.err != nil:
		ss.warnRedis(f.err)
		return nil
	case f.first:
		ss.sent, ss.skip = f.sent, f.skip
		return nil
	}
	if len(f.msgs) > 0 {
		if err := ss.write(f.msgs); err != nil {
			return err
		}
	}
	ss.caughtUp = f.caughtUp
	ss.startAck(ctx)
	return nil
}

// startAck records progress beside the writes when due: at once when caught up, else
// every ackInterval; one record at a time, its result comes back on ackDone.
func (ss *session) startAck(ctx context.Context) {
	if ss.ack == nil || ss.acking != nil || (!ss.caughtUp && time.Since(ss.ackedAt) < ackInterval) {
		return
	}
	last, minID, skip := ss.ackArgs()
	ss.acking, ss.ack = &last, nil
	go func() { ss.ackDone <- ss.recordAck(ctx, last, minID, skip) }()
}

// acked takes the result of the progress record in flight. A Redis error leaves the id
// pending (warned about, retried with the next batch); a lost lease ends the session.
func (ss *session) acked(err error) error {
	last := *ss.acking
	ss.acking = nil
	if err == nil {
		ss.ackedAt = time.Now()
		if ss.sent.less(last) {
			ss.sent = last
		}
		return nil
	}
	if ss.ack == nil {
		ss.ack = &last
	}
	if errors.Is(err, errLeaseLost) {
		return err
	}
	ss.warnRedis(err)
	return nil
}

func (ss *session) warnRedis(err error) {
	if time.Since(ss.lastErr) >= time.Second {
		ss.lastErr = time.Now()
		ss.s.log.Warn().Err(err).Msg("redis unavailable to the sender; retrying")
	}
}

// busyKeepAlive: while PDUs flow on a confirming connection, keep-alives go out at least
// this often, because their responses are what lets delivered PDUs leave Redis.
const busyKeepAlive = time.Second

// nextKeepAlive is when the next keep-alive is due: the interval after the last one (at
// most busyKeepAlive while confirming a busy link), or with KeepAliveIdleOnly the
// interval after the last write of any kind.
func (ss *session) nextKeepAlive() time.Time {
	d := ss.s.dest.KeepAliveInterval
	if ss.lastKA.IsZero() && ss.awaits {
		return ss.lastKA // the opening keep-alive, at once
	}
	last := ss.lastKA
	if last.IsZero() { // no opening keep-alive without a response to wait for
		last = ss.connected
	}
	switch {
	case ss.s.dest.KeepAliveIdleOnly:
		if ss.lastPDU.After(last) {
			last = ss.lastPDU
		}
	case ss.confirming && ss.lastPDU.After(ss.lastKA):
		d = min(d, busyKeepAlive)
	}
	return last.Add(d)
}

// keepAliveGrace: while PDU writes keep succeeding, a late keep-aliveResponse is tolerated
// up to this many timeouts (a busy LEMF answers after reading what came before); a LEMF
// that stops reading is caught by the write timeout.
const keepAliveGrace = 10

// keepAlive sends keep-alives when due and, where responses are awaited, tears the
// connection down when one is late. A response proves the LEMF has read every byte before
// the keep-alive, which is what lets a confirming stream be trimmed (see trimConfirmed).
// The opening keep-alive left unanswered means a LEMF that does not answer: the
// connection then delivers unconfirmed (counted as a keep-alive timeout, warned once),
// unless this stream's LEMF has answered one before (then the connection is redialled).
func (ss *session) keepAlive(now time.Time) error {
	d := ss.s.dest
	if d.KeepAliveInterval <= 0 {
		return nil
	}
	if !ss.kaSent.IsZero() {
		late := now.Sub(ss.kaSent)
		switch {
		// Count, not time: an answer to the previous keep-alive can arrive after the loop
		// read its clock, and must not also confirm PDUs written before the next one.
		case ss.in.responses.Load() >= ss.kaWant:
			ss.s.answered.Store(true)
			ss.kaSent = time.Time{}
			if ss.kaMark != nil && ss.confirming {
				ss.confirm = ss.kaMark
			}
			ss.kaMark = nil
		case !ss.ready && late > d.KeepAliveTimeout && ss.s.answered.Load():
			// This LEMF has answered keep-alives before: silence now is a LEMF that stopped
			// reading (hung, stalled), not one that never answers. Delivering unconfirmed
			// would trim what is written into a connection nobody reads; redial instead.
			ss.s.kaTimeouts.Add(1)
			ss.s.met.kaTimeouts.Inc()
			return errKeepAliveTimeout
		case !ss.ready && late > d.KeepAliveTimeout:
			ss.s.kaTimeouts.Add(1)
			ss.s.met.kaTimeouts.Inc()
			ss.s.log.Warn().Dur("waited", late).Msg("LEMF did not answer the opening keep-alive; delivering on this connection without keep-alive confirmations")
			ss.kaSent, ss.kaMark, ss.awaits, ss.confirming, ss.ready = time.Time{}, nil, false, false, true
		case late > d.KeepAliveTimeout && (!ss.lastPDU.After(ss.kaSent) || late > keepAliveGrace*d.KeepAliveTimeout):
			ss.s.kaTimeouts.Add(1)
			ss.s.met.kaTimeouts.Inc()
			return errKeepAliveTimeout
		}
	}
	if ss.kaSent.IsZero() && !now.Before(ss.nextKeepAlive()) {
		// Counted before the write, so a stray response read earlier is not taken as its answer.
		want := ss.in.responses.Load() + 1
		_ = ss.conn.SetWriteDeadline(now.Add(d.WriteTimeout))
		if _, err := ss.bw.Write(d.KeepAlive(ss.kaSeq)); err != nil {
			return writeError{err}
		}
		if err := ss.bw.Flush(); err != nil {
			return writeError{err}
		}
		ss.kaSeq++
		ss.lastKA = now
		if ss.awaits {
			ss.kaSent, ss.kaMark, ss.kaWant = now, ss.written, want
		}
	}
	return nil
}

// untilKeepAliveDuty is how long the loop may wait before a keep-alive is due or late.
func (ss *session) untilKeepAliveDuty(now time.Time) time.Duration {
	d := ss.s.dest
	if d.KeepAliveInterval <= 0 {
		return time.Hour
	}
	if ss.kaSent.IsZero() {
		return max(ss.nextKeepAlive().Sub(now), time.Millisecond)
	}
	due := ss.kaSent.Add(d.KeepAliveTimeout)
	if now.After(due) && ss.ready { // in the grace period
		due = ss.kaSent.Add(keepAliveGrace * d.KeepAliveTimeout)
	}
	return max(due.Sub(now)+time.Millisecond, time.Millisecond)
}

// trimConfirmed trims the stream to the resend window below the id the LEMF confirmed by
// answering a keep-alive. Written but unconfirmed PDUs (in socket buffers, maybe lost with
// the connection) stay and are replayed after a reconnect.
func (ss *session) trimConfirmed(ctx context.Context) error {
	s := ss.s
	c := *ss.confirm
	script, window := s.h.scripts.confirm, int64(s.dest.window())
	if s.dest.ResendBytes > 0 {
		script, window = s.h.scripts.confirmBytes, s.dest.ResendBytes
	}
	n, err := script.Run(ctx, s.h.rdb, []string{s.keys.lease, s.keys.stream, s.keys.skip},
		s.h.owner, c.String(), window, c.next().String()).Int64()
	if err != nil {
		return fmt.Errorf("trim %s to the confirmed window: %w", s.keys.stream, err)
	}
	ss.confirm = nil
	if n < 0 {
		return errLeaseLost
	}
	return nil
}

// write sends one batch to the socket.
func (ss *session) write(msgs []redis.XMessage) error {
	s := ss.s
	now := time.Now()
	_ = ss.conn.SetWriteDeadline(now.Add(s.dest.WriteTimeout))
	var last streamID
	var fresh, replayed int64
	for _, m := range msgs {
		id, err := parseStreamID(m.ID)
		if err != nil {
			return fmt.Errorf("entry in %s: %w", s.keys.stream, err)
		}
		content, n, err := ss.each(m, false, ss.skip.of(id), func(pdu string) error {
			if _, err := ss.bw.WriteString(pdu); err != nil {
				return writeError{err}
			}
			return nil
		})
		if err != nil {
			return err
		}
		ss.ring.push(id, len(content), max(n, 1))
		if ss.sent.less(id) {
			fresh += int64(n)
			ss.observeWait(id, n, now)
		} else {
			replayed += int64(n)
		}
		last = id
	}
	if err := ss.bw.Flush(); err != nil {
		return writeError{err}
	}
	if s.dest.Written != nil {
		ss.reportWritten(msgs)
	}
	ss.lastPDU, ss.written = now, &last
	s.sent.Add(fresh)
	s.met.sent.Add(float64(fresh))
	if replayed > 0 {
		s.resent.Add(replayed)
		s.met.resent.Add(float64(replayed))
	}
	if ss.sent.less(last) {
		ss.ack = &last
	}
	return nil
}

// each calls f with every PDU of stream entry m, in order (entry.go: one in p, several
// in P, opened first when sealed), and returns the entry's stored content and its PDU
// count. An entry that cannot be delivered (not ours, tampered, truncated, its data key
// destroyed, clear data in a sealed stream, framing that does not parse) is logged by
// stream and entry id only, never content, and skipped whole with n = 0: the rest
// flows; quiet skips the logging and counting (done already when the batch was written).
// The first skip PDUs are left out (older than the resend window; see skipMark) and not
// counted in n. Only f's error is returned.
func (ss *session) each(m redis.XMessage, quiet bool, skip int, f func(pdu string) error) (content string, n int, err error) {
	s := ss.s
	content, single := m.Values[fieldPDU].(string)
	if !single || content == "" {
		content, _ = m.Values[fieldPDUs].(string)
		if content == "" {
			// Not ours (someone wrote to the key by hand): skip it rather than stall the stream.
			if !quiet {
				s.log.Error().Str("entry", m.ID).Msg("stream entry without PDU field skipped")
			}
			return "", 0, nil
		}
		single = false
	}
	plain := content
	if s.dk != nil {
		pt, ok := ss.open(m.ID, content, quiet)
		if !ok {
			return content, 0, nil // counted and logged by open
		}
		plain = string(pt) // one copy per entry (one open per entry, not per PDU)
	}
	if single {
		return content, 1, f(plain)
	}
	total, err := unpack(plain, nil)
	if err != nil {
		if !quiet {
			s.met.unreadable.WithLabelValues(ReasonTampered).Inc()
			s.log.Error().Str("stream", s.keys.stream).Str("entry", m.ID).Str("reason", ReasonTampered).
				Msg("stream entry cannot be unpacked; skipped, not delivered")
		}
		return content, 0, nil
	}
	i := 0
	_, err = unpack(plain, func(pdu string) error {
		if i++; i <= skip {
			return nil
		}
		return f(pdu)
	})
	return content, max(total-skip, 0), err
}

// skipMark is the skip key read at a session's start: entry id's first n PDUs are older
// than the resend window (the trim kept that multi-PDU entry whole), so its replay leaves
// them out and the LEMF gets exactly the window again. Keyed by entry id, a stale mark
// never touches another entry.
type skipMark struct {
	id streamID
	n  int
}

// of is how many PDUs to leave out of entry id.
func (k skipMark) of(id streamID) int {
	if k.n > 0 && k.id == id {
		return k.n
	}
	return 0
}

// parseSkipMark reads the skip key's "<entry id> <n>".
func parseSkipMark(v string) (skipMark, error) {
	ids, ns, ok := strings.Cut(v, " ")
	id, err := parseStreamID(ids)
	n, nerr := strconv.Atoi(ns)
	if !ok || err != nil || nerr != nil || n < 0 {
		return skipMark{}, fmt.Errorf("skip mark %q: want \"<entry id> <count>\"", v)
	}
	return skipMark{id, n}, nil
}

// observeWait records how long each of the n PDUs of a first-time entry waited in the
// queue (a replay's wait says nothing about the queue); the id's millisecond part is its
// XADD time, now the batch's write.
func (ss *session) observeWait(id streamID, n int, now time.Time) {
	wait := 0.0
	if nowMS := uint64(now.UnixMilli()); nowMS > id.ms { //nolint:gosec // G115: the clock is after 1970
		wait = float64(nowMS-id.ms) / 1000
	}
	for range n {
		ss.s.met.queueWait.Observe(wait)
	}
}

// open returns the PDU of a stream entry (into a buffer reused per entry), or false for
// one that cannot be delivered: tampered or truncated, its data key destroyed, or clear
// data written before sealing. Those are logged by stream and entry id only, never content.
func (ss *session) open(id, p string, quiet bool) ([]byte, bool) {
	s := ss.s
	pdu, reason, err := s.dk.open(context.Background(), ss.openBuf[:0], p)
	if err != nil && quiet {
		return nil, false
	}
	if err != nil {
		s.met.unreadable.WithLabelValues(reason).Inc()
		s.log.Error().Str("stream", s.keys.stream).Str("entry", id).Str("reason", reason).
			Msg("stream entry cannot be opened; skipped, not delivered")
		return nil, false
	}
	ss.openBuf = pdu
	return pdu, true
}

// reportWritten hands each PDU of a flushed batch to Destination.Written. Ids were
// checked by write; ss.sent still marks the replays (progress records move it later).
func (ss *session) reportWritten(msgs []redis.XMessage) {
	for _, m := range msgs {
		id, _ := parseStreamID(m.ID)
		replay := !ss.sent.less(id)
		_, _, _ = ss.each(m, true, ss.skip.of(id), func(pdu string) error {
			ss.s.dest.Written(ss.s.hi, pdu, replay)
			return nil
		})
	}
}

// acknowledge records the pending last-written id and trims the stream to the resend
// window, fenced by the lease. On a Redis error it stays pending.
func (ss *session) acknowledge(ctx context.Context) error {
	last, minID, skip := ss.ackArgs()
	if err := ss.recordAck(ctx, last, minID, skip); err != nil {
		return err
	}
	ss.ack, ss.ackedAt = nil, time.Now()
	ss.sent = last
	return nil
}

// ackArgs is the pending id to record, the MINID to trim to ("" for none) and how many
// PDUs of the MINID entry are older than the window.
func (ss *session) ackArgs() (last streamID, minID string, skip int) {
	last = *ss.ack
	if ss.confirming { // trimmed when the LEMF confirms (trimConfirmed)
		return last, "", 0
	}
	if id, ok := ss.ring.trimBefore(last); ok {
		minID, skip = id.String(), ss.ring.surplus()
	}
	return last, minID, skip
}

// recordAck records last as written and trims to minID, fenced by the lease. It touches
// no session state, so it may run beside the write loop.
func (ss *session) recordAck(ctx context.Context, last streamID, minID string, skip int) error {
	s := ss.s
	n, err := s.h.scripts.ack.Run(ctx, s.h.rdb, []string{s.keys.lease, s.keys.sent, s.keys.stream, s.keys.skip},
		s.h.owner, last.String(), minID, s.h.cfg.LeaseTTL.Milliseconds(), skip).Int64()
	if err != nil {
		return fmt.Errorf("record progress in %s: %w", s.keys.sent, err)
	}
	if n < 0 {
		return errLeaseLost
	}
	return nil
}
