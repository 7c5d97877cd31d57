package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/mediation/pducheck"
	"github.com/umli/umli/mediation/x1"
	"github.com/umli/umli/simulators/lemf"
	"github.com/umli/umli/simulators/umsim"
)

// wholeSystem is one `umli run` with every part it needs running for real: redis-server,
// the LEMF simulator, the UM simulator (FreeSWITCH ESL and Asterisk AMI), X1 over mutual TLS.
type wholeSystem struct {
	*rig
	cfgPath, x1URL, auditPath string
	pki                       *x1.DemoPKI
	um                        *umsim.UM
	umli                      *runningUMLI
}

// startWholeSystem writes a configuration with an ESL feed, X1 and audit, and starts umli.
func startWholeSystem(t *testing.T) *wholeSystem {
	t.Helper()
	s := &wholeSystem{rig: startRig(t, buildUMLI(t))}
	contentDir := filepath.Join(s.dir, "content")
	const eslPassword = "not-the-default-7Qx"
	if err := os.MkdirAll(contentDir, 0o700); err != nil {
		t.Fatal(err)
	}
	s.um = startUM(t, umsim.Config{ContentDir: contentDir, Password: eslPassword})
	var err error
	if s.pki, err = x1.GenerateDemoPKI(s.dir, time.Hour); err != nil {
		t.Fatal(err)
	}
	keyring := filepath.Join(s.dir, "keyring")
	var out, errb bytes.Buffer
	if code := dispatch([]string{"x1", "keyring"}, nil, &out, &errb); code != 0 {
		t.Fatalf("umli x1 keyring: %d %s", code, errb.String())
	}
	writeFile(t, keyring, out.String())
	pwFile := filepath.Join(s.dir, "esl.pass")
	writeFile(t, pwFile, eslPassword+"\n")
	s.auditPath = filepath.Join(s.dir, "audit.log")
	x1Addr := freeAddr(t)
	s.x1URL = "https://" + x1Addr + "/X1/NE"
	s.cfgPath = s.config(t, "whole-1", "OP-WHOLE", fmt.Sprintf(`log: {level: debug}
sessions: {idleTimeout: 1m, sweepInterval: 100ms}
handover: {keepAlive: 1s, keepAliveTimeout: 2s}
warrants:
  - liid: WHOLE-1
    destination: lea
    scope: iri+cc
    start: 2020-01-01T00:00:00Z
    targets: [{boxID: "1000@um.example.net"}, {e164: "+4917012345678"}]
umsys:
  systemID: um-test
  content: {roots: [{prefix: "%s"}]}
  esl:
    - {source: fs-um-1, addr: "%s", passwordFile: "%s"}
  ami:
    - {source: ast-um-1, addr: "%s", username: umli, secretFile: "%s"}
x1:
  listen: "%s"
  cert: "%s"
  key: "%s"
  clientCA: "%s"
  keyringFile: "%s"
  neIdentifier: umli-test
audit: {file: "%s"}
`, contentDir, s.um.Addrs().ESL, pwFile, s.um.Addrs().AMI, pwFile, x1Addr,
		s.pki.ServerCert, s.pki.ServerKey, s.pki.CA, keyring, s.auditPath))
	s.umli = startConfig(t, s.bin, s.cfgPath)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := s.um.WaitSubscribers(ctx, 1, 1); err != nil {
		t.Fatalf("umli did not subscribe over ESL and AMI: %v\n%s", err, s.umli.stderr.String())
	}
	return s
}

// stop ends umli with SIGTERM and the LEMF after it; umli must exit 0.
func (s *wholeSystem) stop(t *testing.T) {
	t.Helper()
	s.umli.terminate(t)
	s.lm.Stop(t)
}

