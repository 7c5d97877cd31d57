// Package testnet runs throwaway TCP peers on loopback for tests that need a
// real socket speaking (or mangling) a protocol by hand.
package testnet

import (
	"net"
	"sync"
	"testing"
)

// Serve listens on a free 127.0.0.1 port and runs handle for every accepted
// connection, closing it when handle returns. At cleanup the listener and every
// open connection are closed and the handlers waited for, so none outlives the test.
// It returns the listening address.
func Serve(tb testing.TB, handle func(c net.Conn)) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("testnet: listen: %v", err)
	}
	var (
		mu     sync.Mutex
		conns  = map[net.Conn]struct{}{}
		closed bool
		wg     sync.WaitGroup
	)
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			if closed {
				// Accepted just before cleanup closed the listener: cleanup
				// has already swept conns, so this one must not start a handler.
				mu.Unlock()
				c.Close()
				return
			}
			conns[c] = struct{}{}
			mu.Unlock()
			wg.Go(func() {
				defer func() {
					c.Close()
					mu.Lock()
					delete(conns, c)
					mu.Unlock()
				}()
				handle(c)
			})
		}
	})
	tb.Cleanup(func() {
		ln.Close()
		mu.Lock()
		closed = true
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}
