package secret

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

func testRing(t testing.TB, text string) *Keyring {
	t.Helper()
	k, err := ParseKeyring(text, "test")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

const (
	keyA = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" // bytes 0..31
	keyB = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=" // bytes 32..63
	keyC = "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8=" // bytes 64..95
)

func TestSealOpenRoundTrip(t *testing.T) {
	k := testRing(t, "enc k1 "+keyA+"\nmac m1 "+keyC)
	for _, pt := range []string{"", "+4930123456", "alice@example.net", strings.Repeat("x", 5000)} {
		s, err := k.Seal([]byte(pt), []byte("xid-1"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(s, "k1:") || (pt != "" && strings.Contains(s, pt)) {
			t.Fatalf("sealed %q leaks or lacks key id: %q", pt, s)
		}
		got, err := k.Open(s, []byte("xid-1"))
		if err != nil || string(got) != pt {
			t.Fatalf("open: %q, %v", got, err)
		}
		if _, err := k.Open(s, []byte("xid-2")); !errors.Is(err, ErrOpen) {
			t.Fatalf("open with wrong aad: %v", err)
		}
	}
}

func TestSealIsRandomized(t *testing.T) {
	k := testRing(t, "enc k1 "+keyA)
	a, _ := k.Seal([]byte("same"), nil)
	b, _ := k.Seal([]byte("same"), nil)
	if a == b {
		t.Fatal("two seals of the same value are equal: nonce reuse")
	}
}

func TestRotation(t *testing.T) {
	old := testRing(t, "enc k1 "+keyA+"\nmac m1 "+keyC)
	sealed, err := old.Seal([]byte("alice@example.net"), nil)
	if err != nil {
		t.Fatal(err)
	}
	rotated := testRing(t, "enc k2 "+keyB+"\nenc k1 "+keyA+"\nmac m1 "+keyC)
	if rotated.CurrentKeyID() != "k2" || !rotated.NeedsReseal(sealed) {
		t.Fatalf("current %s, needs reseal %v", rotated.CurrentKeyID(), rotated.NeedsReseal(sealed))
	}
	got, err := rotated.Open(sealed, nil)
	if err != nil || string(got) != "alice@example.net" {
		t.Fatalf("old value under rotated ring: %q %v", got, err)
	}
	resealed, _ := rotated.Seal(got, nil)
	if !strings.HasPrefix(resealed, "k2:") || rotated.NeedsReseal(resealed) {
		t.Fatalf("resealed %q", resealed)
	}
	if old.MatchKey("x") != rotated.MatchKey("x") {
		t.Fatal("enc rotation changed match keys")
	}
	retired := testRing(t, "enc k2 "+keyB)
	if _, err := retired.Open(sealed, nil); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("open with retired key: %v", err)
	}
}

func TestTamperedValue(t *testing.T) {
	k := testRing(t, "enc k1 "+keyA)
	s, _ := k.Seal([]byte("secret"), nil)
	b := []byte(s)
	b[len(b)-2] ^= 1
	for _, bad := range []string{string(b), "k1:", "k1:!!!", "nokeyid", "k9:AAAA"} {
		if _, err := k.Open(bad, nil); err == nil {
			t.Fatalf("Open(%q) succeeded", bad)
		}
	}
}

func TestMatchKey(t *testing.T) {
	k := testRing(t, "enc k1 "+keyA+"\nmac m1 "+keyC)
	other := testRing(t, "enc k1 "+keyA+"\nmac m1 "+keyB)
	a := k.MatchKey("4930123456")
	if len(a) != 64 || a != k.MatchKey("4930123456") || a == k.MatchKey("4930123457") || a == other.MatchKey("4930123456") {
		t.Fatalf("match keys not deterministic/keyed: %s", a)
	}
	if strings.Contains(a, "4930123456") {
		t.Fatal("match key contains identity")
	}
}

func TestParseKeyringErrors(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"empty", "", "no enc key"},
		{"short key", "enc k1 AAAA", "exactly 32 bytes"},
		{"bad base64", "enc k1 !!!", "exactly 32 bytes"},
		{"fields", "enc k1", "want \"enc|mac"},
		{"kind", "foo k1 " + keyA, "want enc or mac"},
		{"dup", "enc k1 " + keyA + "\nenc k1 " + keyB, "defined twice"},
		{"colon id", "enc k:1 " + keyA, "without ':'"},
		{"two macs", "enc k1 " + keyA + ";mac a " + keyB + ";mac b " + keyC, "more than one mac"},
		{"comment hides entry", "# enc k1 " + keyA + "; still comment", "no enc key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseKeyring(tc.text, "test")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
			if err != nil && (strings.Contains(err.Error(), keyA) || strings.Contains(err.Error(), keyB)) {
				t.Fatal("error message contains key material")
			}
		})
	}
}

