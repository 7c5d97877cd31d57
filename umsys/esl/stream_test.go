package esl

import (
	"bytes"
	"errors"
	"github.com/umli/umli/umsys/feed/feedtest"
	"testing"
)

// collect feeds data to a fresh Stream in chunks of size n (0: all at once) and
// returns the frames and the first error.
func collect(t testing.TB, data []byte, n int, lim Limits) ([]*Frame, error) {
	t.Helper()
	s := NewStream(lim)
	var frames []*Frame
	emit := func(f *Frame) error { frames = append(frames, f); return nil }
	if n <= 0 {
		n = len(data) + 1
	}
	for len(data) > 0 {
		k := min(n, len(data))
		if err := s.Write(data[:k], emit); err != nil {
			return frames, err
		}
		data = data[k:]
	}
	return frames, nil
}

func TestStreamValidTortureAnySplit(t *testing.T) {
	for name, data := range feedtest.Torture(t, "valid", "esl") {
		t.Run(name, func(t *testing.T) {
			whole, err := collect(t, data, 0, Limits{})
			if err != nil {
				t.Fatalf("whole: %v", err)
			}
			if len(whole) == 0 {
				t.Fatal("no frames")
			}
			var total int
			for _, f := range whole {
				total += len(f.Raw)
				if f.ContentType == TypeEventPlain {
					if _, _, err := ParseEventPlain(f.Body); err != nil {
						t.Fatalf("event at %d: %v", f.Offset, err)
					}
				}
			}
			if total != len(data) {
				t.Fatalf("frames cover %d of %d bytes", total, len(data))
			}
			for _, n := range []int{1, 2, 3, 7, 64, 500} {
				got, err := collect(t, data, n, Limits{})
				if err != nil {
					t.Fatalf("chunk %d: %v", n, err)
				}
				if len(got) != len(whole) {
					t.Fatalf("chunk %d: %d frames, want %d", n, len(got), len(whole))
				}
				for i := range got {
					if !bytes.Equal(got[i].Raw, whole[i].Raw) || got[i].Offset != whole[i].Offset {
						t.Fatalf("chunk %d: frame %d differs", n, i)
					}
				}
			}
		})
	}
}

func TestStreamSessionFrames(t *testing.T) {
	data := feedtest.Torture(t, "valid", "esl")["session.esl"]
	frames, err := collect(t, data, 1, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ ct, reply string }{
		{TypeAuthRequest, ""},
		{TypeCommandReply, "+OK accepted"},
		{TypeCommandReply, "+OK event listener enabled plain"},
		{TypeEventPlain, ""},
		{TypeEventPlain, ""},
		{TypeCommandReply, "+OK bye"},
		{TypeDisconnectNotice, ""},
	}
	if len(frames) != len(want) {
		t.Fatalf("%d frames, want %d", len(frames), len(want))
	}
	for i, w := range want {
		if frames[i].ContentType != w.ct || frames[i].ReplyText != w.reply {
			t.Errorf("frame %d = %q %q, want %q %q", i, frames[i].ContentType, frames[i].ReplyText, w.ct, w.reply)
		}
	}
	if got := string(frames[6].Body); got != "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n" || len(got) != 67 {
		t.Errorf("notice body %q", got)
	}
	if len(frames[3].Body) != 889 || len(frames[4].Body) != 641 || len(frames[3].Raw) != 941 || len(frames[4].Raw) != 693 {
		t.Errorf("event sizes body %d/%d raw %d/%d", len(frames[3].Body), len(frames[4].Body), len(frames[3].Raw), len(frames[4].Raw))
	}
}

