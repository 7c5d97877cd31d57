package x1

import (
	"testing"
	"time"
)

const (
	xidA = "11111111-2222-4333-8444-555555555555"
	xidB = "21111111-2222-4333-8444-555555555555"
	didA = "d1111111-2222-4333-8444-555555555555"
	didB = "d2111111-2222-4333-8444-555555555555"
)

func sampleTask(xid, liid, did string) TaskDetails {
	return TaskDetails{
		XID: xid,
		TargetIdentifiers: ListOfTargetIdentifiers{Targets: []TargetIdentifier{
			{E164Number: "4930123456"}, {EmailAddress: "alice@example.net"}, {SIPURI: "sip:+4930123456@um.example.net"},
			{TelURI: "tel:+4930123456"}, {IPv4Address: "192.0.2.7"}, {IPv6Address: "2001:0db8:0000:0000:0000:0000:0000:0007"},
		}},
		DeliveryType: "X2andX3",
		ListOfDIDs:   ListOfDIDs{DIDs: []string{did}},
		MediationDetails: &ListOfMediationDetails{Details: []MediationDetails{{
			LIID: liid, DeliveryType: "HI2andHI3",
			StartTime: FormatTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
			EndTime:   FormatTime(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)),
		}}},
	}
}

func sampleDest(did, name string) DestinationDetails {
	return DestinationDetails{DID: did, FriendlyName: name, DeliveryType: "X2andX3", DeliveryAddress: DeliveryAddress{
		IPAddressAndPort: &IPAddressPort{Address: IPAddress{IPv4Address: "127.0.0.1"}, Port: Port{TCPPort: "6000"}},
	}}
}

func header() Header {
	return Header{AdmfIdentifier: "admf", NeIdentifier: "umli", MessageTimestamp: FormatTime(time.Now()), Version: Version}
}

// TestRequestsValidate renders every request type umli's client builds and checks each
// against the ETSI schema with xmllint.
func TestRequestsValidate(t *testing.T) {
	td := sampleTask(xidA, "LIID-1", didA)
	dd := sampleDest(didA, "lea-a")
	msgs := []Message{
		{TypeOut: "ActivateTaskRequest", TaskDetails: &td},
		{TypeOut: "ModifyTaskRequest", TaskDetails: &td},
		{TypeOut: "DeactivateTaskRequest", XID: xidA},
		{TypeOut: "DeactivateAllTasksRequest"},
		{TypeOut: "GetTaskDetailsRequest", XID: xidA},
		{TypeOut: "GetAllDetailsRequest"},
		{TypeOut: "CreateDestinationRequest", DestinationDetails: &dd},
		{TypeOut: "ModifyDestinationRequest", DestinationDetails: &dd},
		{TypeOut: "RemoveDestinationRequest", DID: didA},
		{TypeOut: "GetDestinationDetailsRequest", DID: didA},
		{TypeOut: "PingRequest"},
		{TypeOut: "KeepaliveRequest"},
	}
	for i := range msgs {
		msgs[i].Header = header()
		msgs[i].X1TransactionID = NewUUID()
	}
	doc := encodeValid(t, msgs)
	back, err := DecodeRequest(doc, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Messages) != len(msgs) {
		t.Fatalf("decoded %d messages, want %d", len(back.Messages), len(msgs))
	}
	for i, m := range back.Messages {
		if localType(m.TypeIn) != msgs[i].TypeOut {
			t.Errorf("message %d: type %q, want %q", i, m.TypeIn, msgs[i].TypeOut)
		}
	}
	got, err := ParseTask(back.Messages[0].TaskDetails)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Targets) != 6 || got.Mediation[0].LIID != "LIID-1" || got.Mediation[0].DID != didA {
		t.Fatalf("round trip lost data: %+v", got)
	}
	d, err := ParseDestination(back.Messages[6].DestinationDetails)
	if err != nil || d.Address.IPAddressAndPort.Port.TCPPort != "6000" || d.FriendlyName != "lea-a" {
		t.Fatalf("destination round trip: %+v %v", d, err)
	}
}

// TestSchemaCheckBites makes sure the xmllint check rejects what it should, so a pass
// above means something.
func TestSchemaCheckBites(t *testing.T) {
	td := sampleTask(xidA, "LIID with spaces that is far too long for the pattern", didA)
	m := Message{TypeOut: "ActivateTaskRequest", Header: header(), X1TransactionID: NewUUID(), TaskDetails: &td}
	doc, err := EncodeRequest(&Request{Messages: []Message{m}})
	if err != nil {
		t.Fatal(err)
	}
	if xsdErr(t, doc) == nil {
		t.Fatal("xmllint accepted an over-long LIID")
	}
	m = Message{TypeOut: "PingRequest", Header: header(), X1TransactionID: "NOT-A-UUID"}
	doc, _ = EncodeRequest(&Request{Messages: []Message{m}})
	if xsdErr(t, doc) == nil {
		t.Fatal("xmllint accepted a bad transaction id")
	}
}
