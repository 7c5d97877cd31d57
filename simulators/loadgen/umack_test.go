package loadgen

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"sync"
	"testing"
)

// ackPeer acknowledges the first limit lines of each connection (0: all), then drops it.
func ackPeer(t *testing.T, limit int, got *sync.Map) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				for n := 1; limit == 0 || n <= limit; n++ {
					line, err := r.ReadBytes('\n')
					if err != nil {
						return
					}
					var m struct{ ID string }
					if json.Unmarshal(line, &m) != nil {
						return
					}
					got.Store(m.ID, true)
					fmt.Fprintf(c, "{\"ack\":%q}\n", m.ID)
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// TestAckResendToPeer: a peer that drops the connection after two lines loses none: the
// unacknowledged lines are resent to the next address, and the drain ends with all acked.
func TestAckResendToPeer(t *testing.T) {
	var first, second sync.Map
	a := newAckConn(ackPeer(t, 2, &first)+","+ackPeer(t, 0, &second), 0)
	ctx := context.Background()
	a.mu.Lock()
	if err := a.dialLocked(ctx); err != nil {
		t.Fatal(err)
	}
	a.mu.Unlock()
	const n = 20
	for i := range n {
		id := fmt.Sprintf("e%d", i)
		if err := a.write(ctx, id, []byte(fmt.Sprintf("{\"id\":%q,\"ack\":true}\n", id))); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.drain(ctx); err != nil {
		t.Fatal(err)
	}
	a.close()
	for i := range n {
		id := fmt.Sprintf("e%d", i)
		_, f := first.Load(id)
		_, s := second.Load(id)
		if !f && !s {
			t.Errorf("%s reached no peer", id)
		}
	}
	if _, ok := second.Load("e19"); !ok {
		t.Error("the last line never reached the second peer")
	}
}
