package proxy

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"

	"github.com/rs/zerolog"

	"github.com/umli/umli/email"
)

// relayBuf is the read size of one relay direction: 128 KiB per session, as IMAP
// clients keep sessions open (IDLE) for hours.
const relayBuf = 64 << 10

// feedPiece and pipelineHigh bound pipelining: client bytes are fed and forwarded in
// pieces of feedPiece, and after a piece that leaves more than pipelineHigh commands
// waiting for their replies the client is not read until the server caught up. So a
// machine never reaches email.PipelineLimit through a proxy (a 64 KiB read of NOOPs
// alone holds 10,922 commands) and the session stays parsable.
const (
	feedPiece    = 4 << 10
	pipelineHigh = 1024
)

// pendingMachine is a machine that says how many commands wait for their replies.
type pendingMachine interface{ Pending() int }

// tapSession is one proxied connection: two relay directions sharing one state machine.
type tapSession struct {
	p      *Proxy
	log    zerolog.Logger
	mu     sync.Mutex // serializes the state machine
	m      email.Machine
	client net.Conn
	server net.Conn
	// upgrade carries the outcome of STARTTLS from the server direction to the client
	// direction, which stops reading while the answer is pending.
	upgrade chan upgradeResult
	waiting bool // guarded by mu: the client direction waits on upgrade
	// replied is signalled (with mu) when the server direction fed a chunk or ended, or
	// the session's context ended; serverDone and done say which.
	replied          *sync.Cond
	serverDone, done bool
}

type upgradeResult struct {
	client, server net.Conn
	err            error
}

func (p *Proxy) handle(ctx context.Context, client net.Conn) {
	id := p.sessions.Add(1)
	log := p.cfg.Logger.With().Uint64("session", id).Str("proto", p.cfg.Protocol.String()).Logger()
	defer client.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	context.AfterFunc(ctx, func() { _ = client.Close() })

	server, err := p.dial(ctx)
	if err != nil {
		log.Warn().Err(err).Msg("email proxy: upstream unreachable")
		return
	}
	defer server.Close()
	context.AfterFunc(ctx, func() { _ = server.Close() })

	encrypted := p.cfg.ImplicitTLS && p.cfg.TLS == nil
	if p.cfg.ImplicitTLS && p.cfg.TLS != nil {
		if client, server, err = p.terminate(ctx, client, server); err != nil {
			log.Warn().Str("error", errKind(err)).Msg("email proxy: implicit TLS")
			return
		}
		defer client.Close()
		defer server.Close()
	}
	info := email.SessionInfo{
		Source: p.cfg.Source,
		Client: addrPort(client.RemoteAddr()),
		Server: addrPort(server.RemoteAddr()),
		Start:  p.cfg.Now(),
	}
	var m email.Machine
	if !encrypted {
		m, _ = email.New(p.cfg.Protocol, info, p.cfg.Emit, p.cfg.Options)
	}
	s := &tapSession{p: p, log: log, m: m, client: client, server: server, upgrade: make(chan upgradeResult, 1)}
	s.replied = sync.NewCond(&s.mu)
	context.AfterFunc(ctx, func() { s.signal(func() { s.done = true }) })
	if encrypted {
		s.blind(BlindImplicitTLS, nil, ipIdentity(info.Client))
	}
	s.relay(ctx)
}

// dial connects to the upstream server; for implicit TLS without termination the
// bytes pass through, so only TCP is dialled here.
func (p *Proxy) dial(ctx context.Context) (net.Conn, error) {
	d := net.Dialer{Timeout: p.cfg.DialTimeout}
	c, err := d.DialContext(ctx, "tcp", p.cfg.Upstream)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", p.cfg.Upstream, err)
	}
	return c, nil
}

// terminate runs the TLS handshakes: the proxy is the server towards the client (with
// the operator's certificate) and a client towards the mail server.
func (p *Proxy) terminate(ctx context.Context, client, server net.Conn) (net.Conn, net.Conn, error) {
	hctx, cancel := context.WithTimeout(ctx, p.cfg.DialTimeout)
	defer cancel()
	up := p.cfg.UpstreamTLS
	if up == nil {
		host, _, _ := net.SplitHostPort(p.cfg.Upstream)
		up = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	tc := tls.Server(client, p.cfg.TLS)
	if err := tc.HandshakeContext(hctx); err != nil {
		return client, server, fmt.Errorf("TLS handshake with the client: %w", err)
	}
	ts := tls.Client(server, up)
	if err := ts.HandshakeContext(hctx); err != nil {
		return tc, server, fmt.Errorf("TLS handshake with %s: %w", p.cfg.Upstream, err)
	}
	return tc, ts, nil
}

// relay copies both directions until both ended, then ends the machine.
func (s *tapSession) relay(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		s.clientToServer(ctx)
	}()
	go func() {
		defer wg.Done()
		s.serverToClient(ctx)
	}()
	wg.Wait()
	if s.m != nil {
		s.mu.Lock()
		s.m.End(s.p.cfg.Now())
		s.mu.Unlock()
	}
}

