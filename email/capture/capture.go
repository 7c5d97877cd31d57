package capture

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/gopacket/gopacket/tcpassembly"
	"github.com/rs/zerolog"

	"github.com/umli/umli/email"
)

// DefaultPorts maps the well-known plaintext mail ports to their protocols.
func DefaultPorts() map[uint16]email.Protocol { return email.DefaultPorts() }

// Config configures a passive tap.
type Config struct {
	// Source is the network element name records carry.
	Source string
	// Ports maps server ports to protocols (default DefaultPorts).
	Ports map[uint16]email.Protocol
	// Emit receives the records.
	Emit email.Emit
	// Options tune the state machines.
	Options email.Options
	// Logger gets capture errors, never addresses or content.
	Logger zerolog.Logger
	// MaxBufferedPages bounds out-of-order data held for reassembly (default 4096
	// pages of 1900 bytes).
	MaxBufferedPages int
	// IdleTimeout flushes sessions without packets for this long (capture time;
	// default 10 minutes, the POP3 autologout minimum).
	IdleTimeout time.Duration
	// MaxSessions bounds the sessions tapped at once (default 100000); packets of
	// further sessions are counted in Stats.UntappedStreams and not parsed.
	MaxSessions int
	// IPPacketCC also delivers every IP packet of an open session as EmailCC in
	// ip-packet format (set Options.OmitApplicationCC for ip-packet format only).
	IPPacketCC bool
}

// Stats count what a capture saw.
type Stats struct {
	Packets, TCPPackets, Undecodable int
	Sessions                         int
	// Gaps counts holes in reassembled streams (lost packets).
	Gaps int
	// UntappedStreams counts stream directions of sessions beyond MaxSessions.
	UntappedStreams int
}

// PacketSource is what pcap and pcapng readers and live handles have in common.
type PacketSource interface {
	ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	LinkType() layers.LinkType
}

type ngSource struct{ *pcapgo.NgReader }

// LinkType implements PacketSource.
func (n ngSource) LinkType() layers.LinkType { return n.NgReader.LinkType() }

// ReadFile taps every session in a pcap or pcapng file.
func ReadFile(ctx context.Context, path string, cfg Config) (Stats, error) {
	f, err := os.Open(path)
	if err != nil {
		return Stats{}, fmt.Errorf("email capture: %w", err)
	}
	defer f.Close()
	st, err := Read(ctx, f, cfg)
	if err != nil {
		return st, fmt.Errorf("email capture %s: %w", path, err)
	}
	return st, nil
}

// Read taps every session in a pcap or pcapng stream.
func Read(ctx context.Context, r io.Reader, cfg Config) (Stats, error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(4)
	if err != nil {
		return Stats{}, fmt.Errorf("reading the capture header: %w", err)
	}
	var src PacketSource
	if string(magic) == "\x0a\x0d\x0d\x0a" {
		ng, err := pcapgo.NewNgReader(br, pcapgo.DefaultNgReaderOptions)
		if err != nil {
			return Stats{}, fmt.Errorf("pcapng header: %w", err)
		}
		src = ngSource{ng}
	} else {
		pr, err := pcapgo.NewReader(br)
		if err != nil {
			return Stats{}, fmt.Errorf("pcap header: %w", err)
		}
		src = pr
	}
	return Run(ctx, src, cfg)
}

// Run taps the packets of src until it ends (io.EOF) or ctx ends, then ends every
// session still open.
func Run(ctx context.Context, src PacketSource, cfg Config) (Stats, error) {
	t := newTap(cfg)
	defer t.flushAll()
	for {
		if err := ctx.Err(); err != nil {
			return t.stats, err
		}
		data, ci, err := src.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return t.stats, nil
		}
		if err != nil && ctx.Err() != nil {
			// A live source closed on cancellation.
			return t.stats, ctx.Err()
		}
		if err != nil {
			return t.stats, fmt.Errorf("packet %d: %w", t.stats.Packets+1, err)
		}
		t.packet(src.LinkType(), data, ci.Timestamp)
	}
}

// tap owns the assembler and the sessions of one capture.
type tap struct {
	cfg       Config
	log       zerolog.Logger
	assembler *tcpassembly.Assembler
	sessions  map[sessionKey]*session
	stats     Stats
	lastFlush time.Time
}

func newTap(cfg Config) *tap {
	if cfg.Ports == nil {
		cfg.Ports = DefaultPorts()
	}
	if cfg.MaxBufferedPages <= 0 {
		cfg.MaxBufferedPages = 4096
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 10 * time.Minute
	}
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = 100000
	}
	t := &tap{cfg: cfg, log: cfg.Logger, sessions: map[sessionKey]*session{}}
	pool := tcpassembly.NewStreamPool(t)
	t.assembler = tcpassembly.NewAssembler(pool)
	t.assembler.MaxBufferedPagesTotal = cfg.MaxBufferedPages
	t.assembler.MaxBufferedPagesPerConnection = max(cfg.MaxBufferedPages/16, 16)
	return t
}

