package passive

import (
	"errors"
	"io"
	"net/netip"

	"github.com/emiago/sipgo/sip"
)

// maxPending bounds out-of-order segments held per TCP direction.
const maxPending = 32

// maxStreams bounds the TCP directions followed at once.
const maxStreams = 4096

type flowKey struct{ src, dst netip.AddrPort }

// tcpStream reassembles one direction of a TCP connection carrying SIP and feeds the
// bytes, in order, to a SIP stream parser.
type tcpStream struct {
	started bool
	next    uint32
	pending map[uint32][]byte
	parser  *sip.ParserStream
}

// segment takes one segment and returns the SIP messages it completed. Bytes the parser
// cannot make sense of are discarded up to the buffer's end so the stream can recover.
func (s *tcpStream) segment(seq uint32, syn bool, payload []byte) ([]sip.Message, error) {
	if syn {
		s.started, s.next = true, seq+1
		clear(s.pending)
		return nil, nil
	}
	if len(payload) == 0 {
		return nil, nil
	}
	if !s.started {
		// Capture began mid-connection: take the first segment seen as the start.
		s.started, s.next = true, seq
	}
	if d := int32(seq - s.next); d > 0 { //nolint:gosec // G115: TCP sequence distance is signed 32-bit arithmetic (RFC 1982) on purpose
		if len(s.pending) < maxPending {
			s.pending[seq] = append([]byte(nil), payload...)
		}
		return nil, nil
	} else if d < 0 {
		// Retransmission; keep only the new tail, if any.
		if int(-d) >= len(payload) {
			return nil, nil
		}
		payload = payload[-d:]
	}
	var msgs []sip.Message
	var errs []error
	for {
		if _, err := s.parser.Write(payload); err != nil {
			return msgs, err
		}
		s.next += uint32(len(payload)) //nolint:gosec // G115: TCP sequence numbers wrap mod 2^32 on purpose (RFC 793)
		m, err := s.drain()
		msgs = append(msgs, m...)
		if err != nil {
			errs = append(errs, err)
		}
		p, ok := s.pending[s.next]
		if !ok {
			break
		}
		delete(s.pending, s.next)
		payload = p
	}
	return msgs, errors.Join(errs...)
}

func (s *tcpStream) drain() ([]sip.Message, error) {
	var msgs []sip.Message
	for s.parser.Buffer().Len() > 0 {
		m, _, err := s.parser.ParseNext()
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return msgs, nil
		}
		if err != nil {
			s.parser.Discard(s.parser.Buffer().Len())
			return msgs, err
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}
