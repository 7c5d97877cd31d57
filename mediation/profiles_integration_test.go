package mediation_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/pipeline"
	"github.com/umli/umli/internal/testrig"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/etsi/ber"
	"github.com/umli/umli/mediation/pducheck"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/simulators/lemf"
)

// profileYAML is one destination "lea" with profile keys (indented four spaces) against
// the LEMF at hi2/hi3, operator and country codes that differ from the global ones.
func profileYAML(hi2, hi3, keys string) string {
	return fmt.Sprintf(`instance: it-prof
operator: OP-GLOBAL
networkElement: ne-p
countryCode: DE
deliveryCountryCode: DE
sessions: {idleTimeout: 10m, sweepInterval: 50ms}
queue: {size: 2000, workers: 2}
destinations:
  - name: lea
    hi2: "%s"
    hi3: "%s"
    operator: OP-LEA
    countryCode: NL
    deliveryCountryCode: BE
%s
warrants:
  - liid: A-CC
    destination: lea
    scope: iri+cc
    start: %s
    targets: [{e164: "%s"}]
`, hi2, hi3, keys, time.Now().Add(-time.Hour).Format(time.RFC3339), alice)
}

// startProfileSystem is startSystem for one profile destination; silent LEMFs never
// answer keep-alives.
func startProfileSystem(t *testing.T, keys string, silent bool) *system {
	t.Helper()
	s := newSystem(t, lemf.KeepAlivePolicy{Silent: silent}, zerolog.ErrorLevel, func(hi2, hi3 string) string {
		return profileYAML(hi2, hi3, keys)
	})
	s.start(pipeline.Options{Handover: testrig.Backoff(50*time.Millisecond, 300*time.Millisecond)}, nil)
	return s
}

// submitIRI opens (first) or continues alice's session "p1" with one IRI record.
func (s *system) submitIRI(first bool) {
	s.t.Helper()
	b := record.Continue
	if first {
		b = record.Open
	}
	s.submitBox(aliceID, "p1", b, etsi.BoxLogin)
}

// rawPDU is one PDU as received, with its header timeStamp's octets.
type rawPDU struct {
	hi string
	p  etsi.PSPDU
	ts string // "" when absent
}

// receivedPDUs reads every PDU, keep-alives included, of the LEMF output directories.
func receivedPDUs(t *testing.T, dirs ...string) []rawPDU {
	t.Helper()
	var out []rawPDU
	for _, dir := range dirs {
		for _, hi := range []string{"hi2", "hi3"} {
			b, err := os.ReadFile(filepath.Join(dir, hi+".ber"))
			if err != nil {
				t.Fatal(err)
			}
			for len(b) > 0 {
				p, n, err := etsi.DecodePSPDU(b)
				if err != nil {
					t.Fatalf("%s/%s: %v", dir, hi, err)
				}
				out = append(out, rawPDU{hi: hi, p: p, ts: headerTimeStamp(t, b[:n])})
				b = b[n:]
			}
		}
	}
	return out
}

// headerTimeStamp returns the octets of pSHeader.timeStamp [5].
func headerTimeStamp(t *testing.T, b []byte) string {
	t.Helper()
	r := ber.NewReader(b, 0, 16)
	pdu, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	kids, _ := pdu.Children()
	hdr, _ := kids.Next()
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
	return ""
}

var (
	milliTS = regexp.MustCompile(`^[0-9]{14}\.[0-9]{3}Z$`)
	microTS = regexp.MustCompile(`^[0-9]{14}\.[0-9]{6}Z$`)
)

