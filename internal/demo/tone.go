package demo

import (
	"math"
	"time"
)

// PCMUTone returns a sine tone of freq Hz lasting d as G.711 µ-law at 8 kHz, cut into
// chunks of chunk bytes (160 = 20 ms, one RTP packet's worth).
func PCMUTone(freq float64, d time.Duration, chunk int) [][]byte {
	n := int(d.Seconds() * 8000)
	all := make([]byte, n)
	for i := range all {
		s := 0.5 * math.Sin(2*math.Pi*freq*float64(i)/8000)
		all[i] = linearToULaw(int16(s * 32767))
	}
	var out [][]byte
	for len(all) > 0 {
		k := min(chunk, len(all))
		out = append(out, all[:k])
		all = all[k:]
	}
	return out
}

// linearToULaw is the G.711 µ-law compander.
func linearToULaw(s int16) byte {
	const bias, clip = 0x84, 32635
	sign := byte(0)
	x := int(s)
	if x < 0 {
		x, sign = -x, 0x80
	}
	x = min(x, clip) + bias
	exp := 7
	for mask := 0x4000; x&mask == 0 && exp > 0; mask >>= 1 {
		exp--
	}
	mant := (x >> (exp + 3)) & 0x0f
	return ^(sign | byte(exp<<4) | byte(mant))
}
