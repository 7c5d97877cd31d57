package lemf

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/umli/umli/mediation/etsi"
)

// fuzzMaxPDU keeps the fuzzer's frames small so the memory bound is checked cheaply.
const fuzzMaxPDU = 4 << 10

// FuzzStreamReader feeds arbitrary bytes through the frame reader and the decoder the
// listener uses: no panic, every frame within the bound, the buffer never past it.
func FuzzStreamReader(f *testing.F) {
	pdus := testStream(f)
	all := bytes.Join(pdus, nil)
	f.Add(all)
	f.Add(all[:len(all)-3])
	f.Add([]byte{0x30, 0x84, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{0x30, 0x80, 0x30, 0x80, 0x00, 0x00, 0x00, 0x00})
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x00})
	f.Add(append(append([]byte(nil), pdus[0]...), 0xff, 0xff))
	f.Fuzz(func(t *testing.T, b []byte) {
		// A one-byte reader exercises every split point of the stream.
		src := &slowReader{b: b}
		fr := newFrameReader(src, fuzzMaxPDU)
		total := 0
		for {
			frame, off, err := fr.next()
			if cap(fr.buf) > fuzzMaxPDU+2*readChunk {
				t.Fatalf("buffer grew to %d", cap(fr.buf))
			}
			if err != nil {
				var fe *frameError
				if !errors.Is(err, io.EOF) && !errors.As(err, &fe) {
					t.Fatalf("error %v is neither EOF nor a FrameError", err)
				}
				// Nothing is lost: framed + buffered + unread is the whole input.
				if total+len(fr.rest())+len(src.b) != len(b) {
					t.Fatalf("frames %d + rest %d + unread %d != input %d", total, len(fr.rest()), len(src.b), len(b))
				}
				break
			}
			if len(frame) == 0 || len(frame) > fuzzMaxPDU || off != int64(total) {
				t.Fatalf("frame of %d bytes at %d (expected offset %d)", len(frame), off, total)
			}
			total += len(frame)
		}
		_ = DecodeStream(io.Discard, bytes.NewReader(b), "fuzz", fuzzMaxPDU)
	})
}

// slowReader returns one byte per Read.
type slowReader struct{ b []byte }

func (r *slowReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0] = r.b[0]
	r.b = r.b[1:]
	return 1, nil
}

// FuzzContentReassembly drives the MessagingCC reassembly with arbitrary chunk orders,
// repeats, sequence numbers near the 32-bit edge and early or missing end-of-sequence:
// no panic, the held-back bytes stay within bounds, and every file holds exactly the
// bytes its summary reports.
func FuzzContentReassembly(f *testing.F) {
	f.Add([]byte{0, 2, 1, 4, 0, 0, 0, 4, 0, 1, 0, 4})
	f.Add([]byte{1, 0xff, 1, 3, 1, 0xfe, 0, 3, 1, 0, 0, 1})
	f.Add([]byte{2, 5, 2, 9, 2, 5, 0, 9, 3, 0, 3, 1})
	f.Fuzz(func(t *testing.T, ops []byte) {
		dir := t.TempDir()
		cs, err := newContentStore(dir)
		if err != nil {
			t.Fatal(err)
		}
		cs.maxPending, cs.maxPendingAll = 64, 160
		ck := cinKey{liid: "LI", cin: optU32{v: 1, ok: true}}
		for ; len(ops) >= 4; ops = ops[4:] {
			ev, seqByte, flags, size := ops[0]%4, ops[1], ops[2], int(ops[3]%48)
			seq := uint32(seqByte)
			if seqByte >= 0xf0 {
				seq = 0xffffffff - uint32(0xff-seqByte) // the top of the range
			}
			m := &etsi.MessagingCC{EventIdentifier: uint32(ev), SequenceNumber: &seq, EndOfSequence: flags&1 != 0,
				ContentType: []string{"audio/PCMU", "audio/PCMA", "text/plain", "image/png"}[ev], Content: make([]byte, size)}
			if flags&2 != 0 {
				m.SequenceNumber = nil
			}
			if err := cs.addMessaging(ck, m); err != nil {
				t.Fatal(err)
			}
			if cs.pendingBytes < 0 || cs.pendingBytes > cs.maxPendingAll {
				t.Fatalf("held back %d bytes, bound %d", cs.pendingBytes, cs.maxPendingAll)
			}
		}
		if err := cs.flush(); err != nil {
			t.Fatal(err)
		}
		for _, s := range cs.byCIN()[ck] {
			fi, err := os.Stat(filepath.Join(dir, filepath.Base(s.File)))
			if err != nil {
				t.Fatal(err)
			}
			want := s.Bytes
			if strings.HasSuffix(s.File, ".wav") {
				want += wavHeaderSize + s.Bytes%2
			}
			if fi.Size() != want {
				t.Fatalf("%s has %d bytes, summary says %d (+header)", s.File, fi.Size(), s.Bytes)
			}
		}
	})
}
