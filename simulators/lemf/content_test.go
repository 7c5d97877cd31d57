package lemf

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/umli/umli/mediation/etsi"
)

func u32(v uint32) *uint32 { return &v }

// chunk is one MessagingCC in a content test.
type chunk struct {
	seq  *uint32
	end  bool
	data string
}

func TestContentReassembly(t *testing.T) {
	tests := []struct {
		name        string
		liid        string
		contentType string
		chunks      []chunk
		wantFile    string
		want        string // bytes of the file (WAV: the samples)
		wantWAV     uint16
		complete    bool
		missing     uint64
		ignored     int
	}{
		{"PCMU out of order", "LI-1", "audio/PCMU", []chunk{
			{u32(2), true, "\x05\x06"}, {u32(0), false, "\x01\x02"}, {u32(1), false, "\x03\x04"},
		}, "LI-1_fs-um-1_7_3_1.wav", "\x01\x02\x03\x04\x05\x06", wavFormatMuLaw, true, 0, 0},
		{"PCMA with parameters and repeat", "LI-1", "audio/pcma; rate=8000", []chunk{
			{u32(0), false, "\xd5"}, {u32(0), false, "\xd5"}, {u32(1), true, "\x55\x2a"}, {u32(2), false, "late"},
		}, "LI-1_fs-um-1_7_3_1.wav", "\xd5\x55\x2a", wavFormatALaw, true, 0, 2},
		{"text without sequence numbers", "LI-1", "text/plain;charset=utf-8", []chunk{{nil, false, "hello"}},
			"LI-1_fs-um-1_7_3_1.txt", "hello", 0, true, 0, 0},
		{"missing chunk flushed at shutdown", "a/../b", "message/rfc822", []chunk{
			{u32(0), false, "A"}, {u32(2), false, "C"}, {u32(3), true, "D"},
		}, "a____b_fs-um-1_7_3_1.eml", "ACD", 0, false, 1, 0},
		{"unknown type, no end", "LI 2", "image/png", []chunk{{u32(1), false, "B"}, {u32(0), false, "A"}},
			"LI_2_fs-um-1_7_3_1.bin", "AB", 0, false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cs, err := newContentStore(dir)
			if err != nil {
				t.Fatal(err)
			}
			ck := cinKey{liid: tt.liid, ne: "fs-um-1", cin: optU32{v: 7, ok: true}}
			for _, c := range tt.chunks {
				m := &etsi.MessagingCC{EventIdentifier: 3, ContentIdentifier: u32(1), SequenceNumber: c.seq,
					EndOfSequence: c.end, ContentType: tt.contentType, Content: []byte(c.data)}
				if err := cs.addMessaging(ck, m); err != nil {
					t.Fatal(err)
				}
			}
			if err := cs.flush(); err != nil {
				t.Fatal(err)
			}
			sums := cs.byCIN()[ck]
			if len(sums) != 1 {
				t.Fatalf("%d streams, want 1: %+v", len(sums), sums)
			}
			s := sums[0]
			if s.File != filepath.Join(ContentDir, tt.wantFile) || s.Complete != tt.complete || s.MissingChunks != tt.missing ||
				s.Ignored != tt.ignored || s.Bytes != int64(len(tt.want)) {
				t.Errorf("summary %+v; want file %s complete %v missing %d ignored %d bytes %d",
					s, tt.wantFile, tt.complete, tt.missing, tt.ignored, len(tt.want))
			}
			b, err := os.ReadFile(filepath.Join(dir, tt.wantFile))
			if err != nil {
				t.Fatal(err)
			}
			got := string(b)
			if tt.wantWAV != 0 {
				w := parseWAV(t, b)
				if w.format != tt.wantWAV {
					t.Errorf("WAV format %d, want %d", w.format, tt.wantWAV)
				}
				got = string(w.samples)
			}
			if got != tt.want {
				t.Errorf("content %q, want %q", got, tt.want)
			}
		})
	}
}

