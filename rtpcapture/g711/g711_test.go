package g711

import "testing"

func TestUlawRoundTrip(t *testing.T) {
	// Every μ-law code decodes to a value that encodes back to the same code (the two
	// zero codes 0x7f and 0xff both decode to 0 and re-encode as 0xff).
	for c := 0; c < 256; c++ {
		b := byte(c)
		got := EncodeUlaw(DecodeUlaw(b))
		if got != b && !(b == 0x7f && got == 0xff) {
			t.Errorf("code %#02x: decode %d encodes to %#02x", b, DecodeUlaw(b), got)
		}
	}
	if EncodeUlaw(0) != 0xff || EncodeUlaw(32767) != 0x80 || EncodeUlaw(-32768) != 0x00 {
		t.Errorf("anchors: %#x %#x %#x", EncodeUlaw(0), EncodeUlaw(32767), EncodeUlaw(-32768))
	}
}

func TestAlawAnchors(t *testing.T) {
	// ITU-T G.711 table 1a: +0 is 0xd5, -1 is 0x55, full scale positive 0xaa.
	tests := []struct {
		in   int16
		want byte
	}{{0, 0xd5}, {-1, 0x55}, {32767, 0xaa}, {-32768, 0x2a}}
	for _, tc := range tests {
		if got := EncodeAlaw(tc.in); got != tc.want {
			t.Errorf("EncodeAlaw(%d) = %#02x, want %#02x", tc.in, got, tc.want)
		}
	}
}

func TestToneJoins(t *testing.T) {
	a := Tone(440, 8000, 0, 320, 0.5)
	b := append(Tone(440, 8000, 0, 160, 0.5), Tone(440, 8000, 160, 160, 0.5)...)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("sample %d: %d vs %d", i, a[i], b[i])
		}
	}
}
