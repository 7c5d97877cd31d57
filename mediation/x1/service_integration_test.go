package x1_test

import (
	"context"
	"github.com/umli/umli/internal/testlog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/secret"
	"github.com/umli/umli/mediation/warrant"
	"github.com/umli/umli/mediation/x1"
	"github.com/umli/umli/mediation/x1/x1test"
)

// TestRunService wires the whole X1 side the way `umli run` would: two instances on one
// Redis, one serving X1; both see a task provisioned through the other.
func TestRunService(t *testing.T) {
	srv := testredis.Start(t)
	pki := x1test.NewPKI(t)
	dir := t.TempDir()
	ring, err := secret.GenerateKeyring()
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "keys")
	if err := os.WriteFile(keyFile, []byte(ring), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := x1.RunService(context.Background(), x1.ServiceConfig{KeyringFile: keyFile}, nil, nil, zerolog.Nop(), nil, nil); err == nil || !strings.Contains(err.Error(), "audit log is required") {
		t.Fatalf("RunService without an audit log: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	var logs testlog.Buffer
	type inst struct {
		ch   chan []*warrant.Warrant
		done chan error
	}
	ctx, cancel := context.WithCancel(context.Background())
	start := func(listen, auditFile string) inst {
		rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
		t.Cleanup(func() { rdb.Close() })
		red := secret.NewRedactor(&logs)
		in := inst{ch: make(chan []*warrant.Warrant, 16), done: make(chan error, 1)}
		cfg := x1.ServiceConfig{Listen: listen, CertFile: pki.ServerCert, KeyFile: pki.ServerKey, ClientCAFile: pki.CA,
			KeyringFile: keyFile}
		al, err := audit.Open(auditFile, audit.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { al.Close() })
		go func() {
			in.done <- x1.RunService(ctx, cfg, al, rdb, zerolog.New(red), red, func(ws []*warrant.Warrant, _ int64) error {
				in.ch <- ws
				return nil
			})
		}()
		return in
	}
	a := start(addr, filepath.Join(dir, "a.jsonl"))
	b := start("", filepath.Join(dir, "b.jsonl"))
	defer func() {
		cancel()
		for _, in := range []inst{a, b} {
			if err := <-in.done; err != context.Canceled {
				t.Errorf("RunService returned %v", err)
			}
		}
	}()

	conf, err := x1.ClientTLSConfig(pki.ClientCert, pki.ClientKey, pki.CA)
	if err != nil {
		t.Fatal(err)
	}
	cl := x1.NewClient("https://"+addr+"/X1/NE", conf, x1.ClientOptions{})
	defer cl.Close()
	// The listener comes up asynchronously; Ping until it answers.
	deadline := time.Now().Add(30 * time.Second)
	for cl.Ping(ctx) != nil {
		if time.Now().After(deadline) {
			t.Fatal("X1 server never answered")
		}
		time.Sleep(20 * time.Millisecond)
	}
	did := x1.NewUUID()
	if err := cl.CreateDestination(ctx, x1.DestinationDetails{DID: did, FriendlyName: "lea-a", DeliveryType: "X2Only",
		DeliveryAddress: x1.DeliveryAddress{URI: "https://lea.example/hi2"}}); err != nil {
		t.Fatal(err)
	}
	xid := x1.NewUUID()
	if err := cl.ActivateTask(ctx, x1.TaskDetails{XID: xid, DeliveryType: "X2Only",
		TargetIdentifiers: x1.ListOfTargetIdentifiers{Targets: []x1.TargetIdentifier{{E164Number: "4930555000"}}},
		ListOfDIDs:        x1.ListOfDIDs{DIDs: []string{did}},
		MediationDetails:  &x1.ListOfMediationDetails{Details: []x1.MediationDetails{{LIID: "SVC-1", DeliveryType: "HI2Only"}}},
	}); err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string]inst{"serving": a, "following": b} {
		timeout := time.After(30 * time.Second)
		for found := false; !found; {
			select {
			case ws := <-in.ch:
				found = len(ws) == 1 && ws[0].LIID == "SVC-1" && ws[0].Destination == "lea-a" && ws[0].Scope == warrant.ScopeIRI
			case <-timeout:
				t.Fatalf("%s instance never saw the task", name)
			}
		}
	}
	f, err := os.Open(filepath.Join(dir, "a.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := audit.Verify(f)
	if err != nil || res.Entries < 3 {
		t.Fatalf("audit: %+v %v", res, err)
	}
	if strings.Contains(logs.String(), "4930555000") {
		t.Fatalf("target identity in logs: %s", logs.String())
	}
}
