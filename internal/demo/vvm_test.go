package demo

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/umli/umli/simulators/lemf"
	"github.com/umli/umli/simulators/mailsim"
)

// TestDemoVVM runs the VVM scenario alone and checks the LEMF: one CIN of the vvm
// proxy per warrant holding the target phone's login, retrieve, save, delete,
// greeting-record, pin-change and logout; under LIID A the voice message's audio
// (toTarget, under the retrieve's event-identifier) and the uploaded greeting's audio,
// both byte-identical to what the VVM server stored and the phone sent; nothing of
// the non-target's session in the LEMF's files or the debug log, and neither the
// PINs nor the target's number in the log.
func TestDemoVVM(t *testing.T) {
	dir, out, logs := runDemo(t, VVM())
	if !strings.Contains(out, "NE "+VVMSource+" CIN 1\n") {
		t.Errorf("summary lacks the VVM session:\n%s", out)
	}
	s := readSummary(t, dir)
	if s.Gaps != 0 || s.Duplicates != 0 {
		t.Errorf("LEMF saw %d gaps, %d duplicates", s.Gaps, s.Duplicates)
	}
	want := [][]string{{"message-box:login", "message:retrieve", "message:save", "message:delete",
		"message-box:greeting-record", "message-box:pin-change", "message-box:logout"}}
	perLIID := map[string][]lemf.CINSummary{}
	for _, l := range s.LIIDs {
		for _, c := range l.CINs {
			if c.NE != VVMSource {
				t.Errorf("LIID %s: CIN of %q, want only %s", l.LIID, c.NE, VVMSource)
			}
			perLIID[l.LIID] = append(perLIID[l.LIID], c)
		}
	}
	checkCalls(t, perLIID[LIIDA], 1, want)
	checkCalls(t, perLIID[LIIDB], 1, want)
	if len(perLIID[LIIDB]) == 1 && len(perLIID[LIIDB][0].Content) != 0 {
		t.Errorf("LIID %s (IRI only) got content %+v", LIIDB, perLIID[LIIDB][0].Content)
	}
	if len(perLIID[LIIDA]) != 1 {
		t.FailNow()
	}
	c := perLIID[LIIDA][0]
	ev := map[string]*uint32{}
	for _, e := range c.Events {
		ev[e.Category] = e.EventIdentifier
	}
	wantAudio := map[string][]byte{"message:retrieve": mailsim.VVMAudio(), "message-box:greeting-record": mailsim.VVMGreetingAudio()}
	if len(c.Content) != len(wantAudio) {
		t.Errorf("content %+v, want the message's and the greeting's audio", c.Content)
	}
	for cat, audio := range wantAudio {
		id := ev[cat]
		found := false
		for _, cs := range c.Content {
			if id == nil || cs.EventIdentifier == nil || *cs.EventIdentifier != *id {
				continue
			}
			found = true
			b, err := os.ReadFile(filepath.Join(dir, cs.File))
			if err != nil || !cs.Complete || cs.ContentType != "audio/amr" || !bytes.Equal(b, audio) {
				t.Errorf("%s audio %+v: %d bytes on disk (%v), want %d byte-identical", cat, cs, len(b), err, len(audio))
			}
		}
		if !found {
			t.Errorf("no content under %s's event-identifier", cat)
		}
	}
	recs, err := os.ReadFile(filepath.Join(dir, "records.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(recs, []byte(NonTargetMSISDN[1:])) {
		t.Error("the non-target's box reached the LEMF's records")
	}
	checkLogsFree(t, logs, NonTargetMSISDN[1:], TargetMSISDN[1:], mailsim.VVMPIN, mailsim.VVMNewPIN, "9753")
}
