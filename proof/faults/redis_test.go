package faults_test

import (
	"testing"
	"time"
)

// TestRedisRestart kills redis-server under load (SIGKILL; appendfsync always keeps what
// it acknowledged), keeps it down for the outage and starts it again on the same port
// and data: records wait in mediation's memory queue, then are numbered without a gap.
func TestRedisRestart(t *testing.T) {
	r := newRig(t)
	r.underLoad(func() {
		r.srv.Stop()
		time.Sleep(r.tm.outage)
		r.srv.Restart(t)
	})
}