// x1 runs the built `umli x1` as the ADMF against the running umli.
func (s *wholeSystem) x1(t *testing.T, args ...string) (int, string) {
	t.Helper()
	conn := []string{"x1", "--url", s.x1URL, "--cert", s.pki.ClientCert, "--key", s.pki.ClientKey, "--ca", s.pki.CA, "--ne", "umli-test"}
	cmd := exec.Command(s.bin, append(conn, args...)...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, string(out)
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestRunWholeSystem runs `umli run` from a configuration alone: the deposit scenario
// comes in over ESL (and AMI) from the UM simulator and must reach the LEMF as IRI (with the
// deposit event) and its audio as complete CC, without a gap in any sequence. X1 is
// served by the same process and its provisioning is audited.
func TestRunWholeSystem(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the umli binary")
	}
	s := startWholeSystem(t)

	if code, out := s.x1(t, "ping"); code != 0 {
		t.Fatalf("umli x1 ping: exit %d: %s\n%s", code, out, s.umli.stderr.String())
	}
	// X1 may only name destinations the configuration defines.
	if code, out := s.x1(t, "dest-create", "--did", "9d5e6a2c-3c4b-4b8e-8d7e-6f0a1b2c3d4e", "--name", "elsewhere", "--addr", "192.0.2.99:9999"); code != 1 || !strings.Contains(out, "not configured") {
		t.Errorf("dest-create naming an unconfigured destination: exit %d: %s", code, out)
	}
	if code, out := s.x1(t, "dest-create", "--did", "9d5e6a2c-3c4b-4b8e-8d7e-6f0a1b2c3d4f", "--name", "lea", "--addr", "192.0.2.10:5002"); code != 0 {
		t.Errorf("dest-create naming lea: exit %d: %s", code, out)
	}

	// A warrant provisioned over X1 (on the caller of the deposit) joins the configured
	// one: mediation matches it once the watcher applied it.
	targets := filepath.Join(s.dir, "targets")
	writeFile(t, targets, "e164 493012345678\n")
	if code, out := s.x1(t, "activate", "--liid", "X1-CALLER", "--did", "9d5e6a2c-3c4b-4b8e-8d7e-6f0a1b2c3d4f", "--targets-file", targets, "--delivery", "hi2"); code != 0 {
		t.Fatalf("activate: exit %d: %s", code, out)
	}
	waitUntil(t, "X1 warrant applied", func() bool { return strings.Contains(s.umli.stderr.String(), `"x1":1,"config":1`) })

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if err := s.um.Play(ctx, "deposit"); err != nil {
		t.Fatal(err)
	}
	var deposit lemf.CINSummary
	waitUntil(t, "deposit IRI and its complete CC at the LEMF", func() bool {
		for _, l := range s.lm.Summary().LIIDs {
			for _, c := range l.CINs {
				n := len(c.Events)
				if n == 0 || c.Events[n-1].IRIType != "iRI-End" {
					continue
				}
				for _, e := range c.Events {
					if e.Category == "message:deposit" && e.EventIdentifier != nil && hasCompleteContent(c, *e.EventIdentifier) {
						deposit = c
						return true
					}
				}
			}
		}
		return false
	})
	if deposit.IRI.Gaps != 0 || deposit.CC.Gaps != 0 || deposit.IRI.Duplicates != 0 {
		t.Errorf("deposit CIN sequences: IRI %+v CC %+v", deposit.IRI, deposit.CC)
	}
	waitUntil(t, "the X1 warrant's deposit IRI at the LEMF", func() bool {
		for _, l := range s.lm.Summary().LIIDs {
			for _, c := range l.CINs {
				for _, e := range c.Events {
					if l.LIID == "X1-CALLER" && e.Category == "message:deposit" && len(c.Content) == 0 {
						return true
					}
				}
			}
		}
		return false
	})
	s.stop(t)

	got, err := pducheck.ReadLEMF(s.lemfDir())
	if err != nil {
		t.Fatal(err)
	}
	if g := got.Gaps(); len(g) > 0 {
		t.Fatalf("%d gaps, first %v", len(g), g[:min(5, len(g))])
	}
	if len(got.Reused) > 0 {
		t.Fatalf("sequence numbers reused: %v", got.Reused[:min(5, len(got.Reused))])
	}
	var iri, cc int
	nes := map[string]bool{}
	for st := range got.PDUs {
		nes[st.NE] = true
		if (st.LIID != "WHOLE-1" && st.LIID != "X1-CALLER") || (st.NE != "fs-um-1" && st.NE != "ast-um-1") || (st.LIID == "X1-CALLER" && st.CC) {
			t.Errorf("unexpected stream %v", st)
		}
		if st.CC {
			cc += got.Count(st)
		} else {
			iri += got.Count(st)
		}
	}
	if iri == 0 || cc == 0 {
		t.Errorf("LEMF holds %d IRI and %d CC PDUs, want both", iri, cc)
	}
	if !nes["fs-um-1"] || !nes["ast-um-1"] {
		t.Errorf("LEMF streams from %v, want the ESL (fs-um-1) and AMI (ast-um-1) feeds", nes)
	}

	// The provisioning above is in the audit log, and the chain verifies.
	var out, errb bytes.Buffer
	if code := dispatch([]string{"audit", "verify", s.auditPath}, nil, &out, &errb); code != 0 {
		t.Fatalf("umli audit verify: exit %d: %s %s", code, out.String(), errb.String())
	}
	b, err := os.ReadFile(s.auditPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("9d5e6a2c-3c4b-4b8e-8d7e-6f0a1b2c3d4f")) {
		t.Errorf("audit log lacks the destination provisioned over X1:\n%s", b)
	}
	// Every delivery, to the configured and the X1-provisioned warrant, is summarized there.
	checkDeliveryAudit(t, s.auditPath, got, "4917012345678", "493012345678", "1000@um.example.net")
}

// TestRunLogsNoTargetData plays calls whose events carry the target's mailbox, MSISDN
// and PIN (login, PIN change) through a debug-level umli and searches everything the
// process wrote for them.
func TestRunLogsNoTargetData(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the umli binary")
	}
	s := startWholeSystem(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	for _, sc := range []string{"deposit", "login-failed", "pin-change"} {
		if err := s.um.Play(ctx, sc); err != nil {
			t.Fatal(err)
		}
	}
	waitUntil(t, "three calls ended at the LEMF", func() bool {
		ended := 0
		for _, l := range s.lm.Summary().LIIDs {
			for _, c := range l.CINs {
				if n := len(c.Events); n > 0 && c.Events[n-1].IRIType == "iRI-End" {
					ended++
				}
			}
		}
		return ended >= 3
	})
	s.stop(t)
	log := s.umli.stderr.String()
	if !strings.Contains(log, "esl: subscribed") {
		t.Fatalf("stderr does not look like umli's log:\n%s", log)
	}
	for _, re := range []string{
		`(^|[^0-9])4711([^0-9]|$)`, // the PIN, not as part of a port or number
		`4917012345678`,            // MSISDN in every spelling (+49…, 0049…, 49…)
		`1000@um\.example\.net`,    // mailbox
		`um\.example\.net/1000`,    // mailbox storage path
		`not-the-default-7Qx`,      // ESL password
	} {
		if m := regexp.MustCompile(re).FindString(log); m != "" {
			i := strings.Index(log, m)
			t.Errorf("umli stderr contains %q (%s): …%s…", m, re, log[max(0, i-200):min(len(log), i+100)])
		}
	}
}

func hasCompleteContent(c lemf.CINSummary, id uint32) bool {
	for _, cc := range c.Content {
		if cc.EventIdentifier != nil && *cc.EventIdentifier == id && cc.Complete {
			return true
		}
	}
	return false
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
