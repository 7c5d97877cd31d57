package lemf

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/mediation/etsi"
)

// Deadlines for a single peer so one stuck client cannot pin a handler forever.
const (
	handshakeTimeout = 30 * time.Second
	writeTimeout     = 30 * time.Second
)

// handle reads PDUs from one connection until it ends or sends something undecodable.
func (l *LEMF) handle(ctx context.Context, h hi, conn net.Conn) {
	log := l.log.With().Str("hi", h.String()).Str("peer", conn.RemoteAddr().String()).Logger()
	if tc, ok := conn.(*tls.Conn); ok {
		hctx, cancel := context.WithTimeout(ctx, handshakeTimeout)
		err := tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			l.mu.Lock()
			l.stats[h].HandshakeFailures++
			l.mu.Unlock()
			log.Warn().Err(err).Msg("TLS handshake failed")
			return
		}
	}
	l.mu.Lock()
	l.stats[h].Connections++
	l.mu.Unlock()
	log.Info().Msg("connection accepted")

	fr := newFrameReader(conn, l.cfg.MaxPDU)
	fr.idle = func() { l.flush(log) }
	var out []byte // reused for keep-alive responses
	for {
		frame, off, err := fr.next()
		if errors.Is(err, io.EOF) {
			log.Info().Int64("bytes", off).Msg("connection closed by peer")
			return
		}
		var fe *frameError
		if errors.As(err, &fe) {
			l.reject(log, h, fr.rest(), off, err)
			return
		}
		if err != nil {
			// The connection broke (or the LEMF is closing): keep any partial PDU.
			l.keepPartial(log, h, fr.rest(), off, err)
			return
		}
		if l.cfg.Strict {
			// Before decoding, so that a PDU the decoder refuses is explained too.
			l.strictCheck(log, h, frame, off)
		}
		pdu, n, err := etsi.DecodePSPDU(frame)
		if err == nil && n != len(frame) {
			err = fmt.Errorf("decoder consumed %d of %d bytes", n, len(frame))
		}
		if err != nil {
			// Keep every received byte: the bad frame and whatever followed it.
			bad := append(append([]byte(nil), frame...), fr.rest()...)
			l.reject(log, h, bad, off, fmt.Errorf("PDU at stream offset %d: %w", off, err))
			return
		}
		if !l.accept(log, h, frame, &pdu) || l.cfg.KeepAlive.Silent {
			continue
		}
		if out, err = appendKeepAliveResponse(out[:0], &pdu); err != nil {
			log.Error().Err(err).Int64("offset", off).Msg("cannot encode keep-aliveResponse")
			continue
		}
		_ = conn.SetWriteDeadline(time.Now().Add(writeTimeout))
		if _, err := conn.Write(out); err != nil {
			log.Warn().Err(err).Msg("cannot send keep-aliveResponse; closing connection")
			return
		}
	}
}