// checkHeaders: every PDU of the destination, keep-alives included, carries its operator
// and country codes, the fixed time stamp precision and timeOfInterception; keep-alives
// carry the profile's LIID and CIN 0 and count 0, 1, 2… on each connection.
func checkHeaders(t *testing.T, pdus []rawPDU, kaLIID string, ts *regexp.Regexp, micro bool) (keepAlives int) {
	t.Helper()
	kaSeq := map[string]uint32{}
	for i, r := range pdus {
		h := r.p.Header
		ci := h.CommunicationIdentifier
		if ci.NetworkIdentifier.OperatorIdentifier != "OP-LEA" || h.AuthorizationCountryCode != "NL" || ci.DeliveryCountryCode != "BE" {
			t.Fatalf("PDU %d (%s): operator %q, countries %q/%q; want OP-LEA, NL/BE", i, r.hi, ci.NetworkIdentifier.OperatorIdentifier, h.AuthorizationCountryCode, ci.DeliveryCountryCode)
		}
		if !ts.MatchString(r.ts) {
			t.Fatalf("PDU %d (%s): timeStamp %q does not have the fixed precision", i, r.hi, r.ts)
		}
		if h.TimeStampQualifier == nil || *h.TimeStampQualifier != etsi.TimeStampOfInterception {
			t.Fatalf("PDU %d (%s): timeStampQualifier %v", i, r.hi, h.TimeStampQualifier)
		}
		if m := h.MicroSecondTimeStamp; micro != (m != nil) || (m != nil && uint64(h.TimeStamp.Unix()) != m.Seconds) {
			t.Fatalf("PDU %d (%s): microSecondTimeStamp %v", i, r.hi, m)
		}
		if tri := r.p.Payload.TRI; tri != nil && tri.Kind == etsi.TRIKeepAlive {
			keepAlives++
			if h.LIID != kaLIID || ci.CIN == nil || *ci.CIN != 0 || ci.NetworkIdentifier.NetworkElementIdentifier != "ne-p" {
				t.Fatalf("keep-alive %d (%s): LIID %q, CIN %v, NE %q", i, r.hi, h.LIID, ci.CIN, ci.NetworkIdentifier.NetworkElementIdentifier)
			}
			if h.SequenceNumber != kaSeq[r.hi] {
				t.Fatalf("keep-alive on %s: sequence %d, want %d (one counter per connection)", r.hi, h.SequenceNumber, kaSeq[r.hi])
			}
			kaSeq[r.hi]++
			continue
		}
		for _, p := range r.p.Payload.IRI {
			if p.TimeStamp != nil || p.MicroSecondTimeStamp != nil {
				t.Fatalf("PDU %d: payload time stamps on a single payload", i)
			}
		}
	}
	return keepAlives
}

// fast keep-alive timing for tests; responseWait stays positive where the preset answers.
const (
	testAnswered = "    keepAlive: {interval: 150ms, responseWait: 500ms}\n"
	testSilent   = "    keepAlive: {interval: 150ms}\n"
)

// TestProfilesWithSilentLEMF: for each preset, a LEMF that never answers keep-alives
// still receives every PDU with no gap, and every PDU (keep-alives included) has the
// destination's operator and country codes, the fixed time stamp precision (".000" on a
// whole second too) and timeOfInterception.
func TestProfilesWithSilentLEMF(t *testing.T) {
	tests := []struct {
		name, keys, kaLIID string
		ts                 *regexp.Regexp
		micro              bool
	}{
		{"etsi-default", "    profile: etsi-default\n" + testAnswered, "keepalive", milliTS, false},
		{"lemf-no-keepalive-answer", "    profile: lemf-no-keepalive-answer\n" + testSilent, "keepalive", milliTS, false},
		{"nl-style", "    profile: nl-style\n" + testAnswered, "-", milliTS, false},
		{"confirmed", "    profile: confirmed\n" + testAnswered, "keepalive", milliTS, false},
		{"etsi-default micro, both time stamps", "    profile: etsi-default\n    timestampPrecision: micro\n    timestamps: both\n" + testAnswered, "keepalive", microTS, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := startProfileSystem(t, tc.keys, true)
			const n = 30
			for i := range n {
				s.submitIRI(i == 0)
			}
			waitFor(t, "every IRI at the silent LEMF", func() bool { return s.iriAt() >= n })
			waitFor(t, "keep-alives on both links", func() bool {
				sum := s.lm.Summary()
				return sum.HI2.KeepAlives >= 3 && sum.HI3.KeepAlives >= 3
			})
			set := s.received()
			if g := set.Gaps(); len(g) != 0 || set.Total < n {
				t.Fatalf("gaps %v, %d PDUs", g, set.Total)
			}
			if got := set.Count(iriStream(t, set)); got != n {
				t.Fatalf("%d distinct IRI sequence numbers, want %d", got, n)
			}
			kas := checkHeaders(t, receivedPDUs(t, s.lmDirs...), tc.kaLIID, tc.ts, tc.micro)
			t.Logf("%d PDUs, %d keep-alives", set.Total, kas)
		})
	}
}

// iriStream is the one IRI stream in set.
func iriStream(t *testing.T, set *pducheck.Set) pducheck.Stream {
	t.Helper()
	var out []pducheck.Stream
	for st := range set.PDUs {
		if !st.CC && st.LIID == "A-CC" {
			out = append(out, st)
		}
	}
	if len(out) != 1 {
		t.Fatalf("IRI streams %v, want one", out)
	}
	return out[0]
}

