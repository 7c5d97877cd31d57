package email

import (
	"bytes"
	"testing"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

func TestVVMBoxRecords(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	v := &vvmBox{source: "vvm-1", key: "k1", box: "+15550199"}
	audio := []byte("#!AMR\n\x3c\x00\xff")
	retr, rkey := v.message(etsi.EventRetrieve, "7", etsi.StatusOperationSucceeded, now)
	greet, gkey := v.greeting(etsi.BoxGreetingRecord, GreetingName, etsi.StatusOperationSucceeded, now)
	tests := []struct {
		name     string
		r        *record.Record
		boundary record.Boundary
		box      *etsi.MessagingBoxEvent
		msg      *etsi.MessagingEvent
		check    func(*etsi.MessagingIRI) bool
	}{
		{"login", v.boxEvent(etsi.BoxLogin, etsi.StatusOperationSucceeded, now), record.Open, ptr(etsi.BoxLogin), nil, nil},
		{"retrieve", retr, record.Continue, nil, ptr(etsi.EventRetrieve), func(i *etsi.MessagingIRI) bool { return string(i.Properties[0].MessageIdentifier) == "7" }},
		{"greeting", greet, record.Continue, ptr(etsi.BoxGreetingRecord), nil, func(i *etsi.MessagingIRI) bool { return *i.Properties[0].GreetingType == etsi.GreetingName }},
		{"pin", v.pinChange(VVMPinChange{New: "4321", Old: "1234"}, etsi.StatusOperationSucceeded, now), record.Continue, ptr(etsi.BoxPinChange), nil, func(i *etsi.MessagingIRI) bool { return string(i.Properties[0].Pincode) == "4321" }},
		{"logout", v.boxEvent(etsi.BoxLogout, etsi.StatusOperationSucceeded, now), record.Close, ptr(etsi.BoxLogout), nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.r.Boundary != tc.boundary {
				t.Fatalf("boundary %v, want %v", tc.r.Boundary, tc.boundary)
			}
			if len(tc.r.Identities) != 2 || tc.r.Identities[0] != (record.Identity{Kind: record.IdentityBoxID, Value: "+15550199"}) {
				t.Fatalf("identities %+v", tc.r.Identities)
			}
			got := roundTrip(t, tc.r).IRI[0].Contents.MessagingIRI
			if string(got.BoxIdentifier) != "+15550199" || got.SystemType != etsi.SystemUnifiedMessaging {
				t.Fatalf("box %q system %v", got.BoxIdentifier, got.SystemType)
			}
			if tc.box != nil && (got.Category.MessageBox == nil || *got.Category.MessageBox != *tc.box) {
				t.Fatalf("category %+v, want box %v", got.Category, *tc.box)
			}
			if tc.msg != nil && (got.Category.Message == nil || *got.Category.Message != *tc.msg) {
				t.Fatalf("category %+v, want message %v", got.Category, *tc.msg)
			}
			if tc.check != nil && !tc.check(got) {
				t.Fatalf("properties %+v", got.Properties)
			}
		})
	}
	cc := v.audioCC(rkey, "audio/amr", audio, etsi.DirectionToTarget, now)
	got := roundTrip(t, cc).CC[0].Contents.MessagingCC
	if !bytes.Equal(got.Content, audio) || got.ContentType != "audio/amr" || cc.EventKey != rkey || rkey == gkey {
		t.Fatalf("CC %q %q key %q (retrieve %q greeting %q)", got.Content, got.ContentType, cc.EventKey, rkey, gkey)
	}
	if lr := v.boxEvent(etsi.BoxLogin, etsi.StatusOperationSucceeded, now); lr.CloseEvent == nil || *lr.CloseEvent.Category.MessageBox != etsi.BoxDisconnect {
		t.Fatalf("login has no disconnect close event")
	}
}
