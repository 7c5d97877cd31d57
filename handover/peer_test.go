package handover

import (
	"bufio"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Test PDUs are BER SEQUENCEs (tag 0x30, two-byte long-form length) whose content starts
// with an 8-byte sequence number. Keep-alives are [APPLICATION 17] "KA", responses "KR".
var (
	testKeepAlive         = []byte{0x71, 0x02, 'K', 'A'}
	testKeepAliveResponse = []byte{0x71, 0x02, 'K', 'R'}
)

func testPDU(seq uint64, size int) []byte {
	p := make([]byte, 4+max(size-4, 8))
	p[0], p[1] = 0x30, 0x82
	binary.BigEndian.PutUint16(p[2:], uint16(len(p)-4))
	binary.BigEndian.PutUint64(p[4:], seq)
	for i := 12; i < len(p); i++ {
		p[i] = byte(i)
	}
	return p
}

func isTestKeepAliveResponse(p []byte) bool { return string(p) == string(testKeepAliveResponse) }

// peer is a minimal LEMF: it accepts connections (TCP or TLS), frames what it reads with
// its own parser (independent of the code under test), records PDU sequence numbers and
// answers keep-alives when told to.
type peer struct {
	t       testing.TB
	addr    string
	tlsCfg  *tls.Config
	answer  atomic.Bool
	garbage atomic.Bool // send malformed bytes on the next connection
	stalled atomic.Bool // stop reading (a LEMF that hangs)
	discard bool        // benchmark mode: count bytes only

	mu         sync.Mutex
	ln         net.Listener
	conns      map[net.Conn]bool
	seqs       []uint64
	accepted   int
	keepAlives int
	tlsErrors  []error
	bytes      atomic.Int64
	wg         sync.WaitGroup
}

func newPeer(t testing.TB, tlsCfg *tls.Config) *peer { return startPeer(t, tlsCfg, false) }

// startPeer starts a peer; discard makes it count bytes without parsing (benchmarks).
func startPeer(t testing.TB, tlsCfg *tls.Config, discard bool) *peer {
	p := &peer{t: t, addr: "127.0.0.1:0", tlsCfg: tlsCfg, conns: map[net.Conn]bool{}, discard: discard}
	p.answer.Store(true)
	p.start()
	t.Cleanup(p.stop)
	return p
}

// start listens on the peer's address (the same port again after stop).
func (p *peer) start() {
	p.t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatalf("peer listen %s: %v", p.addr, err)
	}
	p.mu.Lock()
	p.ln = ln
	p.addr = ln.Addr().String()
	p.mu.Unlock()
	p.wg.Add(1)
	go p.accept(ln)
}

// stop closes the listener and every connection, as a crashed LEMF would.
func (p *peer) stop() {
	p.closeAll()
	p.wg.Wait()
}

// closeAll closes the listener and every connection without waiting for the readers.
func (p *peer) closeAll() {
	p.mu.Lock()
	if p.ln != nil {
		_ = p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()
}

func (p *peer) accept(ln net.Listener) {
	defer p.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		p.conns[c] = true
		p.accepted++
		gen := p.accepted
		p.mu.Unlock()
		p.wg.Add(1)
		go p.serve(c, gen)
	}
}

// serve reads one connection. Like a LEMF that treats the newest connection per HI as the
// live one, it records PDUs only while this connection is the newest.
func (p *peer) serve(raw net.Conn, gen int) {
	defer p.wg.Done()
	defer func() {
		p.mu.Lock()
		delete(p.conns, raw)
		p.mu.Unlock()
		_ = raw.Close()
	}()
	var c net.Conn = raw
	if p.tlsCfg != nil {
		tc := tls.Server(raw, p.tlsCfg)
		if err := tc.Handshake(); err != nil {
			p.mu.Lock()
			p.tlsErrors = append(p.tlsErrors, err)
			p.mu.Unlock()
			return
		}
		c = tc
	}
	if p.discard {
		buf := make([]byte, 256<<10)
		for {
			n, err := c.Read(buf)
			p.bytes.Add(int64(n))
			if err != nil {
				return
			}
		}
	}
	if p.garbage.CompareAndSwap(true, false) {
		_, _ = c.Write([]byte{0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x00})
	}
	r := bufio.NewReader(c)
	for {
		for p.stalled.Load() {
			time.Sleep(5 * time.Millisecond)
		}
		pdu, err := readTestPDU(r)
		if err != nil {
			return
		}
		switch {
		case string(pdu) == string(testKeepAlive):
			p.mu.Lock()
			p.keepAlives++
			p.mu.Unlock()
			if p.answer.Load() {
				if _, err := c.Write(testKeepAliveResponse); err != nil {
					return
				}
			}
		case pdu[0] == 0x30 && len(pdu) >= 12:
			p.mu.Lock()
			if gen == p.accepted {
				p.seqs = append(p.seqs, binary.BigEndian.Uint64(pdu[4:]))
			}
			p.mu.Unlock()
		default:
			p.t.Errorf("peer: unexpected PDU % x", pdu[:min(len(pdu), 16)])
			return
		}
	}
}

func readTestPDU(r *bufio.Reader) ([]byte, error) {
	var h [2]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, err
	}
	n := int(h[1])
	hdr := h[:]
	if h[1] == 0x82 {
		var l [2]byte
		if _, err := io.ReadFull(r, l[:]); err != nil {
			return nil, err
		}
		n = int(binary.BigEndian.Uint16(l[:]))
		hdr = append(hdr, l[:]...)
	} else if h[1] >= 0x80 {
		return nil, errors.New("peer: unexpected length form")
	}
	b := make([]byte, len(hdr)+n)
	copy(b, hdr)
	if _, err := io.ReadFull(r, b[len(hdr):]); err != nil {
		return nil, err
	}
	return b, nil
}

type peerState struct {
	seqs       []uint64
	accepted   int
	keepAlives int
	tlsErrors  []error
}

func (p *peer) state() peerState {
	p.mu.Lock()
	defer p.mu.Unlock()
	return peerState{append([]uint64(nil), p.seqs...), p.accepted, p.keepAlives, append([]error(nil), p.tlsErrors...)}
}

// checkComplete reports whether seqs hold every number in [0,n) with first occurrences in
// increasing order (duplicates from the resend window allowed), and how many duplicates.
func checkComplete(seqs []uint64, n int) (dups int, err error) {
	seen := make([]bool, n)
	next := uint64(0)
	for i, s := range seqs {
		if s >= uint64(n) {
			return dups, fmt.Errorf("position %d: seq %d out of range", i, s)
		}
		if seen[s] {
			dups++
			continue
		}
		if s != next {
			return dups, fmt.Errorf("position %d: first sight of seq %d, expected %d (gap or reorder)", i, s, next)
		}
		seen[s] = true
		next++
	}
	if next != uint64(n) {
		return dups, fmt.Errorf("got %d distinct PDUs, want %d", next, n)
	}
	return dups, nil
}
