package x1cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation/secret"
	"github.com/umli/umli/mediation/x1/x1test"
)

const (
	xid = "11111111-2222-4333-8444-555555555555"
	did = "d1111111-2222-4333-8444-555555555555"
)

func TestCLIProvisions(t *testing.T) {
	srv := testredis.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	x := x1test.Start(t, rdb, x1test.Options{})
	targets := filepath.Join(t.TempDir(), "targets")
	if err := os.WriteFile(targets, []byte("# target list\ne164 +4930123456\nemail alice@example.net\nsip sip:alice@um.example.net\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	conn := []string{"--url", x.URL, "--cert", x.PKI.ClientCert, "--key", x.PKI.ClientKey, "--ca", x.PKI.CA}
	steps := []struct {
		args   []string
		rc     int
		stdout string
		stderr string
	}{
		{[]string{"ping"}, 0, "ping", ""},
		{[]string{"keepalive"}, 0, "keepalive", ""},
		{[]string{"dest-create", "--did", did, "--name", "lea-a", "--addr", "127.0.0.1:6000"}, 0, "destination " + did + " created", ""},
		{[]string{"activate", "--xid", xid, "--liid", "LIID-1", "--did", did, "--targets-file", targets, "--ipv6", "2001:db8::7",
			"--start", "2026-01-01T00:00:00Z", "--end", "2027-01-01T00:00:00Z"}, 0, "task " + xid + " activated", ""},
		{[]string{"activate", "--xid", xid, "--liid", "LIID-1", "--did", did, "--e164", "4930999"}, 1, "", "error 2010"},
		{[]string{"list"}, 0, "task " + xid + " targets=4 dids=" + did + " liids=LIID-1/HI2andHI3[2026-01-01T00:00:00.000000Z..2027-01-01T00:00:00.000000Z]", ""},
		{[]string{"get", "--xid", xid}, 0, "<emailAddress>alice@example.net</emailAddress>", ""},
		{[]string{"get", "--did", did}, 0, "<friendlyName>lea-a</friendlyName>", ""},
		{[]string{"modify", "--xid", xid, "--liid", "LIID-1", "--did", did, "--delivery", "hi2", "--e164", "4930123456"}, 0, "modified", ""},
		{[]string{"deactivate", "--xid", xid}, 0, "deactivated", ""},
		{[]string{"deactivate", "--xid", xid}, 1, "", "error 2020"},
		{[]string{"deactivate", "--all"}, 0, "all tasks deactivated", ""},
		{[]string{"dest-remove", "--did", did}, 0, "removed", ""},
		{[]string{"activate", "--liid", "L"}, 2, "", "--liid and --did are required"},
		{[]string{"frobnicate"}, 2, "", "unknown command"},
	}
	for _, st := range steps {
		var out, errb bytes.Buffer
		rc := run(context.Background(), append(append([]string{}, conn...), st.args...), &out, &errb)
		if rc != st.rc || !strings.Contains(out.String(), st.stdout) || !strings.Contains(errb.String(), st.stderr) {
			t.Fatalf("umli x1 %v: rc %d\nstdout: %s\nstderr: %s", st.args, rc, out.String(), errb.String())
		}
	}
	n, err := x.Store.Tasks(context.Background())
	if err != nil || len(n) != 0 {
		t.Fatalf("tasks left: %d %v", len(n), err)
	}
}

func TestCLIExpiredCertificate(t *testing.T) {
	srv := testredis.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	x := x1test.Start(t, rdb, x1test.Options{})
	var out, errb bytes.Buffer
	rc := run(context.Background(), []string{"--url", x.URL, "--cert", x.PKI.ExpiredCert, "--key", x.PKI.ExpiredKey, "--ca", x.PKI.CA, "ping"}, &out, &errb)
	if rc != 1 || !strings.Contains(errb.String(), "umli x1 ping:") {
		t.Fatalf("expired certificate: rc %d stderr %s", rc, errb.String())
	}
	b, err := os.ReadFile(x.AuditPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"actor":"CN=admf-expired"`) || !strings.Contains(string(b), "expired") {
		t.Fatalf("refusal not audited: %s", b)
	}
}

func TestCLIUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if rc := Main(nil, &out, &errb); rc != 2 || !strings.Contains(errb.String(), "usage: umli x1") {
		t.Fatalf("rc %d: %s", rc, errb.String())
	}
	out.Reset()
	if rc := Main([]string{"keyring"}, &out, &errb); rc != 0 || !strings.Contains(out.String(), "\nenc k1 ") || !strings.Contains(out.String(), "\nmac m1 ") {
		t.Fatalf("keyring: rc %d: %s", rc, out.String())
	}
	if _, err := secret.ParseKeyring(out.String(), "stdout"); err != nil {
		t.Fatalf("printed keyring does not parse: %v", err)
	}
	errb.Reset()
	if rc := Main([]string{"ping"}, &out, &errb); rc != 2 || !strings.Contains(errb.String(), "mutual TLS") {
		t.Fatalf("rc %d: %s", rc, errb.String())
	}
}
