//go:build linux

package passive

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/rs/zerolog"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/rtpcapture"
	"github.com/umli/umli/rtpcapture/internal/capturetest"
	"golang.org/x/net/bpf"
)

func udpOn(t *testing.T) (*net.UDPConn, netip.AddrPort) {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c, c.LocalAddr().(*net.UDPAddr).AddrPort()
}

// TestLiveLoopback captures a real call sent over the loopback interface: SIP over UDP
// between two sockets, the caller's RTP to the negotiated port. On lo the packet socket
// sees every datagram twice (sent and received); the duplicates must not show.
func TestLiveLoopback(t *testing.T) {
	live, err := OpenInterface("lo")
	if err != nil {
		t.Skipf("live capture needs CAP_NET_RAW: %v", err)
	}
	// Only UDP over IPv4: on a busy machine the rest of lo's traffic (other tests' Redis
	// and TCP) would fill the socket before Run reads it, and the kernel drops frames.
	udp4, err := bpf.Assemble([]bpf.Instruction{
		bpf.LoadAbsolute{Off: 12, Size: 2},
		bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: 0x0800, SkipTrue: 3},
		bpf.LoadAbsolute{Off: 23, Size: 1},
		bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: 17, SkipTrue: 1},
		bpf.RetConstant{Val: 65535},
		bpf.RetConstant{Val: 0},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := live.h.SetBPF(udp4); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sink := capturetest.NewSink()
	c, err := New(Config{Source: "tap-lo", Sink: sink, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	callerSIP, callerAddr := udpOn(t)
	_, umAddr := udpOn(t)
	callerRTP, callerMedia := udpOn(t)
	_, umMedia := udpOn(t)
	sdp := func(m netip.AddrPort) string {
		return fmt.Sprintf("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio %d RTP/AVP 0\r\n", m.Port())
	}
	msg := func(start, cseq, body string) []byte {
		ct := ""
		if body != "" {
			ct = "Content-Type: application/sdp\r\n"
		}
		return []byte(fmt.Sprintf("%s\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-%s\r\nFrom: <sip:+4930555@carrier.example>;tag=a\r\n"+
			"To: <sip:2000@um.example>;tag=b\r\nCall-ID: live-1\r\nCSeq: %s\r\n%sContent-Length: %d\r\n\r\n%s",
			start, callerAddr, cseq, cseq, ct, len(body), body))
	}
	send := func(from *net.UDPConn, to netip.AddrPort, b []byte) {
		t.Helper()
		if _, err := from.WriteToUDPAddrPort(b, to); err != nil {
			t.Fatal(err)
		}
	}
	// Run reads while the call is sent: the socket captures from OpenInterface on, but
	// left unread it fills with the other packages' loopback UDP (RTP tests running in
	// parallel) and the kernel drops this call's frames (CI lost 15 of 25 RTP packets).
	done := make(chan error, 1)
	go func() { done <- live.Run(ctx, c) }()
	send(callerSIP, umAddr, msg("INVITE sip:2000@um.example SIP/2.0", "1 INVITE", sdp(callerMedia)))
	send(callerSIP, callerAddr, msg("SIP/2.0 200 OK", "1 INVITE", sdp(umMedia)))
	var want []byte
	for i := 0; i < 25; i++ {
		payload := bytes.Repeat([]byte{byte(i)}, 160)
		raw, err := (&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: uint16(i), Timestamp: uint32(i * 160), SSRC: 5}, Payload: payload}).Marshal()
		if err != nil {
			t.Fatal(err)
		}
		send(callerRTP, umMedia, raw)
		want = append(want, payload...)
	}
	send(callerSIP, umAddr, msg("BYE sip:2000@um.example SIP/2.0", "2 BYE", ""))

	box := record.Identity{Kind: record.IdentityBoxID, Value: "2000@um.example"}
	recs, err := sink.WaitEnded(ctx, box, rtpcapture.ContentToTarget)
	cancel()
	if rerr := <-done; rerr != nil {
		t.Fatal(rerr)
	}
	if err != nil {
		t.Fatal(err)
	}
	if got := capturetest.Content(capturetest.CC(recs, box, rtpcapture.ContentToTarget), "audio/PCMU"); !bytes.Equal(got, want) {
		t.Errorf("live content: %d bytes, want %d", len(got), len(want))
	}
}
