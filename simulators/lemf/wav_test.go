package lemf

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// wavInfo is what a WAV reader needs from the header.
type wavInfo struct {
	format, channels, bits uint16
	rate, byteRate         uint32
	samples                []byte
}

// parseWAV walks the RIFF chunks the way a player does and checks the sizes agree.
func parseWAV(t *testing.T, b []byte) wavInfo {
	t.Helper()
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		t.Fatalf("not a RIFF/WAVE file: % x", b[:min(len(b), 12)])
	}
	if got := binary.LittleEndian.Uint32(b[4:]); int(got) != len(b)-8 {
		t.Fatalf("RIFF size %d, file has %d bytes after it", got, len(b)-8)
	}
	var w wavInfo
	var fact uint32
	sawFmt, sawData := false, false
	for p := 12; p+8 <= len(b); {
		id, size := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:]))
		body := b[p+8:]
		if size > len(body) {
			t.Fatalf("chunk %q size %d overruns file", id, size)
		}
		body = body[:size]
		switch id {
		case "fmt ":
			sawFmt = true
			w.format = binary.LittleEndian.Uint16(body[0:])
			w.channels = binary.LittleEndian.Uint16(body[2:])
			w.rate = binary.LittleEndian.Uint32(body[4:])
			w.byteRate = binary.LittleEndian.Uint32(body[8:])
			w.bits = binary.LittleEndian.Uint16(body[14:])
		case "fact":
			fact = binary.LittleEndian.Uint32(body)
		case "data":
			sawData = true
			w.samples = body
		}
		p += 8 + size + size%2
	}
	if !sawFmt || !sawData {
		t.Fatalf("fmt chunk %v, data chunk %v", sawFmt, sawData)
	}
	if int(fact) != len(w.samples) {
		t.Errorf("fact sample count %d, data has %d", fact, len(w.samples))
	}
	return w
}

func TestWAVWriter(t *testing.T) {
	tests := []struct {
		name   string
		format uint16
		writes [][]byte
	}{
		{"empty mu-law", wavFormatMuLaw, nil},
		{"odd length a-law", wavFormatALaw, [][]byte{{0xd5, 0x55, 0x2a}}},
		{"several writes", wavFormatMuLaw, [][]byte{{0xff, 0x7f}, {0x00}, {0x01, 0x02, 0x03}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "a.wav")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			w, err := newWAVWriter(f, tt.format)
			if err != nil {
				t.Fatal(err)
			}
			var want []byte
			for _, p := range tt.writes {
				if _, err := w.Write(p); err != nil {
					t.Fatal(err)
				}
				want = append(want, p...)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got := parseWAV(t, b)
			if got.format != tt.format || got.channels != 1 || got.rate != 8000 || got.byteRate != 8000 || got.bits != 8 {
				t.Errorf("format %+v", got)
			}
			if string(got.samples) != string(want) {
				t.Errorf("samples % x, want % x", got.samples, want)
			}
		})
	}
}
