package x2x3

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestWrapParseRoundTrip(t *testing.T) {
	xid := uuid.MustParse("2b36a78b-b628-416d-bd22-404e68a0cd36")
	at := time.Unix(1700000000, 123456789)
	for _, typ := range []uint16{TypeX2, TypeX3} {
		b, err := Wrap(typ, xid, 42, 7, at, DirFromTarget, []byte{0x30, 0x03, 0x02, 0x01, 0x05})
		if err != nil {
			t.Fatal(err)
		}
		p, err := Parse(b)
		if err != nil {
			t.Fatalf("Parse: %v", err)
		}
		seq, ok := p.SequenceNumber()
		if p.Type != typ || p.XID != xid || p.CorrelationID != 42 || !ok || seq != 7 ||
			p.Format != FormatTS102232 || p.Direction != DirFromTarget || !bytes.Equal(p.Payload, []byte{0x30, 0x03, 0x02, 0x01, 0x05}) {
			t.Errorf("round trip of type %d: %+v", typ, p)
		}
		if hl := binary.BigEndian.Uint32(b[4:]); hl != HeaderLen+8+12 {
			t.Errorf("header length %d", hl)
		}
	}
	if _, err := Wrap(TypeKeepAlive, xid, 0, 0, at, 0, nil); !errors.Is(err, ErrType) {
		t.Errorf("keep-alive with payload: %v", err)
	}
}

func TestKeepAliveAck(t *testing.T) {
	ka, err := Parse(KeepAlive(9))
	if err != nil || ka.Type != TypeKeepAlive || ka.XID != uuid.Nil || len(ka.Payload) != 0 {
		t.Fatalf("keep-alive: %+v %v", ka, err)
	}
	ack := KeepAliveAck(ka)
	if !IsKeepAliveAck(ack) {
		t.Fatal("ack not recognised")
	}
	p, _ := Parse(ack)
	if n, ok := p.SequenceNumber(); !ok || n != 9 {
		t.Errorf("ack does not echo the sequence number: %d %v", n, ok)
	}
	if IsKeepAliveAck(KeepAlive(1)) {
		t.Error("a keep-alive taken for an ack")
	}
}

func TestParseRejects(t *testing.T) {
	good := KeepAlive(1)
	mut := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"short", good[:10], ErrIncomplete},
		{"truncated", good[:len(good)-1], ErrIncomplete},
		{"version", mut(func(b []byte) []byte { b[1] = 9; return b }), ErrVersion},
		{"type", mut(func(b []byte) []byte { b[3] = 7; return b }), ErrType},
		{"header below 40", mut(func(b []byte) []byte { binary.BigEndian.PutUint32(b[4:], 39); return b }), ErrLength},
		{"absurd payload", mut(func(b []byte) []byte { binary.BigEndian.PutUint32(b[8:], 0xffffffff); return b }), ErrLength},
		{"unknown attribute", mut(func(b []byte) []byte { b[41] = 99; return b }), ErrAttribute},
		{"attribute past header", mut(func(b []byte) []byte { b[43] = 200; return b }), ErrAttribute},
		{"trailing", append(append([]byte(nil), good...), 0), ErrLength},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse(tt.in); !errors.Is(err, tt.want) {
				t.Errorf("Parse = %v, want %v", err, tt.want)
			}
			if IsKeepAliveAck(tt.in) {
				t.Error("malformed input taken for an ack")
			}
		})
	}
}

func FuzzKeepAliveAck(f *testing.F) {
	ka, _ := Parse(KeepAlive(3))
	f.Add(KeepAliveAck(ka))
	f.Add(KeepAlive(0))
	x, _ := Wrap(TypeX2, uuid.New(), 1, 1, time.Unix(0, 0), DirUnknown, []byte{1, 2, 3})
	f.Add(x)
	f.Add([]byte{0, 1, 0, 4, 0, 0, 0, 40, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := FrameLength(b, 1<<16)
		if err == nil && (n < HeaderLen || n > 1<<16) {
			t.Fatalf("FrameLength %d out of bounds", n)
		}
		p, err := Parse(b)
		if IsKeepAliveAck(b) != (err == nil && p.Type == TypeKeepAliveAck) {
			t.Fatal("IsKeepAliveAck disagrees with Parse")
		}
		if err != nil {
			return
		}
		again, err := p.Append(nil)
		if err != nil || !bytes.Equal(again[:4], b[:4]) || len(again) != len(b) {
			t.Fatalf("re-encode differs: %v", err)
		}
	})
}
