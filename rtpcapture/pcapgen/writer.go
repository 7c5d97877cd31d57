// Package pcapgen writes pcap files of SIP and RTP traffic: the RTP that sipp replays
// into the recording endpoint, and whole calls (SIP over UDP and TCP, both RTP
// directions, with reordered, lost and duplicated packets) for the passive capture
// tests. Output is deterministic, so the committed testdata can be checked against it.
package pcapgen

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Writer writes Ethernet frames carrying IPv4 or IPv6 UDP and TCP packets.
type Writer struct {
	pw   *pcapgo.Writer
	buf  gopacket.SerializeBuffer
	ipID uint16
}

// NewWriter writes the pcap file header (Ethernet link type) to w.
func NewWriter(w io.Writer) (*Writer, error) {
	pw := pcapgo.NewWriter(w)
	if err := pw.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		return nil, fmt.Errorf("pcap header: %w", err)
	}
	return &Writer{pw: pw, buf: gopacket.NewSerializeBuffer()}, nil
}

func (w *Writer) write(at time.Time, src, dst netip.AddrPort, transport gopacket.SerializableLayer, payload []byte) error {
	// Locally administered MACs: the captures stand for no real hosts.
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{0x02, 0, 0, 0, 0, 0x0a}, DstMAC: net.HardwareAddr{0x02, 0, 0, 0, 0, 0x0b}}
	var ip gopacket.NetworkLayer
	var ipLayer gopacket.SerializableLayer
	proto := layers.IPProtocolUDP
	if _, ok := transport.(*layers.TCP); ok {
		proto = layers.IPProtocolTCP
	}
	if src.Addr().Is4() {
		w.ipID++
		v4 := &layers.IPv4{Version: 4, TTL: 64, Id: w.ipID, Protocol: proto,
			SrcIP: src.Addr().AsSlice(), DstIP: dst.Addr().AsSlice()}
		eth.EthernetType = layers.EthernetTypeIPv4
		ip, ipLayer = v4, v4
	} else {
		v6 := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: proto,
			SrcIP: src.Addr().AsSlice(), DstIP: dst.Addr().AsSlice()}
		eth.EthernetType = layers.EthernetTypeIPv6
		ip, ipLayer = v6, v6
	}
	switch t := transport.(type) {
	case *layers.UDP:
		if err := t.SetNetworkLayerForChecksum(ip); err != nil {
			return err
		}
	case *layers.TCP:
		if err := t.SetNetworkLayerForChecksum(ip); err != nil {
			return err
		}
	}
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(w.buf, opts, eth, ipLayer, transport, gopacket.Payload(payload)); err != nil {
		return fmt.Errorf("serialize %s -> %s: %w", src, dst, err)
	}
	data := w.buf.Bytes()
	ci := gopacket.CaptureInfo{Timestamp: at, CaptureLength: len(data), Length: len(data)}
	if err := w.pw.WritePacket(ci, data); err != nil {
		return fmt.Errorf("write packet: %w", err)
	}
	return nil
}

// UDP writes one UDP datagram.
func (w *Writer) UDP(at time.Time, src, dst netip.AddrPort, payload []byte) error {
	return w.write(at, src, dst, &layers.UDP{SrcPort: layers.UDPPort(src.Port()), DstPort: layers.UDPPort(dst.Port())}, payload)
}

// TCP writes one TCP segment (PSH|ACK, or SYN when syn is set) with sequence number seq.
func (w *Writer) TCP(at time.Time, src, dst netip.AddrPort, seq uint32, syn bool, payload []byte) error {
	t := &layers.TCP{SrcPort: layers.TCPPort(src.Port()), DstPort: layers.TCPPort(dst.Port()), Seq: seq, Window: 65535}
	if syn {
		t.SYN = true
	} else {
		t.PSH, t.ACK = true, true
	}
	return w.write(at, src, dst, t, payload)
}
