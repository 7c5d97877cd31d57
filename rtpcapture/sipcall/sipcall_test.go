package sipcall

import (
	"slices"
	"testing"

	"github.com/emiago/sipgo/sip"
	"github.com/umli/umli/rtpcapture"
	"github.com/umli/umli/rtpcapture/sdpinfo"
)

func TestSplitList(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`<sip:a@x>;index=1, <sip:b@y>;index=1.1`, []string{`<sip:a@x>;index=1`, `<sip:b@y>;index=1.1`}},
		{`"Doe, John" <sip:j@x?Reason=a,b>;reason=no-answer`, []string{`"Doe, John" <sip:j@x?Reason=a,b>;reason=no-answer`}},
		{` , ,`, nil},
		{`"unterminated, <sip:a@b>`, []string{`"unterminated, <sip:a@b>`}},
	}
	for _, tc := range tests {
		if got := SplitList(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("SplitList(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func invite(t *testing.T, raw string) *sip.Request {
	t.Helper()
	m, err := sip.ParseMessage([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	return m.(*sip.Request)
}

const inv = "INVITE sip:8000@um.example SIP/2.0\r\n" +
	"Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n" +
	"From: <sip:src@sbc.example>;tag=1\r\nTo: <sip:srs@umli.example>\r\nCall-ID: c-1\r\nCSeq: 1 INVITE\r\n" +
	"P-Asserted-Identity: <sip:+4930999@carrier.example>\r\n" +
	"Diversion: <sip:+4930222@carrier.example>;reason=busy, <sip:+4930111@carrier.example>;reason=no-answer\r\n" +
	"X-UUID: u-77\r\nContent-Length: 0\r\n\r\n"

func TestInfo(t *testing.T) {
	req := invite(t, inv)
	ci := Info(req, nil)
	if ci.CallID != "c-1" || ci.PlatformUUID != "u-77" || len(ci.Diversion) != 2 || ci.PAI != "<sip:+4930999@carrier.example>" {
		t.Fatalf("info = %+v", ci)
	}
	// Diversion lists the most recent first: the box is the original called party.
	p := ci.Classify(nil)
	if p.Mode != rtpcapture.ModeDeposit || p.Parties[1].Box != "+4930111@carrier.example" || p.CorrelationKey != "u-77" {
		t.Errorf("plan = %+v", p)
	}

	md := &sdpinfo.Metadata{Participants: []sdpinfo.Participant{
		{ID: "a", AORs: []string{"sip:2000@um.example"}, Sends: []string{"1"}},
		{ID: "b", AORs: []string{"sip:8000@um.example"}, Sends: []string{"2"}},
	}}
	ci = Info(req, md)
	if ci.From != "<sip:2000@um.example>" || ci.To != "<sip:8000@um.example>" || ci.PAI != "" {
		t.Fatalf("with metadata: %+v", ci)
	}
}

func TestSideOf(t *testing.T) {
	md := &sdpinfo.Metadata{Participants: []sdpinfo.Participant{
		{ID: "a", Sends: []string{"1"}}, {ID: "b", Sends: []string{"2"}},
	}}
	tests := []struct {
		st   sdpinfo.Stream
		pos  int
		md   *sdpinfo.Metadata
		side rtpcapture.Side
		ok   bool
	}{
		{sdpinfo.Stream{Label: "1"}, 1, md, rtpcapture.SideCaller, true},
		{sdpinfo.Stream{Label: "2"}, 0, md, rtpcapture.SideUM, true},
		{sdpinfo.Stream{Label: "9"}, 0, md, 0, false},
		{sdpinfo.Stream{}, 0, nil, rtpcapture.SideCaller, true},
		{sdpinfo.Stream{}, 1, nil, rtpcapture.SideUM, true},
	}
	for i, tc := range tests {
		side, ok := SideOf(tc.st, tc.pos, tc.md)
		if side != tc.side || ok != tc.ok {
			t.Errorf("case %d: %v %v, want %v %v", i, side, ok, tc.side, tc.ok)
		}
	}
}
