package x1

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// post sends a raw document and returns the HTTP status and body.
// postOK posts doc and returns the decoded response, which must come with HTTP
// 200 and be valid against the XSD.
func (e *env) postOK(t *testing.T, doc []byte) *Response {
	t.Helper()
	status, body := e.post(t, doc)
	if status != http.StatusOK {
		t.Fatalf("HTTP %d: %s", status, body)
	}
	validateXSD(t, body)
	resp, err := DecodeResponse(body, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func (e *env) post(t *testing.T, body []byte) (int, []byte) {
	t.Helper()
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: e.pki.clientTLS(&e.pki.client)}, Timeout: 30 * time.Second}
	defer hc.CloseIdleConnections()
	res, err := hc.Post(e.url, "application/xml", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, b
}

// roundTrip sends msgs, validates request and response against the schema and returns
// the decoded response messages.
func (e *env) roundTrip(t *testing.T, msgs ...Message) []Message {
	t.Helper()
	for i := range msgs {
		if msgs[i].X1TransactionID == "" {
			msgs[i].Header = header()
			msgs[i].X1TransactionID = NewUUID()
		}
	}
	resp := e.postOK(t, encodeValid(t, msgs))
	if len(resp.Messages) != len(msgs) {
		t.Fatalf("%d responses for %d requests", len(resp.Messages), len(msgs))
	}
	for i, m := range resp.Messages {
		if m.X1TransactionID != msgs[i].X1TransactionID {
			t.Fatalf("response %d: transaction id %s, want %s", i, m.X1TransactionID, msgs[i].X1TransactionID)
		}
	}
	return resp.Messages
}

var secrets = []string{"4930123456", "alice@example.net", "192.0.2.7", "2001:db8::7", "2001:0db8:0000:0000:0000:0000:0000:0007"}

func TestProvisionOverMutualTLS(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client(t, &e.pki.client)

	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Keepalive(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateDestination(ctx, sampleDest(didA, "lea-a")); err != nil {
		t.Fatal(err)
	}
	if err := c.ActivateTask(ctx, sampleTask(xidA, "LIID-1", didA)); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetTaskDetails(ctx, xidA)
	if err != nil {
		t.Fatal(err)
	}
	want := sampleTask(xidA, "LIID-1", didA)
	if g, w := mustXML(t, got.TaskDetails), mustXML(t, want); g != w {
		t.Fatalf("GetTaskDetails returned\n%s\nwant\n%s", g, w)
	}
	if got.TaskStatus.ProvisioningStatus != "complete" || *got.TaskStatus.NumberOfModifications != 0 {
		t.Fatalf("status %+v", got.TaskStatus)
	}

	mod := sampleTask(xidA, "LIID-1", didA)
	mod.MediationDetails.Details[0].EndTime = FormatTime(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	if err := c.ModifyTask(ctx, mod); err != nil {
		t.Fatal(err)
	}
	got, err = c.GetTaskDetails(ctx, xidA)
	if err != nil {
		t.Fatal(err)
	}
	if got.TaskDetails.MediationDetails.Details[0].EndTime != "2026-06-01T00:00:00.000000Z" || *got.TaskStatus.NumberOfModifications != 1 {
		t.Fatalf("modify not applied: %+v", got)
	}
	dd, err := c.GetDestinationDetails(ctx, didA)
	if err != nil || dd.DestinationDetails.FriendlyName != "lea-a" {
		t.Fatalf("destination: %+v %v", dd, err)
	}
	all, err := c.GetAllDetails(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all.ListOfTaskResponseDetails.Tasks) != 1 || len(all.ListOfDestinationResponseDetails.Destinations) != 1 {
		t.Fatalf("GetAllDetails: %+v", all)
	}

	// Schema validity of every response type, through the raw path.
	td := sampleTask(xidB, "LIID-2", didA)
	resps := e.roundTrip(t,
		Message{TypeOut: "ActivateTaskRequest", TaskDetails: &td},
		Message{TypeOut: "GetTaskDetailsRequest", XID: xidB},
		Message{TypeOut: "GetAllDetailsRequest"},
		Message{TypeOut: "GetDestinationDetailsRequest", DID: didA},
		Message{TypeOut: "DeactivateTaskRequest", XID: xidB},
		Message{TypeOut: "PingRequest"},
	)
	for i, r := range resps {
		if r.ErrorInformation != nil {
			t.Fatalf("response %d: error %+v", i, r.ErrorInformation)
		}
	}

	// The store holds no clear identity, anywhere.
	assertRedisClean(t, e)

	if err := c.DeactivateTask(ctx, xidA); err != nil {
		t.Fatal(err)
	}
	var re *ResponseError
	if _, err := c.GetTaskDetails(ctx, xidA); !asResponseError(err, &re) || re.Code != CodeXIDUnknown {
		t.Fatalf("deactivated task still there: %v", err)
	}
	if err := c.RemoveDestination(ctx, didA); err != nil {
		t.Fatal(err)
	}

	lines := e.auditLines(t)
	for _, want := range []string{`"actor":"CN=admf-1,O=umli test"`, `"action":"ActivateTask"`, `"action":"ModifyTask"`,
		`"action":"DeactivateTask"`, `"liids":"LIID-1"`, `"action":"RemoveDestination"`, `"action":"Ping"`} {
		if !strings.Contains(lines, want) {
			t.Errorf("audit log lacks %s", want)
		}
	}
	for _, s := range secrets {
		if strings.Contains(lines, s) {
			t.Errorf("audit log contains target identity %q", s)
		}
		if strings.Contains(e.logs.String(), s) {
			t.Errorf("log contains target identity %q", s)
		}
	}
	if !strings.Contains(e.logs.String(), "x1: request done") {
		t.Fatalf("no request logged: %s", e.logs.String())
	}
}

func mustXML(t *testing.T, v any) string {
	t.Helper()
	b, err := xml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func asResponseError(err error, re **ResponseError) bool {
	r, ok := err.(*ResponseError)
	if ok {
		*re = r
	}
	return ok
}

func assertRedisClean(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	keys, err := e.rdb.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) == 0 {
		t.Fatal("store is empty")
	}
	for _, k := range keys {
		var vals []string
		switch typ, _ := e.rdb.Type(ctx, k).Result(); typ {
		case "string":
			v, _ := e.rdb.Get(ctx, k).Result()
			vals = []string{v}
		case "set":
			vals, _ = e.rdb.SMembers(ctx, k).Result()
		}
		for _, v := range append(vals, k) {
			for _, s := range secrets {
				if strings.Contains(strings.ToLower(v), strings.ToLower(s)) {
					t.Errorf("redis key %s holds target identity %q", k, s)
				}
			}
		}
	}
}

func TestClientWithoutValidCertificateRefused(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name   string
		cert   *tls.Certificate
		reason string
	}{
		{"no certificate", nil, "no client certificate presented"},
		{"unknown CA", &e.pki.stranger, "unknown authority"},
		{"expired", &e.pki.expired, "expired"},
		{"not for client auth", &e.pki.serverOnly, "incompatible key usage"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := e.client(t, tc.cert)
			err := c.Ping(context.Background())
			if err == nil {
				t.Fatal("server answered a client without a valid certificate")
			}
			line := lastLine(e.auditLines(t))
			if !strings.Contains(line, `"action":"TLSHandshake"`) || !strings.Contains(line, `"result":"refused"`) || !strings.Contains(line, tc.reason) {
				t.Fatalf("refusal not audited as expected: %s", line)
			}
		})
	}
	// The server still serves a valid client afterwards.
	if err := e.client(t, &e.pki.client).Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}
