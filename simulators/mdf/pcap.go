package mdf

import (
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/umli/umli/handover/x2x3"
)

// maxFrame is the pcap snapshot length: Wireshark's standard maximum packet size.
const maxFrame = 262144

// WritePCAP writes a raw X2/X3 stream as one synthetic TCP connection (handshake, then
// one segment per PDU from the POI to dstPort, acknowledged by the MDF) so Wireshark's
// 5GLI dissector can read it with -d tcp.port==dstPort,5gli. One segment per PDU because
// that dissector does not reassemble TCP; IPv6, because an X3 PDU of 64 KiB of audio
// exceeds an IPv4 packet, while an IPv6 jumbogram (RFC 2675) carries it. It fails on a
// malformed stream and on a PDU larger than a pcap frame.
func WritePCAP(w io.Writer, stream io.Reader, dstPort uint16) (int, error) {
	pw := pcapgo.NewWriter(w)
	if err := pw.WriteFileHeader(maxFrame, layers.LinkTypeEthernet); err != nil {
		return 0, fmt.Errorf("pcap header: %w", err)
	}
	src, dst := net.ParseIP("2001:db8::1"), net.ParseIP("2001:db8::2")
	const srcPort = 40000
	at := time.Unix(1700000000, 0)
	var cseq, sseq uint32 = 1000, 5000
	write := func(fromClient bool, tcp *layers.TCP, payload []byte) error {
		eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: layers.EthernetTypeIPv6}
		ip := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolTCP, SrcIP: src, DstIP: dst}
		tcp.SrcPort, tcp.DstPort = srcPort, layers.TCPPort(dstPort)
		if !fromClient {
			eth.SrcMAC, eth.DstMAC = eth.DstMAC, eth.SrcMAC
			ip.SrcIP, ip.DstIP = dst, src
			tcp.SrcPort, tcp.DstPort = tcp.DstPort, tcp.SrcPort
		}
		tcp.Window = 65535
		if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
			return err
		}
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
			eth, ip, tcp, gopacket.Payload(payload)); err != nil {
			return fmt.Errorf("serialize segment: %w", err)
		}
		at = at.Add(time.Millisecond)
		b := buf.Bytes()
		return pw.WritePacket(gopacket.CaptureInfo{Timestamp: at, CaptureLength: len(b), Length: len(b)}, b)
	}
	if err := write(true, &layers.TCP{SYN: true, Seq: cseq}, nil); err != nil {
		return 0, err
	}
	if err := write(false, &layers.TCP{SYN: true, ACK: true, Seq: sseq, Ack: cseq + 1}, nil); err != nil {
		return 0, err
	}
	cseq++
	sseq++
	if err := write(true, &layers.TCP{ACK: true, Seq: cseq, Ack: sseq}, nil); err != nil {
		return 0, err
	}
	n := 0
	err := Read(stream, func(raw []byte, _ *x2x3.PDU) error {
		if len(raw) > maxFrame-128 {
			return fmt.Errorf("PDU %d of %d bytes does not fit a %d-byte pcap frame", n, len(raw), maxFrame)
		}
		if err := write(true, &layers.TCP{ACK: true, PSH: true, Seq: cseq, Ack: sseq}, raw); err != nil {
			return err
		}
		cseq += uint32(len(raw))
		n++
		return write(false, &layers.TCP{ACK: true, Seq: sseq, Ack: cseq}, nil)
	}, nil)
	if !errors.Is(err, io.EOF) {
		return n, err
	}
	return n, nil
}
