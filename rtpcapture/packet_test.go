package rtpcapture

import (
	"bytes"
	"testing"

	"github.com/pion/rtp"
)

// FuzzReadPlain checks the common-case header reader against pion/rtp: whatever it
// accepts, pion/rtp accepts as version 2 and reads to the same fields and payload.
func FuzzReadPlain(f *testing.F) {
	for _, h := range []rtp.Header{
		{Version: 2, PayloadType: 0, SequenceNumber: 7, Timestamp: 1120, SSRC: 42},
		{Version: 2, PayloadType: 101, Marker: true, SequenceNumber: 65535, Timestamp: 1<<32 - 1, SSRC: 1},
		{Version: 2, Padding: true, PaddingSize: 2, SSRC: 3},
		{Version: 2, CSRC: []uint32{9}, SSRC: 4},
	} {
		raw, err := (&rtp.Packet{Header: h, Payload: []byte{1, 2, 3}, PaddingSize: h.PaddingSize}).Marshal()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte{0x80, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3})
	f.Add([]byte{0x80, 0, 0})
	f.Fuzz(func(t *testing.T, raw []byte) {
		var p Packet
		if !readPlain(raw, &p) {
			if len(raw) >= rtpHeaderLen && raw[0] == plainRTPv2 {
				t.Fatalf("plain version 2 header refused: % x", raw[:rtpHeaderLen])
			}
			return
		}
		var want rtp.Packet
		if err := want.Unmarshal(raw); err != nil {
			t.Fatalf("readPlain accepted what pion/rtp refuses (%v): % x", err, raw)
		}
		if want.Version != 2 || p.SSRC != want.SSRC || p.Seq != want.SequenceNumber ||
			p.Timestamp != want.Timestamp || p.PayloadType != want.PayloadType || p.Marker != want.Marker ||
			!bytes.Equal(p.Payload, want.Payload) || len(raw)-len(p.Payload) != rtpHeaderLen {
			t.Fatalf("readPlain %+v, pion/rtp %+v", p, want.Header)
		}
	})
}

func TestReadPlain(t *testing.T) {
	tests := []struct {
		name string
		raw  []byte
		ok   bool
		want Packet
	}{
		{"plain", []byte{0x80, 0x80 | 8, 0x01, 0x02, 0, 0, 0x01, 0x40, 0xde, 0xad, 0xbe, 0xef, 9, 8},
			true, Packet{SSRC: 0xdeadbeef, Seq: 0x0102, Timestamp: 0x140, PayloadType: 8, Marker: true, Payload: []byte{9, 8}}},
		{"header only", []byte{0x80, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3},
			true, Packet{SSRC: 3, Seq: 1, Timestamp: 2, Payload: []byte{}}},
		{"short", []byte{0x80, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0}, false, Packet{}},
		{"padding", []byte{0xa0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 1}, false, Packet{}},
		{"extension", []byte{0x90, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0}, false, Packet{}},
		{"csrc", []byte{0x81, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4}, false, Packet{}},
		{"version 1", []byte{0x40, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3}, false, Packet{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var p Packet
			ok := readPlain(tc.raw, &p)
			if ok != tc.ok {
				t.Fatalf("readPlain = %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			if p.SSRC != tc.want.SSRC || p.Seq != tc.want.Seq || p.Timestamp != tc.want.Timestamp ||
				p.PayloadType != tc.want.PayloadType || p.Marker != tc.want.Marker || !bytes.Equal(p.Payload, tc.want.Payload) {
				t.Errorf("readPlain = %+v, want %+v", p, tc.want)
			}
		})
	}
}
