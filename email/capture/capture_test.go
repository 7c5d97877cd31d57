package capture

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/umli/umli/email"
	"github.com/umli/umli/email/annex"
	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// summary renders the records of one session: IRI events and CC directions.
func summary(recs []*record.Record, key string) []string {
	var out []string
	for _, r := range recs {
		if r.CorrelationKey != key {
			continue
		}
		if r.EmailIRI != nil {
			out = append(out, fmt.Sprintf("IRI %s %d %d", testmail.BoundaryName(r.Boundary), r.EmailIRI.EventType, r.EmailIRI.Status))
		} else {
			out = append(out, fmt.Sprintf("CC %d", r.Direction))
		}
	}
	return out
}

func iri(b record.Boundary, ev etsi.EmailEvent) string {
	return fmt.Sprintf("IRI %s %d %d", testmail.BoundaryName(b), ev, etsi.EmailStatusSucceeded)
}

const (
	fromT = "CC 0"
	toT   = "CC 1"
)

// Expected record shapes: B.6 and C.4 "I:" lines, each exchange's CC (client, server)
// before its IRI; downloads and sends are iRI-Report in the session (Tables A.2, B.2,
// C.1); an SMTP submission's accepted send has status unknown (clause 7.7).
var (
	wantB6 = []string{
		fromT, toT, iri(record.Open, etsi.EmailLogon), fromT, toT, fromT, toT,
		fromT, toT, iri(record.Report, etsi.EmailDownload), fromT, toT,
		fromT, toT, iri(record.Report, etsi.EmailPartialDownload), fromT, toT,
		fromT, toT, iri(record.Close, etsi.EmailLogoff),
	}
	wantC4 = []string{
		fromT, toT, iri(record.Open, etsi.EmailLogon), fromT, toT,
		fromT, toT, iri(record.Report, etsi.EmailPartialDownload),
		fromT, toT, iri(record.Report, etsi.EmailPartialDownload),
		fromT, toT, fromT, toT, iri(record.Close, etsi.EmailLogoff),
	}
	wantSMTP = []string{
		fromT, toT, iri(record.Open, etsi.EmailLogon),
		fromT, toT, iri(record.Open, etsi.EmailLogon),
		fromT, toT, fromT, toT, fromT, toT,
		fromT, toT, fmt.Sprintf("IRI Report %d %d", etsi.EmailSend, etsi.EmailStatusUnknown),
		fromT, toT, iri(record.Close, etsi.EmailLogoff),
	}
)

func readAll(t *testing.T, file string) ([]*record.Record, Stats) {
	t.Helper()
	var recs []*record.Record
	st, err := ReadFile(context.Background(), "testdata/"+file, Config{Source: "span-1",
		Emit: func(r *record.Record) { recs = append(recs, r) }})
	if err != nil {
		t.Fatal(err)
	}
	return recs, st
}

func TestCaptureFiles(t *testing.T) {
	tests := []struct {
		file string
		want map[string][]string // by client address
	}{
		{"pop3-b6.pcap", map[string][]string{"192.0.2.10": wantB6}},
		{"imap-c4.pcap", map[string][]string{"192.0.2.11": wantC4}},
		{"smtp.pcap", map[string][]string{"192.0.2.12": wantSMTP}},
		{"imap-c4.pcapng", map[string][]string{"192.0.2.11": wantC4}},
		{"mixed.pcap", map[string][]string{"192.0.2.10": wantB6, "192.0.2.11": wantC4, "192.0.2.12": wantSMTP}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			recs, st := readAll(t, tc.file)
			if st.Sessions != len(tc.want) || st.Gaps != 0 {
				t.Fatalf("stats %+v", st)
			}
			byClient := map[string]string{}
			for _, r := range recs {
				for _, id := range r.Identities {
					if id.Kind == record.IdentityIP {
						byClient[id.Value] = r.CorrelationKey
					}
				}
				if r.Source != "span-1" || r.Time.Year() != 2026 {
					t.Fatalf("record source %q time %v", r.Source, r.Time)
				}
			}
			for client, want := range tc.want {
				got := summary(recs, byClient[client])
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("session of %s:\ngot  %q\nwant %q", client, got, want)
				}
			}
		})
	}
}

