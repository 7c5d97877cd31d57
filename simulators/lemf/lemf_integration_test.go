package lemf

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/umli/umli/mediation/etsi"
)

// readRecords parses records.jsonl.
func readRecords(t *testing.T, dir string) []record {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, RecordsFile))
	if err != nil {
		t.Fatal(err)
	}
	var out []record
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("records.jsonl line %q: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	return out
}

// TestGapsDuplicatesAndKeepAlive plays a handover that loses seq 2, reconnects and
// replays its resend window (seq 3 and 4, byte for byte: retransmissions) before going on;
// it keeps alive in between.
func TestGapsDuplicatesAndKeepAlive(t *testing.T) {
	l := startLEMF(t, Config{})
	a2, _ := l.Addrs()

	first := dial(t, a2)
	var sent bytes.Buffer
	var lens []int
	push := func(c interface{ Write([]byte) (int, error) }, p etsi.PSPDU) {
		b := encode(t, p)
		send(t, c, b)
		sent.Write(b)
		lens = append(lens, len(b))
	}
	for _, seq := range []uint32{0, 1, 3, 4} {
		push(first, iriPDU("LIID-A", 5, seq, etsi.BoxLogin, seq))
	}
	push(first, keepAlivePDU("LIID-A", 5, 9))
	assertKeepAliveResponse(t, readPDU(t, newFrameReader(first, DefaultMaxPDU)), "LIID-A", 5)
	_ = first.Close()

	second := dial(t, a2)
	for _, seq := range []uint32{3, 4} {
		push(second, iriPDU("LIID-A", 5, seq, etsi.BoxLogin, seq))
	}
	push(second, iriPDU("LIID-A", 5, 5, etsi.BoxLogout, 5))
	l.waitPDUs(t, 8, 0)
	l.shutdown(t)

	s := l.Summary()
	if s.Gaps != 1 || s.Duplicates != 2 || s.Retransmissions != 2 || s.Conflicts != 0 || s.HI2.PDUs != 8 || s.HI2.KeepAlives != 1 || s.HI2.Connections != 2 || s.HI2.DecodeErrors != 0 {
		t.Fatalf("summary totals %+v", s)
	}
	if len(s.LIIDs) != 1 || len(s.LIIDs[0].CINs) != 1 {
		t.Fatalf("summary LIIDs %+v", s.LIIDs)
	}
	cin := s.LIIDs[0].CINs[0]
	wantIRI := SequenceSummary{PDUs: 7, Lowest: 0, Highest: 5, Gaps: 1, Missing: []SeqRange{{2, 2}}, Duplicates: 2, Retransmissions: 2}
	if !reflect.DeepEqual(cin.IRI, wantIRI) || cin.CC.PDUs != 0 {
		t.Errorf("IRI %+v, want %+v; CC %+v", cin.IRI, wantIRI, cin.CC)
	}
	// Replayed PDUs are not new events: 0, 1, 3, 4 from the first connection, 5 from the second.
	var ids []uint32
	for _, e := range cin.Events {
		ids = append(ids, *e.EventIdentifier)
		if e.Payload != "MessagingIRI" || !strings.HasPrefix(e.Category, "message-box:") {
			t.Errorf("event %+v", e)
		}
	}
	if !reflect.DeepEqual(ids, []uint32{0, 1, 3, 4, 5}) {
		t.Errorf("event identifiers %v", ids)
	}

	got, err := os.ReadFile(filepath.Join(l.dir, HI2File))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, sent.Bytes()) {
		t.Errorf("hi2.ber holds %d bytes, %d were sent", len(got), sent.Len())
	}

	recs := readRecords(t, l.dir)
	if len(recs) != 8 {
		t.Fatalf("%d records, want 8", len(recs))
	}
	off := int64(0)
	for i, r := range recs {
		wantDup := i == 5 || i == 6
		if r.HI != "HI2" || r.Offset != off || r.Duplicate != wantDup || r.Conflict || len(r.PDU) == 0 || r.Error != "" ||
			r.Received != "2026-11-23T10:00:00Z" {
			t.Errorf("record %d = %+v (offset want %d, duplicate %v)", i, r, off, wantDup)
		}
		off += int64(lens[i])
	}

	var onDisk Summary
	b, err := os.ReadFile(filepath.Join(l.dir, SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &onDisk); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(onDisk, s) {
		t.Errorf("summary.json differs from Summary():\n%s", b)
	}
	var text bytes.Buffer
	if err := s.Format(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "1 missing, 2 duplicates [2]") {
		t.Errorf("formatted summary lacks the gap:\n%s", text.String())
	}
}

