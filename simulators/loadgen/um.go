package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"sync"
	"time"
)

// umDriver sends UM sessions as canonical JSON lines over a few connections to umli's
// jsonLines listener; sessions are spread over the connections, each session's events
// stay on one connection (so in order).
type umDriver struct {
	cfg   *Config
	conns []*umConn
	acks  []*ackConn // with cfg.UMAck, instead of conns (umack.go)
}

// umConn is one connection, redialled after a write error.
type umConn struct {
	addr string
	mu   sync.Mutex
	c    net.Conn
}

func newUMDriver(ctx context.Context, cfg *Config) (*umDriver, error) {
	d := &umDriver{cfg: cfg}
	if cfg.UMAck {
		return d, d.dialAcked(ctx)
	}
	for range cfg.UMConns {
		uc := &umConn{addr: cfg.UMJSON}
		if err := uc.dial(ctx); err != nil {
			d.close()
			return nil, fmt.Errorf("loadgen: um: %w", err)
		}
		d.conns = append(d.conns, uc)
	}
	return d, nil
}

func (u *umConn) dial(ctx context.Context) error {
	var dl net.Dialer
	c, err := dl.DialContext(ctx, "tcp", u.addr)
	if err != nil {
		return fmt.Errorf("jsonLines %s: %w", u.addr, err)
	}
	u.c = c
	return nil
}

// write sends one line, redialling a connection that failed before.
func (u *umConn) write(ctx context.Context, line []byte) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.c == nil {
		if err := u.dial(ctx); err != nil {
			return err
		}
	}
	_ = u.c.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := u.c.Write(line); err != nil {
		_ = u.c.Close()
		u.c = nil
		return fmt.Errorf("jsonLines %s: %w", u.addr, err)
	}
	return nil
}

func (d *umDriver) close() {
	d.drainAcked()
	for _, u := range d.conns {
		u.mu.Lock()
		if u.c != nil {
			_ = u.c.Close()
			u.c = nil
		}
		u.mu.Unlock()
	}
}

// umEvents are the events of one session: a box visit with a deposit.
var umEvents = []string{"connect", "deposit", "retrieve", "logout"}

// session sends session i's events, each stamped with the time it is written.
func (d *umDriver) session(ctx context.Context, i int, target bool) (int, error) {
	box := d.cfg.TargetBox
	caller := fmt.Sprintf("+49405550%05d", i%100000)
	if !target {
		box = fmt.Sprintf("nt%d@%s", i, NonTargetDomain)
		caller = fmt.Sprintf("sip:+999555%05d@%s", i%100000, NonTargetDomain)
	}
	sid := fmt.Sprintf("%s-um-%d", d.cfg.RunID, i)
	var u *umConn
	if !d.cfg.UMAck {
		u = d.conns[i%len(d.conns)]
	}
	for _, ev := range umEvents {
		e := map[string]any{"session": sid, "box": box, "event": ev, "status": "operation-succeeded",
			"trigger": "user", "time": time.Now().UTC().Format(time.RFC3339Nano)}
		if d.cfg.UMSource != "" {
			e["source"] = d.cfg.UMSource
		}
		switch ev {
		case "deposit":
			e["originating"] = map[string]string{partyKind(caller): caller}
			e["property"] = map[string]string{"message-id": fmt.Sprintf("%s-m%d", sid, i)}
			e["content"] = map[string]string{"text": fmt.Sprintf("load message %d of run %s", i, d.cfg.RunID)}
		case "retrieve":
			e["property"] = map[string]string{"message-id": fmt.Sprintf("%s-m%d", sid, i)}
		}
		if d.cfg.UMAck {
			if err := d.sendAcked(ctx, i, e, sid+"-"+ev); err != nil {
				return 0, err
			}
			continue
		}
		b, err := json.Marshal(e)
		if err != nil {
			return 0, fmt.Errorf("um event: %w", err)
		}
		if err := u.write(ctx, append(b, '\n')); err != nil {
			return 0, err
		}
	}
	return len(umEvents), nil
}

// partyKind is the canonical party field for an identity: a SIP URI or an E.164 number.
func partyKind(id string) string {
	if len(id) > 4 && id[:4] == "sip:" {
		return "sip"
	}
	return "e164"
}
