// Command mkpcap writes the pcap files the passive-capture tests read: the Annex B.6
// POP3 and C.4 IMAP examples and an SMTP submission as synthetic TCP sessions
// (handshake, MSS-sized segments, ACKs, FIN), one IMAP segment out of order and one
// retransmitted, and all three interleaved in one file; the IMAP session also as pcapng.
//
//	go run ./email/capture/mkpcap -out email/capture/testdata
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/umli/umli/email/annex"
)

// packet is one frame to write.
type packet struct {
	at   time.Time
	data []byte
}

// conn generates the frames of one TCP session.
type conn struct {
	cli, srv         net.IP
	cport, sport     uint16
	cseq, sseq       uint32
	at               time.Time
	mss              int
	out              []packet
	reorder, retrans bool // perturb the first multi-segment server chunk
}

func (c *conn) frame(fromServer bool, flags string, payload []byte) packet {
	src, dst, sp, dp := c.cli, c.srv, c.cport, c.sport
	seq, ack := c.cseq, c.sseq
	if fromServer {
		src, dst, sp, dp = c.srv, c.cli, c.sport, c.cport
		seq, ack = c.sseq, c.cseq
	}
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2},
		EthernetType: layers.EthernetTypeIPv4}
	if fromServer {
		eth.SrcMAC, eth.DstMAC = eth.DstMAC, eth.SrcMAC
	}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: src, DstIP: dst}
	tcp := &layers.TCP{SrcPort: layers.TCPPort(sp), DstPort: layers.TCPPort(dp), Seq: seq, Ack: ack, Window: 65535}
	for _, f := range flags {
		switch f {
		case 'S':
			tcp.SYN = true
		case 'A':
			tcp.ACK = true
		case 'F':
			tcp.FIN = true
		case 'P':
			tcp.PSH = true
		}
	}
	if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
		panic(err)
	}
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, eth, ip, tcp, gopacket.Payload(payload)); err != nil {
		panic(err)
	}
	c.at = c.at.Add(time.Millisecond)
	return packet{at: c.at, data: append([]byte(nil), buf.Bytes()...)}
}

func (c *conn) advance(fromServer bool, n uint32) {
	if fromServer {
		c.sseq += n
	} else {
		c.cseq += n
	}
}

func (c *conn) handshake() {
	c.out = append(c.out, c.frame(false, "S", nil))
	c.advance(false, 1)
	c.out = append(c.out, c.frame(true, "SA", nil))
	c.advance(true, 1)
	c.out = append(c.out, c.frame(false, "A", nil))
}

func (c *conn) send(fromServer bool, data []byte) {
	var segs []packet
	for len(data) > 0 {
		n := min(len(data), c.mss)
		segs = append(segs, c.frame(fromServer, "PA", data[:n]))
		c.advance(fromServer, uint32(n)) //nolint:gosec // G115: n <= c.mss, a segment size
		data = data[n:]
	}
	if len(segs) >= 3 && fromServer && (c.reorder || c.retrans) {
		if c.retrans {
			segs = append(segs[:2], append([]packet{segs[1]}, segs[2:]...)...)
			c.retrans = false
		}
		if c.reorder {
			segs[0], segs[1] = segs[1], segs[0]
			c.reorder = false
		}
	}
	c.out = append(c.out, segs...)
	c.out = append(c.out, c.frame(!fromServer, "A", nil))
}

func (c *conn) close() {
	c.out = append(c.out, c.frame(true, "FA", nil))
	c.advance(true, 1)
	c.out = append(c.out, c.frame(false, "FA", nil))
	c.advance(false, 1)
	c.out = append(c.out, c.frame(true, "A", nil))
}

func session(steps []annex.Step, cli string, cport, sport uint16, start time.Time, mss int, perturb bool) []packet {
	c := &conn{cli: net.ParseIP(cli).To4(), srv: net.ParseIP("198.51.100.5").To4(), cport: cport, sport: sport,
		cseq: 1000, sseq: 5000, at: start, mss: mss, reorder: perturb, retrans: perturb}
	c.handshake()
	for _, st := range steps {
		c.send(st.FromServer, []byte(st.Data))
	}
	c.close()
	return c.out
}

func write(path string, pkts []packet) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer f.Close()
	w := pcapgo.NewWriter(f)
	if err := w.WriteFileHeader(65536, layers.LinkTypeEthernet); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	for _, p := range pkts {
		ci := gopacket.CaptureInfo{Timestamp: p.at, CaptureLength: len(p.data), Length: len(p.data)}
		if err := w.WritePacket(ci, p.data); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return f.Close()
}

// writeNg writes a pcapng file (one Ethernet interface).
func writeNg(path string, pkts []packet) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer f.Close()
	w, err := pcapgo.NewNgWriter(f, layers.LinkTypeEthernet)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	for _, p := range pkts {
		// pcapng stores the interface's time resolution: microseconds by default.
		ci := gopacket.CaptureInfo{Timestamp: p.at, CaptureLength: len(p.data), Length: len(p.data), InterfaceIndex: 0}
		if err := w.WritePacket(ci, p.data); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

func main() {
	out := flag.String("out", "email/capture/testdata", "directory for the pcap files")
	flag.Parse()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	pop3 := session(annex.B6(), "192.0.2.10", 40110, 110, t0, 1460, false)
	imap := session(annex.C4(), "192.0.2.11", 40143, 143, t0.Add(500*time.Microsecond), 100, true)
	smtp := session(annex.SMTP(), "192.0.2.12", 40587, 587, t0.Add(700*time.Microsecond), 1460, false)
	mixed := append(append(append([]packet{}, pop3...), imap...), smtp...)
	sort.SliceStable(mixed, func(i, j int) bool { return mixed[i].at.Before(mixed[j].at) })
	files := map[string][]packet{"pop3-b6.pcap": pop3, "imap-c4.pcap": imap, "smtp.pcap": smtp, "mixed.pcap": mixed}
	for name, pkts := range files {
		if err := write(filepath.Join(*out, name), pkts); err != nil {
			fmt.Fprintln(os.Stderr, "mkpcap:", err)
			os.Exit(1)
		}
	}
	if err := writeNg(filepath.Join(*out, "imap-c4.pcapng"), imap); err != nil {
		fmt.Fprintln(os.Stderr, "mkpcap:", err)
		os.Exit(1)
	}
}