// feed hands a chunk to the machine. From the client, change=true says the chunk
// asked for TLS the proxy terminates: the client direction then waits for the answer.
// From the server, change=true says the chunk answered it, st saying how. The
// decision is taken under one lock with the feed, so it reflects this very chunk.
func (s *tapSession) feed(dir email.Direction, b []byte) (st email.TLSState, change bool) {
	if s.m == nil {
		return email.TLSNone, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m.Feed(dir, b, s.p.cfg.Now())
	if dir == email.FromServer {
		s.replied.Broadcast()
	}
	st = s.m.TLS()
	switch {
	case dir == email.FromClient && st == email.TLSRequested && s.p.cfg.TLS != nil && !s.waiting:
		s.waiting = true
		change = true
	case dir == email.FromServer && s.waiting && st != email.TLSRequested:
		s.waiting = false
		change = true
	}
	return st, change
}

func (s *tapSession) clientToServer(ctx context.Context) {
	buf := make([]byte, relayBuf)
	src, dst := s.client, s.server
	defer func() { halfClose(dst) }()
	for {
		n, err := src.Read(buf)
		for off := 0; off < n; {
			// Parse before forwarding: the server's answer to a STARTTLS cannot arrive
			// before the machine knows it was asked.
			end := min(off+feedPiece, n)
			_, wait := s.feed(email.FromClient, buf[off:end])
			if wait && end < n {
				// Bytes after STARTTLS in the same read go as they came (a client
				// sends none before the answer).
				s.feed(email.FromClient, buf[end:n])
				end = n
			}
			if _, werr := dst.Write(buf[off:end]); werr != nil {
				return
			}
			off = end
			if !wait {
				if !s.pipelineRoom() {
					return
				}
				continue
			}
			select {
			case <-ctx.Done():
				return
			case u := <-s.upgrade:
				if u.err != nil {
					s.log.Warn().Str("error", errKind(u.err)).Msg("email proxy: STARTTLS termination failed")
					return
				}
				src, dst = u.client, u.server
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				s.log.Debug().Str("error", errKind(err)).Msg("email proxy: client read")
			}
			return
		}
	}
}

func (s *tapSession) serverToClient(ctx context.Context) {
	buf := make([]byte, relayBuf)
	src, dst := s.server, s.client
	blind := false
	defer func() {
		// A server that closed ends the session: close the client too, so the other
		// direction does not wait for a client that keeps the connection open.
		_ = dst.Close()
		s.mu.Lock()
		s.serverDone = true
		s.replied.Broadcast()
		if s.waiting {
			s.waiting = false
			s.upgrade <- upgradeResult{err: errors.New("server closed before answering STARTTLS")}
		}
		s.mu.Unlock()
	}()
	for {
		n, err := src.Read(buf)
		if n > 0 {
			// Parse, then forward: the client's next bytes depend on this answer (the
			// end of an AUTH exchange, a refused DATA, TLS after STARTTLS), so the
			// machine must have seen it before the client can react.
			st, decided := s.feed(email.FromServer, buf[:n])
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
			if st == email.TLSAccepted && s.p.cfg.TLS == nil && !blind {
				// The peers agreed on TLS the proxy cannot terminate: what follows
				// passes unread. Said after forwarding, so the client is not held.
				blind = true
				s.blind(BlindStartTLS, s.m, ipIdentity(addrPort(s.client.RemoteAddr())))
			}
			if decided {
				// Refused: carry on in clear with the same connections.
				u := upgradeResult{client: s.client, server: s.server}
				if st == email.TLSAccepted {
					u = s.startTLS(ctx)
				}
				s.upgrade <- u
				if u.err != nil {
					return
				}
				src, dst = u.server, u.client
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				s.log.Debug().Str("error", errKind(err)).Msg("email proxy: server read")
			}
			return
		}
	}
}

// signal changes the session's state under mu and wakes a waiting client direction.
func (s *tapSession) signal(change func()) {
	s.mu.Lock()
	change()
	s.replied.Broadcast()
	s.mu.Unlock()
}

// pipelineRoom waits while more than pipelineHigh client commands wait for their
// replies (the client is not read meanwhile: TCP slows it). It returns false when the
// session's context ended.
func (s *tapSession) pipelineRoom() bool {
	pm, ok := s.m.(pendingMachine)
	if !ok {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for pm.Pending() > pipelineHigh && !s.serverDone && !s.done {
		s.replied.Wait()
	}
	return !s.done
}

// startTLS terminates the TLS both peers just agreed on, then tells the machine that
// plaintext follows again.
func (s *tapSession) startTLS(ctx context.Context) upgradeResult {
	c, srv, err := s.p.terminate(ctx, s.client, s.server)
	if err != nil {
		return upgradeResult{err: err}
	}
	s.mu.Lock()
	s.m.ResumePlain()
	s.mu.Unlock()
	s.client, s.server = c, srv
	return upgradeResult{client: c, server: srv}
}

// halfClose ends one direction: TCP half-close where possible so the peer's answer
// still flows (a server's reply to QUIT), else a full close.
func halfClose(c net.Conn) {
	type closeWriter interface{ CloseWrite() error }
	if cw, ok := c.(closeWriter); ok {
		if err := cw.CloseWrite(); err == nil {
			return
		}
	}
	_ = c.Close()
}