func TestLoadKeyring(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "keys")
	text, err := GenerateKeyring()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKeyring(p); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("world-readable key file: %v", err)
	}
	if err := os.Chmod(p, 0o600); err != nil {
		t.Fatal(err)
	}
	k, err := LoadKeyring(p)
	if err != nil || k.CurrentKeyID() != "k1" || k.MatchKeyID() != "m1" {
		t.Fatalf("load: %v", err)
	}
	t.Setenv("UMLI_TEST_KEYS", strings.ReplaceAll(text, "\n", ";"))
	if k, err := KeyringFromEnv("UMLI_TEST_KEYS"); err != nil || k.CurrentKeyID() != "k1" {
		t.Fatalf("env: %v", err)
	}
	if _, err := KeyringFromEnv("UMLI_TEST_KEYS_UNSET"); err == nil {
		t.Fatal("unset env accepted")
	}
}

func TestRedactorWithZerolog(t *testing.T) {
	var buf bytes.Buffer
	r := NewRedactor(&buf)
	log := zerolog.New(r)
	r.Add("+4930123456", "Alice@Example.net", "tel:+4930999", `pin"7"42`)
	log.Info().Str("caller", "+4930123456").Msg("call from 004930123456 to ALICE@example.NET")
	log.Warn().Str("pin", `pin"7"42`).Str("uri", "tel:+4930999").Msg("4930999 and 4930123456")
	log.Info().Str("liid", "LIID-1").Msg("nothing secret here")
	out := buf.String()
	for _, leak := range []string{"4930123456", "lice@", "ALICE", "4930999", `pin\"7`, `7\"42`} {
		if strings.Contains(strings.ToLower(out), strings.ToLower(leak)) {
			t.Errorf("log leaks %q:\n%s", leak, out)
		}
	}
	if !strings.Contains(out, "LIID-1") || strings.Count(out, Redacted) < 6 {
		t.Fatalf("redaction over- or under-reached:\n%s", out)
	}
	r.Remove("+4930123456")
	buf.Reset()
	log.Info().Msg("+4930123456")
	if !strings.Contains(buf.String(), "+4930123456") {
		t.Fatalf("removed secret still redacted: %s", buf.String())
	}
}

func TestRedactOverlapping(t *testing.T) {
	var buf bytes.Buffer
	r := NewRedactor(&buf)
	r.Add("abcdef", "defghi")
	if got := string(r.Redact([]byte("xx abcdefghi yy"))); got != "xx [redacted] yy" {
		t.Fatalf("got %q", got)
	}
}

func BenchmarkRedact100Secrets(b *testing.B) {
	r := NewRedactor(nil)
	for i := 0; i < 100; i++ {
		r.Add("+49301234" + string(rune('0'+i%10)) + string(rune('0'+i/10)))
	}
	line := []byte(`{"level":"info","liid":"LIID-1","cin":42,"message":"delivered 3 PDUs to lea-a over HI2"}`)
	for b.Loop() {
		_ = r.Redact(line)
	}
}

func FuzzParseKeyring(f *testing.F) {
	f.Add("enc k1 " + keyA + "\nmac m1 " + keyC)
	f.Add("enc k2 " + keyB + ";enc k1 " + keyA)
	f.Add("# comment only\n")
	f.Add("enc k1 AAAA")
	f.Fuzz(func(t *testing.T, text string) {
		k, err := ParseKeyring(text, "fuzz")
		if err != nil {
			return
		}
		s, err := k.Seal([]byte("x"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if pt, err := k.Open(s, nil); err != nil || string(pt) != "x" {
			t.Fatalf("round trip under parsed keyring: %q %v", pt, err)
		}
	})
}

func BenchmarkRedact1000Secrets(b *testing.B) {
	r := NewRedactor(nil)
	for i := 0; i < 1000; i++ {
		r.Add(fmt.Sprintf("+4930%07d", i), fmt.Sprintf("user%d@example.net", i))
	}
	line := []byte(`{"level":"info","liid":"LIID-1","cin":42,"message":"delivered 3 PDUs to lea-a over HI2"}`)
	for b.Loop() {
		_ = r.Redact(line)
	}
}

// FuzzRedact checks that no registered secret survives redaction, whatever surrounds it.
func FuzzRedact(f *testing.F) {
	secrets := []string{"+4930123456", "alice@example.net", "sip:bob@um.example.org", "pin1234"}
	f.Add([]byte(`{"message":"from +4930123456 to ALICE@example.net"}`))
	f.Add([]byte("004930123456pin1234pin1234"))
	f.Add([]byte("sip:bob@um.example.org\x00\xff"))
	f.Fuzz(func(t *testing.T, line []byte) {
		r := NewRedactor(nil)
		r.Add(secrets...)
		out := strings.ToLower(string(r.Redact(line)))
		for _, s := range secrets {
			for _, v := range variants(s) {
				if strings.Contains(out, v) {
					t.Fatalf("secret variant %q survives in %q", v, out)
				}
			}
		}
	})
}
