package passive

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Stats counts what a Capture saw.
type Stats struct {
	Frames      uint64
	Undecodable uint64 // frames that are not Ethernet/SLL + IPv4/IPv6 + UDP/TCP
	SIP         uint64 // SIP messages parsed
	SIPErrors   uint64 // SIP messages or TCP streams that did not parse
	RTP         uint64 // packets pushed into legs
	Strangers   uint64 // packets to a negotiated port from an address nobody negotiated
	Calls       uint64 // dialogs whose media was followed
}

// Capture follows the calls in a stream of captured frames. It is not safe for
// concurrent use: one goroutine feeds it frames.
type Capture struct {
	cfg    Config
	parser *sip.Parser

	eth     layers.Ethernet
	sll     layers.LinuxSLL
	ip4     layers.IPv4
	ip6     layers.IPv6
	udp     layers.UDP
	tcp     layers.TCP
	payload gopacket.Payload
	ethDLP  *gopacket.DecodingLayerParser
	sllDLP  *gopacket.DecodingLayerParser
	decoded []gopacket.LayerType

	streams   map[flowKey]*tcpStream
	calls     map[string]*call
	flows     map[netip.AddrPort]*flow
	lastSweep time.Time

	// Stats is updated as frames pass.
	Stats Stats
}

// New returns a Capture.
func New(cfg Config) (*Capture, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	c := &Capture{cfg: cfg, parser: sip.NewParser(), streams: map[flowKey]*tcpStream{},
		calls: map[string]*call{}, flows: map[netip.AddrPort]*flow{}}
	c.ethDLP = gopacket.NewDecodingLayerParser(layers.LayerTypeEthernet, &c.eth, &c.ip4, &c.ip6, &c.udp, &c.tcp, &c.payload)
	c.sllDLP = gopacket.NewDecodingLayerParser(layers.LayerTypeLinuxSLL, &c.sll, &c.ip4, &c.ip6, &c.udp, &c.tcp, &c.payload)
	for _, p := range []*gopacket.DecodingLayerParser{c.ethDLP, c.sllDLP} {
		p.IgnoreUnsupported = true
	}
	return c, nil
}

// ReadPcap reads a pcap or pcapng file to its end and then ends every call still open.
func (c *Capture) ReadPcap(ctx context.Context, r io.Reader) error {
	br := bufio.NewReader(r)
	magic, err := br.Peek(4)
	if err != nil {
		return fmt.Errorf("passive: pcap header: %w", err)
	}
	type source interface {
		ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
		LinkType() layers.LinkType
	}
	var src source
	if bytes.Equal(magic, []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		ng, err := pcapgo.NewNgReader(br, pcapgo.DefaultNgReaderOptions)
		if err != nil {
			return fmt.Errorf("passive: pcapng header: %w", err)
		}
		src = ng
	} else {
		pr, err := pcapgo.NewReader(br)
		if err != nil {
			return fmt.Errorf("passive: pcap header: %w", err)
		}
		src = pr
	}
	defer c.Flush(ctx)
	for n := 0; ; n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		data, ci, err := src.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("passive: pcap frame %d: %w", n+1, err)
		}
		c.Frame(ctx, ci.Timestamp, src.LinkType(), data)
	}
}

