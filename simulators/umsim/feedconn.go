package umsim

import (
	"context"
	"net"
	"sync"
)

// feedConn is the write side of one feed session (AMI, ESL): the session's
// replies and Play's events are written whole, one at a time.
type feedConn struct {
	conn net.Conn
	wmu  sync.Mutex
}

func (f *feedConn) write(b []byte, chunk int) error {
	f.wmu.Lock()
	defer f.wmu.Unlock()
	return writeShaped(f.conn, b, chunk)
}

func (f *feedConn) close() { f.conn.Close() }

type feedSession interface {
	write(b []byte, chunk int) error
	close()
}

// track adds s to set (one feed's sessions, guarded by u.mu) until the returned
// func is called; waiters are notified of both changes.
func track[S comparable](u *UM, set map[S]struct{}, s S) (untrack func()) {
	u.mu.Lock()
	set[s] = struct{}{}
	u.notify()
	u.mu.Unlock()
	return func() {
		u.mu.Lock()
		delete(set, s)
		u.notify()
		u.mu.Unlock()
	}
}

// sessionsOf is a snapshot of set, so Play writes without holding u.mu.
func sessionsOf[S comparable](u *UM, set map[S]struct{}) []S {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := make([]S, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	return out
}

// play writes every session the events it subscribed to, in order; frame says
// whether s wants ev and gives its bytes. chunk is WriteChunk: negative joins a
// session's events into one write. A session whose write fails is closed and
// gets no more.
func play[S feedSession, E any](ctx context.Context, sessions []S, evs []E, chunk int, frame func(S, E) ([]byte, bool)) error {
	for _, s := range sessions {
		var joined []byte
		for _, ev := range evs {
			if err := ctx.Err(); err != nil {
				return err
			}
			b, ok := frame(s, ev)
			if !ok {
				continue
			}
			if chunk < 0 {
				joined = append(joined, b...)
				continue
			}
			if err := s.write(b, chunk); err != nil {
				s.close()
				break
			}
		}
		if len(joined) > 0 {
			if err := s.write(joined, 0); err != nil {
				s.close()
			}
		}
	}
	return nil
}
