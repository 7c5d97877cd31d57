package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/umli/umli/simulators/lemf"
)

// TestRunPassiveCapture: rtp.passive in `umli run` follows the calls to the UM system in
// a capture (rtpcapture/testdata/calls.pcap, written by rtpcapture/pcapgen: a deposit
// forwarded from +4917022222 over SIP/UDP, a retrieval by another box over SIP/TCP) and
// delivers the target's RTP as MessagingCC to the LEMF, both directions complete and
// linked to the connect IRI's event-identifier (TS 102 232-2 Table 6); the other call
// reaches neither the LEMF nor the log.
func TestRunPassiveCapture(t *testing.T) {
	r := newRig(t)
	bin, lm := r.bin, r.lm
	pcap, err := filepath.Abs(filepath.Join("..", "..", "rtpcapture", "testdata", "calls.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := tapConfig(t, r, 1, pcap)
	umli := runConfig(t, bin, cfgPath)
	stderr := umli.stderr
	waitUntil(t, "both RTP directions of the deposit complete at the LEMF", func() bool {
		for _, l := range lm.Summary().LIIDs {
			for _, c := range l.CINs {
				n := 0
				for _, cs := range c.Content {
					if cs.Payload == "MessagingCC" && cs.Complete {
						n++
					}
				}
				if n == 2 {
					return true
				}
			}
		}
		return false
	})
	umli.terminate(t)
	sum := lm.Summary()
	if len(sum.LIIDs) != 1 || sum.LIIDs[0].LIID != "TAP-1" || len(sum.LIIDs[0].CINs) != 1 || sum.Gaps != 0 || sum.Duplicates != 0 {
		t.Fatalf("want the target's call only, one CIN: %+v", sum)
	}
	cin := sum.LIIDs[0].CINs[0]
	var connect *lemf.Event
	for i, e := range cin.Events {
		if e.Category == "message-box:connect" {
			connect = &cin.Events[i]
		}
	}
	if connect == nil || connect.EventIdentifier == nil || cin.NE != "fs-um-1" {
		t.Fatalf("CIN %+v: want the connect IRI of NE fs-um-1 with an event-identifier", cin)
	}
	cids := map[uint32]bool{}
	for _, cs := range cin.Content {
		if cs.ContentIdentifier == nil || cs.EventIdentifier == nil || *cs.EventIdentifier != *connect.EventIdentifier || cs.ContentType != "audio/PCMU" {
			t.Errorf("content stream %+v: want audio/PCMU with the connect's event-identifier %d", cs, *connect.EventIdentifier)
			continue
		}
		cids[*cs.ContentIdentifier] = true
	}
	if !cids[0] || !cids[1] {
		t.Errorf("content identifiers %v: want 0 (fromTarget) and 1 (toTarget)", cids)
	}
	for _, s := range []string{"+4917022222", "+4917011111", "2000@um.example"} {
		if strings.Contains(stderr.String(), s) {
			t.Errorf("umli logged %q", s)
		}
	}
}

// TestRunPassiveCaptureDamagedFile: a capture file cut off in the middle of a frame ends
// that source with an error in the log naming what went wrong; what was read is
// delivered (the target's call is ended with its disconnect) and umli keeps running.
func TestRunPassiveCaptureDamagedFile(t *testing.T) {
	r := newRig(t)
	bin, dir, lm := r.bin, r.dir, r.lm
	whole := readFile(t, filepath.Join("..", "..", "rtpcapture", "testdata", "calls.pcap"))
	pcap := filepath.Join(dir, "cut.pcap")
	writeFile(t, pcap, whole[:len(whole)/2+7])
	cfgPath := tapConfig(t, r, 2, pcap)
	umli := runConfig(t, bin, cfgPath)
	waitUntil(t, "the damaged file reported", func() bool {
		return strings.Contains(umli.stderr.String(), "rtp: passive capture file read")
	})
	for _, l := range strings.Split(umli.stderr.String(), "\n") {
		if strings.Contains(l, "rtp: passive capture file read") && (!strings.Contains(l, `"level":"error"`) || !strings.Contains(l, "pcap frame")) {
			t.Errorf("want an error naming the pcap frame: %s", l)
		}
	}
	waitUntil(t, "the target's call ended at the LEMF", func() bool {
		for _, l := range lm.Summary().LIIDs {
			for _, c := range l.CINs {
				if n := len(c.Events); n > 1 && c.Events[0].Category == "message-box:connect" && c.Events[n-1].IRIType == "iRI-End" {
					return true
				}
			}
		}
		return false
	})
	umli.terminate(t) // still running, and stops cleanly
}

// tapConfig writes the configuration of instance tap-n: passive capture of pcap, and
// warrant TAP-n on +4917022222.
func tapConfig(t *testing.T, r *rig, n int, pcap string) string {
	t.Helper()
	return r.config(t, fmt.Sprintf("tap-%d", n), "OP-TAP", fmt.Sprintf(`log: {level: debug}
handover: {keepAlive: 1s, keepAliveTimeout: 2s}
warrants:
  - {liid: TAP-%d, destination: lea, scope: iri+cc, start: 2020-01-01T00:00:00Z, targets: [{e164: "+4917022222"}]}
rtp:
  passive: {source: fs-um-1, file: "%s", pilots: ["8000"], events: connect+disconnect}
`, n, pcap))
}