// Frame takes one captured frame. Frames that are not IP over Ethernet or Linux SLL, or
// not UDP/TCP, are counted and skipped.
func (c *Capture) Frame(ctx context.Context, at time.Time, link layers.LinkType, data []byte) {
	c.Stats.Frames++
	dlp := c.ethDLP
	switch link {
	case layers.LinkTypeEthernet:
	case layers.LinkTypeLinuxSLL:
		dlp = c.sllDLP
	default:
		c.Stats.Undecodable++
		return
	}
	if err := dlp.DecodeLayers(data, &c.decoded); err != nil {
		c.Stats.Undecodable++
		return
	}
	var src, dst netip.Addr
	var isUDP, isTCP, haveIP bool
	for _, lt := range c.decoded {
		switch lt {
		case layers.LayerTypeIPv4:
			src, _ = netip.AddrFromSlice(c.ip4.SrcIP)
			dst, _ = netip.AddrFromSlice(c.ip4.DstIP)
			haveIP = true
		case layers.LayerTypeIPv6:
			src, _ = netip.AddrFromSlice(c.ip6.SrcIP)
			dst, _ = netip.AddrFromSlice(c.ip6.DstIP)
			haveIP = true
		case layers.LayerTypeUDP:
			isUDP = true
		case layers.LayerTypeTCP:
			isTCP = true
		}
	}
	if !haveIP || (!isUDP && !isTCP) {
		c.Stats.Undecodable++
		return
	}
	src, dst = src.Unmap(), dst.Unmap()
	c.sweep(ctx, at)
	switch {
	case isUDP:
		s := netip.AddrPortFrom(src, uint16(c.udp.SrcPort))
		d := netip.AddrPortFrom(dst, uint16(c.udp.DstPort))
		c.udpPayload(ctx, at, s, d, c.udp.Payload)
	case isTCP:
		s := netip.AddrPortFrom(src, uint16(c.tcp.SrcPort))
		d := netip.AddrPortFrom(dst, uint16(c.tcp.DstPort))
		c.tcpSegment(ctx, at, s, d)
	}
}

func (c *Capture) udpPayload(ctx context.Context, at time.Time, src, dst netip.AddrPort, payload []byte) {
	if f, ok := c.flows[dst]; ok {
		if src.Addr() != f.from {
			c.Stats.Strangers++
			c.cfg.Metrics.DropUnknownSource(c.cfg.Source)
			return
		}
		f.push(ctx, at, payload)
		c.Stats.RTP++
		return
	}
	if !looksLikeSIP(payload) {
		return
	}
	msg, err := c.parser.ParseSIP(payload)
	if err != nil {
		c.Stats.SIPErrors++
		c.cfg.Log.Debug().Err(err).Stringer("src", src).Msg("unparsable SIP datagram")
		return
	}
	c.Stats.SIP++
	c.sipMessage(ctx, at, msg)
}

func (c *Capture) tcpSegment(ctx context.Context, at time.Time, src, dst netip.AddrPort) {
	k := flowKey{src, dst}
	s, ok := c.streams[k]
	if c.tcp.RST || c.tcp.FIN {
		if ok {
			s.parser.Close()
			delete(c.streams, k)
		}
		return
	}
	if !ok {
		if !c.tcp.SYN && !looksLikeSIP(c.tcp.Payload) {
			return
		}
		if len(c.streams) >= maxStreams {
			return
		}
		s = &tcpStream{pending: map[uint32][]byte{}, parser: c.parser.NewSIPStream()}
		c.streams[k] = s
	}
	msgs, err := s.segment(c.tcp.Seq, c.tcp.SYN, c.tcp.Payload)
	if err != nil {
		c.Stats.SIPErrors++
		c.cfg.Log.Debug().Err(err).Stringer("src", src).Msg("unparsable SIP on TCP")
	}
	for _, m := range msgs {
		c.Stats.SIP++
		c.sipMessage(ctx, at, m)
	}
}

// looksLikeSIP checks the start line: "SIP/2.0 " for a response, "... SIP/2.0" for a
// request. Cheap enough to run on every unclaimed datagram.
func looksLikeSIP(p []byte) bool {
	if bytes.HasPrefix(p, []byte("SIP/2.0 ")) {
		return true
	}
	line := p
	if i := bytes.IndexByte(p, '\n'); i >= 0 {
		line = p[:i]
	} else if len(p) > 512 {
		return false
	}
	return bytes.HasSuffix(bytes.TrimRight(line, "\r"), []byte(" SIP/2.0"))
}

// Flush ends every call still followed (end of file, shutdown).
func (c *Capture) Flush(ctx context.Context) {
	for id, cl := range c.calls {
		c.endCall(ctx, cl, time.Time{})
		delete(c.calls, id)
	}
	for k, s := range c.streams {
		s.parser.Close()
		delete(c.streams, k)
	}
}
