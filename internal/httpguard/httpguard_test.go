package httpguard

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRefuseSkipsBody: a request that trickles a chunked body gets its 401 and then
// EOF at once, long before the server's ReadTimeout, without sending the body.
func TestRefuseSkipsBody(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := Server(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Refuse(w, http.StatusUnauthorized, "no")
	}), Limits{ReadTimeout: time.Minute, WriteTimeout: time.Minute}, nil)
	go srv.Serve(ln)
	defer srv.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n")
	c.SetReadDeadline(time.Now().Add(10 * time.Second)) // far below the server's minute
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusUnauthorized || !resp.Close {
		t.Fatalf("status %d close %v, want 401 with Connection: close", resp.StatusCode, resp.Close)
	}
	io.Copy(io.Discard, resp.Body)
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("after the 401: %v, want EOF (connection closed)", err)
	}
}

func TestServerDefaults(t *testing.T) {
	s := Server(http.NotFoundHandler(), Limits{IdleTimeout: 5 * time.Second}, nil)
	if s.IdleTimeout != 5*time.Second || s.ReadTimeout != Defaults().ReadTimeout || s.ReadHeaderTimeout != Defaults().ReadHeaderTimeout ||
		s.WriteTimeout != Defaults().WriteTimeout || s.MaxHeaderBytes != Defaults().MaxHeaderBytes {
		t.Fatalf("server limits %+v", s)
	}
}

func TestEvery(t *testing.T) {
	e := NewEvery(time.Hour)
	var got []string
	for i := 0; i < 5; i++ {
		ok, n := e.Allow()
		got = append(got, map[bool]string{true: "y", false: "n"}[ok]+string(rune('0'+n)))
	}
	if s := strings.Join(got, ","); s != "y0,n0,n0,n0,n0" {
		t.Fatalf("allow sequence %s", s)
	}
	e.last = time.Now().Add(-2 * time.Hour)
	if ok, n := e.Allow(); !ok || n != 4 {
		t.Fatalf("after the interval: %v %d, want true 4", ok, n)
	}
}
