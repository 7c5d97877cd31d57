package handover

import (
	"testing"
	"time"

	"github.com/umli/umli/internal/testredis"
)

func TestKeepAlive(t *testing.T) {
	tests := []struct {
		name   string
		answer bool
	}{
		{"answered: one connection, no timeouts", true},
		{"unanswered: torn down and redialled", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := testredis.Start(t)
			rdb := testRedis(t, srv)
			p := newPeer(t, nil)
			p.answer.Store(tc.answer)
			d := testDestination("lea1", p.addr, "")
			d.KeepAliveInterval, d.KeepAliveTimeout = 30*time.Millisecond, 150*time.Millisecond
			in := newInstance(t, testConfig(d), rdb).run(t)
			if tc.answer {
				waitFor(t, "five keep-alives", func() bool { return p.state().keepAlives >= 5 })
				enqueueRange(t, in.h, "lea1", HI2, 0, 10, 10)
				waitFor(t, "PDUs", func() bool { return len(p.state().seqs) >= 10 })
				st := in.stats("lea1", HI2)
				if st.KeepAliveTimeouts != 0 || st.Reconnects != 0 || p.state().accepted != 1 {
					t.Fatalf("answered keep-alives: stats %+v, accepted %d", st, p.state().accepted)
				}
				if _, err := checkComplete(p.state().seqs, 10); err != nil {
					t.Fatal(err)
				}
				return
			}
			waitFor(t, "keep-alive timeouts and redials", func() bool {
				return in.stats("lea1", HI2).KeepAliveTimeouts >= 2 && p.state().accepted >= 3
			})
			if got := in.metric(t, "umli_handover_keepalive_timeouts_total", map[string]string{"destination": "lea1", "hi": "hi2"}); got < 2 {
				t.Errorf("keepalive_timeouts_total = %v, want >= 2", got)
			}
			if got := in.metric(t, "umli_handover_reconnects_total", map[string]string{"destination": "lea1", "hi": "hi2"}); got < 2 {
				t.Errorf("reconnects_total = %v, want >= 2", got)
			}
			// Nothing is sent into a connection whose LEMF never answered the opening keep-alive.
			enqueueRange(t, in.h, "lea1", HI2, 0, 5, 5)
			waitFor(t, "another redial after enqueue", func() bool { return p.state().accepted >= 5 })
			if n := len(p.state().seqs); n != 0 {
				t.Fatalf("LEMF that never answered got %d PDUs", n)
			}
			p.answer.Store(true)
			waitFor(t, "PDUs once keep-alives are answered", func() bool { return len(p.state().seqs) >= 5 })
			if _, err := checkComplete(p.state().seqs, 5); err != nil {
				t.Fatal(err)
			}
		})
	}
}