// TestCaptureReassemblesContent checks content across segments, a reordered and a
// retransmitted segment (imap-c4.pcap has both), and message extraction.
func TestCaptureReassemblesContent(t *testing.T) {
	recs, _ := readAll(t, "imap-c4.pcap")
	var cc strings.Builder
	for _, r := range recs {
		if r.EmailCC != nil && r.Direction == etsi.DirectionToTarget {
			cc.Write(r.EmailCC.Content)
		}
	}
	var want strings.Builder
	for _, st := range annex.C4()[2:] {
		if st.FromServer {
			want.WriteString(st.Data)
		}
	}
	// The server CC is every server byte after the greeting, once: the fetched header
	// section inside its FETCH response, not again on its own.
	if cc.String() != want.String() {
		t.Errorf("server CC differs:\ngot  %q\nwant %q", cc.String(), want.String())
	}
	if n := strings.Count(cc.String(), annex.C4Header); n != 1 {
		t.Errorf("fetched header section %d times in the CC, want once", n)
	}
	for _, r := range recs {
		if r.EmailIRI != nil && r.EmailIRI.EventType == etsi.EmailLogoff {
			if r.EmailIRI.ServerOctetsSent == 0 || *r.EmailIRI.ServerPort != 143 {
				t.Errorf("logoff IRI %+v", r.EmailIRI)
			}
			if !r.Time.After(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
				t.Errorf("logoff time %v", r.Time)
			}
		}
	}
}

// TestCaptureIPPacketCC delivers the packets of the open session in ip-packet format
// instead of application format.
func TestCaptureIPPacketCC(t *testing.T) {
	var recs []*record.Record
	_, err := ReadFile(context.Background(), "testdata/imap-c4.pcap", Config{IPPacketCC: true,
		Options: email.Options{OmitApplicationCC: true},
		Emit:    func(r *record.Record) { recs = append(recs, r) }})
	if err != nil {
		t.Fatal(err)
	}
	var iris []string
	packets := 0
	for _, r := range recs {
		if r.EmailIRI != nil {
			iris = append(iris, fmt.Sprintf("IRI %s %d %d", testmail.BoundaryName(r.Boundary), r.EmailIRI.EventType, r.EmailIRI.Status))
			continue
		}
		if r.EmailCC.Format != etsi.EmailFormatIPPacket {
			t.Fatalf("CC format %d", r.EmailCC.Format)
		}
		pkt := gopacket.NewPacket(r.EmailCC.Content, layers.LayerTypeIPv4, gopacket.Default)
		tcp, ok := pkt.Layer(layers.LayerTypeTCP).(*layers.TCP)
		if !ok {
			t.Fatalf("CC is not an IPv4/TCP packet: %x", r.EmailCC.Content)
		}
		toServer := tcp.DstPort == 143
		if toServer != (r.Direction == etsi.DirectionFromTarget) {
			t.Fatalf("packet to port %d has direction %d", tcp.DstPort, r.Direction)
		}
		packets++
	}
	want := []string{iri(record.Open, etsi.EmailLogon), iri(record.Report, etsi.EmailPartialDownload),
		iri(record.Report, etsi.EmailPartialDownload), iri(record.Close, etsi.EmailLogoff)}
	if strings.Join(iris, "\n") != strings.Join(want, "\n") || packets < 20 {
		t.Fatalf("IRIs %q, %d packets", iris, packets)
	}
}

// TestCaptureMaxSessions taps only as many sessions as configured.
func TestCaptureMaxSessions(t *testing.T) {
	var recs []*record.Record
	st, err := ReadFile(context.Background(), "testdata/mixed.pcap", Config{MaxSessions: 1,
		Emit: func(r *record.Record) { recs = append(recs, r) }})
	if err != nil {
		t.Fatal(err)
	}
	if st.Sessions != 1 || st.UntappedStreams != 4 || len(keysOf(recs)) != 1 {
		t.Fatalf("stats %+v, %d sessions in records", st, len(keysOf(recs)))
	}
}

func keysOf(recs []*record.Record) map[string]bool {
	out := map[string]bool{}
	for _, r := range recs {
		out[r.CorrelationKey] = true
	}
	return out
}
