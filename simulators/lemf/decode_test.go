package lemf

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/umli/umli/mediation/etsi"
)

// testStream is three valid PDUs of different kinds.
func testStream(t testing.TB) [][]byte {
	return [][]byte{
		encode(t, iriPDU("LIID-D", 1, 0, etsi.BoxLogin, 1)),
		encode(t, ccPDU("LIID-D", 1, 0, etsi.MessagingCC{EventIdentifier: 1, ContentType: "text/plain", Content: []byte("hi")})),
		encode(t, keepAlivePDU("LIID-D", 1, 0)),
	}
}

func TestDecodeFiles(t *testing.T) {
	pdus := testStream(t)
	all := bytes.Join(pdus, nil)
	mid := len(pdus[0])
	garbage := []byte{0x30, 0x03, 0x02, 0x01, 0x00}
	tests := []struct {
		name      string
		content   []byte
		wantLines int
		wantOff   int64 // -1: no error
	}{
		{"valid", all, 3, -1},
		{"empty file", nil, 0, -1},
		{"corrupt PDU in the middle", bytes.Join([][]byte{pdus[0], garbage, pdus[1]}, nil), 1, int64(mid)},
		{"truncated last PDU", all[:len(all)-1], 2, int64(len(all) - len(pdus[2]))},
		{"absurd length", append(append([]byte(nil), pdus[0]...), 0x30, 0x84, 0xff, 0xff, 0xff, 0xff), 1, int64(mid)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "in.ber")
			if err := os.WriteFile(file, tt.content, 0o600); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			err := DecodeFiles(&out, file)
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			if out.Len() == 0 {
				lines = nil
			}
			if len(lines) != tt.wantLines {
				t.Errorf("%d lines, want %d:\n%s", len(lines), tt.wantLines, out.String())
			}
			for _, l := range lines {
				var v map[string]any
				if err := json.Unmarshal([]byte(l), &v); err != nil || len(v) == 0 {
					t.Errorf("line %q is no JSON object: %v", l, err)
				}
			}
			if tt.wantOff < 0 {
				if err != nil {
					t.Fatalf("DecodeFiles: %v", err)
				}
				return
			}
			var pe *PDUError
			if !errors.As(err, &pe) || pe.File != file || pe.Offset != tt.wantOff {
				t.Fatalf("error %v, want *PDUError for %s at offset %d", err, file, tt.wantOff)
			}
			if !strings.Contains(err.Error(), "offset "+strconv.FormatInt(tt.wantOff, 10)) {
				t.Errorf("error text %q does not name the offset", err)
			}
		})
	}
}

func TestDecodeFilesMissingFile(t *testing.T) {
	if err := DecodeFiles(&bytes.Buffer{}, filepath.Join(t.TempDir(), "absent.ber")); err == nil {
		t.Fatal("no error for a missing file")
	}
}
