package capture

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/rs/zerolog"

	"github.com/umli/umli/email"
	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/mediation/record"
)

// tcpTrace writes one synthetic TCP session to a pcap.
type tcpTrace struct {
	t          *testing.T
	w          *pcapgo.Writer
	cli, srv   net.IP
	cseq, sseq uint32
	at         time.Time
}

func (c *tcpTrace) send(fromServer bool, data string) { c.segments(fromServer, "PA", data) }

// handshake opens the session (SYN, SYN-ACK, ACK).
func (c *tcpTrace) handshake() {
	c.segments(false, "S", "")
	c.cseq++
	c.segments(true, "SA", "")
	c.sseq++
	c.segments(false, "A", "")
}

// close ends it (FIN both ways).
func (c *tcpTrace) close() {
	c.segments(true, "FA", "")
	c.sseq++
	c.segments(false, "FA", "")
	c.cseq++
	c.segments(true, "A", "")
}

func (c *tcpTrace) segments(fromServer bool, flags, data string) {
	for first := true; first || len(data) > 0; first = false {
		n := min(len(data), 1400)
		src, dst, sp, dp, seq, ack := c.cli, c.srv, 40000, 25, &c.cseq, c.sseq
		if fromServer {
			src, dst, sp, dp, seq, ack = c.srv, c.cli, 25, 40000, &c.sseq, c.cseq
		}
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: src, DstIP: dst}
		tcp := &layers.TCP{SrcPort: layers.TCPPort(sp), DstPort: layers.TCPPort(dp), Seq: *seq, Ack: ack, Window: 65535,
			SYN: strings.Contains(flags, "S"), ACK: strings.Contains(flags, "A"), FIN: strings.Contains(flags, "F"), PSH: strings.Contains(flags, "P")}
		if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
			c.t.Fatal(err)
		}
		eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: layers.EthernetTypeIPv4}
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, ip, tcp, gopacket.Payload(data[:n])); err != nil {
			c.t.Fatal(err)
		}
		c.at = c.at.Add(time.Millisecond)
		if err := c.w.WritePacket(gopacket.CaptureInfo{Timestamp: c.at, CaptureLength: len(buf.Bytes()), Length: len(buf.Bytes())}, buf.Bytes()); err != nil {
			c.t.Fatal(err)
		}
		*seq += uint32(n)
		data = data[n:]
	}
}

// TestCaptureOverflowUnparsable (issue 21): the passive tap runs the proxy's machines,
// so a mirrored SMTP session pipelining more commands than PipelineLimit, unanswered,
// is marked unparsable instead of pairing replies with the wrong commands: every client
// byte after it still goes out as CC, no IRI is built from the unpaired replies, the
// Notice (which umli run audits as BlindSession reason "unparsable") names the
// session's identities, and the log names none.
func TestCaptureOverflowUnparsable(t *testing.T) {
	var pcap bytes.Buffer
	w := pcapgo.NewWriter(&pcap)
	if err := w.WriteFileHeader(65536, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	c := &tcpTrace{t: t, w: w, cli: net.IPv4(203, 0, 113, 7).To4(), srv: net.IPv4(198, 51, 100, 5).To4(),
		cseq: 1000, sseq: 5000, at: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	c.handshake()
	c.send(true, "220 mx ESMTP\r\n")
	c.send(false, "EHLO client\r\n")
	c.send(true, "250 mx\r\n")
	c.send(false, "MAIL FROM:<alice@example.org>\r\n")
	c.send(true, "250 ok\r\n")
	var flood, replies strings.Builder
	for range email.PipelineLimit + 50 {
		flood.WriteString("NOOP\r\n")
		replies.WriteString("250 ok\r\n")
	}
	c.send(false, flood.String())
	c.send(true, replies.String())
	c.send(false, "after\r\n")
	c.close()

	var logs bytes.Buffer
	var notices []email.Notice
	var recs []*record.Record
	st, err := Read(context.Background(), &pcap, Config{Source: "tap-1", Logger: zerolog.New(&logs),
		Emit:    func(r *record.Record) { recs = append(recs, r) },
		Options: email.Options{Logger: zerolog.New(&logs), Notify: func(n email.Notice) { notices = append(notices, n) }}})
	if err != nil {
		t.Fatal(err)
	}
	if st.Sessions != 1 {
		t.Fatalf("stats %+v, want one session", st)
	}
	if len(notices) != 1 || notices[0].Kind != email.NoticeUnparsable || notices[0].Protocol != email.SMTP || notices[0].Source != "tap-1" {
		t.Fatalf("notices %+v, want one unparsable SMTP notice of tap-1", notices)
	}
	found := false
	for _, id := range notices[0].Identities {
		found = found || id.Value == "alice@example.org"
	}
	if !found {
		t.Errorf("notice identities %v lack the sender", notices[0].Identities)
	}
	for _, r := range recs {
		if r.EmailIRI != nil && r.Boundary == record.Report {
			t.Errorf("IRI report %d built after the overflow", r.EmailIRI.EventType)
		}
	}
	client, server := testmail.CC(recs)
	if !strings.Contains(client, flood.String()+"after\r\n") {
		t.Errorf("client CC (%d bytes) lacks the flood and what followed", len(client))
	}
	if !strings.Contains(server, replies.String()) {
		t.Errorf("server CC (%d bytes) lacks the replies", len(server))
	}
	if l := logs.String(); !strings.Contains(l, "raw CC only") || strings.Contains(l, "alice") || strings.Contains(l, "203.0.113.7") {
		t.Errorf("log %q: want the overflow warning without identities or addresses", l)
	}
}