func TestStreamInvalid(t *testing.T) {
	tests := []struct {
		file     string
		streamOK bool  // framing fine, the error is in the event body
		partial  bool  // no error, bytes left pending
		want     error // for stream errors
	}{
		{file: "no-colon.esl", want: ErrMalformed},
		{file: "bad-length.esl", want: ErrMalformed},
		{file: "huge-length.esl", want: ErrFrameTooLarge},
		{file: "bad-inner.esl", streamOK: true},
		{file: "inner-body-short.esl", streamOK: true},
		{file: "truncated.esl", partial: true},
	}
	files := feedtest.Torture(t, "invalid", "esl")
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, ok := files[tt.file]
			if !ok {
				t.Fatalf("missing %s", tt.file)
			}
			for _, n := range []int{0, 1, 5} {
				s := NewStream(Limits{})
				var frames []*Frame
				var err error
				for rest := data; len(rest) > 0 && err == nil; {
					k := len(rest)
					if n > 0 {
						k = min(n, k)
					}
					err = s.Write(rest[:k], func(f *Frame) error { frames = append(frames, f); return nil })
					rest = rest[k:]
				}
				switch {
				case tt.partial:
					if err != nil || len(frames) != 0 || s.Pending() != len(data) {
						t.Fatalf("chunk %d: err %v frames %d pending %d", n, err, len(frames), s.Pending())
					}
				case tt.streamOK:
					if err != nil || len(frames) != 1 {
						t.Fatalf("chunk %d: err %v frames %d", n, err, len(frames))
					}
					_, perr := EventFromFrame(frames[0], "t", time0)
					if !errors.Is(perr, ErrMalformed) {
						t.Fatalf("chunk %d: event error %v, want ErrMalformed", n, perr)
					}
				default:
					if !errors.Is(err, tt.want) {
						t.Fatalf("chunk %d: err %v, want %v", n, err, tt.want)
					}
					if !bytes.Contains([]byte(err.Error()), []byte("offset 0")) {
						t.Errorf("error %q does not name the offset", err)
					}
				}
			}
		})
	}
}

func TestStreamHeaderLimit(t *testing.T) {
	lim := Limits{MaxHeaderBytes: 100}
	prefix := []byte("Content-Type: auth/request\n\n")
	huge := append(append([]byte{}, prefix...), bytes.Repeat([]byte("X-Junk: aaaaaaaaaa\n"), 20)...)
	frames, err := collect(t, huge, 3, lim)
	if !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("err %v, want ErrFrameTooLarge", err)
	}
	if len(frames) != 1 || frames[0].ContentType != TypeAuthRequest {
		t.Fatalf("frames before the oversized one: %d", len(frames))
	}
	if want := "offset 28"; !bytes.Contains([]byte(err.Error()), []byte(want)) {
		t.Errorf("error %q does not name %s", err, want)
	}
	// The stream stays broken: the connection must be reset.
	s := NewStream(lim)
	if err := s.Write(huge, func(*Frame) error { return nil }); !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("whole input: err %v, want ErrFrameTooLarge", err)
	}
	if err2 := s.Write([]byte("Content-Type: auth/request\n\n"), nil); !errors.Is(err2, ErrFrameTooLarge) {
		t.Errorf("broken stream accepted input: %v", err2)
	}
}

// TestStreamHeaderLimitEdgeAnySplit: a header block of exactly the limit, ended by
// CRLF, is accepted however the bytes are split (the fuzzer's determinism property).
func TestStreamHeaderLimitEdgeAnySplit(t *testing.T) {
	block := "Content-Type: auth/request\n" // 27 bytes
	lim := Limits{MaxHeaderBytes: len(block)}
	data := []byte(block + "\r\n")
	for n := range len(data) + 1 {
		frames, err := collect(t, data, n, lim)
		if err != nil || len(frames) != 1 {
			t.Fatalf("chunk %d: %d frames, err %v", n, len(frames), err)
		}
	}
	over := []byte("Content-Type: auth/request2\n\r\n")
	for n := range len(over) + 1 {
		if _, err := collect(t, over, n, lim); !errors.Is(err, ErrFrameTooLarge) {
			t.Fatalf("chunk %d: err %v, want ErrFrameTooLarge", n, err)
		}
	}
}
