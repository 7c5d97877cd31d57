package config

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestSourceConfigErrors: the source, X1 and audit sections are as strict as the rest —
// unknown keys and bad values are refused with file:line. base has 13 lines, so an
// appended section starts at line 14.
func TestSourceConfigErrors(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "pw")
	clueCon := filepath.Join(dir, "cluecon")
	for name, v := range map[string]string{secret: "s3cret\n", clueCon: "ClueCon\n"} {
		if err := os.WriteFile(name, []byte(v), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{"umsys unknown key", "umsys:\n  colour: red\n", []string{"c.yaml:15: field colour not found"}},
		{"esl unknown key", "umsys:\n  esl:\n    - source: fs\n      addr: h:8021\n      password: x\n", []string{"c.yaml:18: field password not found"}},
		{"webhook unknown key", "umsys:\n  webhooks:\n    - {source: w, listen: ':1', tokenFile: " + secret + ", token: x}\n", []string{"c.yaml:16: field token not found"}},
		{"email unknown key", "email:\n  proxies:\n    - source: m\n      upstrem: h:25\n", []string{"c.yaml:17: field upstrem not found"}},
		{"rtp unknown key", "rtp:\n  siprec:\n    portmin: 1\n", []string{"c.yaml:16: field portmin not found"}},
		{"x1 unknown key", "x1:\n  listen: ':1'\n  password: x\n", []string{"c.yaml:16: field password not found"}},
		{"audit unknown key", "audit:\n  path: /x\n", []string{"c.yaml:15: field path not found"}},
		{"audit interval too short", "audit:\n  file: /tmp/a\n  deliveryInterval: 10ms\n", []string{"c.yaml:16: audit.deliveryInterval: at least 100ms"}},
		{"esl password missing", "umsys:\n  esl:\n    - {source: fs, addr: 'h:8021'}\n", []string{"c.yaml:16: umsys.esl[0]: passwordFile required"}},
		{"esl password file absent", "umsys:\n  esl:\n    - {source: fs, addr: 'h:8021', passwordFile: /nonexistent/pw}\n", []string{"c.yaml:16: umsys.esl[0].passwordFile: stat /nonexistent/pw"}},
		{"esl default password", "umsys:\n  esl:\n    - source: fs\n      addr: h:8021\n      passwordFile: " + clueCon + "\n", []string{"c.yaml:18: umsys.esl[0]: passwordFile holds FreeSWITCH's default password"}},
		{"esl bad addr", "umsys:\n  esl:\n    - source: fs\n      addr: nohost\n      passwordFile: " + secret + "\n", []string{"c.yaml:17: umsys.esl[0]: addr: address \"nohost\": want host:port"}},
		{"asterisk keys", "umsys:\n  asteriskKeys: {delete: \"9\"}\n", []string{"c.yaml:15: umsys.asteriskKeys: asterisk keys delete and save are both \"9\""}},
		{"asterisk spool", "umsys:\n  asteriskSpool: spool/voicemail\n", []string{"c.yaml:15: umsys.asteriskSpool \"spool/voicemail\": want an absolute path"}},
		{"ami no user", "umsys:\n  ami:\n    - {source: a, addr: 'h:5038', secretFile: " + secret + "}\n", []string{"c.yaml:16: umsys.ami[0]: username required"}},
		{"source too long", "umsys:\n  jsonLines:\n    - {source: abcdefghijklmnopq, listen: ':1'}\n", []string{"c.yaml:16: umsys.jsonLines[0]: source \"abcdefghijklmnopq\": at most 16 octets"}},
		{"webhook read timeout", "umsys:\n  webhooks:\n    - {source: w, listen: ':1', tokenFile: " + secret + ", http: {readTimeout: 10ms}}\n", []string{"c.yaml:16: umsys.webhooks[0].http.readTimeout 10ms: want 0 (default) or at least 100ms"}},
		{"webhook header over read", "umsys:\n  cuni:\n    - {source: w, listen: ':1', tokenFile: " + secret + ", http: {readHeaderTimeout: 5s, readTimeout: 1s}}\n", []string{"c.yaml:16: umsys.cuni[0].http: readHeaderTimeout 5s exceeds readTimeout 1s"}},
		{"webhook header bytes", "umsys:\n  webhooks:\n    - {source: w, listen: ':1', tokenFile: " + secret + ", http: {maxHeaderBytes: 10}}\n", []string{"c.yaml:16: umsys.webhooks[0].http.maxHeaderBytes 10: want 0 (default) or 1024..1048576"}},
		{"jsonLines per peer over cap", "umsys:\n  jsonLines:\n    - {source: l, listen: ':1', maxConns: 10, maxConnsPerPeer: 20}\n", []string{"c.yaml:16: umsys.jsonLines[0]: maxConnsPerPeer 20 exceeds maxConns 10"}},
		{"jsonLines negative buffer", "umsys:\n  jsonLines:\n    - {source: l, listen: ':1', maxBufferedBytes: -1}\n", []string{"c.yaml:16: umsys.jsonLines[0]: maxLineBytes and maxBufferedBytes must not be negative"}},
		{"metrics idle timeout", "metrics:\n  listen: '127.0.0.1:9100'\n  http: {idleTimeout: -1s}\n", []string{"c.yaml:16: metrics.http.idleTimeout -1s"}},
		{"metrics negative cap", "metrics:\n  listen: '127.0.0.1:9100'\n  maxConns: -1\n", []string{"c.yaml:16: metrics: maxConns and maxConnsPerPeer must not be negative"}},
		{"email proxy per peer over cap", "email:\n  proxies:\n    - {source: m, protocol: smtp, listen: ':1', upstream: 'h:25', maxConns: 4, maxConnsPerPeer: 8}\n", []string{"c.yaml:16: email.proxies[0]: maxConnsPerPeer 8 exceeds maxConns 4"}},
		{"negative descriptor reserve", "limits: {reserveDescriptors: -1}\n", []string{"c.yaml:14: limits.reserveDescriptors must not be negative"}},
		{"webhook bad path", "umsys:\n  webhooks:\n    - {source: w, listen: ':1', tokenFile: " + secret + ", path: events}\n", []string{"c.yaml:16: umsys.webhooks[0]: path \"events\" must start with /"}},
		{"email login domain", "email:\n  proxies:\n    - {source: m, protocol: pop3, listen: ':1', upstream: 'h:110', loginDomain: 'a@b'}\n", []string{"c.yaml:16: email.proxies[0]: loginDomain \"a@b\": want a domain name without '@' or spaces"}},
		{"email protocol", "email:\n  proxies:\n    - {source: m, protocol: nntp, listen: ':1', upstream: 'h:119'}\n", []string{"c.yaml:16: email.proxies[0]: protocol \"nntp\": want smtp, pop3 or imap"}},
		{"email capture no iface", "email:\n  capture: {source: m}\n", []string{"c.yaml:15: email.capture: interface required"}},
		{"siprec media addr", "rtp:\n  siprec: {source: s, listen: ':5060', mediaAddr: 0.0.0.0}\n", []string{"c.yaml:15: rtp.siprec: mediaAddr \"0.0.0.0\""}},
		{"siprec transport", "rtp:\n  siprec: {source: s, listen: ':5060', mediaAddr: 192.0.2.1, transport: sctp}\n", []string{"c.yaml:15: rtp.siprec: transport \"sctp\""}},
		{"siprec events", "rtp:\n  siprec: {source: s, listen: ':5060', mediaAddr: 192.0.2.1, events: bye}\n", []string{"c.yaml:15: rtp.siprec: events \"bye\": want connect, feed or connect+disconnect"}},
		{"siprec negative pending", "rtp:\n  siprec: {source: s, listen: ':5060', mediaAddr: 192.0.2.1, maxPendingPerPeer: -1}\n", []string{"c.yaml:15: rtp.siprec: maxStreamsPerOffer, maxStreams and maxPendingPerPeer must not be negative"}},
		{"siprec offer over total", "rtp:\n  siprec: {source: s, listen: ':5060', mediaAddr: 192.0.2.1, maxStreamsPerOffer: 8, maxStreams: 4}\n", []string{"c.yaml:15: rtp.siprec: maxStreamsPerOffer 8 exceeds maxStreams 4"}},
		{"siprec per peer over cap", "rtp:\n  siprec: {source: s, listen: ':5060', mediaAddr: 192.0.2.1, maxConns: 4, maxConnsPerPeer: 8}\n", []string{"c.yaml:15: rtp.siprec: maxConnsPerPeer 8 exceeds maxConns 4"}},
		{"passive unknown key", "rtp:\n  passive:\n    source: tap\n    iface: eth1\n", []string{"c.yaml:17: field iface not found"}},
		{"passive neither interface nor file", "rtp:\n  passive:\n    source: tap\n", []string{"c.yaml:16: rtp.passive: interface (live capture) or file (pcap) required"}},
		{"passive interface and file", "rtp:\n  passive:\n    source: tap\n    interface: eth1\n    file: " + secret + "\n", []string{"c.yaml:18: rtp.passive: interface and file exclude each other"}},
		{"passive file absent", "rtp:\n  passive:\n    source: tap\n    file: /nonexistent/calls.pcap\n", []string{"c.yaml:17: rtp.passive.file: stat /nonexistent/calls.pcap"}},
		{"passive no source", "rtp:\n  passive:\n    interface: eth1\n", []string{"c.yaml:16: rtp.passive: source required"}},
		{"passive events", "rtp:\n  passive:\n    source: tap\n    interface: eth1\n    events: bye\n", []string{"c.yaml:18: rtp.passive: events \"bye\": want connect, feed or connect+disconnect"}},
		{"passive negative timeout", "rtp:\n  passive:\n    source: tap\n    interface: eth1\n    mediaTimeout: -1s\n", []string{"c.yaml:18: rtp.passive: mediaTimeout must not be negative"}},
		{"x1 plain text", "x1:\n  listen: ':8443'\n  keyringFile: " + secret + "\naudit: {file: /tmp/a}\n", []string{"c.yaml:15: x1: cert required", "x1: key required", "x1: clientCA required"}},
		{"x1 without audit", "x1:\n  keyringFile: " + secret + "\n", []string{"c.yaml:15: x1: audit.file required"}},
		{"x1 without keyring", "x1: {}\naudit: {file: /tmp/a}\n", []string{"x1: keyringFile required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("c.yaml", []byte(base+tt.doc))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestSourceConfigValid: a configuration naming every source loads, and demo mode
// permits FreeSWITCH's default password.
func TestSourceConfigValid(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	if err := os.WriteFile(pw, []byte("ClueCon\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	doc := base + `demo: true
umsys:
  systemID: um-1
  esl: [{source: fs-um-1, addr: "127.0.0.1:8021", passwordFile: "` + pw + `", idleTimeout: 1m}]
  ami: [{source: ast-um-1, addr: "127.0.0.1:5038", username: umli, secretFile: "` + pw + `"}]
  jsonLines: [{source: json-1, listen: "127.0.0.1:0"}]
  webhooks: [{source: hook-1, listen: "127.0.0.1:0", path: /events, tokenFile: "` + pw + `"}]
email:
  proxies: [{source: mail-1, protocol: imap, listen: ":1143", upstream: "mail.example.net:143"}]
rtp:
  siprec: {source: fs-um-1, listen: ":5060", transport: udp, mediaAddr: 192.0.2.1, portMin: 20000, portMax: 20100}
x1: {keyringFile: "` + pw + `"}
audit: {file: "` + filepath.Join(dir, "audit.log") + `"}
`
	c, err := Parse("c.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if c.UMSys.SystemID != "um-1" || len(c.UMSys.ESL) != 1 || c.UMSys.Webhooks[0].Path != "/events" || c.RTP.SIPREC.PortMax != 20100 || c.Email.Proxies[0].Protocol != "imap" {
		t.Fatalf("parsed %+v %+v %+v", c.UMSys, c.RTP.SIPREC, c.Email)
	}
	if c.Audit.DeliveryInterval != DefaultDeliveryInterval {
		t.Fatalf("audit.deliveryInterval %v, want the default %v", c.Audit.DeliveryInterval, DefaultDeliveryInterval)
	}
}

// TestExampleSources loads umli.example.yaml with its commented source, X1 and audit
// sections enabled (file names pointed at a real file), so the documentation cannot drift
// from what the parser accepts.
func TestExampleSources(t *testing.T) {
	b, err := os.ReadFile("../../umli.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	stand := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(stand, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	key := regexp.MustCompile(`^# (?:[a-z][A-Za-z0-9]*:| )`)
	files := regexp.MustCompile(`/etc/umli/[^\s},]+`)
	lines := strings.Split(string(b), "\n")
	on := false
	for i, l := range lines {
		if strings.HasPrefix(l, "# Sources, X1 and audit") {
			on = true
		}
		if on && key.MatchString(l) {
			lines[i] = files.ReplaceAllString(l[2:], stand)
		}
	}
	c, err := Parse("example", []byte(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	if c.UMSys == nil || len(c.UMSys.ESL) != 1 || len(c.UMSys.AMI) != 1 || len(c.UMSys.JSONLines) != 1 || len(c.UMSys.Webhooks) != 1 ||
		c.Email == nil || len(c.Email.Proxies) != 2 || c.Email.Proxies[1].Mode != "vvm" || c.Email.Capture == nil || c.RTP == nil || c.RTP.SIPREC == nil ||
		c.X1 == nil || c.X1.Listen == "" || c.Audit.File == "" || c.Audit.DeliveryInterval != 10*time.Second || c.Demo || c.UMSys.Directory["1000@um.example.net"].MSISDN == "" {
		t.Fatalf("example sections not all enabled: %+v", c.File)
	}
}
