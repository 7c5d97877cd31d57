package proxy

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/umli/umli/email"
	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/pducheck"
)

// TestEndToEndLEMF: curl fetches through the proxy from Dovecot; the records go
// through a Handoff to the real mediation (Redis) and handover to the LEMF simulator.
// The LEMF gets one CIN for the session with iRI-Begin (logon), iRI-Report
// (download, Table C.1), iRI-End (logoff) and the EmailCC, including the fetched message.
func TestEndToEndLEMF(t *testing.T) {
	curl := testmail.Need(t, "curl")
	dc := testmail.StartDovecot(t, map[string]string{"mrc": "secret"})
	dc.Deliver(t, "mrc", "1700000000.M1P1.test", inboxMsg)

	ms := startMediationStack(t, stackConfig{liid: "MAIL-1", target: "{email: mrc@example.org}", queue: 2000})
	med := ms.med
	addr, p := startProxyP(t, Config{Upstream: dc.IMAPAddr, Protocol: email.IMAP,
		Options: email.Options{LoginDomain: "example.org"}}, med)
	if got := run(t, curl, "-sS", "--url", "imap://"+addr+"/INBOX;UID=1", "-u", "mrc:secret"); got != inboxMsg {
		t.Fatalf("curl fetched %q", got)
	}
	p.waitSessions(t, 1)
	set := ms.waitLogoff(t)
	if g := set.Gaps(); len(g) != 0 {
		t.Fatalf("sequence gaps: %v", g)
	}

	var iriStream, ccStream *pducheck.Stream
	for st := range set.PDUs {
		if st.LIID != "MAIL-1" || st.NE != "mail-tap" {
			t.Fatalf("unexpected stream %v", st)
		}
		if st.CC {
			ccStream = &st
		} else {
			iriStream = &st
		}
	}
	if iriStream == nil || ccStream == nil || iriStream.CIN != ccStream.CIN {
		t.Fatalf("want one CIN with IRI and CC, got %v", set.PDUs)
	}
	var events []string
	for _, pdu := range decodedPDUs(t, set, *iriStream) {
		for _, ip := range pdu.Payload.IRI {
			events = append(events, fmt.Sprintf("%v %v %v", *ip.IRIType, ip.Contents.EmailIRI.EventType, ip.Contents.EmailIRI.Status))
		}
	}
	want := []string{
		fmt.Sprintf("%v %v %v", etsi.IRIBegin, etsi.EmailLogon, etsi.EmailStatusSucceeded),
		fmt.Sprintf("%v %v %v", etsi.IRIReport, etsi.EmailDownload, etsi.EmailStatusSucceeded),
		fmt.Sprintf("%v %v %v", etsi.IRIEnd, etsi.EmailLogoff, etsi.EmailStatusSucceeded),
	}
	if strings.Join(events, "\n") != strings.Join(want, "\n") {
		t.Fatalf("LEMF IRI:\n%s\nwant:\n%s", strings.Join(events, "\n"), strings.Join(want, "\n"))
	}
	var message bool
	for _, pdu := range decodedPDUs(t, set, *ccStream) {
		for _, cp := range pdu.Payload.CC {
			message = message || strings.Contains(string(cp.Contents.EmailCC.Content), inboxMsg)
		}
	}
	if !message {
		t.Fatal("no EmailCC with the fetched message at the LEMF")
	}
}

// streamsDone reports whether the IRI stream ends with the logoff.
func streamsDone(set *pducheck.Set) bool {
	for st := range set.PDUs {
		if st.CC {
			continue
		}
		s := seqs(set, st)
		pdu, err := set.Decoded(st, s[len(s)-1])
		if err == nil && len(pdu.Payload.IRI) > 0 && pdu.Payload.IRI[0].IRIType != nil && *pdu.Payload.IRI[0].IRIType == etsi.IRIEnd {
			return true
		}
	}
	return false
}

func seqs(set *pducheck.Set, st pducheck.Stream) []uint32 {
	var out []uint32
	for seq := range set.PDUs[st] {
		out = append(out, seq)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// decodedPDUs decodes the PDUs of one stream at the LEMF in sequence order.
func decodedPDUs(t *testing.T, set *pducheck.Set, st pducheck.Stream) []etsi.PSPDU {
	t.Helper()
	var out []etsi.PSPDU
	for _, seq := range seqs(set, st) {
		pdu, err := set.Decoded(st, seq)
		if err != nil {
			t.Fatalf("%v seq %d: %v", st, seq, err)
		}
		out = append(out, pdu)
	}
	return out
}
