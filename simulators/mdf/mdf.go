// Package mdf is a mediation and delivery function receiver for TS 103 221-2 X2/X3: it
// accepts connections, answers keep-alives, appends every PDU's raw bytes to a sink (the
// stream as sent), and tracks sequence numbers per (XID, correlation ID). A malformed PDU
// (wrong version, absurd lengths, unknown attributes) closes only its connection, logged.
package mdf

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"

	"github.com/google/uuid"
	"github.com/rs/zerolog"
	"github.com/umli/umli/handover/x2x3"
	"github.com/umli/umli/internal/tlsconf"
)

// Key groups one logical sequence.
type Key struct {
	XID uuid.UUID
	CID uint64
}

// Receiver is one listening X2 or X3 endpoint.
type Receiver struct {
	ln   net.Listener
	log  zerolog.Logger
	sink io.Writer // raw PDUs back to back; nil: not kept
	wg   sync.WaitGroup

	mu       sync.Mutex
	seqs     map[Key][]uint32
	types    map[uint16]int
	rejected int
	conns    map[net.Conn]struct{}
}

// Listen starts a receiver on addr (TLS when cfg is set: require client certificates there).
func Listen(addr string, cfg *tls.Config, sink io.Writer, log zerolog.Logger) (*Receiver, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mdf listen %s: %w", addr, err)
	}
	if cfg != nil {
		ln = tls.NewListener(ln, cfg)
	}
	r := &Receiver{ln: ln, log: log, sink: sink, seqs: map[Key][]uint32{}, types: map[uint16]int{}, conns: map[net.Conn]struct{}{}}
	r.wg.Go(r.accept)
	return r, nil
}

// Addr is the listening address.
func (r *Receiver) Addr() string { return r.ln.Addr().String() }

// Close stops listening and ends every connection.
func (r *Receiver) Close() error {
	err := r.ln.Close()
	r.mu.Lock()
	for c := range r.conns {
		_ = c.Close()
	}
	r.mu.Unlock()
	r.wg.Wait()
	return err
}

// Seqs returns a copy of the sequence numbers seen per key, in arrival order.
func (r *Receiver) Seqs() map[Key][]uint32 {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[Key][]uint32, len(r.seqs))
	for k, v := range r.seqs {
		out[k] = append([]uint32(nil), v...)
	}
	return out
}

// Types returns how many PDUs of each type arrived; Rejected how many connections were
// closed for malformed input.
func (r *Receiver) Types() map[uint16]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[uint16]int{}
	for k, v := range r.types {
		out[k] = v
	}
	return out
}

// Rejected is how many connections were closed for malformed input.
func (r *Receiver) Rejected() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rejected
}

func (r *Receiver) accept() {
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		r.mu.Lock()
		r.conns[c] = struct{}{}
		r.mu.Unlock()
		r.wg.Go(func() {
			defer func() {
				_ = c.Close()
				r.mu.Lock()
				delete(r.conns, c)
				r.mu.Unlock()
			}()
			if err := r.serve(c, c); !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				r.log.Warn().Err(err).Str("peer", c.RemoteAddr().String()).Msg("mdf: closing connection")
			}
		})
	}
}

// serve reads PDUs from in until EOF or a malformed one, answering keep-alives on out.
func (r *Receiver) serve(in io.Reader, out io.Writer) error {
	return Read(in, func(raw []byte, p *x2x3.PDU) error {
		if p.Type == x2x3.TypeKeepAlive {
			if _, err := out.Write(x2x3.KeepAliveAck(p)); err != nil {
				return fmt.Errorf("answer keep-alive: %w", err)
			}
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		r.types[p.Type]++
		if p.Type == x2x3.TypeX2 || p.Type == x2x3.TypeX3 {
			if n, ok := p.SequenceNumber(); ok {
				k := Key{XID: p.XID, CID: p.CorrelationID}
				r.seqs[k] = append(r.seqs[k], n)
			}
			if r.sink != nil {
				if _, err := r.sink.Write(raw); err != nil {
					return fmt.Errorf("keep PDU: %w", err)
				}
			}
		}
		return nil
	}, func() { r.mu.Lock(); r.rejected++; r.mu.Unlock() })
}

// Read parses PDUs from in back to back and calls each with the raw bytes (valid during
// the call) and the parsed PDU. A malformed PDU calls bad (if set) and ends Read with an
// error naming what is wrong and its byte offset; io.EOF at a PDU boundary ends it with
// io.EOF.
func Read(in io.Reader, each func(raw []byte, p *x2x3.PDU) error, bad func()) error {
	var off int64
	hdr := make([]byte, 12)
	for {
		if _, err := io.ReadFull(in, hdr); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return fmt.Errorf("x2x3 stream offset %d: truncated header: %w", off, err)
			}
			return err
		}
		n, err := x2x3.FrameLength(hdr, x2x3.MaxPDU)
		if err != nil {
			if bad != nil {
				bad()
			}
			return fmt.Errorf("x2x3 stream offset %d: %w", off, err)
		}
		// Grow with what arrives, not with what the header claims (up to MaxPDU).
		buf := bytes.NewBuffer(make([]byte, 0, min(n, 64<<10)))
		buf.Write(hdr)
		if _, err := io.CopyN(buf, in, int64(n-len(hdr))); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return fmt.Errorf("x2x3 stream offset %d: truncated PDU of %d bytes: %w", off, n, err)
		}
		raw := buf.Bytes()
		p, err := x2x3.Parse(raw)
		if err != nil {
			if bad != nil {
				bad()
			}
			return fmt.Errorf("x2x3 stream offset %d: %w", off, err)
		}
		if err := each(raw, p); err != nil {
			return err
		}
		off += int64(n)
	}
}

// Serve is for callers with their own context: it closes the receiver when ctx ends.
func (r *Receiver) Serve(ctx context.Context) error {
	<-ctx.Done()
	return r.Close()
}

// ServerTLSConfig loads the MDF's certificate and the CA the POI's client certificates
// must chain to: TLS 1.3 with mutual authentication, as TS 103 221-2 clause 6 asks.
func ServerTLSConfig(certFile, keyFile, clientCAFile string) (*tls.Config, error) {
	return tlsconf.Files{Cert: certFile, Key: keyFile, CA: clientCAFile}.MutualServer(tlsconf.TLS13)
}
