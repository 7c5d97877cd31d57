package proxy

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
)

func TestErrKindHidesAddresses(t *testing.T) {
	addr := &net.TCPAddr{IP: net.ParseIP("192.0.2.77"), Port: 4242}
	tests := []struct {
		err  error
		want string
	}{
		{&net.OpError{Op: "read", Net: "tcp", Addr: addr, Err: syscall.ECONNRESET}, "connection reset"},
		{fmt.Errorf("TLS handshake with the client: %w", io.EOF), "connection closed"},
		{&net.OpError{Op: "write", Net: "tcp", Addr: addr, Err: errors.New("broken pipe")}, "I/O error"},
	}
	for _, tc := range tests {
		got := errKind(tc.err)
		if got != tc.want || strings.Contains(got, "192.0.2.77") {
			t.Errorf("errKind(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