// accept files one decoded PDU and reports whether it was a keep-alive to answer.
func (l *LEMF) accept(log zerolog.Logger, h hi, frame []byte, p *etsi.PSPDU) (keepAlive bool) {
	received := l.cfg.Now()
	js, jsErr := p.JSON()
	ci := &p.Header.CommunicationIdentifier
	ck := cinKey{liid: p.Header.LIID, ne: ci.NetworkIdentifier.NetworkElementIdentifier, cin: optional(ci.CIN)}

	l.mu.Lock()
	defer l.mu.Unlock()
	defer l.notifyLocked()
	off, err := l.out.ber[h].append(frame)
	if err != nil {
		log.Error().Err(err).Msg("cannot keep received bytes")
	}
	st := &l.stats[h]
	st.PDUs++
	st.Bytes += int64(len(frame))

	rep := fresh
	switch {
	case p.Payload.IRI != nil:
		rep = l.trackSeq(seqKey{cinKey: ck}, p.Header.SequenceNumber, frame)
		if rep == fresh {
			l.addEvents(ck, p.Payload.IRI)
		}
	case p.Payload.CC != nil:
		rep = l.trackSeq(seqKey{cinKey: ck, cc: true}, p.Header.SequenceNumber, frame)
		if rep == fresh {
			l.cw.add(log, ck, p.Payload.CC)
		}
	case p.Payload.TRI != nil:
		keepAlive = p.Payload.TRI.Kind == etsi.TRIKeepAlive
		if keepAlive {
			st.KeepAlives++
		}
	}
	switch rep {
	case retransmission:
		log.Debug().Int64("offset", off).Uint32("seq", p.Header.SequenceNumber).Msg("retransmitted PDU")
	case conflict:
		// No identities: the offset finds both copies in the .ber file.
		log.Warn().Int64("offset", off).Uint32("seq", p.Header.SequenceNumber).
			Msg("conflicting PDU: sequence number seen before with different bytes; first copy kept")
	case fresh:
	}

	rec := record{HI: h.String(), Offset: off, Received: timestamp(received), PDU: js,
		Duplicate: rep != fresh, Conflict: rep == conflict}
	if jsErr != nil {
		rec.PDU = nil
		rec.Error = fmt.Sprintf("render JSON: %v", jsErr)
	}
	if err := l.out.writeRecord(rec); err != nil {
		log.Error().Err(err).Msg("cannot write record")
	}
	if keepAlive {
		// The answer tells the sender all before it is on disk.
		l.flushLocked(log)
	}
	return keepAlive
}

// flush writes buffered output to disk.
func (l *LEMF) flush(log zerolog.Logger) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.flushLocked(log)
}

func (l *LEMF) flushLocked(log zerolog.Logger) {
	if err := l.out.flush(); err != nil {
		log.Error().Err(err).Msg("cannot write output")
	}
}

// trackSeq records a sequence number and the PDU that carried it.
func (l *LEMF) trackSeq(k seqKey, n uint32, frame []byte) repeat {
	t, ok := l.seq[k]
	if !ok {
		t = &seqTracker{}
		l.seq[k] = t
	}
	return t.add(n, frame)
}

func (l *LEMF) addEvents(ck cinKey, iri []etsi.IRIPayload) {
	for i := range iri {
		if e, ok := newEvent(&iri[i]); ok {
			l.events[ck] = append(l.events[ck], e)
		}
	}
}

// reject keeps the bytes that could not be decoded, logs where they started and counts
// the error; the caller then closes the connection because framing is lost.
func (l *LEMF) reject(log zerolog.Logger, h hi, bad []byte, streamOff int64, cause error) {
	received := l.cfg.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	defer l.notifyLocked()
	off := l.out.ber[h].size
	if len(bad) > 0 {
		var err error
		if off, err = l.out.ber[h].append(bad); err != nil {
			log.Error().Err(err).Msg("cannot keep received bytes")
		}
	}
	l.stats[h].DecodeErrors++
	l.stats[h].Bytes += int64(len(bad))
	log.Warn().Err(cause).Int64("stream_offset", streamOff).Int64("file_offset", off).
		Str("file", berName(h)).Msg("undecodable input; closing connection")
	if err := l.out.writeRecord(record{HI: h.String(), Offset: off, Received: timestamp(received),
		Error: cause.Error()}); err != nil {
		log.Error().Err(err).Msg("cannot write record")
	}
	l.flushLocked(log)
}

// keepPartial appends the bytes of an unfinished PDU from a connection that ended.
func (l *LEMF) keepPartial(log zerolog.Logger, h hi, partial []byte, streamOff int64, cause error) {
	if len(partial) == 0 {
		log.Info().Err(cause).Int64("bytes", streamOff).Msg("connection ended")
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	off, err := l.out.ber[h].append(partial)
	if err != nil {
		log.Error().Err(err).Msg("cannot keep received bytes")
	}
	l.stats[h].Bytes += int64(len(partial))
	l.flushLocked(log)
	log.Warn().Err(cause).Int64("stream_offset", streamOff).Int64("file_offset", off).Int("bytes", len(partial)).
		Str("file", berName(h)).Msg("connection ended inside a PDU")
}

func berName(h hi) string {
	if h == hi2 {
		return HI2File
	}
	return HI3File
}
