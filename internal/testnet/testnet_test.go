package testnet

import (
	"bufio"
	"net"
	"testing"
)

func TestServeEcho(t *testing.T) {
	addr := Serve(t, func(c net.Conn) {
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil {
			return
		}
		c.Write([]byte("echo " + line))
	})
	for i := range 3 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write([]byte("hi\n")); err != nil {
			t.Fatal(err)
		}
		got, err := bufio.NewReader(c).ReadString('\n')
		c.Close()
		if err != nil || got != "echo hi\n" {
			t.Fatalf("conn %d: %q %v", i, got, err)
		}
	}
}

// TestServeCleanupUnblocksHandlers: a handler blocked reading a connection the
// client keeps open must not hang cleanup.
func TestServeCleanupUnblocksHandlers(t *testing.T) {
	var c net.Conn
	t.Run("inner", func(t *testing.T) {
		addr := Serve(t, func(c net.Conn) { c.Read(make([]byte, 1)) })
		var err error
		if c, err = net.Dial("tcp", addr); err != nil {
			t.Fatal(err)
		}
	})
	defer c.Close()
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("connection still open after cleanup")
	}
}