// TestPCMUReassembledOverHI3 sends a connect IRI on HI2 and its audio out of order on HI3.
func TestPCMUReassembledOverHI3(t *testing.T) {
	l := startLEMF(t, Config{})
	a2, a3 := l.Addrs()
	send(t, dial(t, a2), encode(t, iriPDU("LIID-V", 11, 0, etsi.BoxConnect, 42)))

	samples := make([]byte, 480)
	for i := range samples {
		samples[i] = byte(i * 7)
	}
	parts := [][]byte{samples[:160], samples[160:320], samples[320:]}
	order := []uint32{1, 2, 0}
	c3 := dial(t, a3)
	for i, chunk := range order {
		m := etsi.MessagingCC{EventIdentifier: 42, ContentIdentifier: u32(0), SequenceNumber: u32(chunk),
			EndOfSequence: chunk == 2, ContentType: "audio/PCMU", Content: parts[chunk]}
		send(t, c3, encode(t, ccPDU("LIID-V", 11, uint32(i), m)))
	}
	l.waitPDUs(t, 1, 3)
	// end-of-sequence finalized the file already; no shutdown needed to read it.
	name := filepath.Join(l.dir, ContentDir, "LIID-V_um-1_11_42_0.wav")
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	w := parseWAV(t, b)
	if w.format != wavFormatMuLaw || w.rate != 8000 || w.channels != 1 || w.bits != 8 || !bytes.Equal(w.samples, samples) {
		t.Errorf("WAV format %d rate %d channels %d bits %d, %d samples (equal %v)",
			w.format, w.rate, w.channels, w.bits, len(w.samples), bytes.Equal(w.samples, samples))
	}
	l.shutdown(t)
	cins := l.Summary().LIIDs[0].CINs
	ct := cins[0].Content
	if len(ct) != 1 || !ct[0].Complete || ct[0].Bytes != 480 || ct[0].Chunks != 3 || ct[0].ContentType != "audio/PCMU" {
		t.Errorf("content summary %+v", ct)
	}
	if len(cins[0].Events) != 1 || cins[0].CC.PDUs != 3 || cins[0].CC.Gaps != 0 {
		t.Errorf("CIN summary %+v", cins[0])
	}
}

// TestCorruptPDUClosesOnlyItsConnection sends an undecodable PDU on one HI2 connection
// and an absurd length on another while a third keeps working.
func TestCorruptPDUClosesOnlyItsConnection(t *testing.T) {
	l := startLEMF(t, Config{MaxPDU: 64 << 10})
	a2, _ := l.Addrs()
	good := dial(t, a2)
	goodReader := newFrameReader(good, DefaultMaxPDU)
	send(t, good, encode(t, keepAlivePDU("LIID-G", 1, 0)))
	assertKeepAliveResponse(t, readPDU(t, goodReader), "LIID-G", 1)

	valid := encode(t, iriPDU("LIID-B", 2, 0, etsi.BoxLogin, 1))
	tests := []struct {
		name    string
		corrupt []byte
	}{
		// A well-framed SEQUENCE that is no PS-PDU: framing holds, decoding fails.
		{"not a PS-PDU", []byte{0x30, 0x03, 0x02, 0x01, 0x00}},
		// Length octets claiming 4 GiB: refused before anything is buffered.
		{"absurd length", []byte{0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x00}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := dial(t, a2)
			before, _ := os.ReadFile(filepath.Join(l.dir, HI2File))
			stream := append(append([]byte(nil), valid...), tt.corrupt...)
			send(t, bad, stream)
			waitClosed(t, bad)

			// The LEMF still serves the other connection.
			send(t, good, encode(t, keepAlivePDU("LIID-G", 1, uint32(i+1))))
			assertKeepAliveResponse(t, readPDU(t, goodReader), "LIID-G", 1)

			s := l.Summary()
			if s.HI2.DecodeErrors != i+1 {
				t.Errorf("decode errors %d, want %d", s.HI2.DecodeErrors, i+1)
			}
			after, err := os.ReadFile(filepath.Join(l.dir, HI2File))
			if err != nil {
				t.Fatal(err)
			}
			// Every byte received, the corrupt ones included, is kept.
			if !bytes.Contains(after[len(before):], stream) {
				t.Errorf("hi2.ber grew by % x, want it to contain % x", after[len(before):], stream)
			}
			recs := readRecords(t, l.dir)
			last := recs[len(recs)-2] // the good keep-alive came after it
			if last.Error == "" || last.Offset != int64(len(before)+len(valid)) || !strings.Contains(last.Error, "offset") {
				t.Errorf("error record %+v, want offset %d", last, len(before)+len(valid))
			}
		})
	}
}

