package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckConfigRefusesExposedListeners: outside demo mode, check-config refuses each
// ingest listener form that is reachable from the network and lets anyone who reaches
// it inject evidence, naming file:line and the fix; the secure forms and loopback pass.
func TestCheckConfigRefusesExposedListeners(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "f")
	if err := os.WriteFile(f, []byte("x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mtls := `tls: {cert: "` + f + `", key: "` + f + `", ca: "` + f + `"}`
	srvTLS := `tls: {cert: "` + f + `", key: "` + f + `"}`
	tok := `tokenFile: "` + f + `"`
	const head = "instance: x\noperator: OP\nwarrants: []\n"
	tests := []struct {
		name, doc string
		want      string // "" for ok
	}{
		{"jsonLines plaintext on all interfaces", "umsys:\n  systemID: um-1\n  jsonLines:\n    - {source: j1, listen: \"0.0.0.0:7070\"}\n",
			`:7: umsys.jsonLines[0]: listen "0.0.0.0:7070" is reachable from the network without mutual TLS`},
		{"jsonLines TLS without client CA", "umsys:\n  systemID: um-1\n  jsonLines:\n    - {source: j1, listen: \"10.0.0.2:7070\", " + srvTLS + "}\n",
			`add tls: {cert, key, ca}`},
		{"jsonLines mutual TLS", "umsys:\n  systemID: um-1\n  jsonLines:\n    - {source: j1, listen: \"0.0.0.0:7070\", " + mtls + "}\n", ""},
		{"jsonLines loopback", "umsys:\n  systemID: um-1\n  jsonLines:\n    - {source: j1, listen: \"127.0.0.1:7070\"}\n", ""},
		{"webhook without TLS (empty host)", "umsys:\n  systemID: um-1\n  webhooks:\n    - {source: h1, listen: \":8088\", " + tok + "}\n",
			`:7: umsys.webhooks[0]: listen ":8088" is reachable from the network without TLS: the bearer token would travel in clear; add tls: {cert, key}`},
		{"webhook TLS and token", "umsys:\n  systemID: um-1\n  webhooks:\n    - {source: h1, listen: \":8088\", " + tok + ", " + srvTLS + "}\n", ""},
		{"webhook mutual TLS and token", "umsys:\n  systemID: um-1\n  webhooks:\n    - {source: h1, listen: \"[::]:8088\", " + tok + ", " + mtls + "}\n", ""},
		{"CUNI without TLS", "umsys:\n  systemID: um-1\n  cuni:\n    - {source: c1, listen: \"0.0.0.0:8089\", path: /cuni, " + tok + "}\n",
			`:7: umsys.cuni[0]: listen "0.0.0.0:8089" is reachable from the network without TLS`},
		{"CUNI TLS and password", "umsys:\n  systemID: um-1\n  cuni:\n    - {source: c1, listen: \"0.0.0.0:8089\", path: /cuni, " + tok + ", " + srvTLS + "}\n", ""},
		{"SIPREC on a network address", "rtp:\n  siprec: {source: fs-um-1, listen: \"10.0.0.2:5060\", mediaAddr: 10.0.0.2}\n",
			`:5: rtp.siprec: listen "10.0.0.2:5060" is reachable from the network without mutual TLS`},
		{"SIPREC TLS without client CA", "rtp:\n  siprec: {source: fs-um-1, listen: \"10.0.0.2:5061\", mediaAddr: 10.0.0.2, " + srvTLS + "}\n",
			`rtp.siprec: tls: cert, key and ca`},
		{"SIPREC mutual TLS", "rtp:\n  siprec: {source: fs-um-1, listen: \"10.0.0.2:5061\", mediaAddr: 10.0.0.2, " + mtls + "}\n", ""},
		{"SIPREC loopback", "rtp:\n  siprec: {source: fs-um-1, listen: \"127.0.0.1:5060\", mediaAddr: 10.0.0.2}\n", ""},
		{"x2x3 destination without TLS", "destinations:\n  - {name: mdf, interface: x2x3, hi2: \"10.0.0.9:7002\", hi3: \"10.0.0.9:7003\"}\n",
			`:5: destination "mdf": interface x2x3 needs tls (TS 103 221-2 requires mutual TLS)`},
		{"unknown destination interface", "destinations:\n  - {name: mdf, interface: hi1, hi2: \"10.0.0.9:7002\"}\n",
			`:5: destination "mdf": interface "hi1": want hi2hi3 or x2x3`},
		{"x2x3 destination with mutual TLS", "destinations:\n  - {name: mdf, interface: x2x3, hi2: \"10.0.0.9:7002\", hi3: \"10.0.0.9:7003\", " + mtls + "}\n", ""},
		{"demo allows plaintext", "demo: true\numsys:\n  systemID: um-1\n  jsonLines:\n    - {source: j1, listen: \"0.0.0.0:7070\"}\n", ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := filepath.Join(dir, "c"+string(rune('a'+i))+".yaml")
			if err := os.WriteFile(name, []byte(head+tt.doc), 0o600); err != nil {
				t.Fatal(err)
			}
			var out, errb bytes.Buffer
			code := dispatch([]string{"check-config", name}, strings.NewReader(""), &out, &errb)
			if tt.want == "" {
				if code != 0 {
					t.Fatalf("exit %d, want 0:\n%s", code, errb.String())
				}
				return
			}
			if code != 1 || !strings.Contains(errb.String(), tt.want) || !strings.Contains(errb.String(), name+":") {
				t.Errorf("exit %d, stderr:\n%s\nwant %s%s", code, errb.String(), name, tt.want)
			}
		})
	}
}

