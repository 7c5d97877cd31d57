package email

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

func runVVM(t *testing.T, steps []step) ([]*record.Record, *VVMMachine) {
	t.Helper()
	var recs []*record.Record
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	m := NewVVM(SessionInfo{Source: "vvm-1", Key: "s1", Start: now}, func(r *record.Record) { recs = append(recs, r) }, Options{})
	for _, st := range steps {
		// Byte by byte for the first steps' framing, whole for the rest: both paths count.
		m.Feed(st.dir, []byte(st.data), now)
	}
	m.End(now)
	return recs, m
}

func describeVVM(r *record.Record) string {
	if r.MessagingCC != nil {
		return fmt.Sprintf("cc %s %d", r.MessagingCC.ContentType, len(r.MessagingCC.Content))
	}
	c := r.MessagingIRI.Category
	if c.Message != nil {
		return fmt.Sprintf("msg %v %v", *c.Message, r.MessagingIRI.Status)
	}
	return fmt.Sprintf("box %v %v", *c.MessageBox, r.MessagingIRI.Status)
}

func TestVVMMachineSession(t *testing.T) {
	audio := append([]byte("#!AMR\n"), bytes.Repeat([]byte{0, 1, 2, 0xfe, '\r', '\n'}, 50)...)
	voice := vvmVoice("voice-message", audio)
	greet := vvmVoice("x-voice-greeting", audio[:20]) // the short form, accepted
	noAudio := "Message-Context: voice-message\r\nContent-Type: text/plain\r\n\r\nlost\r\n"
	steps := []step{
		{FromServer, "* OK VVM ready\r\n"},
		{FromClient, "a1 LOGIN +15550199 1234\r\n"},
		{FromServer, "a1 OK logged in\r\n"},
		{FromClient, "a2 SELECT INBOX\r\n"},
		{FromServer, "* 2 EXISTS\r\na2 OK [READ-WRITE] done\r\n"},
		{FromClient, "a3 UID FETCH 7 BODY.PEEK[]\r\n"},
		{FromServer, fmt.Sprintf("* 1 FETCH (UID 7 BODY[] {%d}\r\n", len(voice))},
		{FromServer, string(voice)},
		{FromServer, fmt.Sprintf(")\r\n* 2 FETCH (UID 8 BODY[] {%d}\r\n%s)\r\na3 OK done\r\n", len(noAudio), noAudio)},
		{FromClient, "a4 UID STORE 7 +FLAGS (\\Seen)\r\n"},
		{FromServer, "a4 OK\r\n"},
		{FromClient, "a5 UID STORE 7 +FLAGS (\\Deleted)\r\na6 EXPUNGE\r\n"},
		{FromServer, "* 1 EXPUNGE\r\na5 OK\r\na6 OK\r\n"},
		{FromClient, fmt.Sprintf("a7 APPEND Greetings (\\Seen) {%d}\r\n", len(greet))},
		{FromServer, "+ go\r\n"},
		{FromClient, string(greet) + "\r\n"},
		{FromServer, "a7 OK\r\n"},
		{FromClient, "a8 XCHANGE_TUI_PWD PWD=4321 OLD_PWD=1234\r\n"},
		{FromServer, "a8 OK password changed\r\n"},
		{FromClient, "a9 LOGOUT\r\n"},
		{FromServer, "* BYE\r\na9 OK\r\n"},
	}
	recs, m := runVVM(t, steps)
	want := []string{
		"box " + etsi.BoxLogin.String() + " " + etsi.StatusOperationSucceeded.String(),
		"msg " + etsi.EventRetrieve.String() + " " + etsi.StatusOperationSucceeded.String(),
		"cc audio/amr 306",
		"msg " + etsi.EventRetrieve.String() + " " + etsi.StatusOperationSucceeded.String(),
		"msg " + etsi.EventSave.String() + " " + etsi.StatusOperationSucceeded.String(),
		"msg " + etsi.EventDelete.String() + " " + etsi.StatusOperationSucceeded.String(),
		"box " + etsi.BoxGreetingRecord.String() + " " + etsi.StatusOperationSucceeded.String(),
		"cc audio/amr 20",
		"box " + etsi.BoxPinChange.String() + " " + etsi.StatusOperationSucceeded.String(),
		"box " + etsi.BoxLogout.String() + " " + etsi.StatusOperationSucceeded.String(),
	}
	var got []string
	for _, r := range recs {
		got = append(got, describeVVM(r))
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("records:\n got %q\nwant %q", got, want)
	}
	if !bytes.Equal(recs[2].MessagingCC.Content, audio) || recs[2].EventKey != recs[1].EventKey || recs[2].Direction != etsi.DirectionToTarget {
		t.Fatalf("retrieve CC not byte-identical or not linked")
	}
	if string(recs[1].MessagingIRI.Properties[0].MessageIdentifier) != "7" || string(recs[3].MessagingIRI.Properties[0].MessageIdentifier) != "8" {
		t.Fatalf("message identifiers %+v %+v", recs[1].MessagingIRI.Properties, recs[3].MessagingIRI.Properties)
	}
	if string(recs[8].MessagingIRI.Properties[0].Pincode) != "4321" {
		t.Fatalf("pincode %q", recs[8].MessagingIRI.Properties[0].Pincode)
	}
	if m.NoAudio != 1 {
		t.Fatalf("NoAudio = %d, want 1", m.NoAudio)
	}
	for i, r := range recs {
		if r.Identities[0].Value != "+15550199" {
			t.Fatalf("record %d identities %+v", i, r.Identities)
		}
		roundTrip(t, r)
	}
}

