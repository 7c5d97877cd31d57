package chain

import (
	"io"
	"net"
	"sync"
	"testing"
)

// Proxy forwards TCP connections to an upstream address and can cut them in the middle
// of whatever the upstream is sending (a frame cut off on the wire), optionally after
// injecting bytes of its own. It stands between a UM platform and umli's feed client.
type Proxy struct {
	Addr     string
	upstream string
	ln       net.Listener
	mu       sync.Mutex
	cut      chan []byte // armed: the next read is forwarded half, then junk, then close
	conns    map[net.Conn]net.Conn
	closed   bool // set by Close: a connection accepted afterwards is dropped
	wg       sync.WaitGroup
}

// StartProxy listens on a free loopback port; it is closed when the test ends.
func StartProxy(tb testing.TB, upstream string) *Proxy {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("proxy listen: %v", err)
	}
	p := &Proxy{Addr: ln.Addr().String(), upstream: upstream, ln: ln, cut: make(chan []byte, 1), conns: map[net.Conn]net.Conn{}}
	p.wg.Add(1)
	go p.accept()
	tb.Cleanup(p.Close)
	return p
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		u, err := net.Dial("tcp", p.upstream)
		if err != nil {
			_ = c.Close()
			continue
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			_ = c.Close()
			_ = u.Close()
			return
		}
		p.conns[c] = u
		p.mu.Unlock()
		p.wg.Add(2)
		go func() { defer p.wg.Done(); _, _ = io.Copy(u, c); _ = u.Close() }()
		go func() { defer p.wg.Done(); p.down(u, c) }()
	}
}

// down copies upstream → client, honouring an armed cut.
func (p *Proxy) down(u, c net.Conn) {
	defer func() {
		_ = c.Close()
		_ = u.Close()
		p.mu.Lock()
		delete(p.conns, c)
		p.mu.Unlock()
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := u.Read(buf)
		if n > 0 {
			select {
			case junk := <-p.cut:
				_, _ = c.Write(buf[:max(n/2, 1)])
				if len(junk) > 0 {
					_, _ = c.Write(junk)
				}
				return
			default:
			}
			if _, werr := c.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// CutMidFrame arms a cut: the next bytes from upstream are forwarded only in part, junk
// follows, and both connections are closed.
func (p *Proxy) CutMidFrame(junk []byte) { p.cut <- junk }

// Armed reports whether a cut is still waiting for upstream bytes.
func (p *Proxy) Armed() bool { return len(p.cut) > 0 }

// Close stops listening and closes every connection.
func (p *Proxy) Close() {
	_ = p.ln.Close()
	p.mu.Lock()
	p.closed = true
	for c, u := range p.conns {
		_ = c.Close()
		_ = u.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}