func TestContentEmailAppendedInArrivalOrder(t *testing.T) {
	dir := t.TempDir()
	cs, err := newContentStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	ck := cinKey{liid: "LI-9"}
	for _, part := range []string{"From: a\r\n", "\r\nbody\r\n"} {
		if err := cs.addEmail(ck, &etsi.EmailCC{Format: etsi.EmailFormatApplication, Content: []byte(part)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := cs.addEmail(ck, &etsi.EmailCC{Format: etsi.EmailFormatIPPacket, Content: []byte{0x45, 0}}); err != nil {
		t.Fatal(err)
	}
	if err := cs.flush(); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{"LI-9_none_none_email.eml": "From: a\r\n\r\nbody\r\n", "LI-9_none_none_email-ip.bin": "\x45\x00"} {
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != want {
			t.Errorf("%s = %q, want %q", file, b, want)
		}
	}
	for _, s := range cs.byCIN()[ck] {
		if !s.Complete || s.Payload != "EmailCC" {
			t.Errorf("summary %+v: want complete EmailCC", s)
		}
	}
}

func TestContentPendingBounds(t *testing.T) {
	tests := []struct {
		name             string
		perStream, total int
		streams          int
		wantMissing      []uint64 // per stream, in order
		wantNext         []uint32
	}{
		// Chunk 0 never arrives; holding back 1, 2 and 3 (30 bytes) would pass 25.
		{"per stream", 25, 1000, 1, []uint64{1}, []uint32{4}},
		// Three streams of 30 held-back bytes each would pass 70: the third gives up.
		{"all streams", 1000, 70, 3, []uint64{0, 0, 1}, []uint32{0, 0, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := newContentStore(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			cs.maxPending, cs.maxPendingAll = tt.perStream, tt.total
			ck := cinKey{liid: "LI"}
			for ev := uint32(0); ev < uint32(tt.streams); ev++ {
				for seq := uint32(1); seq <= 3; seq++ {
					m := &etsi.MessagingCC{EventIdentifier: ev, SequenceNumber: u32(seq), ContentType: "audio/PCMU",
						Content: make([]byte, 10)}
					if err := cs.addMessaging(ck, m); err != nil {
						t.Fatal(err)
					}
				}
			}
			held := 0
			for ev := uint32(0); ev < uint32(tt.streams); ev++ {
				s := cs.streams[streamKey{cinKey: ck, event: ev}]
				held += s.pendingBytes
				if s.missing != tt.wantMissing[ev] || s.next != tt.wantNext[ev] {
					t.Errorf("stream %d: missing %d, next %d; want %d, %d", ev, s.missing, s.next, tt.wantMissing[ev], tt.wantNext[ev])
				}
			}
			if held != cs.pendingBytes || held > tt.total {
				t.Errorf("held %d bytes, store counts %d, bound %d", held, cs.pendingBytes, tt.total)
			}
			if err := cs.flush(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestContentSummaryCoversEveryProcessedPDU: the content writer runs beside the
// connection handlers, yet Summary right after WaitPDUs holds the content of every
// processed PDU, in the order the PDUs came (chunks of one stream across PDUs, and many
// streams, each a file of its own); the frame buffer reused for later PDUs does not
// leak into earlier content.
func TestContentSummaryCoversEveryProcessedPDU(t *testing.T) {
	r := startLEMF(t, Config{})
	defer r.shutdown(t)
	_, hi3 := r.Addrs()
	c := dial(t, hi3)
	defer c.Close()
	const streams = 200
	var out []byte
	for i := range streams {
		for seq := range uint32(3) {
			m := etsi.MessagingCC{EventIdentifier: uint32(i), ContentIdentifier: u32(1), SequenceNumber: u32(seq),
				EndOfSequence: seq == 2, ContentType: "text/plain", Content: []byte(fmt.Sprintf("s%d-c%d;", i, seq))}
			out = append(out, encode(t, ccPDU("LI-1", 9, uint32(3*i)+seq, m))...)
		}
	}
	send(t, c, out)
	r.waitPDUs(t, 0, 3*streams)
	sum := r.Summary()
	if len(sum.LIIDs) != 1 || len(sum.LIIDs[0].CINs) != 1 {
		t.Fatalf("summary %+v", sum.LIIDs)
	}
	got := sum.LIIDs[0].CINs[0].Content
	if len(got) != streams {
		t.Fatalf("%d content streams in the summary, want %d", len(got), streams)
	}
	for _, s := range got {
		i := int(*s.EventIdentifier)
		want := fmt.Sprintf("s%d-c0;s%d-c1;s%d-c2;", i, i, i)
		if !s.Complete || s.Chunks != 3 || s.Bytes != int64(len(want)) {
			t.Fatalf("stream %d: %+v", i, s)
		}
		b, err := os.ReadFile(filepath.Join(r.dir, s.File))
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != want {
			t.Fatalf("stream %d holds %q, want %q", i, b, want)
		}
	}
}