// TestVVMMachinePinChangeStatus: XCHANGE_TUI_PWD is a succeeded pin-change with the
// new PIN only on a tagged OK; NO and BAD give a failed pin-change without pincode.
func TestVVMMachinePinChangeStatus(t *testing.T) {
	for _, tc := range []struct {
		answer  string
		status  etsi.MessagingStatus
		pincode string
	}{
		{"a2 OK password changed\r\n", etsi.StatusOperationSucceeded, "4321"},
		{"a2 NO password too short\r\n", etsi.StatusOperationFailed, ""},
		{"a2 BAD Error in IMAP command XCHANGE_TUI_PWD: Unknown command.\r\n", etsi.StatusOperationFailed, ""},
	} {
		recs, _ := runVVM(t, []step{
			{FromClient, "a1 LOGIN 15550199 1234\r\n"}, {FromServer, "a1 OK\r\n"},
			{FromClient, "a2 XCHANGE_TUI_PWD PWD=4321 OLD_PWD=1234\r\n"}, {FromServer, tc.answer},
		})
		if len(recs) != 3 {
			t.Fatalf("%q: %d records, want login, pin-change, disconnect", tc.answer, len(recs))
		}
		iri := recs[1].MessagingIRI
		if *iri.Category.MessageBox != etsi.BoxPinChange || iri.Status != tc.status {
			t.Errorf("%q: %s", tc.answer, describeVVM(recs[1]))
		}
		var pin string
		for _, p := range iri.Properties {
			pin += string(p.Pincode)
		}
		if pin != tc.pincode {
			t.Errorf("%q: pincode %q, want %q", tc.answer, pin, tc.pincode)
		}
	}
}

