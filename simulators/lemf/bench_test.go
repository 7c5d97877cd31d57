package lemf

import (
	"bytes"
	"context"
	"testing"

	"github.com/umli/umli/mediation/etsi"
)

// BenchmarkReceiveMessagingCC measures the HI3 path end to end over loopback TCP:
// framing, decoding, JSON record, sequence tracking and WAV reassembly of 160-byte
// PCMU chunks (20 ms of audio each).
func BenchmarkReceiveMessagingCC(b *testing.B) {
	l, err := New(Config{OutDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
	}()
	_, a3 := l.Addrs()
	c := dialTB(b, a3.String())
	defer func() { _ = c.Close() }()

	samples := bytes.Repeat([]byte{0xff}, 160)
	var stream bytes.Buffer
	for i := 0; i < b.N; i++ {
		m := etsi.MessagingCC{EventIdentifier: 1, ContentIdentifier: u32(0), SequenceNumber: u32(uint32(i)),
			ContentType: "audio/PCMU", Content: samples}
		stream.Write(encode(b, ccPDU("LIID-B", 1, uint32(i), m)))
	}
	b.SetBytes(int64(stream.Len() / b.N))
	b.ReportAllocs()
	b.ResetTimer()
	if _, err := c.Write(stream.Bytes()); err != nil {
		b.Fatal(err)
	}
	if err := l.WaitPDUs(ctx, 0, b.N); err != nil {
		b.Fatal(err)
	}
}
