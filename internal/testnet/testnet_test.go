package testnet

import (
	"bufio"
	"errors"
	"net"
	"syscall"
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

// TestFailAccept: the wrapped listener returns its errors in order, then real
// connections.
func TestFailAccept(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer inner.Close()
	ln := FailAccept(inner, AcceptErr(syscall.EMFILE), AcceptErr(syscall.ENFILE))
	for _, want := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE} {
		if _, err := ln.Accept(); !errors.Is(err, want) {
			t.Fatalf("Accept: %v, want %v", err, want)
		}
	}
	if ln.Left() != 0 {
		t.Fatalf("%d errors left after two Accepts", ln.Left())
	}
	go func() {
		if c, err := net.Dial("tcp", inner.Addr().String()); err == nil {
			c.Close()
		}
	}()
	c, err := ln.Accept()
	if err != nil {
		t.Fatalf("Accept after the errors: %v", err)
	}
	c.Close()
}
