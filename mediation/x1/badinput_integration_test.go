package x1

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

const x1Open = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<X1Request xmlns="http://uri.etsi.org/03221/X1/2017/10" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`

func TestMalformedDocumentsGetTopLevelError(t *testing.T) {
	e := newEnv(t)
	ping := encodeOne(t, Message{TypeOut: "PingRequest"})
	tests := []struct {
		name   string
		body   string
		status int
		reason string
	}{
		{"truncated", x1Open + `<x1RequestMessage xsi:type="PingRequest"><admfIdentifier>admf`, 400, "document ends inside an element"},
		{"not xml", "hello", 400, "text outside the root element"},
		{"empty", "", 400, "no root element"},
		{"billion laughs", `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><X1Request>&lol2;</X1Request>`, 400, "DOCTYPE"},
		{"external entity", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><X1Request>&e;</X1Request>`, 400, "DOCTYPE"},
		{"undeclared entity", x1Open + `&e;</X1Request>`, 400, "not well-formed XML"},
		{"deep nesting", x1Open + strings.Repeat("<a>", 10000) + strings.Repeat("</a>", 10000) + "</X1Request>", 400, "nested deeper than 32"},
		{"huge body", x1Open + "<!--" + strings.Repeat("x", 2<<20) + "-->" + "</X1Request>", 413, "request over 1048576 bytes"},
		{"many tokens", x1Open + strings.Repeat("<a/>", 60000) + "</X1Request>", 400, "more than 100000 XML tokens"},
		{"wrong root", strings.Replace(ping, "X1Request", "X2Request", 2), 400, "not an X1Request document"},
		{"wrong namespace", strings.Replace(ping, "03221/X1/2017/10", "03221/X1/2099/10", 1), 400, "not an X1Request document"},
		{"two roots", ping + "<X1Request/>", 400, "second root element"},
		{"no messages", x1Open + "</X1Request>", 400, "holds no x1RequestMessage"},
		{"latin-1", strings.Replace(ping, "UTF-8", "ISO-8859-1", 1), 400, "not well-formed XML"},
		{"mismatched end tag", strings.Replace(ping, "</admfIdentifier>", "</neIdentifier>", 1), 400, "not an X1Request document"},
		{"processing instruction", strings.Replace(ping, "<X1Request", "<?evil x?><X1Request", 1), 400, "processing instruction"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := e.post(t, []byte(tc.body))
			if status != tc.status {
				t.Fatalf("HTTP %d, want %d: %s", status, tc.status, body)
			}
			if !strings.Contains(string(body), "X1TopLevelErrorResponse") {
				t.Fatalf("not a top-level error response: %s", body)
			}
			validateXSD(t, body)
			line := lastLine(e.auditLines(t))
			if !strings.Contains(line, `"result":"rejected"`) || !strings.Contains(line, tc.reason) || !strings.Contains(line, "CN=admf-1") {
				t.Fatalf("audit entry %s, want rejection naming %q", line, tc.reason)
			}
		})
	}
	if err := e.client(t, &e.pki.client).Ping(context.Background()); err != nil {
		t.Fatalf("server no longer serves after bad input: %v", err)
	}
}

