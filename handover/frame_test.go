package handover

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

func TestReadFrames(t *testing.T) {
	big := testPDU(7, 5000)
	tests := []struct {
		name    string
		in      []byte
		max     int
		want    [][]byte
		wantErr bool // any error but EOF
	}{
		{"keep-alive response", testKeepAliveResponse, 64, [][]byte{testKeepAliveResponse}, false},
		{"two PDUs back to back", append(testPDU(1, 300), testKeepAliveResponse...), 1024, [][]byte{testPDU(1, 300), testKeepAliveResponse}, false},
		{"element larger than the read buffer", big, 8192, [][]byte{big}, false},
		{"indefinite length", []byte{0x30, 0x80, 0x04, 0x01, 0xaa, 0x00, 0x00}, 64, [][]byte{{0x30, 0x80, 0x04, 0x01, 0xaa, 0x00, 0x00}}, false},
		{"over the limit", big, 1024, nil, true},
		{"truncated at EOF", testPDU(1, 300)[:100], 1024, nil, true},
		{"garbage length", []byte{0x30, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 1024, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got [][]byte
			err := readFrames(iotest.HalfReader(bytes.NewReader(tc.in)), berFramer{}, tc.max, func(b []byte) {
				got = append(got, bytes.Clone(b))
			})
			if tc.wantErr == errors.Is(err, io.EOF) {
				t.Fatalf("err = %v, want error: %v", err, tc.wantErr)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d frames, want %d", len(got), len(tc.want))
			}
			for i := range got {
				if !bytes.Equal(got[i], tc.want[i]) {
					t.Errorf("frame %d differs", i)
				}
			}
		})
	}
}

// FuzzReadFrames: whatever the LEMF sends, the reader never panics, never hands out more
// than max bytes, returns frames that concatenate to a prefix of the input, and cuts the
// same frames whether bytes arrive one at a time or all at once.
func FuzzReadFrames(f *testing.F) {
	f.Add(testKeepAliveResponse)
	f.Add(append(testPDU(1, 300), testKeepAliveResponse...))
	f.Add([]byte{0x30, 0x80, 0x30, 0x80, 0x00, 0x00, 0x00, 0x00})
	f.Add([]byte{0x1f, 0x81, 0x80, 0x01, 0x00})
	f.Add([]byte{0x30, 0x84, 0xff, 0xff, 0xff, 0xff})
	const max = 512
	f.Fuzz(func(t *testing.T, in []byte) {
		read := func(r io.Reader) ([][]byte, error) {
			var got [][]byte
			err := readFrames(r, berFramer{}, max, func(b []byte) {
				if len(b) == 0 || len(b) > max {
					t.Fatalf("frame of %d bytes", len(b))
				}
				got = append(got, bytes.Clone(b))
			})
			return got, err
		}
		whole, err1 := read(bytes.NewReader(in))
		bytewise, err2 := read(iotest.OneByteReader(bytes.NewReader(in)))
		if (err1 == nil) != (err2 == nil) || len(whole) != len(bytewise) {
			t.Fatalf("chunking changed the result: %d frames (%v) vs %d frames (%v)", len(whole), err1, len(bytewise), err2)
		}
		joined := bytes.Join(whole, nil)
		if !bytes.HasPrefix(in, joined) || !bytes.Equal(joined, bytes.Join(bytewise, nil)) {
			t.Fatalf("frames are not a prefix of the input")
		}
	})
}
