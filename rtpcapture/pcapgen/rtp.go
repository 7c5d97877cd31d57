package pcapgen

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/pion/rtp"
	"github.com/umli/umli/rtpcapture/g711"
)

// Ptime is the packetization interval of the generated G.711 streams.
const Ptime = 20 * time.Millisecond

// samplesPerPacket is 20 ms at 8 kHz.
const samplesPerPacket = 160

// Stream is one generated RTP stream: G.711 μ-law of a tone, optionally followed by
// RFC 4733 key presses, sent from Src to Dst with impairments.
type Stream struct {
	Src, Dst netip.AddrPort
	SSRC     uint32
	Seq0     uint16
	TS0      uint32
	ToneHz   float64
	Packets  int
	// Keys are pressed (telephone-event, payload type 101) after the tone.
	Keys string
	// Every n-th packet (n > 0) is swapped with the next, lost or sent twice.
	SwapEvery, LoseEvery, DupEvery int
}

// packet is one RTP packet of a stream in sequence order.
type packet struct {
	seq     uint16
	raw     []byte
	payload []byte
	pt      uint8
}

func (s Stream) packets() ([]packet, error) {
	var out []packet
	seq, ts := s.Seq0, s.TS0
	add := func(pt uint8, marker bool, tsv uint32, payload []byte) error {
		raw, err := (&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: pt, Marker: marker, SequenceNumber: seq,
			Timestamp: tsv, SSRC: s.SSRC}, Payload: payload}).Marshal()
		if err != nil {
			return fmt.Errorf("rtp marshal: %w", err)
		}
		out = append(out, packet{seq: seq, raw: raw, payload: payload, pt: pt})
		seq++
		return nil
	}
	for i := 0; i < s.Packets; i++ {
		pcm := g711.Tone(s.ToneHz, 8000, i*samplesPerPacket, samplesPerPacket, 0.4)
		if err := add(0, i == 0, ts, g711.Ulaw(pcm)); err != nil {
			return nil, err
		}
		ts += samplesPerPacket
	}
	for _, k := range s.Keys {
		code, ok := keyCode(k)
		if !ok {
			return nil, fmt.Errorf("key %q is not a DTMF key", k)
		}
		// Three updates of 20 ms each, then the end packet three times (RFC 4733 2.5.1.4).
		for i := 1; i <= 3; i++ {
			d := uint16(i * samplesPerPacket)
			if err := add(101, i == 1, ts, []byte{code, 10, byte(d >> 8), byte(d)}); err != nil { //nolint:gosec // G115: byte() takes the octets of a 16-bit duration on purpose
				return nil, err
			}
		}
		for i := 0; i < 3; i++ {
			if err := add(101, false, ts, []byte{code, 0x80 | 10, 0x01, 0xe0}); err != nil {
				return nil, err
			}
		}
		ts += 6 * samplesPerPacket
	}
	return out, nil
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

// sendOrder applies the impairments: the order packets go on the wire, by index.
func (s Stream) sendOrder(n int) []int {
	var order []int
	for i := 0; i < n; i++ {
		switch {
		case s.LoseEvery > 0 && i%s.LoseEvery == s.LoseEvery-1:
		case s.SwapEvery > 0 && i%s.SwapEvery == s.SwapEvery-1 && i+1 < n:
			order = append(order, i+1, i)
			i++
		default:
			order = append(order, i)
			if s.DupEvery > 0 && i%s.DupEvery == s.DupEvery-1 {
				order = append(order, i)
			}
		}
	}
	return order
}

// Expected returns what a capture must deliver for the stream: the payloads of payload
// type pt that were not lost, in sequence order.
func (s Stream) Expected(pt uint8) ([]byte, error) {
	pkts, err := s.packets()
	if err != nil {
		return nil, err
	}
	sent := map[int]bool{}
	for _, i := range s.sendOrder(len(pkts)) {
		sent[i] = true
	}
	var out []byte
	for i, p := range pkts {
		if sent[i] && p.pt == pt {
			out = append(out, p.payload...)
		}
	}
	return out, nil
}

// Write writes the stream's packets, one every Ptime from start (DTMF packets too).
func (s Stream) Write(w *Writer, start time.Time) (time.Time, error) {
	pkts, err := s.packets()
	if err != nil {
		return start, err
	}
	at := start
	for _, i := range s.sendOrder(len(pkts)) {
		if err := w.UDP(at, s.Src, s.Dst, pkts[i].raw); err != nil {
			return at, err
		}
		at = at.Add(Ptime)
	}
	return at, nil
}