// TestConflictKeptApart: a sequence number repeated with other bytes is a conflict, counted
// apart from byte-identical retransmissions; the first copy is the one kept, on HI2 (the
// event) and on HI3 (the content), and both copies stay in the .ber file and records.
func TestConflictKeptApart(t *testing.T) {
	l := startLEMF(t, Config{})
	a2, a3 := l.Addrs()
	c2, c3 := dial(t, a2), dial(t, a3)
	for _, p := range []etsi.PSPDU{
		iriPDU("LIID-C", 7, 0, etsi.BoxLogin, 1),
		iriPDU("LIID-C", 7, 0, etsi.BoxLogout, 1), // conflict
		iriPDU("LIID-C", 7, 0, etsi.BoxLogin, 1),  // retransmission of the first
		iriPDU("LIID-C", 7, 1, etsi.BoxLogout, 2),
	} {
		send(t, c2, encode(t, p))
	}
	chunk := func(b byte) etsi.MessagingCC {
		return etsi.MessagingCC{EventIdentifier: 1, ContentIdentifier: u32(0), SequenceNumber: u32(0),
			ContentType: "text/plain", Content: []byte{b, b, b}, EndOfSequence: true}
	}
	send(t, c3, encode(t, ccPDU("LIID-C", 7, 0, chunk('a'))))
	send(t, c3, encode(t, ccPDU("LIID-C", 7, 0, chunk('b')))) // conflict
	l.waitPDUs(t, 4, 2)
	l.shutdown(t)

	s := l.Summary()
	if s.Gaps != 0 || s.Duplicates != 3 || s.Retransmissions != 1 || s.Conflicts != 2 {
		t.Fatalf("totals: gaps %d, duplicates %d, retransmissions %d, conflicts %d; want 0, 3, 1, 2",
			s.Gaps, s.Duplicates, s.Retransmissions, s.Conflicts)
	}
	cin := s.LIIDs[0].CINs[0]
	if cin.IRI.Retransmissions != 1 || cin.IRI.Conflicts != 1 || cin.CC.Retransmissions != 0 || cin.CC.Conflicts != 1 {
		t.Errorf("IRI %+v, CC %+v", cin.IRI, cin.CC)
	}
	var cats []string
	for _, e := range cin.Events {
		cats = append(cats, e.Category)
	}
	want := []string{"message-box:" + fmt.Sprint(etsi.BoxLogin), "message-box:" + fmt.Sprint(etsi.BoxLogout)}
	if !reflect.DeepEqual(cats, want) {
		t.Errorf("events %v, want the first copy of 0 and then 1: %v", cats, want)
	}
	if len(cin.Content) != 1 {
		t.Fatalf("content %+v", cin.Content)
	}
	b, err := os.ReadFile(filepath.Join(l.dir, cin.Content[0].File))
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "aaa" {
		t.Errorf("content %q, want the first copy %q", b, "aaa")
	}
	var marks []string
	for _, r := range readRecords(t, l.dir) {
		marks = append(marks, fmt.Sprintf("%s dup=%v conflict=%v", r.HI, r.Duplicate, r.Conflict))
	}
	slices.Sort(marks)
	wantMarks := []string{"HI2 dup=false conflict=false", "HI2 dup=false conflict=false", "HI2 dup=true conflict=false",
		"HI2 dup=true conflict=true", "HI3 dup=false conflict=false", "HI3 dup=true conflict=true"}
	if !reflect.DeepEqual(marks, wantMarks) {
		t.Errorf("records %v, want %v", marks, wantMarks)
	}
	var text bytes.Buffer
	if err := s.Format(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "(1 retransmissions, 2 conflicts)") {
		t.Errorf("formatted summary lacks the split:\n%s", text.String())
	}
}

// TestEmailCCAppendedOverHI3 sends a message in two EmailCC PDUs and a replayed one.
func TestEmailCCAppendedOverHI3(t *testing.T) {
	l := startLEMF(t, Config{})
	_, a3 := l.Addrs()
	c := dial(t, a3)
	parts := []string{"From: <a@example.org>\r\n", "\r\nhello\r\n"}
	for i, seq := range []uint32{0, 1, 1} {
		e := &etsi.EmailCC{Format: etsi.EmailFormatApplication, Content: []byte(parts[min(i, 1)])}
		dir := etsi.DirectionToTarget
		p := etsi.PSPDU{Header: header("LIID-E", 4, seq), Payload: etsi.Payload{CC: []etsi.CCPayload{{
			PayloadDirection: &dir, Contents: etsi.CCContents{EmailCC: e}}}}}
		send(t, c, encode(t, p))
	}
	l.waitPDUs(t, 0, 3)
	l.shutdown(t)
	b, err := os.ReadFile(filepath.Join(l.dir, ContentDir, "LIID-E_um-1_4_email.eml"))
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != parts[0]+parts[1] {
		t.Errorf("message %q; the replayed PDU must not be appended twice", b)
	}
	cin := l.Summary().LIIDs[0].CINs[0]
	if cin.CC.Duplicates != 1 || cin.CC.Retransmissions != 1 || len(cin.Content) != 1 || cin.Content[0].Bytes != int64(len(b)) || !cin.Content[0].Complete {
		t.Errorf("CIN summary %+v", cin)
	}
}
