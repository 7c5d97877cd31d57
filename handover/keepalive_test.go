package handover

import (
	"testing"
	"time"
)

func TestKeepAlive(t *testing.T) {
	tests := []struct {
		name   string
		answer bool
	}{
		{"answered: one connection, no timeouts", true},
		{"opening keep-alive unanswered: delivered unconfirmed on the same connection", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rdb, p, d := keepAliveRig(t, tc.answer, 30*time.Millisecond, 150*time.Millisecond)
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
			// A LEMF that never answers the opening keep-alive gets PDUs once the wait is
			// over, on the same connection; the missing answer is counted once.
			enqueueRange(t, in.h, "lea1", HI2, 0, 5, 5)
			waitFor(t, "PDUs although keep-alives are never answered", func() bool { return len(p.state().seqs) >= 5 })
			if _, err := checkComplete(p.state().seqs, 5); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "keep-alives go on unanswered", func() bool { return p.state().keepAlives >= 5 })
			st := in.stats("lea1", HI2)
			if st.KeepAliveTimeouts != 1 || st.Reconnects != 0 || p.state().accepted != 1 {
				t.Fatalf("unanswered: stats %+v, accepted %d; want 1 timeout on one connection", st, p.state().accepted)
			}
			if got := in.metric(t, "umli_handover_keepalive_timeouts_total", map[string]string{"destination": "lea1", "hi": "hi2"}); got != 1 {
				t.Errorf("keepalive_timeouts_total = %v, want 1", got)
			}
			// A response to a later keep-alive is not needed and does not hurt.
			p.answer.Store(true)
			enqueueRange(t, in.h, "lea1", HI2, 5, 10, 5)
			waitFor(t, "more PDUs", func() bool { return len(p.state().seqs) >= 10 })
			if _, err := checkComplete(p.state().seqs, 10); err != nil {
				t.Fatal(err)
			}
		})
	}
}
