package seal

import (
	"bytes"
	"errors"
	"testing"
)

func testKeyring(t testing.TB) *Keyring {
	t.Helper()
	text, err := GenerateKeyring()
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParseKeyring(text, "test")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealRoundTripAndTamper(t *testing.T) {
	k, _, err := GenerateKey("w1")
	if err != nil {
		t.Fatal(err)
	}
	pt := []byte("LIID-4711 alice@example.net hello")
	aad := []byte("stream-a")
	s, err := k.Seal(nil, pt, aad)
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != len(pt)+k.Overhead() {
		t.Fatalf("sealed length %d, want %d", len(s), len(pt)+k.Overhead())
	}
	if bytes.Contains(s, []byte("LIID-4711")) || bytes.Contains(s, []byte("alice")) {
		t.Fatal("sealed value carries the clear text")
	}
	if id, err := KeyID(s); err != nil || id != "w1" {
		t.Fatalf("KeyID = %q, %v", id, err)
	}
	got, err := k.Open(nil, s, aad)
	if err != nil || !bytes.Equal(got, pt) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	// Every flipped bit after the header, and every truncation, is detected.
	for i := 3 + len("w1"); i < len(s); i++ {
		for bit := 0; bit < 8; bit++ {
			c := bytes.Clone(s)
			c[i] ^= 1 << bit
			if _, err := k.Open(nil, c, aad); !errors.Is(err, ErrOpen) {
				t.Fatalf("bit %d of byte %d flipped: err %v, want ErrOpen", bit, i, err)
			}
		}
	}
	for n := 0; n < len(s); n++ {
		if _, err := k.Open(nil, s[:n], aad); err == nil {
			t.Fatalf("truncated to %d bytes: opened", n)
		}
	}
	if _, err := k.Open(nil, s, []byte("stream-b")); !errors.Is(err, ErrOpen) {
		t.Fatalf("moved to another stream: err %v, want ErrOpen", err)
	}
	if _, err := k.Open(nil, []byte("0\x82clear BER"), aad); !errors.Is(err, ErrNotSealed) {
		t.Fatalf("clear value: err %v, want ErrNotSealed", err)
	}
	other, _, _ := GenerateKey("w2")
	if _, err := other.Open(nil, s, aad); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("other key: err %v, want ErrUnknownKey", err)
	}
}

func TestKeyringBinaryAndTokens(t *testing.T) {
	k := testKeyring(t)
	s, err := k.SealBinary(nil, []byte("data key material"), []byte("ctx"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := k.OpenBinary(nil, s, []byte("ctx")); err != nil || string(got) != "data key material" {
		t.Fatalf("OpenBinary = %q, %v", got, err)
	}
	other := testKeyring(t)
	if _, err := other.OpenBinary(nil, s, []byte("ctx")); err == nil {
		t.Fatal("another keyring opened the value")
	}
	a, b := k.Token("liid", "LIID-1"), k.Token("liid", "LIID-1")
	if a != b || len(a) != 25 || a[0] != 't' {
		t.Fatalf("tokens %q %q: want equal, 25 characters starting with t", a, b)
	}
	if k.Token("liid", "LIID-2") == a || k.Token("ck", "LIID-1") == a || other.Token("liid", "LIID-1") == a {
		t.Fatal("tokens collide across values, domains or keyrings")
	}
}

func TestSealAllocatesNothing(t *testing.T) {
	k, _, _ := GenerateKey("w1")
	pt := bytes.Repeat([]byte{0x30}, 300)
	buf := make([]byte, 0, 300+k.Overhead())
	aad := []byte("aad")
	n := testing.AllocsPerRun(100, func() {
		if _, err := k.Seal(buf[:0], pt, aad); err != nil {
			t.Fatal(err)
		}
	})
	if n != 0 {
		t.Fatalf("Seal allocates %.1f times per call, want 0", n)
	}
}

// BenchmarkSeal300 seals one 300-byte PDU into a reused buffer (target: ≤ 2 µs).
func BenchmarkSeal300(b *testing.B) {
	k, _, _ := GenerateKey("1733300000-ab12cd34")
	pt := bytes.Repeat([]byte{0x30}, 300)
	buf := make([]byte, 0, 300+k.Overhead())
	aad := []byte("umli:ho:{lemf1|HI3}:q")
	b.SetBytes(300)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Seal(buf[:0], pt, aad); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpen300 opens one sealed 300-byte PDU into a reused buffer.
func BenchmarkOpen300(b *testing.B) {
	k, _, _ := GenerateKey("1733300000-ab12cd34")
	pt := bytes.Repeat([]byte{0x30}, 300)
	aad := []byte("umli:ho:{lemf1|HI3}:q")
	s, _ := k.Seal(nil, pt, aad)
	buf := make([]byte, 0, 300)
	b.SetBytes(300)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Open(buf[:0], s, aad); err != nil {
			b.Fatal(err)
		}
	}
}
