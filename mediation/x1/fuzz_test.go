package x1

import (
	"strings"
	"testing"
)

// FuzzX1Request feeds arbitrary bytes through everything the server does with a request
// before touching the store: the bounded scan, decoding, header checks and task and
// destination validation. None of it may panic, and a document that decodes must
// survive re-encoding.
func FuzzX1Request(f *testing.F) {
	td := sampleTask(xidA, "LIID-1", didA)
	dd := sampleDest(didA, "lea-a")
	for _, m := range []Message{
		{TypeOut: "ActivateTaskRequest", TaskDetails: &td},
		{TypeOut: "CreateDestinationRequest", DestinationDetails: &dd},
		{TypeOut: "DeactivateTaskRequest", XID: xidA},
		{TypeOut: "PingRequest"},
	} {
		m.Header = header()
		m.X1TransactionID = NewUUID()
		b, err := EncodeRequest(&Request{Messages: []Message{m}})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(x1Open + "</X1Request>"))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "aaaa">]><X1Request>&a;</X1Request>`))
	f.Add([]byte(x1Open + strings.Repeat("<a>", 40)))
	f.Add([]byte(x1Open + `<x1RequestMessage xsi:type="x:ActivateTaskRequest"><taskDetails><targetIdentifiers><targetIdentifier><imsi>1</imsi></targetIdentifier></targetIdentifiers></taskDetails></x1RequestMessage></X1Request>`))
	s := &Server{opt: ServerOptions{NEIdentifier: "umli", Limits: DefaultLimits()}}
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := DecodeRequest(b, DefaultLimits())
		if err != nil {
			if _, msg := codeOf(err); msg == "" {
				t.Fatalf("error without message: %v", err)
			}
			return
		}
		for i := range req.Messages {
			m := &req.Messages[i]
			_ = s.checkHeader(m)
			if m.TaskDetails != nil {
				if task, err := ParseTask(m.TaskDetails); err == nil {
					_ = Warrants([]*Task{task}, nil)
					_ = task.Details()
				}
			}
			if m.DestinationDetails != nil {
				_, _ = ParseDestination(m.DestinationDetails)
			}
			m.TypeOut, m.TypeIn = localType(m.TypeIn), ""
			m.Unknown = nil
		}
		out, err := EncodeRequest(req)
		if err != nil {
			t.Fatalf("decoded request does not re-encode: %v", err)
		}
		if _, err := DecodeRequest(out, Limits{MaxBytes: 4 * len(out), MaxDepth: 64, MaxTokens: 1 << 20, MaxMessages: 1 << 16}); err != nil {
			t.Fatalf("re-encoded request does not decode: %v\n%s", err, out)
		}
	})
}
