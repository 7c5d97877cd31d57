// Package g711 encodes and decodes ITU-T G.711 μ-law (PCMU) and A-law (PCMA), and makes
// test tones. The simulators send it and the tests compare what came out against it.
package g711

import "math"

const (
	ulawBias = 0x84
	ulawClip = 32635
)

// EncodeUlaw returns the μ-law byte of a 16-bit linear sample.
func EncodeUlaw(s int16) byte {
	v := int(s)
	sign := 0
	if v < 0 {
		v = -v
		sign = 0x80
	}
	if v > ulawClip {
		v = ulawClip
	}
	v += ulawBias
	exp := 7
	for mask := 0x4000; v&mask == 0 && exp > 0; mask >>= 1 {
		exp--
	}
	mant := (v >> (exp + 3)) & 0x0f
	return ^byte(sign | exp<<4 | mant) //nolint:gosec // G115: sign|exp<<4|mant is assembled from 1+3+4 bits
}

// DecodeUlaw returns the linear sample of a μ-law byte.
func DecodeUlaw(b byte) int16 {
	b = ^b
	exp := int(b>>4) & 7
	mant := int(b & 0x0f)
	v := ((mant << 3) + ulawBias) << exp
	v -= ulawBias
	if b&0x80 != 0 {
		return int16(-v) //nolint:gosec // G115: |v| <= ((15<<3)+132)<<7 - 132 = 32124, within int16
	}
	return int16(v) //nolint:gosec // G115: |v| <= ((15<<3)+132)<<7 - 132 = 32124, within int16
}

// EncodeAlaw returns the A-law byte of a 16-bit linear sample.
func EncodeAlaw(s int16) byte {
	v := int(s) >> 3
	sign := 0x80
	if v < 0 {
		v = -v - 1
		sign = 0
	}
	var out int
	switch {
	case v < 32:
		out = v >> 1
	default:
		exp := 1
		for v>>(exp+4) > 1 && exp < 7 {
			exp++
		}
		if v>>(exp+4) > 1 {
			v = (1 << (exp + 5)) - 1
		}
		out = exp<<4 | (v>>exp)&0x0f
	}
	return byte(out|sign) ^ 0x55 //nolint:gosec // G115: out|sign is assembled from 1+3+4 bits
}

// Tone returns n samples of a sine of freq Hz at the given sample rate and amplitude
// (0-1), starting at sample offset start so consecutive calls join without a click.
func Tone(freq float64, rate, start, n int, amplitude float64) []int16 {
	out := make([]int16, n)
	for i := range out {
		t := float64(start+i) / float64(rate)
		out[i] = int16(amplitude * 32767 * math.Sin(2*math.Pi*freq*t))
	}
	return out
}

// Ulaw encodes linear samples as PCMU.
func Ulaw(samples []int16) []byte {
	out := make([]byte, len(samples))
	for i, s := range samples {
		out[i] = EncodeUlaw(s)
	}
	return out
}
