package mdf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"
	"github.com/umli/umli/handover/x2x3"
	"github.com/umli/umli/internal/testlog"
)

func goodX2(t testing.TB, seq uint32) []byte {
	b, err := x2x3.Wrap(x2x3.TypeX2, uuid.MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), 1, seq, time.Unix(0, 0), x2x3.DirUnknown, []byte{0x30, 0})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBadInputClosesOnlyThatConnection: a wrong version, an absurd length or an unknown
// attribute ends the sender's connection with a log line naming the problem; another
// connection on the same receiver keeps being served and answered.
func TestBadInputClosesOnlyThatConnection(t *testing.T) {
	tests := []struct {
		name, log string
		mut       func(b []byte)
	}{
		{"wrong version", "unsupported version", func(b []byte) { b[1] = 3 }},
		{"absurd length", "bad length", func(b []byte) { binary.BigEndian.PutUint32(b[8:], 0x7fffffff) }},
		{"unknown attribute", "unknown type 300", func(b []byte) { binary.BigEndian.PutUint16(b[40:], 300) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs testlog.Buffer
			r, err := Listen("127.0.0.1:0", nil, nil, zerolog.New(&logs))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			good, err := net.Dial("tcp", r.Addr())
			if err != nil {
				t.Fatal(err)
			}
			defer good.Close()
			bad, err := net.Dial("tcp", r.Addr())
			if err != nil {
				t.Fatal(err)
			}
			defer bad.Close()
			b := goodX2(t, 1)
			tt.mut(b)
			if _, err := bad.Write(b); err != nil {
				t.Fatal(err)
			}
			_ = bad.SetReadDeadline(time.Now().Add(10 * time.Second))
			var ne net.Error
			if _, err := bad.Read(make([]byte, 1)); err == nil || (errors.As(err, &ne) && ne.Timeout()) { // EOF or reset

				t.Errorf("bad connection not closed: %v", err)
			}
			if _, err := good.Write(append(goodX2(t, 5), x2x3.KeepAlive(2)...)); err != nil {
				t.Fatal(err)
			}
			ack := make([]byte, x2x3.HeaderLen+8)
			_ = good.SetReadDeadline(time.Now().Add(10 * time.Second))
			if _, err := io.ReadFull(good, ack); err != nil || !x2x3.IsKeepAliveAck(ack) {
				t.Fatalf("good connection not answered: %v", err)
			}
			if r.Rejected() != 1 || !strings.Contains(string(logs.Bytes()), tt.log) {
				t.Errorf("rejected %d; log %s", r.Rejected(), logs.Bytes())
			}
			if n := len(r.Seqs()); n != 1 {
				t.Errorf("%d sequences tracked, want 1", n)
			}
		})
	}
}

// FuzzRead: the MDF parser never panics on hostile bytes and either consumes whole PDUs
// or reports an error.
func FuzzRead(f *testing.F) {
	f.Add(goodX2(f, 1))
	f.Add(append(goodX2(f, 1), x2x3.KeepAlive(0)...))
	f.Add(x2x3.KeepAlive(0)[:20])
	f.Add([]byte{0, 1, 0, 1, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		total := 0
		err := Read(bytes.NewReader(b), func(raw []byte, p *x2x3.PDU) error {
			if len(raw) < x2x3.HeaderLen {
				t.Fatalf("short PDU %d", len(raw))
			}
			total += len(raw)
			return nil
		}, nil)
		if errors.Is(err, io.EOF) && total != len(b) {
			t.Fatalf("EOF after %d of %d bytes", total, len(b))
		}
	})
}
