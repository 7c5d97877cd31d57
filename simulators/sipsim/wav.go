package sipsim

import (
	"encoding/binary"
	"fmt"
	"os"
)

// WriteWAV writes G.711 μ-law samples as a WAV file (format tag 7, 8 kHz mono), so the
// audio a simulated call sent can be compared by ear with what the LEMF reassembled.
func WriteWAV(path string, ulaw []byte) error {
	const fmtLen = 18 // WAVE_FORMAT_MULAW with cbSize
	h := make([]byte, 0, 58)
	le := binary.LittleEndian
	h = append(h, "RIFF"...)
	h = le.AppendUint32(h, uint32(4+8+fmtLen+8+4+8+len(ulaw)+len(ulaw)%2))
	h = append(h, "WAVEfmt "...)
	h = le.AppendUint32(h, fmtLen)
	h = le.AppendUint16(h, 7)    // μ-law
	h = le.AppendUint16(h, 1)    // mono
	h = le.AppendUint32(h, 8000) // samples/s
	h = le.AppendUint32(h, 8000) // bytes/s
	h = le.AppendUint16(h, 1)    // block align
	h = le.AppendUint16(h, 8)    // bits/sample
	h = le.AppendUint16(h, 0)    // cbSize
	h = append(h, "fact"...)
	h = le.AppendUint32(h, 4)
	h = le.AppendUint32(h, uint32(len(ulaw)))
	h = append(h, "data"...)
	h = le.AppendUint32(h, uint32(len(ulaw)))
	data := append(h, ulaw...)
	if len(ulaw)%2 == 1 {
		data = append(data, 0)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("sipsim: write %s: %w", path, err)
	}
	return nil
}
