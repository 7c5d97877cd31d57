package etsi

import (
	"bytes"
	"testing"
	"time"

	"github.com/umli/umli/mediation/etsi/ber"
)

// headerTimeStamp returns the content octets of pSHeader.timeStamp [5] in b.
func headerTimeStamp(t *testing.T, b []byte) string {
	t.Helper()
	r := ber.NewReader(b, 0, 16)
	pdu, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	kids, _ := pdu.Children()
	hdr, err := kids.Next()
	if err != nil {
		t.Fatal(err)
	}
	hk, _ := hdr.Children()
	for !hk.Empty() {
		e, err := hk.Next()
		if err != nil {
			t.Fatal(err)
		}
		if e.Tag == ber.Ctx(5) {
			v, _ := e.Bytes()
			return string(v)
		}
	}
	t.Fatal("no timeStamp in header")
	return ""
}

// TestTimeFractionFixedDigits: fixed styles write exactly 3 or 6 fraction digits
// (truncated, ".000" on a whole second), which is what libwandder-based LEMF tooling reads.
func TestTimeFractionFixedDigits(t *testing.T) {
	base := time.Date(2024, 3, 9, 7, 5, 3, 0, time.UTC)
	tests := []struct {
		name string
		ns   int
		f    TimeFraction
		want string
	}{
		{"milli whole second", 0, TimeFractionMilli, "20240309070503.000Z"},
		{"milli half second", 500_000_000, TimeFractionMilli, "20240309070503.500Z"},
		{"milli nanoseconds truncated", 123_456_789, TimeFractionMilli, "20240309070503.123Z"},
		{"milli just below the next second", 999_999_999, TimeFractionMilli, "20240309070503.999Z"},
		{"micro whole second", 0, TimeFractionMicro, "20240309070503.000000Z"},
		{"micro half second", 500_000_000, TimeFractionMicro, "20240309070503.500000Z"},
		{"micro nanoseconds truncated", 123_456_789, TimeFractionMicro, "20240309070503.123456Z"},
		{"trimmed keeps the old form", 500_000_000, TimeFractionTrimmed, "20240309070503.5Z"},
		{"trimmed whole second", 0, TimeFractionTrimmed, "20240309070503Z"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := base.Add(time.Duration(tc.ns))
			h := PSHeader{LIID: "L1", SequenceNumber: 4, TimeStamp: &ts,
				CommunicationIdentifier: CommunicationIdentifier{NetworkIdentifier: NetworkIdentifier{OperatorIdentifier: "op"}, CIN: Ptr[uint32](1)}}
			p := KeepAlivePDU(h)
			b, err := p.AppendBERFraction(nil, LatestVersion(), tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if got := headerTimeStamp(t, b); got != tc.want {
				t.Fatalf("timeStamp %q, want %q", got, tc.want)
			}
			// A template with the same style writes the same bytes.
			tmpl, err := NewHeaderTemplate(h, LatestVersion())
			if err != nil {
				t.Fatal(err)
			}
			tb, err := tmpl.WithTimeFraction(tc.f).AppendBER(nil, &p)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(tb, b) {
				t.Fatalf("template encoding differs:\n% x\n% x", tb, b)
			}
			// Our decoder reads the instant back, at the style's resolution.
			d, _, err := DecodePSPDU(b)
			if err != nil {
				t.Fatal(err)
			}
			res := map[TimeFraction]time.Duration{TimeFractionMilli: time.Millisecond, TimeFractionMicro: time.Microsecond, TimeFractionTrimmed: time.Nanosecond}[tc.f]
			if !d.Header.TimeStamp.Equal(ts.Truncate(res)) {
				t.Fatalf("decoded %v, want %v", d.Header.TimeStamp, ts.Truncate(res))
			}
		})
	}
}

// TestTimeFractionMicroSecondTimeStamp: milli precision truncates microSecondTimeStamp to
// whole milliseconds in the header and in payloads; micro keeps it.
func TestTimeFractionMicroSecondTimeStamp(t *testing.T) {
	for _, tc := range []struct {
		f    TimeFraction
		want uint32
	}{{TimeFractionMilli, 123000}, {TimeFractionMicro, 123456}, {TimeFractionTrimmed, 123456}} {
		us := &MicroSecondTimeStamp{Seconds: 1700000000, MicroSeconds: 123456}
		h := PSHeader{LIID: "L1", MicroSecondTimeStamp: us,
			CommunicationIdentifier: CommunicationIdentifier{NetworkIdentifier: NetworkIdentifier{OperatorIdentifier: "op"}, CIN: Ptr[uint32](1)}}
		p := CCPDU(h, CCPayload{MicroSecondTimeStamp: us, Contents: CCContents{EmailCC: &EmailCC{Format: EmailFormatApplication, Content: []byte("x")}}})
		b, err := p.AppendBERFraction(nil, LatestVersion(), tc.f)
		if err != nil {
			t.Fatal(err)
		}
		d, _, err := DecodePSPDU(b)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Header.MicroSecondTimeStamp.MicroSeconds; got != tc.want {
			t.Errorf("style %d: header microSeconds %d, want %d", tc.f, got, tc.want)
		}
		if got := d.Payload.CC[0].MicroSecondTimeStamp.MicroSeconds; got != tc.want {
			t.Errorf("style %d: payload microSeconds %d, want %d", tc.f, got, tc.want)
		}
	}
	if _, err := (&PSPDU{}).AppendBERFraction(nil, LatestVersion(), TimeFraction(9)); err == nil {
		t.Error("unknown fraction style accepted")
	}
}