func encodeOne(t *testing.T, m Message) string {
	t.Helper()
	m.Header = header()
	m.X1TransactionID = NewUUID()
	b, err := EncodeRequest(&Request{Messages: []Message{m}})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestBadRequestsGetErrorResponse(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client(t, &e.pki.client)
	for _, d := range []DestinationDetails{sampleDest(didA, "lea-a"), sampleDest(didB, "")} {
		if err := c.CreateDestination(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.ActivateTask(ctx, sampleTask(xidA, "LIID-1", didA)); err != nil {
		t.Fatal(err)
	}
	task := func(mut func(*TaskDetails)) string {
		td := sampleTask(xidB, "LIID-2", didB)
		mut(&td)
		return encodeOne(t, Message{TypeOut: "ActivateTaskRequest", TaskDetails: &td})
	}
	tests := []struct {
		name string
		body string
		code Code
		rmt  string
	}{
		{"unknown target type", strings.Replace(task(func(*TaskDetails) {}), "<e164Number>4930123456</e164Number>", "<imsi>262011234567890</imsi>", 1), CodeUnsupportedTarget, "ActivateTask"},
		{"bad e164", task(func(td *TaskDetails) { td.TargetIdentifiers.Targets[0].E164Number = "+49 30 abc" }), CodeBadTarget, "ActivateTask"},
		{"bad sip", task(func(td *TaskDetails) { td.TargetIdentifiers.Targets[2].SIPURI = "mailto:x@y" }), CodeBadTarget, "ActivateTask"},
		{"two identifiers in one", task(func(td *TaskDetails) { td.TargetIdentifiers.Targets[0].EmailAddress = "b@c.d" }), CodeBadTarget, "ActivateTask"},
		{"no targets", task(func(td *TaskDetails) { td.TargetIdentifiers.Targets = nil }), CodeBadTarget, "ActivateTask"},
		{"duplicate XId", task(func(td *TaskDetails) { td.XID = xidA }), CodeXIDExists, "ActivateTask"},
		{"overlapping LIID", task(func(td *TaskDetails) { td.MediationDetails.Details[0].LIID = "LIID-1" }), CodeLIIDInUse, "ActivateTask"},
		{"LIID twice in task", task(func(td *TaskDetails) {
			td.MediationDetails.Details = append(td.MediationDetails.Details, td.MediationDetails.Details[0])
		}), CodeLIIDInUse, "ActivateTask"},
		{"unknown destination", task(func(td *TaskDetails) { td.ListOfDIDs.DIDs = []string{"d9999999-2222-4333-8444-555555555555"} }), CodeDIDUnknownForTask, "ActivateTask"},
		{"HI3Only", task(func(td *TaskDetails) { td.MediationDetails.Details[0].DeliveryType = "HI3Only" }), CodeBadMediation, "ActivateTask"},
		{"HI2andHI3 over X2Only", task(func(td *TaskDetails) { td.DeliveryType = "X2Only" }), CodeBadMediation, "ActivateTask"},
		{"no mediation details", task(func(td *TaskDetails) { td.MediationDetails = nil }), CodeBadMediation, "ActivateTask"},
		{"end before start", task(func(td *TaskDetails) {
			td.MediationDetails.Details[0].EndTime = "2025-01-01T00:00:00.000000Z"
		}), CodeBadMediation, "ActivateTask"},
		{"bad time", task(func(td *TaskDetails) { td.MediationDetails.Details[0].StartTime = "yesterday" }), CodeBadMediation, "ActivateTask"},
		{"bad LIID", task(func(td *TaskDetails) { td.MediationDetails.Details[0].LIID = "has space" }), CodeBadMediation, "ActivateTask"},
		{"hex LIID over 25", task(func(td *TaskDetails) { td.MediationDetails.Details[0].LIID = strings.Repeat("ab", 15) }), CodeBadMediation, "ActivateTask"},
		{"two destinations", task(func(td *TaskDetails) { td.ListOfDIDs.DIDs = []string{didA, didB} }), CodeBadMediation, "ActivateTask"},
		{"upper-case XId", task(func(td *TaskDetails) { td.XID = "ABCDEF11-2222-4333-8444-555555555555" }), CodeBadIdentifier, "ActivateTask"},
		{"modify with bad mediation", strings.Replace(task(func(td *TaskDetails) { td.XID = xidA; td.MediationDetails = nil }), "ActivateTaskRequest", "ModifyTaskRequest", 1), CodeModifyFailed, "ModifyTask"},
		{"modify unknown", strings.Replace(task(func(*TaskDetails) {}), "ActivateTaskRequest", "ModifyTaskRequest", 1), CodeXIDUnknown, "ModifyTask"},
		{"deactivate unknown", encodeOne(t, Message{TypeOut: "DeactivateTaskRequest", XID: xidB}), CodeXIDUnknown, "DeactivateTask"},
		{"get unknown", encodeOne(t, Message{TypeOut: "GetTaskDetailsRequest", XID: xidB}), CodeXIDUnknown, "GetTaskDetails"},
		{"remove destination in use", encodeOne(t, Message{TypeOut: "RemoveDestinationRequest", DID: didA}), CodeDIDInUse, "RemoveDestination"},
		{"duplicate destination", encodeOne(t, Message{TypeOut: "CreateDestinationRequest", DestinationDetails: ptr(sampleDest(didA, "x"))}), CodeDIDExists, "CreateDestination"},
		{"modify unknown destination", encodeOne(t, Message{TypeOut: "ModifyDestinationRequest", DestinationDetails: ptr(sampleDest("d9999999-2222-4333-8444-555555555555", "x"))}), CodeDIDUnknown, "ModifyDestination"},
		{"destination without address", encodeOne(t, Message{TypeOut: "CreateDestinationRequest", DestinationDetails: &DestinationDetails{DID: "d3111111-2222-4333-8444-555555555555", DeliveryType: "X2Only"}}), CodeBadDestination, "CreateDestination"},
		{"unsupported request", encodeOne(t, Message{TypeOut: "GetNEStatusRequest"}), CodeUnsupportedRequest, "GetNEStatus"},
		{"made-up request", encodeOne(t, Message{TypeOut: "SelfDestructRequest"}), CodeUnsupportedRequest, "ExtendedRequestMessageType"},
		{"bad version", strings.Replace(encodeOne(t, Message{TypeOut: "PingRequest"}), Version, "v2.0.0", 1), CodeVersion, "Ping"},
		{"wrong NE", strings.Replace(encodeOne(t, Message{TypeOut: "PingRequest"}), "<neIdentifier>umli<", "<neIdentifier>other<", 1), CodeSyntax, "Ping"},
		{"bad transaction id", strings.Replace(encodeOne(t, Message{TypeOut: "PingRequest"}), "<x1TransactionId>", "<x1TransactionId>X", 1), CodeBadIdentifier, "Ping"},
		{"unexpected element", strings.Replace(encodeOne(t, Message{TypeOut: "PingRequest"}), "</x1TransactionId>", "</x1TransactionId><xId>"+xidA+"</xId><bogus/>", 1), CodeSyntax, "Ping"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := e.postOK(t, []byte(tc.body))
			m := resp.Messages[0]
			if localType(m.TypeIn) != "ErrorResponse" || m.ErrorInformation == nil {
				t.Fatalf("not an ErrorResponse: %+v", m)
			}
			if Code(m.ErrorInformation.ErrorCode) != tc.code || m.RequestMessageType != tc.rmt {
				t.Fatalf("code %d type %s (%s), want %d %s", m.ErrorInformation.ErrorCode, m.RequestMessageType, m.ErrorInformation.ErrorDescription, tc.code, tc.rmt)
			}
			line := lastLine(e.auditLines(t))
			if !strings.Contains(line, `"result":"error"`) || !strings.Contains(line, `"code":"`+itoa(int(tc.code))+`"`) {
				t.Fatalf("audit entry %s", line)
			}
			for _, s := range secrets {
				if strings.Contains(line, s) || strings.Contains(m.ErrorInformation.ErrorDescription, s) {
					t.Fatalf("identity %q leaked into audit or error description", s)
				}
			}
		})
	}
	// Nothing above changed the provisioned state.
	all, err := c.GetAllDetails(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(all.ListOfTaskResponseDetails.Tasks); n != 1 {
		t.Fatalf("%d tasks after rejected requests, want 1", n)
	}
	for _, s := range secrets {
		if strings.Contains(e.logs.String(), s) {
			t.Errorf("log contains target identity %q", s)
		}
	}
}

func TestMixedBatchAnsweredPerMessage(t *testing.T) {
	e := newEnv(t)
	dd := sampleDest(didA, "lea-a")
	td := sampleTask(xidA, "LIID-1", didA)
	resps := e.roundTrip(t,
		Message{TypeOut: "CreateDestinationRequest", DestinationDetails: &dd},
		Message{TypeOut: "ActivateTaskRequest", TaskDetails: &td},
		Message{TypeOut: "ActivateTaskRequest", TaskDetails: &td},
		Message{TypeOut: "PingRequest"},
	)
	want := []string{"CreateDestinationResponse", "ActivateTaskResponse", "ErrorResponse", "PingResponse"}
	for i, r := range resps {
		if localType(r.TypeIn) != want[i] {
			t.Errorf("response %d is %s, want %s", i, r.TypeIn, want[i])
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestCheckDestinationHook(t *testing.T) {
	e := newEnvWith(t, func(o *ServerOptions) {
		o.CheckDestination = func(d *Destination) error {
			if d.FriendlyName != "lea-a" {
				return fmt.Errorf("friendlyName %q is not a configured destination", d.FriendlyName)
			}
			return nil
		}
	})
	c := e.client(t, &e.pki.client)
	ctx := context.Background()
	if err := c.CreateDestination(ctx, sampleDest(didA, "lea-a")); err != nil {
		t.Fatal(err)
	}
	err := c.CreateDestination(ctx, sampleDest(didB, "nowhere"))
	var re *ResponseError
	if !asResponseError(err, &re) || re.Code != CodeBadDestination || !strings.Contains(re.Description, `"nowhere" is not a configured destination`) {
		t.Fatalf("unconfigured destination accepted or wrong error: %v", err)
	}
}

// TestStoreDownGivesStorageError stops redis-server under a running X1 server: requests
// that need the store get the generic error 1000, Ping still answers, and nothing crashes.
func TestStoreDownGivesStorageError(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, &e.pki.client)
	ctx := context.Background()
	e.redis.Stop()
	var re *ResponseError
	if err := c.CreateDestination(ctx, sampleDest(didA, "lea-a")); !asResponseError(err, &re) || re.Code != CodeStorage {
		t.Fatalf("create destination with Redis down: %v", err)
	}
	if _, err := c.GetAllDetails(ctx); !asResponseError(err, &re) || re.Code != CodeStorage {
		t.Fatalf("GetAllDetails with Redis down: %v", err)
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("ping with Redis down: %v", err)
	}
	if line := lastLine(e.auditLines(t)); !strings.Contains(line, `"action":"Ping"`) {
		t.Fatalf("last audit entry %s", line)
	}
	if !strings.Contains(e.auditLines(t), `"code":"1000"`) {
		t.Fatal("storage failure not audited")
	}
}
