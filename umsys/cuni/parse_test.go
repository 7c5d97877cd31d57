package cuni

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

const sample = `<?xml version="1.0" ?><messageEvent subscriptionId="s1" eventType="NEW_MESSAGE" eventTime="11:15:40 PM 10/30/2008" mailboxId="abell" displayName="Alexander Bell" USN="2264"><messageInfo messageId="m1" receiveTime="04:15:40 PM 10/30/2008" uid="543" msgType="Voice" priority="Urgent-Priority" sender="null" callerAni="14085551234" /></messageEvent>`

func TestParseBackToBack(t *testing.T) {
	data, err := os.ReadFile("../translate/testdata/cuni/deposit-save-delete.xml")
	if err != nil {
		t.Fatal(err)
	}
	evs, err := Events(data, "cuc", time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 7 {
		t.Fatalf("events = %d, want 7", len(evs))
	}
	e := evs[0]
	for name, want := range map[string]string{"eventType": "NEW_MESSAGE", "mailboxId": "abell", "USN": "2264", "messageInfo.callerAni": "+14085551234", "messageInfo.priority": "Urgent-Priority"} {
		if got := e.Value(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if !bytes.HasPrefix(e.Raw, []byte("<messageEvent ")) || !bytes.HasSuffix(e.Raw, []byte("</messageEvent>")) {
		t.Errorf("raw = %q, want the messageEvent element", e.Raw)
	}
}

func TestParseRefuses(t *testing.T) {
	deep := "<messageEvent mailboxId=\"a\">" + strings.Repeat("<x>", 20) + strings.Repeat("</x>", 20) + "</messageEvent>"
	big := "<messageEvent mailboxId=\"a\" pad=\"" + strings.Repeat("A", 100<<10) + "\"></messageEvent>"
	tests := []struct {
		name, in string
		want     error
		contains string
	}{
		{"doctype", `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><messageEvent mailboxId="&lol;"/>`, ErrDoctype, ""},
		{"entity", `<messageEvent mailboxId="&lol;"></messageEvent>`, nil, "entity"},
		{"deep", deep, ErrTooDeep, ""},
		{"big", big, ErrTooLarge, ""},
		{"other root", `<soap:Envelope xmlns:soap="x"/>`, ErrNotMessageEvent, ""},
		{"truncated", sample[:len(sample)-10], nil, "offset"},
		{"mismatched", `<messageEvent><a></b></messageEvent>`, nil, "offset"},
		{"text", `hello`, nil, "text outside"},
		{"empty", ``, nil, "no messageEvent"},
		{"charset", `<?xml version="1.0" encoding="ISO-8859-1"?><messageEvent/>`, nil, "charset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Events([]byte(tt.in), "cuc", time.Time{})
			if err == nil {
				t.Fatal("accepted")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
			if tt.contains != "" && !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("err = %v, want it to mention %q", err, tt.contains)
			}
		})
	}
}
