package sipsim

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/pion/rtp"
	"github.com/umli/umli/rtpcapture/g711"
)

const (
	ptime      = 20 * time.Millisecond
	perPacket  = 160
	ptPCMU     = 0
	ptDTMF     = 101
	dtmfVolume = 10
)

// sender sends one RTP stream to dst and, when fork is set, the same bytes to fork
// (the SRC's copy towards the recording endpoint).
type sender struct {
	conn      *net.UDPConn
	dst       netip.AddrPort
	fork      *net.UDPConn
	forkDst   netip.AddrPort
	ssrc      uint32
	seq       uint16
	ts        uint32
	sentAudio []byte
}

func (s *sender) send(pt uint8, marker bool, ts uint32, payload []byte) error {
	raw, err := (&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: pt, Marker: marker, SequenceNumber: s.seq,
		Timestamp: ts, SSRC: s.ssrc}, Payload: payload}).Marshal()
	if err != nil {
		return fmt.Errorf("rtp marshal: %w", err)
	}
	s.seq++
	if _, err := s.conn.WriteToUDPAddrPort(raw, s.dst); err != nil {
		return fmt.Errorf("rtp send: %w", err)
	}
	if s.fork != nil {
		if _, err := s.fork.WriteToUDPAddrPort(raw, s.forkDst); err != nil {
			return fmt.Errorf("rtp fork: %w", err)
		}
	}
	return nil
}

// tone sends n packets of a tone, paced in real time.
func (s *sender) tone(ctx context.Context, hz float64, n int) error {
	tick := time.NewTicker(ptime)
	defer tick.Stop()
	for i := 0; i < n; i++ {
		payload := g711.Ulaw(g711.Tone(hz, 8000, i*perPacket, perPacket, 0.4))
		if err := s.send(ptPCMU, i == 0, s.ts, payload); err != nil {
			return err
		}
		s.sentAudio = append(s.sentAudio, payload...)
		s.ts += perPacket
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
	return nil
}

// keys sends RFC 4733 events: three updates and three end packets per key.
func (s *sender) keys(ctx context.Context, keys string) error {
	tick := time.NewTicker(ptime)
	defer tick.Stop()
	for _, k := range keys {
		code, ok := keyCode(k)
		if !ok {
			return fmt.Errorf("sipsim: %q is not a DTMF key", k)
		}
		for i := 1; i <= 6; i++ {
			d := uint16(min(i, 3) * perPacket)
			flags := byte(dtmfVolume)
			if i > 3 {
				flags |= 0x80
			}
			if err := s.send(ptDTMF, i == 1, s.ts, []byte{code, flags, byte(d >> 8), byte(d)}); err != nil {
				return err
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-tick.C:
			}
		}
		s.ts += 6 * perPacket
	}
	return nil
}

func keyCode(k rune) (uint8, bool) {
	switch {
	case k >= '0' && k <= '9':
		return uint8(k - '0'), true
	case k == '*':
		return 10, true
	case k == '#':
		return 11, true
	}
	return 0, false
}

// relay reads what the caller sends to the UM system and forks each packet unchanged
// to the recording endpoint, until the socket closes.
func relay(conn *net.UDPConn, fork *net.UDPConn, forkDst netip.AddrPort, done chan<- struct{}) {
	defer close(done)
	buf := make([]byte, 2048)
	for {
		n, _, err := conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			return
		}
		_, _ = fork.WriteToUDPAddrPort(buf[:n], forkDst)
	}
}

// drain reads and discards (the caller hearing the prompt), until the socket closes.
func drain(conn *net.UDPConn) {
	buf := make([]byte, 2048)
	for {
		if _, _, err := conn.ReadFromUDPAddrPort(buf); err != nil {
			return
		}
	}
}

func listenUDP(ip netip.Addr) (*net.UDPConn, netip.AddrPort, error) {
	c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(ip, 0)))
	if err != nil {
		return nil, netip.AddrPort{}, fmt.Errorf("sipsim: rtp socket: %w", err)
	}
	return c, c.LocalAddr().(*net.UDPAddr).AddrPort(), nil
}