// TestVVMMachineGreetingByHeader: an APPEND outside the Greetings folder is a
// greeting when the message says so (a greeting Message-Context, or only
// X-CNS-Greeting-Type as AOSP uploads it); any other APPEND is no VVM event.
func TestVVMMachineGreetingByHeader(t *testing.T) {
	plain := "Subject: note\r\n\r\ntext\r\n"
	byType := "X-CNS-Greeting-Type: extended-absence-greeting\r\nContent-Type: audio/amr\r\n\r\n#!AMR\n"
	byCNSContext := "X-CNS-Message-Context: x-voice-greeting-message\r\nContent-Type: audio/amr\r\n\r\n#!AMR\n"
	steps := []step{{FromClient, "a1 LOGIN 15550199 1234\r\n"}, {FromServer, "a1 OK\r\n"}}
	for i, msg := range []string{plain, byType, byCNSContext} {
		steps = append(steps,
			step{FromClient, fmt.Sprintf("b%d APPEND INBOX {%d+}\r\n%s\r\n", i, len(msg), msg)},
			step{FromServer, fmt.Sprintf("b%d OK\r\n", i)})
	}
	recs, _ := runVVM(t, steps)
	var got []string
	for _, r := range recs {
		got = append(got, describeVVM(r))
	}
	want := []string{
		"box " + etsi.BoxLogin.String() + " " + etsi.StatusOperationSucceeded.String(),
		"box " + etsi.BoxGreetingRecord.String() + " " + etsi.StatusOperationSucceeded.String(),
		"cc audio/amr 6",
		"box " + etsi.BoxGreetingChange.String() + " " + etsi.StatusOperationSucceeded.String(),
		"cc audio/amr 6",
		"box " + etsi.BoxDisconnect.String() + " " + etsi.StatusUnknown.String(),
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("records:\n got %q\nwant %q", got, want)
	}
	if gt := recs[1].MessagingIRI.Properties[0].GreetingType; gt == nil || *gt != etsi.GreetingAbsence {
		t.Fatalf("greeting type %v, want absence", gt)
	}
}

func TestVVMMachineNoLoginNoRecords(t *testing.T) {
	voice := vvmVoice("voice-message", []byte("#!AMR\nx"))
	recs, _ := runVVM(t, []step{
		{FromClient, "a1 LOGIN +15550199 bad\r\n"},
		{FromServer, "a1 NO auth failed\r\n"},
		{FromClient, "a3 FETCH 1 BODY[]\r\n"},
		{FromServer, fmt.Sprintf("* 1 FETCH (BODY[] {%d}\r\n%s)\r\na3 BAD\r\n", len(voice), voice)},
		{FromClient, "a8 XCHANGE_TUI_PWD PWD=4321 OLD_PWD=1234\r\n"},
		{FromServer, "a8 NO\r\n"},
	})
	if len(recs) != 0 {
		t.Fatalf("records without a login: %d", len(recs))
	}
}

func FuzzVVMMachine(f *testing.F) {
	voice := vvmVoice("voice-message", []byte("#!AMR\nabc"))
	f.Add(encodeFrames([]step{
		{FromClient, "a1 LOGIN u p\r\n"}, {FromServer, "a1 OK\r\n"},
		{FromServer, fmt.Sprintf("* 1 FETCH (UID 3 BODY[] {%d}\r\n%s)\r\n", len(voice), voice)},
		{FromClient, "a2 UID STORE 3 +FLAGS (\\Deleted)\r\na3 EXPUNGE\r\n"}, {FromServer, "a2 OK\r\na3 OK\r\n"},
		{FromClient, "a4 XCHANGE_TUI_PWD PWD=1 OLD_PWD=2\r\n"}, {FromServer, "a4 OK\r\n"},
	}))
	f.Add(encodeFrames([]step{
		{FromClient, "a0 STARTTLS\r\n"}, {FromServer, "a0 OK\r\n"},
		{FromClient, "a1 LOGIN u p\r\n"}, {FromServer, "a1 OK\r\n"},
		{FromClient, "a2 APPEND INBOX {52+}\r\nX-CNS-Greeting-Type: busy-greeting\r\nContent-Type: audio/amr\r\n\r\n#!\r\n"},
		{FromServer, "a2 OK\r\n"},
		{FromClient, "a4 XCHANGE_TUI_PWD PWD=1 OLD_PWD=2\r\n"}, {FromServer, "a4 BAD unknown\r\n"},
	}))
	f.Fuzz(func(t *testing.T, b []byte) {
		now := time.Unix(0, 0)
		m := NewVVM(SessionInfo{Source: "f", Key: "k"}, func(r *record.Record) {
			if r.MessagingIRI == nil && r.MessagingCC == nil {
				t.Fatal("empty record")
			}
		}, Options{})
		decodeFrames(b, func(d Direction, p []byte) { m.Feed(d, p, now) })
		m.End(now)
	})
}
