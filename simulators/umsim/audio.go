package umsim

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
)

// audioRate is the sample rate of every file the simulator writes (narrowband voicemail).
const audioRate = 8000

// WriteAudio writes f as a WAV file of 8 kHz mono G.711 mu-law (format tag 7), the
// format FreeSWITCH's voicemail stores with file-extension wav on PCMU calls: a sine
// tone at f.ToneHz for f.Seconds, so the content is recognisable when decoded.
func WriteAudio(f AudioFile) error {
	n := int(f.Seconds * audioRate)
	data := make([]byte, n)
	for i := range data {
		v := 0.5 * math.Sin(2*math.Pi*f.ToneHz*float64(i)/audioRate)
		data[i] = linearToULaw(int16(v * 32767))
	}
	// RIFF header with a fact chunk, as non-PCM WAV requires.
	h := make([]byte, 0, 58)
	le := binary.LittleEndian
	h = append(h, "RIFF"...)
	h = le.AppendUint32(h, uint32(50+n))
	h = append(h, "WAVEfmt "...)
	h = le.AppendUint32(h, 18)
	h = le.AppendUint16(h, 7) // WAVE_FORMAT_MULAW
	h = le.AppendUint16(h, 1) // mono
	h = le.AppendUint32(h, audioRate)
	h = le.AppendUint32(h, audioRate) // byte rate
	h = le.AppendUint16(h, 1)         // block align
	h = le.AppendUint16(h, 8)         // bits per sample
	h = le.AppendUint16(h, 0)         // cbSize
	h = append(h, "fact"...)
	h = le.AppendUint32(h, 4)
	h = le.AppendUint32(h, uint32(n))
	h = append(h, "data"...)
	h = le.AppendUint32(h, uint32(n))
	if err := os.MkdirAll(filepath.Dir(f.Path), 0o755); err != nil {
		return fmt.Errorf("umsim: audio dir: %w", err)
	}
	if err := os.WriteFile(f.Path, append(h, data...), 0o644); err != nil {
		return fmt.Errorf("umsim: write audio: %w", err)
	}
	return nil
}

// linearToULaw is the G.711 mu-law encoder.
func linearToULaw(s int16) byte {
	const bias, clip = 0x84, 32635
	x := int(s)
	sign := 0
	if x < 0 {
		x = -x
		sign = 0x80
	}
	x = min(x, clip) + bias
	exp := 7
	for mask := 0x4000; x&mask == 0 && exp > 0; mask >>= 1 {
		exp--
	}
	mant := (x >> (exp + 3)) & 0x0F
	return ^byte(sign | exp<<4 | mant)
}
