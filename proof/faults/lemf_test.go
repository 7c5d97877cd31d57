package faults_test

import (
	"crypto/rand"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/umli/umli/proof/chain"
)

// TestLEMFDown stops the LEMF (both HI listeners gone) for the outage under load and
// restarts it on the same addresses: handover buffers in Redis and catches up.
func TestLEMFDown(t *testing.T) {
	r := newRigConfirmed(t)
	r.underLoad(func() {
		r.lm.Stop()
		time.Sleep(r.tm.outage)
		r.lm.Restart()
	})
}

// TestLEMFBackpressure replaces the LEMF by listeners that accept but never read: the
// socket buffers fill, keep-alives go unanswered, and whatever handover wrote into the
// stalled connections must be written again to the real LEMF afterwards.
func TestLEMFBackpressure(t *testing.T) {
	r := newRigConfirmed(t)
	r.underLoad(func() {
		r.lm.Stop()
		stall := hold(t, r.lm.HI2, r.lm.HI3, nil)
		time.Sleep(r.tm.outage)
		stall()
		r.lm.Restart()
	})
}

// TestLEMFGarbage replaces the LEMF by listeners that answer every connection with a
// burst of malformed bytes (random, then a BER header claiming a huge length) and close
// it: handover must reject the answers, keep every PDU and deliver to the real LEMF
// when it is back.
func TestLEMFGarbage(t *testing.T) {
	r := newRigConfirmed(t)
	r.underLoad(func() {
		r.lm.Stop()
		stop := hold(t, r.lm.HI2, r.lm.HI3, func(c net.Conn) {
			junk := make([]byte, 4096)
			_, _ = rand.Read(junk)
			_, _ = c.Write(junk)
			_, _ = c.Write([]byte{0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0xa1, 0x03})
			_ = c.Close()
		})
		time.Sleep(r.tm.outage)
		stop()
		r.lm.Restart()
	})
}

// hold listens on addrs; each accepted connection goes to serve (nil: kept open and
// never read). The returned func closes listeners and connections.
func hold(t *testing.T, hi2, hi3 string, serve func(net.Conn)) func() {
	lns := chain.Listen(t, hi2, hi3)
	var mu sync.Mutex
	var conns []net.Conn
	var wg sync.WaitGroup
	for _, ln := range lns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				if serve != nil {
					serve(c)
					continue
				}
				mu.Lock()
				conns = append(conns, c)
				mu.Unlock()
			}
		}()
	}
	return func() {
		for _, ln := range lns {
			_ = ln.Close()
		}
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		if serve == nil && len(conns) == 0 {
			t.Errorf("the stalled LEMF never saw a connection")
		}
		for _, c := range conns {
			_ = c.Close()
		}
	}
}
