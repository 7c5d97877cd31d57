package mediation_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/umli/umli/handover"
	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/etsi"
)

// pduString encodes a PS-PDU for liid/cin/seq with the given payload.
func pduString(t testing.TB, liid string, cin *uint32, seq uint32, kind etsi.PayloadKind, content []byte) string {
	t.Helper()
	h := etsi.PSHeader{LIID: liid, SequenceNumber: seq, CommunicationIdentifier: etsi.CommunicationIdentifier{
		NetworkIdentifier: etsi.NetworkIdentifier{OperatorIdentifier: "OP", NetworkElementIdentifier: "ne-1"}, CIN: cin}}
	var p etsi.PSPDU
	switch kind {
	case etsi.PayloadIRI:
		rt := etsi.IRIReport
		p = etsi.IRIPDU(h, etsi.IRIPayload{IRIType: &rt, Contents: etsi.IRIContents{MessagingIRI: &etsi.MessagingIRI{
			SystemType: etsi.SystemUnifiedMessaging, Category: &etsi.MessagingEventCategory{Message: etsi.Ptr(etsi.EventDeposit)},
			Status: etsi.StatusOperationSucceeded, Trigger: etsi.TriggerUser, BoxIdentifier: content}}})
	case etsi.PayloadCC:
		p = etsi.CCPDU(h, etsi.CCPayload{Contents: etsi.CCContents{MessagingCC: &etsi.MessagingCC{EventIdentifier: 1, ContentType: "audio/PCMA", Content: content}}})
	default:
		p = etsi.KeepAlivePDU(h)
	}
	b, err := p.AppendBER(nil, etsi.LatestVersion())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// readAudit verifies the audit log at path and returns its entries.
func readAudit(t *testing.T, path string) []audit.Entry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := audit.Verify(f); err != nil {
		t.Fatalf("audit log does not verify: %v", err)
	}
	if _, err := f.Seek(0, 0); err != nil {
		t.Fatal(err)
	}
	var out []audit.Entry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e audit.Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

func deliveries(es []audit.Entry) []map[string]string {
	var out []map[string]string
	for _, e := range es {
		if e.Action == audit.ActionDelivery {
			out = append(out, e.Detail)
		}
	}
	return out
}

// TestDeliveryAuditSummaries feeds written PDUs through the installed hook and checks the
// Delivery entries one flush writes: one per (destination, HI, LIID, CIN, kind), with the
// sequence range and counts, keep-alives left out, unreadable PDUs only counted in the log.
func TestDeliveryAuditSummaries(t *testing.T) {
	cin := func(v uint32) *uint32 { return &v }
	secret := []byte("CONTENT-MARKER-4917012345678")
	type write struct {
		dest     string
		hi       handover.HI
		pdu      string
		replayed bool
	}
	iri := func(liid string, c *uint32, seq uint32) string {
		return pduString(t, liid, c, seq, etsi.PayloadIRI, secret)
	}
	cc := func(liid string, c *uint32, seq uint32) string {
		return pduString(t, liid, c, seq, etsi.PayloadCC, secret)
	}
	tests := []struct {
		name   string
		writes []write
		want   []map[string]string // sorted by destination, hi, liid, cin, kind
	}{
		{"one run", []write{{"lea", handover.HI2, iri("L1", cin(7), 0), false}, {"lea", handover.HI2, iri("L1", cin(7), 1), false}, {"lea", handover.HI2, iri("L1", cin(7), 2), false}},
			[]map[string]string{{"liid": "L1", "ne": "ne-1", "cin": "7", "seq": "0-2", "pdus": "3", "replayed": "0", "kind": "IRI", "destination": "lea", "hi": "hi2"}}},
		{"split by LIID, CIN, kind and destination", []write{
			{"lea", handover.HI2, iri("L1", cin(7), 0), false}, {"lea", handover.HI3, cc("L1", cin(7), 0), false},
			{"lea", handover.HI2, iri("L1", cin(8), 0), false}, {"lea", handover.HI2, iri("L2", cin(7), 5), false},
			{"leb", handover.HI2, iri("L1", cin(7), 0), false}},
			[]map[string]string{
				{"liid": "L1", "cin": "7", "seq": "0-0", "pdus": "1", "kind": "IRI", "destination": "lea", "hi": "hi2"},
				{"liid": "L1", "cin": "8", "seq": "0-0", "pdus": "1", "kind": "IRI", "destination": "lea", "hi": "hi2"},
				{"liid": "L2", "cin": "7", "seq": "5-5", "pdus": "1", "kind": "IRI", "destination": "lea", "hi": "hi2"},
				{"liid": "L1", "cin": "7", "seq": "0-0", "pdus": "1", "kind": "CC", "destination": "lea", "hi": "hi3"},
				{"liid": "L1", "cin": "7", "seq": "0-0", "pdus": "1", "kind": "IRI", "destination": "leb", "hi": "hi2"},
			}},
		{"replays widen the range and are counted apart", []write{
			{"lea", handover.HI3, cc("L1", cin(1), 10), false}, {"lea", handover.HI3, cc("L1", cin(1), 11), false},
			{"lea", handover.HI3, cc("L1", cin(1), 8), true}, {"lea", handover.HI3, cc("L1", cin(1), 9), true}},
			[]map[string]string{{"liid": "L1", "cin": "1", "seq": "8-11", "pdus": "2", "replayed": "2", "kind": "CC", "hi": "hi3"}}},
		{"keep-alives and unreadable PDUs are not summarized", []write{
			{"lea", handover.HI2, pduString(t, mediation.KeepAliveLIID, nil, 0, etsi.PayloadTRI, nil), false},
			{"lea", handover.HI2, "\x30\x03\x01\x02", false}, {"lea", handover.HI2, iri("L1", nil, 3), false}},
			[]map[string]string{{"liid": "L1", "seq": "3-3", "pdus": "1", "kind": "IRI"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "audit.jsonl")
			al, err := audit.Open(path, audit.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var logs strings.Builder
			da, err := mediation.NewDeliveryAudit(al, zerolog.New(&logs), 0)
			if err != nil {
				t.Fatal(err)
			}
			hc := handover.Config{Destinations: []handover.Destination{{Name: "lea"}, {Name: "leb"}}}
			da.Install(&hc)
			hooks := map[string]func(handover.HI, string, bool){"lea": hc.Destinations[0].Written, "leb": hc.Destinations[1].Written}
			for _, w := range tc.writes {
				hooks[w.dest](w.hi, w.pdu, w.replayed)
			}
			if err := da.Flush(); err != nil {
				t.Fatal(err)
			}
			if err := da.Flush(); err != nil { // nothing pending: nothing written
				t.Fatal(err)
			}
			al.Close()
			got := deliveries(readAudit(t, path))
			if len(got) != len(tc.want) || da.Entries() != int64(len(tc.want)) {
				t.Fatalf("%d entries (Entries() %d), want %d: %v", len(got), da.Entries(), len(tc.want), got)
			}
			for i, w := range tc.want {
				for k, v := range w {
					if got[i][k] != v {
						t.Errorf("entry %d: %s = %q, want %q (%v)", i, k, got[i][k], v, got[i])
					}
				}
				if _, ok := w["cin"]; !ok {
					if _, has := got[i]["cin"]; has {
						t.Errorf("entry %d: cin %q for a PDU without one", i, got[i]["cin"])
					}
				}
				if got[i]["since"] == "" {
					t.Errorf("entry %d: no since", i)
				}
			}
			raw, _ := os.ReadFile(path)
			if strings.Contains(string(raw), "CONTENT-MARKER") || strings.Contains(string(raw), "4917012345678") || strings.Contains(string(raw), mediation.KeepAliveLIID) {
				t.Fatalf("audit log holds content or keep-alives: %s", raw)
			}
			if strings.Contains(tc.name, "unreadable") != strings.Contains(logs.String(), "header could not be read") {
				t.Errorf("log: %s", logs.String())
			}
		})
	}
}

// TestDeliveryAuditKeepsSummariesWhenTheLogFails: a failing audit file loses nothing that
// was summarized; later writes merge into the pending summary.
func TestDeliveryAuditKeepsSummariesWhenTheLogFails(t *testing.T) {
	al, err := audit.Open(filepath.Join(t.TempDir(), "audit.jsonl"), audit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	al.Close() // every Append now fails
	var logs strings.Builder
	da, err := mediation.NewDeliveryAudit(al, zerolog.New(&logs), 0)
	if err != nil {
		t.Fatal(err)
	}
	hc := handover.Config{Destinations: []handover.Destination{{Name: "lea"}}}
	da.Install(&hc)
	c := uint32(3)
	for _, round := range [][]uint32{{0, 1, 2}, {3, 4}} {
		for _, seq := range round {
			hc.Destinations[0].Written(handover.HI2, pduString(t, "L1", &c, seq, etsi.PayloadIRI, nil), false)
		}
		err := da.Flush()
		if err == nil || !strings.Contains(err.Error(), "1 summaries pending") || !strings.Contains(err.Error(), "log is closed") {
			t.Fatalf("flush on a closed log: %v", err)
		}
	}
	if da.Entries() != 0 || !strings.Contains(logs.String(), "delivery summaries not recorded") {
		t.Fatalf("entries %d, log %s", da.Entries(), logs.String())
	}
	if _, err := mediation.NewDeliveryAudit(nil, zerolog.Nop(), 0); err == nil {
		t.Fatal("NewDeliveryAudit accepted a nil log")
	}
}