// TestCheckConfigWarnsBlindProxies: check-config accepts an e-mail proxy without a
// certificate but warns, naming file:line, that its TLS sessions pass unread: every
// session of an implicit-TLS port, and the STARTTLS sessions of a plaintext one. A proxy
// with tls.cert gets no warning.
func TestCheckConfigWarnsBlindProxies(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "f")
	if err := os.WriteFile(f, []byte("x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const head = "instance: x\noperator: OP\nwarrants: []\nemail:\n  proxies:\n"
	cert := `tls: {cert: "` + f + `", key: "` + f + `"}`
	tests := []struct {
		name, proxy string
		want        string // "" for no warning
	}{
		{"STARTTLS passed through", `{source: m1, protocol: smtp, listen: "127.0.0.1:2525", upstream: "mx.example.net:25"}`,
			`:6: warning: email.proxies[0]: no tls.cert: sessions that switch to TLS (STARTTLS, STLS) pass unread (no IRI, no CC); add tls: {cert, key} to terminate them, or make sure mx.example.net:25 does not offer STARTTLS`},
		{"implicit TLS passed through", `{source: m1, protocol: imap, listen: "127.0.0.1:9993", upstream: "imap.example.net:993", implicitTLS: true}`,
			`:6: warning: email.proxies[0]: implicitTLS without tls.cert: every session passes encrypted and unread`},
		{"implicit TLS with only an upstream CA", `{source: m1, protocol: pop3, listen: "127.0.0.1:9995", upstream: "pop.example.net:995", implicitTLS: true, tls: {ca: "` + f + `"}}`,
			`implicitTLS without tls.cert`},
		{"STARTTLS terminated", `{source: m1, protocol: smtp, listen: "127.0.0.1:2525", upstream: "mx.example.net:25", ` + cert + `}`, ""},
		{"implicit TLS terminated", `{source: m1, protocol: imap, listen: "127.0.0.1:9993", upstream: "imap.example.net:993", implicitTLS: true, ` + cert + `}`, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := filepath.Join(dir, "w"+string(rune('a'+i))+".yaml")
			if err := os.WriteFile(name, []byte(head+"    - "+tt.proxy+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			var out, errb bytes.Buffer
			if code := dispatch([]string{"check-config", name}, strings.NewReader(""), &out, &errb); code != 0 {
				t.Fatalf("exit %d, want 0 (a warning is no error):\n%s", code, errb.String())
			}
			if !strings.Contains(out.String(), name+": ok") {
				t.Errorf("stdout %q lacks %q", out.String(), name+": ok")
			}
			if tt.want == "" {
				if errb.Len() != 0 {
					t.Errorf("stderr %q, want no warning", errb.String())
				}
				return
			}
			if !strings.Contains(errb.String(), name+tt.want) && !strings.Contains(errb.String(), tt.want) {
				t.Errorf("stderr:\n%s\nwant %s", errb.String(), tt.want)
			}
			if !strings.HasPrefix(errb.String(), name+":") {
				t.Errorf("warning %q does not start with the file name", errb.String())
			}
		})
	}
}
