package loadgen

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"
)

// With Config.UMAck every UM line carries "id" and "ack": true (umsys/jsonfeed ack.go) and
// stays pending on its connection until umli acknowledges it. When the connection breaks the
// driver redials (the next address of UMJSON, a comma-separated list of peer instances,
// in turn) and resends every pending line in order before new ones. close waits, bounded by
// ackDrain, until every line is acknowledged.

// ackDrain bounds how long close waits for the last acknowledgements.
const ackDrain = 60 * time.Second

// ackConn is one acknowledged connection.
type ackConn struct {
	addrs []string
	next  int // index of the address to dial next

	mu      sync.Mutex
	c       net.Conn
	pending []ackPending // sent, not acknowledged, in order
	acked   chan struct{}
	// Resent counts lines sent again after a reconnect.
	resent int
}

type ackPending struct {
	id   string
	line []byte
}

func newAckConn(addrs string, offset int) *ackConn {
	as := strings.Split(addrs, ",")
	return &ackConn{addrs: as, next: offset % len(as), acked: make(chan struct{}, 1)}
}

// dialLocked connects to the next address, resends what is pending and starts reading
// acknowledgements. Called with mu held.
func (a *ackConn) dialLocked(ctx context.Context) error {
	var last error
	for range a.addrs {
		addr := a.addrs[a.next]
		a.next = (a.next + 1) % len(a.addrs)
		var dl net.Dialer
		c, err := dl.DialContext(ctx, "tcp", addr)
		if err != nil {
			last = fmt.Errorf("jsonLines %s: %w", addr, err)
			continue
		}
		_ = c.SetWriteDeadline(time.Now().Add(10 * time.Second))
		ok := true
		for _, p := range a.pending {
			if _, err := c.Write(p.line); err != nil {
				last, ok = fmt.Errorf("jsonLines %s: resend: %w", addr, err), false
				break
			}
			a.resent++
		}
		if !ok {
			_ = c.Close()
			continue
		}
		a.c = c
		go a.readAcks(c)
		return nil
	}
	return last
}

// readAcks removes acknowledged lines until c ends; then the connection is dropped so
// the next write or the drain redials.
func (a *ackConn) readAcks(c net.Conn) {
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadBytes('\n')
		if err != nil {
			a.mu.Lock()
			if a.c == c {
				_ = c.Close()
				a.c = nil
			}
			a.mu.Unlock()
			a.signal()
			return
		}
		var m struct {
			Ack string `json:"ack"`
		}
		if json.Unmarshal(line, &m) != nil || m.Ack == "" {
			continue
		}
		a.mu.Lock()
		for i, p := range a.pending {
			if p.id == m.Ack {
				a.pending = append(a.pending[:i:i], a.pending[i+1:]...)
				break
			}
		}
		a.mu.Unlock()
		a.signal()
	}
}

func (a *ackConn) signal() {
	select {
	case a.acked <- struct{}{}:
	default:
	}
}

// write sends one line that asked for ack (id names it), redialling a broken connection.
// A line that cannot be sent now stays pending: the next dial or the drain resends it.
func (a *ackConn) write(ctx context.Context, id string, line []byte) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.pending = append(a.pending, ackPending{id: id, line: line})
	if a.c != nil {
		_ = a.c.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if _, err := a.c.Write(line); err == nil {
			return nil
		}
		_ = a.c.Close()
		a.c = nil
	}
	_ = a.dialLocked(ctx) // resends the line with the rest; failing, the drain retries
	return nil
}

// drain waits until every line is acknowledged, redialling when the connection broke.
func (a *ackConn) drain(ctx context.Context) error {
	dl := time.After(ackDrain)
	for {
		a.mu.Lock()
		n := len(a.pending)
		var err error
		if n > 0 && a.c == nil {
			err = a.dialLocked(ctx)
		}
		a.mu.Unlock()
		if n == 0 {
			return nil
		}
		if err != nil {
			time.Sleep(100 * time.Millisecond)
		}
		select {
		case <-a.acked:
		case <-time.After(100 * time.Millisecond):
		case <-dl:
			return fmt.Errorf("jsonLines: %d lines not acknowledged after %v", n, ackDrain)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (a *ackConn) close() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.c != nil {
		_ = a.c.Close()
		a.c = nil
	}
}

// dialAcked opens the acknowledged connections, spread over the peer addresses.
func (d *umDriver) dialAcked(ctx context.Context) error {
	for i := range d.cfg.UMConns {
		a := newAckConn(d.cfg.UMJSON, i)
		a.mu.Lock()
		err := a.dialLocked(ctx)
		a.mu.Unlock()
		if err != nil {
			d.close()
			return fmt.Errorf("loadgen: um: %w", err)
		}
		d.acks = append(d.acks, a)
	}
	return nil
}

// sendAcked sends event e of session i with its id and the ack request.
func (d *umDriver) sendAcked(ctx context.Context, i int, e map[string]any, id string) error {
	e["id"], e["ack"] = id, true
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("um event: %w", err)
	}
	return d.acks[i%len(d.acks)].write(ctx, id, append(b, '\n'))
}

// drainAcked waits for the last acknowledgements and closes the connections.
func (d *umDriver) drainAcked() {
	ctx := context.Background()
	for _, a := range d.acks {
		if err := a.drain(ctx); err != nil {
			d.cfg.Log.Error().Err(err).Msg("loadgen: um lines not acknowledged")
		}
		a.close()
	}
}
