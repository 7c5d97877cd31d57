package ami

import (
	"bytes"
	"errors"
	"github.com/umli/umli/umsys/feed/feedtest"
	"strings"
	"testing"

	"github.com/umli/umli/umsys/feed"
)

func collect(t testing.TB, data []byte, n int, banner bool, lim Limits) ([]*Block, *Stream, error) {
	t.Helper()
	s := NewStream(lim, banner)
	var out []*Block
	if n <= 0 {
		n = len(data) + 1
	}
	for len(data) > 0 {
		k := min(n, len(data))
		if err := s.Write(data[:k], func(b *Block) error { out = append(out, b); return nil }); err != nil {
			return out, s, err
		}
		data = data[k:]
	}
	return out, s, nil
}

func TestStreamValidTortureAnySplit(t *testing.T) {
	for name, data := range feedtest.Torture(t, "valid", "ami") {
		banner := strings.HasPrefix(string(data), "Asterisk Call Manager/")
		t.Run(name, func(t *testing.T) {
			whole, s, err := collect(t, data, 0, banner, Limits{})
			if err != nil || len(whole) == 0 || s.Pending() != 0 {
				t.Fatalf("whole: %d blocks, pending %d, err %v", len(whole), s.Pending(), err)
			}
			var total int
			for _, b := range whole {
				total += len(b.Raw)
				if b.Err != nil {
					t.Errorf("block at %d: %v", b.Offset, b.Err)
				}
			}
			if total != len(data) {
				t.Errorf("blocks cover %d of %d bytes", total, len(data))
			}
			for _, n := range []int{1, 2, 3, 13, 100} {
				got, _, err := collect(t, data, n, banner, Limits{})
				if err != nil || len(got) != len(whole) {
					t.Fatalf("chunk %d: %d blocks (want %d), err %v", n, len(got), len(whole), err)
				}
				for i := range got {
					if !bytes.Equal(got[i].Raw, whole[i].Raw) || got[i].Kind != whole[i].Kind {
						t.Fatalf("chunk %d: block %d differs", n, i)
					}
				}
			}
		})
	}
}

func TestStreamGoami2MessageWaiting(t *testing.T) {
	data := feedtest.Torture(t, "valid", "ami")["messagewaiting-goami2.ami"]
	blocks, _, err := collect(t, data, 7, false, Limits{})
	if err != nil || len(blocks) != 1 {
		t.Fatalf("%d blocks, err %v", len(blocks), err)
	}
	b := blocks[0]
	if b.Kind != KindEvent || len(b.Headers) != 23 {
		t.Fatalf("kind %v, %d headers", b.Kind, len(b.Headers))
	}
	want := map[int]feed.Header{
		0: {Name: "Event", Value: "MessageWaiting"}, 10: {Name: "AccountCode", Value: ""},
		16: {Name: "ChanVariable", Value: "realm=okon.ferry.sip.com"}, 17: {Name: "ChanVariable", Value: "SIPDOMAIN="},
		19: {Name: "Mailbox", Value: "9922@okon.ferry.sip.com"}, 22: {Name: "Old", Value: "4"},
	}
	for i, h := range want {
		if b.Headers[i] != h {
			t.Errorf("header %d = %q, want %q", i, b.Headers[i], h)
		}
	}
}

func TestStreamJoinedBySingleCRLF(t *testing.T) {
	data := feedtest.Torture(t, "valid", "ami")["joined-single-crlf.ami"]
	blocks, _, err := collect(t, data, 1, false, Limits{})
	if err != nil || len(blocks) != 2 {
		t.Fatalf("%d blocks, err %v", len(blocks), err)
	}
	if blocks[0].Kind != KindResponse || blocks[1].Kind != KindEvent || blocks[1].Get("Event") != "QueueMember" {
		t.Errorf("kinds %v %v, second %q", blocks[0].Kind, blocks[1].Kind, blocks[1].Get("Event"))
	}
	if !strings.HasSuffix(string(blocks[0].Raw), "Queue status will follow\r\n") {
		t.Errorf("first raw %q", blocks[0].Raw)
	}
}

func TestStreamBannerSession(t *testing.T) {
	data := feedtest.Torture(t, "valid", "ami")["session.ami"]
	blocks, _, err := collect(t, data, 1, true, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	kinds := []Kind{KindBanner, KindResponse, KindEvent, KindEvent, KindEvent}
	if len(blocks) != len(kinds) {
		t.Fatalf("%d blocks", len(blocks))
	}
	for i, k := range kinds {
		if blocks[i].Kind != k {
			t.Errorf("block %d kind %v, want %v", i, blocks[i].Kind, k)
		}
	}
	if blocks[0].Headers[0].Value != "Asterisk Call Manager/11.0.0" {
		t.Errorf("banner %q", blocks[0].Headers[0].Value)
	}
	if blocks[3].Get("newpassword") != "4242" {
		t.Errorf("case-insensitive Get failed")
	}
}

func TestStreamInvalid(t *testing.T) {
	files := feedtest.Torture(t, "invalid", "ami")
	tests := []struct {
		file  string
		check func(t *testing.T, blocks []*Block, s *Stream, err error)
	}{
		{"no-colon.ami", func(t *testing.T, blocks []*Block, s *Stream, err error) {
			if err != nil || len(blocks) != 1 || !errors.Is(blocks[0].Err, ErrMalformed) {
				t.Fatalf("err %v blocks %d", err, len(blocks))
			}
			if !strings.Contains(blocks[0].Err.Error(), "offset 10") {
				t.Errorf("error %q does not name offset 10", blocks[0].Err)
			}
		}},
		{"truncated.ami", func(t *testing.T, blocks []*Block, s *Stream, err error) {
			if err != nil || len(blocks) != 0 || s.Pending() != 200 {
				t.Fatalf("err %v blocks %d pending %d", err, len(blocks), s.Pending())
			}
		}},
		{"long-line.ami", func(t *testing.T, blocks []*Block, s *Stream, err error) {
			if !errors.Is(err, ErrFrameTooLarge) || !strings.Contains(err.Error(), "offset 10") {
				t.Fatalf("err %v", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			for _, n := range []int{0, 1, 9} {
				blocks, s, err := collect(t, files[tt.file], n, false, Limits{})
				tt.check(t, blocks, s, err)
			}
		})
	}
}