// TestIdleOnlyKeepAlives counts keep-alives under load: with idleOnly none goes out while
// data flows continuously, and they resume when the link is idle; the confirmed profile
// keeps sending them while busy (its answers are what trims the queue).
func TestIdleOnlyKeepAlives(t *testing.T) {
	tests := []struct {
		name, keys string
		silent     bool
		busyKA     bool
	}{
		{"lemf-no-keepalive-answer (idle only)", "    profile: lemf-no-keepalive-answer\n    keepAlive: {interval: 1s}\n", true, false},
		{"etsi-default (idle only)", "    profile: etsi-default\n    keepAlive: {interval: 1s, responseWait: 500ms}\n", false, false},
		{"confirmed (busy and idle)", "    profile: confirmed\n    keepAlive: {interval: 1s, responseWait: 500ms, idleOnly: false}\n", false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := startProfileSystem(t, tc.keys, tc.silent)
			s.submitIRI(true)
			waitFor(t, "the first IRI", func() bool { return s.iriAt() >= 1 })
			ka0 := s.lm.Summary().HI2.KeepAlives
			// Continuous data: a record every 10 ms for 3 s, far below the 1 s interval.
			sent := 1
			for start := time.Now(); time.Since(start) < 3*time.Second; sent++ {
				s.submitIRI(false)
				time.Sleep(10 * time.Millisecond)
			}
			waitFor(t, "every IRI", func() bool { return s.iriAt() >= sent })
			ka1 := s.lm.Summary().HI2.KeepAlives
			if busy := ka1 - ka0; tc.busyKA != (busy > 0) {
				t.Fatalf("%d keep-alives while %d PDUs flowed for 3 s; want some: %v", busy, sent, tc.busyKA)
			}
			waitFor(t, "keep-alives on the idle link", func() bool { return s.lm.Summary().HI2.KeepAlives >= ka1+2 })
			t.Logf("keep-alives: %d before, %d during the load of %d PDUs", ka0, ka1-ka0, sent)
		})
	}
}

// TestResendAcrossLEMFRestart: after the LEMF restarts, the resend window is all that is
// sent again of what it had confirmed (none: nothing; N: the last N), then what was
// queued while it was down; across both LEMF runs no sequence number is missing.
func TestResendAcrossLEMFRestart(t *testing.T) {
	tests := []struct {
		name, keys string
		silent     bool
		window     int
	}{
		{"confirmed, resend none", "    profile: confirmed\n    resend: none\n" + testAnswered, false, 0},
		{"confirmed, resend 5", "    profile: confirmed\n    resend: 5\n" + testAnswered, false, 5},
		{"etsi-default, resend 5", "    profile: etsi-default\n    resend: 5\n" + testAnswered, false, 5},
		{"lemf-no-keepalive-answer, resend 7", "    profile: lemf-no-keepalive-answer\n    resend: 7 pdus\n" + testSilent, true, 7},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := startProfileSystem(t, tc.keys, tc.silent)
			const first, second = 20, 10
			for i := range first {
				s.submitIRI(i == 0)
			}
			waitFor(t, "the first PDUs", func() bool { return s.iriAt() >= first })
			// Everything delivered is confirmed (or recorded as written) and trimmed to
			// the window before the LEMF goes away.
			key := "umli:ho:{lea|hi2}:q"
			waitFor(t, "the queue trimmed to the resend window", func() bool {
				n, err := windowPDUs(s.rdb, key)
				return err == nil && n == tc.window
			})
			hi2, hi3 := s.hi2, s.hi3
			s.stopLEMF()
			for range second {
				s.submitIRI(false)
			}
			s.startLEMF(hi2, hi3)
			waitFor(t, "the window and the PDUs queued meanwhile", func() bool { return s.iriAt() >= tc.window+second })
			got := s.iriAt()
			set := s.received()
			if g := set.Gaps(); len(g) != 0 || set.Count(iriStream(t, set)) != first+second {
				t.Fatalf("gaps %v across the restart, %d PDUs", g, set.Total)
			}
			if got != tc.window+second {
				t.Fatalf("restarted LEMF got %d IRI PDUs, want the window %d + %d queued", got, tc.window, second)
			}
			// The restarted LEMF's keep-alives count from 0 again (new connection).
			checkHeaders(t, receivedPDUs(t, s.lmDirs[1]), "keepalive", milliTS, false)
		})
	}
}

// windowPDUs counts the PDUs a reconnect would send again from a handover stream: one
// per entry of field p, the count in m ("offset:number:count:bytes") for a multi-PDU
// entry of field P, less those its skip key marks as older than the window.
func windowPDUs(rdb redis.UniversalClient, key string) (int, error) {
	ctx := context.Background()
	msgs, err := rdb.XRange(ctx, key, "-", "+").Result()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range msgs {
		k := 1
		if meta, _ := m.Values["m"].(string); strings.Count(meta, ":") == 3 {
			if k, err = strconv.Atoi(strings.Split(meta, ":")[2]); err != nil {
				return 0, err
			}
		}
		n += k
	}
	if mark, err := rdb.Get(ctx, strings.TrimSuffix(key, "q")+"skip").Result(); err == nil && len(msgs) > 0 {
		if id, cnt, _ := strings.Cut(mark, " "); id == msgs[0].ID {
			k, err := strconv.Atoi(cnt)
			if err != nil {
				return 0, err
			}
			n -= k
		}
	}
	return n, nil
}
