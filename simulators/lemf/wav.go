package lemf

import (
	"encoding/binary"
	"fmt"
	"io"
)

// WAV format tags for G.711 (RFC 2361).
const (
	wavFormatALaw  = 6
	wavFormatMuLaw = 7
)

// G.711 as carried in MessagingCC: 8 kHz, mono, one byte per sample.
const (
	g711SampleRate = 8000
	g711Channels   = 1
	g711Bits       = 8
)

// Byte offsets inside the 58-byte header of a non-PCM WAV file: RIFF header (12),
// "fmt " chunk with cbSize (8+18), "fact" chunk (8+4), "data" chunk header (8).
const (
	wavRIFFSizeOffset = 4
	wavFactOffset     = 46
	wavDataSizeOffset = 54
	wavHeaderSize     = 58
)

// wavWriter streams G.711 samples into a WAV file and patches the sizes on Close, so
// content is written as it arrives instead of being held in memory.
type wavWriter struct {
	w       io.WriteSeeker
	format  uint16
	samples uint32
}

// newWAVWriter writes a header with zero sizes for the given format tag.
func newWAVWriter(w io.WriteSeeker, format uint16) (*wavWriter, error) {
	var h [wavHeaderSize]byte
	copy(h[0:], "RIFF")
	copy(h[8:], "WAVE")
	copy(h[12:], "fmt ")
	binary.LittleEndian.PutUint32(h[16:], 18)
	binary.LittleEndian.PutUint16(h[20:], format)
	binary.LittleEndian.PutUint16(h[22:], g711Channels)
	binary.LittleEndian.PutUint32(h[24:], g711SampleRate)
	binary.LittleEndian.PutUint32(h[28:], g711SampleRate*g711Channels*g711Bits/8)
	binary.LittleEndian.PutUint16(h[32:], g711Channels*g711Bits/8)
	binary.LittleEndian.PutUint16(h[34:], g711Bits)
	// h[36:38] cbSize = 0: G.711 has no extra format bytes.
	copy(h[38:], "fact")
	binary.LittleEndian.PutUint32(h[42:], 4)
	copy(h[50:], "data")
	ww := &wavWriter{w: w, format: format}
	ww.patch(h[:])
	if _, err := w.Write(h[:]); err != nil {
		return nil, fmt.Errorf("write WAV header: %w", err)
	}
	return ww, nil
}

// Write appends samples.
func (ww *wavWriter) Write(p []byte) (int, error) {
	// RIFF sizes are 32 bits; refuse rather than write a header that lies.
	if uint64(ww.samples)+uint64(len(p)) > 0xFFFFFFFF-wavHeaderSize {
		return 0, fmt.Errorf("WAV data exceeds 4 GiB")
	}
	n, err := ww.w.Write(p)
	ww.samples += uint32(n)
	if err != nil {
		return n, fmt.Errorf("write WAV samples: %w", err)
	}
	return n, nil
}

// Close pads the data chunk to an even length and writes the final sizes into the header.
// It does not close the underlying writer.
func (ww *wavWriter) Close() error {
	if ww.samples%2 == 1 {
		if _, err := ww.w.Write([]byte{0}); err != nil {
			return fmt.Errorf("write WAV pad byte: %w", err)
		}
	}
	var h [wavHeaderSize]byte
	ww.patch(h[:])
	for _, off := range []int64{wavRIFFSizeOffset, wavFactOffset, wavDataSizeOffset} {
		if _, err := ww.w.Seek(off, io.SeekStart); err != nil {
			return fmt.Errorf("seek WAV header: %w", err)
		}
		if _, err := ww.w.Write(h[off : off+4]); err != nil {
			return fmt.Errorf("patch WAV header: %w", err)
		}
	}
	if _, err := ww.w.Seek(0, io.SeekEnd); err != nil {
		return fmt.Errorf("seek WAV end: %w", err)
	}
	return nil
}

// patch fills the three size fields of header h from the sample count.
func (ww *wavWriter) patch(h []byte) {
	data := ww.samples + ww.samples%2
	binary.LittleEndian.PutUint32(h[wavRIFFSizeOffset:], wavHeaderSize-8+data)
	binary.LittleEndian.PutUint32(h[wavFactOffset:], ww.samples)
	binary.LittleEndian.PutUint32(h[wavDataSizeOffset:], ww.samples)
}
