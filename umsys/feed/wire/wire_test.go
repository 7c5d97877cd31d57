package wire

import (
	"bytes"
	"context"
	"errors"
	"net"
	"testing"
	"time"
)

// lineFramer is a minimal framer: one frame per '\n'-terminated line, lines over
// max bytes are a framing error.
type lineFramer struct {
	b   Buffer
	max int
}

var errTooLong = errors.New("line too long")

func (f *lineFramer) next(start int) (*string, int, error) {
	rest := f.b.Buf[start:]
	nl := bytes.IndexByte(rest, '\n')
	if nl < 0 {
		if len(rest) > f.max {
			return nil, 0, errTooLong
		}
		return nil, 0, nil
	}
	if nl == 0 {
		return nil, 1, nil // blank line consumed without a frame
	}
	s := string(rest[:nl])
	return &s, nl + 1, nil
}

func (f *lineFramer) Write(p []byte, emit func(*string) error) error {
	return Split(&f.b, p, f.next, emit)
}

func TestSplitAnyChunking(t *testing.T) {
	input := []byte("alpha\n\nbeta\ngamma\n")
	for chunk := 1; chunk <= len(input); chunk++ {
		f := &lineFramer{max: 16}
		var got []string
		for i := 0; i < len(input); i += chunk {
			if err := f.Write(input[i:min(i+chunk, len(input))], func(s *string) error { got = append(got, *s); return nil }); err != nil {
				t.Fatalf("chunk %d: %v", chunk, err)
			}
		}
		if want := "alpha beta gamma"; joinSp(got) != want {
			t.Fatalf("chunk %d: frames %q, want %q", chunk, got, want)
		}
		if len(f.b.Buf) != 0 || f.b.Off != int64(len(input)) {
			t.Fatalf("chunk %d: %d bytes left, offset %d", chunk, len(f.b.Buf), f.b.Off)
		}
	}
}

func TestSplitErrors(t *testing.T) {
	f := &lineFramer{max: 4}
	if err := f.Write([]byte("ok\ntoolong"), func(*string) error { return nil }); !errors.Is(err, errTooLong) {
		t.Fatalf("err %v, want errTooLong", err)
	}
	if err := f.Write([]byte("x\n"), func(*string) error { return nil }); !errors.Is(err, errTooLong) {
		t.Fatalf("framing error not sticky: %v", err)
	}
	stop := errors.New("stop")
	g := &lineFramer{max: 16}
	n := 0
	err := g.Write([]byte("a\nb\n"), func(*string) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("emit error: err %v after %d frames", err, n)
	}
}

// TestReaderKeepsEarlyFrames: frames that arrive with the one asked for stay
// pending, and a framing error after them is held until they are taken.
func TestReaderKeepsEarlyFrames(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.Write([]byte("one\ntwo\nwaytoolongline"))
	}()
	nc, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	stop, err := BoundHandshake(ctx, nc, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	f := &lineFramer{max: 8}
	r := NewReader(nc, f.Write)
	var got []string
	for {
		s, err := r.Next()
		if err != nil {
			if !errors.Is(err, errTooLong) {
				t.Fatalf("end: %v, want errTooLong", err)
			}
			break
		}
		got = append(got, *s)
	}
	if joinSp(got) != "one two" {
		t.Fatalf("frames %q", got)
	}
}

// TestBoundHandshakeCancel: cancelling ctx unblocks a read in progress.
func TestBoundHandshakeCancel(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err == nil {
			accepted <- c
		}
	}()
	nc, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	defer func() { (<-accepted).Close() }()
	ctx, cancel := context.WithCancel(context.Background())
	stop, err := BoundHandshake(ctx, nc, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	cancel()
	var ne net.Error
	if _, err := nc.Read(make([]byte, 1)); !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("read after cancel: %v, want a deadline error", err)
	}
}

func joinSp(s []string) string {
	var b bytes.Buffer
	for i, x := range s {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(x)
	}
	return b.String()
}

// TestSplitCallerReusesBuffer: Split frames p in place when nothing is pending, so
// the unfinished tail must be copied out before the caller reuses p.
func TestSplitCallerReusesBuffer(t *testing.T) {
	f := &lineFramer{max: 16}
	var got []string
	emit := func(s *string) error { got = append(got, *s); return nil }
	p := []byte("one\ntw")
	if err := f.Write(p, emit); err != nil {
		t.Fatal(err)
	}
	copy(p, "XXXXXX") // the caller's next read lands in the same buffer
	if err := f.Write([]byte("o\nthree\n"), emit); err != nil {
		t.Fatal(err)
	}
	if joinSp(got) != "one two three" {
		t.Fatalf("frames %q", got)
	}
	if f.b.Off != 14 || len(f.b.Buf) != 0 {
		t.Fatalf("offset %d, %d bytes left", f.b.Off, len(f.b.Buf))
	}
}
