package demo

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/umli/umli/simulators/lemf"
)

// TestDemoAsterisk runs the Asterisk scenario alone and checks the LEMF: the deposit
// with its spool audio, the PIN-and-exit session, and the VoiceMailMain session whose
// CIN holds one connect, the login, retrieve, delete and save (each with its spool
// message as a complete WAV), their confirmations, the logout, and both directions of
// the call's RTP under the connect's event-identifier; no gaps, and a debug log free of
// the PIN and the box.
func TestDemoAsterisk(t *testing.T) {
	dir, _, logs := runDemo(t, Asterisk())
	s := readSummary(t, dir)
	if s.Gaps != 0 || s.Duplicates != 0 {
		t.Errorf("LEMF saw %d gaps, %d duplicates", s.Gaps, s.Duplicates)
	}
	var cins []lemf.CINSummary
	for _, l := range s.LIIDs {
		for _, c := range l.CINs {
			if l.LIID == LIIDA && c.NE == AsteriskRTPSource {
				cins = append(cins, c)
			}
		}
	}
	checkCalls(t, cins, len(asteriskCalls), [][]string{
		{"message-box:connect", "message:deposit", "message-box:disconnect"},
		{"message-box:connect", "message-box:login", "message-box:login", "message-box:logout"},
		{"message-box:connect", "message-box:login", "message:retrieve", "message:delete", "message:retrieve", "message:save",
			"message-box:login", "message:retrieve", "message:delete", "message:retrieve", "message:save", "message-box:logout"},
	})
	checkDepositAudio(t, dir, cins, 1)
	var tui *lemf.CINSummary
	for i, c := range cins {
		if len(c.Events) == 12 {
			tui = &cins[i]
		}
	}
	if tui == nil {
		t.Fatal("no VoiceMailMain CIN")
	}
	connect := tui.Events[0]
	if connect.Category != "message-box:connect" || connect.EventIdentifier == nil {
		t.Fatalf("VoiceMailMain CIN opens with %+v", connect)
	}
	rtp, wav := 0, 0
	for _, cs := range tui.Content {
		b, err := os.ReadFile(filepath.Join(dir, cs.File))
		if err != nil || !cs.Complete || len(b) <= 44 || !bytes.HasPrefix(b, []byte("RIFF")) {
			t.Errorf("content %+v: %d bytes on disk, %v", cs, len(b), err)
		}
		switch cs.ContentType {
		case "audio/PCMU":
			rtp++
			if cs.EventIdentifier == nil || *cs.EventIdentifier != *connect.EventIdentifier {
				t.Errorf("RTP stream %+v not under the connect's event-identifier %d", cs, *connect.EventIdentifier)
			}
		case "audio/wav":
			wav++
		}
	}
	if rtp != 2 || wav != 4 {
		t.Errorf("VoiceMailMain CIN content %+v: want both RTP directions and 4 spool messages", tui.Content)
	}
	checkLogsFree(t, logs, "4711", TargetBox, "um.example.net/1000", TargetMSISDN[1:])
}
