package lemf

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/umli/umli/mediation/etsi"
)

// TestSameCINFromTwoElements sends CIN 1, sequence 0 for the same LIID from two network
// elements: CINs are unique per element only, so these are two sessions, neither a
// duplicate of the other, each with its own content file.
func TestSameCINFromTwoElements(t *testing.T) {
	l := startLEMF(t, Config{})
	a2, a3 := l.Addrs()
	c2, c3 := dial(t, a2), dial(t, a3)
	for _, ne := range []string{"fs-um-1", "ast-um-1"} {
		p := iriPDU("LIID-NE", 1, 0, etsi.BoxConnect, 5)
		p.Header.CommunicationIdentifier.NetworkIdentifier.NetworkElementIdentifier = ne
		send(t, c2, encode(t, p))
		cc := ccPDU("LIID-NE", 1, 0, etsi.MessagingCC{EventIdentifier: 5, ContentIdentifier: u32(0),
			SequenceNumber: u32(0), EndOfSequence: true, ContentType: "text/plain", Content: []byte(ne)})
		cc.Header.CommunicationIdentifier.NetworkIdentifier.NetworkElementIdentifier = ne
		send(t, c3, encode(t, cc))
	}
	l.waitPDUs(t, 2, 2)
	l.shutdown(t)
	s := l.Summary()
	if s.Gaps != 0 || s.Duplicates != 0 || len(s.LIIDs) != 1 {
		t.Fatalf("summary %+v, want one LIID, no gaps, no duplicates", s)
	}
	cins := s.LIIDs[0].CINs
	if len(cins) != 2 {
		t.Fatalf("%d CIN summaries, want 2: %+v", len(cins), cins)
	}
	for i, ne := range []string{"ast-um-1", "fs-um-1"} { // sorted by NE
		c := cins[i]
		if c.NE != ne || c.CIN == nil || *c.CIN != 1 || len(c.Events) != 1 || c.IRI.PDUs != 1 || c.CC.PDUs != 1 || len(c.Content) != 1 {
			t.Errorf("CIN summary %d = %+v, want NE %s CIN 1 with one event and one content", i, c, ne)
			continue
		}
		want := filepath.Join(ContentDir, "LIID-NE_"+ne+"_1_5_0.txt")
		if c.Content[0].File != want {
			t.Errorf("content file %s, want %s", c.Content[0].File, want)
		}
		b, err := os.ReadFile(filepath.Join(l.dir, want))
		if err != nil || string(b) != ne {
			t.Errorf("%s = %q, %v; want %q", want, b, err, ne)
		}
	}
	var text bytes.Buffer
	if err := s.Format(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"NE ast-um-1 CIN 1\n", "NE fs-um-1 CIN 1\n",
		"MessagingCC event 5 content-id 0 text/plain 8 bytes in 1 chunks, complete -> " + filepath.Join(ContentDir, "LIID-NE_ast-um-1_1_5_0.txt") + "\n"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("formatted summary lacks %q:\n%s", want, text.String())
		}
	}
}