func (t *tap) packet(lt layers.LinkType, data []byte, ts time.Time) {
	t.stats.Packets++
	pkt := gopacket.NewPacket(data, lt, gopacket.DecodeOptions{Lazy: true, NoCopy: true})
	nl := pkt.NetworkLayer()
	tcp, ok := pkt.Layer(layers.LayerTypeTCP).(*layers.TCP)
	if nl == nil || !ok {
		if pkt.ErrorLayer() != nil {
			t.stats.Undecodable++
		}
		return
	}
	if _, srv := t.cfg.Ports[uint16(tcp.DstPort)]; !srv {
		if _, srv := t.cfg.Ports[uint16(tcp.SrcPort)]; !srv {
			return
		}
	}
	t.stats.TCPPackets++
	t.assembler.AssembleWithTimestamp(nl.NetworkFlow(), tcp, ts)
	if t.cfg.IPPacketCC {
		t.ipPacket(nl, tcp, ts)
	}
	if ts.Sub(t.lastFlush) > time.Minute {
		t.lastFlush = ts
		t.assembler.FlushOlderThan(ts.Add(-t.cfg.IdleTimeout))
	}
}

// ipPacket hands the whole IP packet to its session's machine.
func (t *tap) ipPacket(nl gopacket.NetworkLayer, tcp *layers.TCP, ts time.Time) {
	src := endpoint(nl.NetworkFlow().Src(), tcp.TransportFlow().Src())
	dst := endpoint(nl.NetworkFlow().Dst(), tcp.TransportFlow().Dst())
	dir, key := email.FromClient, sessionKey{client: src, server: dst}
	if _, toServer := t.cfg.Ports[dst.Port()]; !toServer {
		dir, key = email.FromServer, sessionKey{client: dst, server: src}
	}
	s := t.sessions[key]
	if s == nil || s.m == nil || s.ended {
		return
	}
	pkt := append(append([]byte(nil), nl.LayerContents()...), nl.LayerPayload()...)
	s.m.IPPacket(dir, pkt, ts)
}

func (t *tap) flushAll() {
	t.assembler.FlushAll()
	for k, s := range t.sessions {
		s.end()
		delete(t.sessions, k)
	}
}

// sessionKey names a TCP session by its client and server endpoints.
type sessionKey struct{ client, server netip.AddrPort }

// New implements tcpassembly.StreamFactory: one half of a session per call.
func (t *tap) New(netFlow, tcpFlow gopacket.Flow) tcpassembly.Stream {
	src, dst := endpoint(netFlow.Src(), tcpFlow.Src()), endpoint(netFlow.Dst(), tcpFlow.Dst())
	proto, toServer := t.cfg.Ports[dst.Port()]
	key := sessionKey{client: src, server: dst}
	if !toServer {
		proto = t.cfg.Ports[src.Port()]
		key = sessionKey{client: dst, server: src}
	}
	s := t.sessions[key]
	if s == nil && len(t.sessions) >= t.cfg.MaxSessions {
		// Over the limit (a SYN flood): reassembled and dropped, never parsed.
		t.stats.UntappedStreams++
		return &half{s: &session{t: t, key: key, ended: true, halves: 1}, dir: email.FromClient}
	}
	if s == nil {
		s = &session{t: t, key: key, proto: proto}
		t.sessions[key] = s
		t.stats.Sessions++
	}
	dir := email.FromServer
	if toServer {
		dir = email.FromClient
	}
	s.halves++
	return &half{s: s, dir: dir}
}

func endpoint(ip, port gopacket.Endpoint) netip.AddrPort {
	a, _ := netip.AddrFromSlice(ip.Raw())
	var p uint16
	if raw := port.Raw(); len(raw) == 2 {
		p = uint16(raw[0])<<8 | uint16(raw[1])
	}
	return netip.AddrPortFrom(a.Unmap(), p)
}

// session is one TCP session: two halves feeding one machine.
type session struct {
	t      *tap
	key    sessionKey
	proto  email.Protocol
	m      email.Machine // created with the first data, which dates the session
	halves int
	last   time.Time
	ended  bool
}

func (s *session) start(at time.Time) {
	info := email.SessionInfo{Source: s.t.cfg.Source, Client: s.key.client, Server: s.key.server, Start: at}
	m, err := email.New(s.proto, info, s.t.cfg.Emit, s.t.cfg.Options)
	if err != nil {
		s.t.log.Warn().Err(err).Msg("email capture: session not tapped")
		s.ended = true
		return
	}
	s.m = m
}

func (s *session) end() {
	if s.ended || s.m == nil {
		return
	}
	s.ended = true
	s.m.End(s.last)
}

// half is one direction of a session.
type half struct {
	s   *session
	dir email.Direction
}

// Reassembled implements tcpassembly.Stream.
func (h *half) Reassembled(rs []tcpassembly.Reassembly) {
	s := h.s
	for _, r := range rs {
		if r.Skip > 0 {
			s.t.stats.Gaps++
			s.t.log.Debug().Int("bytes", r.Skip).Msg("email capture: gap in stream")
		}
		s.last = r.Seen
		if s.m == nil && !s.ended && len(r.Bytes) > 0 {
			s.start(r.Seen)
		}
		if s.m != nil && !s.ended && len(r.Bytes) > 0 {
			s.m.Feed(h.dir, r.Bytes, r.Seen)
		}
	}
}

// ReassemblyComplete implements tcpassembly.Stream: the session ends with its second
// half.
func (h *half) ReassemblyComplete() {
	s := h.s
	s.halves--
	if s.halves > 0 {
		return
	}
	s.end()
	if s.t.sessions[s.key] == s {
		delete(s.t.sessions, s.key)
	}
}
