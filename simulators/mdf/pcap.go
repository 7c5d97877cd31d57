package mdf

import (
	"fmt"
	"io"
	"net"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/umli/umli/handover/x2x3"
)

// WritePCAP writes a raw X2/X3 stream as one synthetic TCP connection (handshake, then
// one segment per PDU from the POI to dstPort) so Wireshark's 5GLI dissector can read it
// with -d tcp.port==dstPort,5gli. It fails on a malformed stream.
func WritePCAP(w io.Writer, stream io.Reader, dstPort uint16) (int, error) {
	pw := pcapgo.NewWriter(w)
	if err := pw.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		return 0, fmt.Errorf("pcap header: %w", err)
	}
	src, dst := net.IPv4(192, 0, 2, 1), net.IPv4(192, 0, 2, 2)
	const srcPort = 40000
	at := time.Unix(1700000000, 0)
	var cseq, sseq uint32 = 1000, 5000
	write := func(fromClient bool, tcp *layers.TCP, payload []byte) error {
		eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: layers.EthernetTypeIPv4}
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: src, DstIP: dst}
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
		if err := write(true, &layers.TCP{ACK: true, PSH: true, Seq: cseq, Ack: sseq}, raw); err != nil {
			return err
		}
		cseq += uint32(len(raw))
		n++
		return write(false, &layers.TCP{ACK: true, Seq: sseq, Ack: cseq}, nil)
	}, nil)
	if err != nil && err != io.EOF {
		return n, err
	}
	return n, nil
}
