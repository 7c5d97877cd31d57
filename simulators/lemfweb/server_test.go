package lemfweb

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/simulators/lemf"
)

// hostileLIID would run script if a page put it into HTML unescaped.
const hostileLIID = `<script>alert(1)</script>`

// hostileMail is an HTML e-mail whose markup must arrive as text.
const hostileMail = "From: Mallory <m@example.org>\r\nTo: t@example.net\r\nSubject: <img src=x onerror=alert(2)>\r\n" +
	"MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b1\r\n\r\n" +
	"--b1\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nplain =3D text\r\n" +
	"--b1\r\nContent-Type: text/html\r\n\r\n<html><body><script>alert(3)</script><b>bold</b></body></html>\r\n--b1--\r\n.\r\n"

var testTime = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func hdr(liid, ne string, cin, seq uint32) etsi.PSHeader {
	ts := testTime.Add(time.Duration(seq) * time.Second)
	return etsi.PSHeader{LIID: liid, SequenceNumber: seq, TimeStamp: &ts,
		CommunicationIdentifier: etsi.CommunicationIdentifier{CIN: &cin,
			NetworkIdentifier: etsi.NetworkIdentifier{OperatorIdentifier: "op", NetworkElementIdentifier: ne}}}
}

func iri(liid string, cin, seq uint32, typ etsi.IRIType, ev etsi.MessagingBoxEvent) etsi.PSPDU {
	return etsi.PSPDU{Header: hdr(liid, "um-1", cin, seq), Payload: etsi.Payload{IRI: []etsi.IRIPayload{{
		IRIType: &typ,
		Contents: etsi.IRIContents{MessagingIRI: &etsi.MessagingIRI{SystemType: etsi.SystemUnifiedMessaging,
			Category: &etsi.MessagingEventCategory{MessageBox: &ev}, Status: 1, Trigger: 1}},
	}}}}
}

func cc(liid, ne string, cin, seq uint32, c etsi.CCContents) etsi.PSPDU {
	dir := etsi.DirectionFromTarget
	return etsi.PSPDU{Header: hdr(liid, ne, cin, seq), Payload: etsi.Payload{CC: []etsi.CCPayload{{PayloadDirection: &dir, Contents: c}}}}
}

func u32(v uint32) *uint32 { return &v }

// fixture runs a real LEMF, hands it IRI with a gap and a duplicate, a PCMU stream and an
// HTML e-mail, all under a hostile LIID, and stops it (summary.json written).
func fixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	l, err := lemf.New(lemf.Config{OutDir: dir, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	a2, a3 := l.Addrs()
	var hi2, hi3 []etsi.PSPDU
	// IRI seq 0, 1, 3, 3: 2 is missing, the second 3 is a resend.
	hi2 = append(hi2, iri(hostileLIID, 7, 0, etsi.IRIBegin, etsi.BoxLogin), iri(hostileLIID, 7, 1, etsi.IRIContinue, etsi.BoxLock),
		iri(hostileLIID, 7, 3, etsi.IRIEnd, etsi.BoxLogout), iri(hostileLIID, 7, 3, etsi.IRIEnd, etsi.BoxLogout))
	audio := make([]byte, 800)
	for i := range audio {
		audio[i] = byte(i)
	}
	for seq := uint32(0); seq < 2; seq++ {
		hi3 = append(hi3, cc(hostileLIID, "um-1", 7, seq, etsi.CCContents{MessagingCC: &etsi.MessagingCC{EventIdentifier: 1,
			ContentIdentifier: u32(0), SequenceNumber: u32(seq), EndOfSequence: seq == 1, ContentType: "audio/PCMU", Content: audio}}))
	}
	hi3 = append(hi3, cc(hostileLIID, "mail-1", 1, 0, etsi.CCContents{EmailCC: &etsi.EmailCC{Format: etsi.EmailFormatApplication, Content: []byte(hostileMail)}}))
	send(t, a2, hi2)
	send(t, a3, hi3)
	wctx, wcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer wcancel()
	if err := l.WaitPDUs(wctx, len(hi2), len(hi3)); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return dir
}

func send(t *testing.T, addr net.Addr, pdus []etsi.PSPDU) {
	t.Helper()
	c, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, p := range pdus {
		b, err := p.AppendBER(nil, etsi.LatestVersion())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write(b); err != nil {
			t.Fatal(err)
		}
	}
}

func get(t *testing.T, base, path string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, _, _ := strings.Cut(path, "?")
	req.URL.Opaque = p // send the path exactly as written: no client-side cleaning
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func serve(t *testing.T, dir string) string {
	t.Helper()
	h, err := New(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestPagesEscapeAndFlag: the LIID page shows the timeline in sequence order with the
// gap and the duplicate flagged, the audio player, the e-mail as escaped text, and no
// received markup as markup anywhere.
func TestPagesEscapeAndFlag(t *testing.T) {
	base := serve(t, fixture(t))
	for _, path := range []string{"/", "/liid?liid=" + url.QueryEscape(hostileLIID), "/cin?liid=" + url.QueryEscape(hostileLIID) + "&ne=um-1&cin=7"} {
		resp, body := get(t, base, path)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %s\n%s", path, resp.Status, body)
		}
		for _, bad := range []string{"<script", "<img", "<b>bold"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s: received markup %q is in the page unescaped", path, bad)
			}
		}
		if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s: escaped LIID missing", path)
		}
	}
	_, body := get(t, base, "/liid?liid="+url.QueryEscape(hostileLIID))
	seqs := regexp.MustCompile(`<tr class="event( dup)?" data-seq="(\d+)"`).FindAllStringSubmatch(body, -1)
	var got []string
	for _, m := range seqs {
		got = append(got, m[2]+m[1])
	}
	if strings.Join(got, ",") != "0,1,3,3 dup" {
		t.Errorf("IRI rows (seq[ dup]) = %v, want 0,1,3,3 dup", got)
	}
	for _, want := range []string{
		`<tr class="gap" data-from="2" data-to="2">`, "missing IRI sequence numbers 2",
		`data-category="message-box:login"`, `data-iritype="iRI-Begin"`, `data-iritype="iRI-End"`,
		`<audio controls preload="metadata" src="/content/`, // the player
		"&lt;b&gt;bold&lt;/b&gt;",                           // HTML part as source
		"HTML shown as source, not rendered",
		"plain = text", // quoted-printable decoded
		"&lt;img src=x onerror=alert(2)&gt;",
		"1 missing [2]", "1 duplicates",
		`&#34;lawfulInterceptionIdentifier&#34;`, // the PDU JSON, escaped
	} {
		if !strings.Contains(body, want) {
			t.Errorf("LIID page lacks %q", want)
		}
	}
}

// TestSecurityHeadersAndTypes: every answer carries the CSP forbidding foreign and inline
// script; WAV is audio/wav, e-mail text/plain; no inline script or foreign URL in the
// pages.
func TestSecurityHeadersAndTypes(t *testing.T) {
	dir := fixture(t)
	base := serve(t, dir)
	wavs, _ := filepath.Glob(filepath.Join(dir, lemf.ContentDir, "*.wav"))
	emls, _ := filepath.Glob(filepath.Join(dir, lemf.ContentDir, "*.eml"))
	if len(wavs) != 1 || len(emls) != 1 {
		t.Fatalf("fixture content: %v %v", wavs, emls)
	}
	tests := []struct {
		path, status, ctype string
	}{
		{"/", "200", "text/html; charset=utf-8"},
		{"/static/style.css", "200", "text/css; charset=utf-8"},
		{"/content/" + filepath.Base(wavs[0]), "200", "audio/wav"},
		{"/content/" + filepath.Base(emls[0]), "200", "text/plain; charset=utf-8"},
		{"/files/summary.json", "200", "application/json"},
		{"/nope", "404", ""},
		{"/liid", "400", ""},
	}
	for _, tt := range tests {
		resp, body := get(t, base, tt.path)
		if !strings.HasPrefix(resp.Status, tt.status) {
			t.Errorf("%s: %s, want %s", tt.path, resp.Status, tt.status)
		}
		if tt.ctype != "" && resp.Header.Get("Content-Type") != tt.ctype {
			t.Errorf("%s: Content-Type %q, want %q", tt.path, resp.Header.Get("Content-Type"), tt.ctype)
		}
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q must forbid all script", tt.path, csp)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", tt.path)
		}
		if strings.HasSuffix(tt.ctype, "html; charset=utf-8") {
			if strings.Contains(body, "<script") || regexp.MustCompile(`(src|href)="(https?:)?//`).MatchString(body) {
				t.Errorf("%s: page has a script or a foreign URL", tt.path)
			}
		}
	}
	// The WAV served is the file, byte for byte, and starts as RIFF/WAVE.
	_, wav := get(t, base, "/content/"+filepath.Base(wavs[0]))
	want, _ := os.ReadFile(wavs[0])
	if wav != string(want) || !strings.HasPrefix(wav, "RIFF") || wav[8:12] != "WAVE" {
		t.Errorf("served WAV differs from %s or is not RIFF/WAVE", wavs[0])
	}
}

// TestNoTraversal: nothing outside content/ (or the four named output files) is
// reachable, however the path is spelled, and a symlink in content/ cannot lead out.
func TestNoTraversal(t *testing.T) {
	dir := fixture(t)
	secret := filepath.Join(filepath.Dir(dir), "secret-"+filepath.Base(dir)+".txt")
	if err := os.WriteFile(secret, []byte("SECRET"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(secret) })
	if err := os.Symlink(secret, filepath.Join(dir, lemf.ContentDir, "link_1_1_0.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../"+lemf.SummaryFile, filepath.Join(dir, lemf.ContentDir, "up_1_1_0.txt")); err != nil {
		t.Fatal(err)
	}
	base := serve(t, dir)
	for _, path := range []string{
		"/content/../summary.json",
		"/content/..%2fsummary.json",
		"/content/%2e%2e%2fsummary.json",
		"/content/%2e%2e/hi2.ber",
		"/content/..%5csummary.json",
		"/content/.%2e/.%2e/" + filepath.Base(secret),
		"/content/link_1_1_0.txt", // symlink to a file outside the directory
		"/content/up_1_1_0.txt",   // symlink to ../summary.json
		"/content/",
		"/content/x.html",
		"/content/%00.wav",
		"/files/../../etc/passwd",
		"/files/..%2f..%2fetc%2fpasswd",
		"/files/audit.jsonl",
		"/static/../store.go",
		"//etc/passwd",
	} {
		resp, body := get(t, base, path)
		if resp.StatusCode == 200 {
			t.Errorf("%s: served (%d bytes); want refused", path, len(body))
		}
		if strings.Contains(body, "SECRET") || strings.Contains(body, `"liids"`) {
			t.Errorf("%s: leaked a file outside content/", path)
		}
	}
}

// TestFilter: LIID, CIN and time select what the index and the LIID page show.
func TestFilter(t *testing.T) {
	base := serve(t, fixture(t))
	rows := func(body string) int { return strings.Count(body, `<tr class="cinrow`) }
	events := func(body string) int { return len(regexp.MustCompile(`<tr class="event`).FindAllString(body, -1)) }
	q := url.QueryEscape(hostileLIID)
	for _, tt := range []struct {
		path       string
		rows, evts int
	}{
		{"/", 2, 0},
		{"/?liid=nobody", 0, 0},
		{"/?liid=" + q + "&cin=7", 1, 0},
		{"/?ne=mail-1", 1, 0},
		{"/liid?liid=" + q + "&ne=um-1", 0, 4},
		// Event times are testTime + seq seconds: 10:00:01 to 10:00:02 keeps seq 1 only.
		{"/liid?liid=" + q + "&ne=um-1&from=2026-11-23T10:00:01Z&to=2026-11-23T10:00:02Z", 0, 1},
		{"/liid?liid=" + q + "&ne=um-1&from=2026-11-23T10:00:03", 0, 2},
	} {
		resp, body := get(t, base, tt.path)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %s", tt.path, resp.Status)
		}
		if rows(body) != tt.rows || events(body) != tt.evts {
			t.Errorf("%s: %d CIN rows, %d events; want %d, %d", tt.path, rows(body), events(body), tt.rows, tt.evts)
		}
	}
	_, body := get(t, base, "/?from=yesterday")
	if !strings.Contains(body, "is not a time") {
		t.Error("a bad time is not reported")
	}
}

// TestCheckListen: loopback is served plainly; anything else only with TLS and client
// certificates.
func TestCheckListen(t *testing.T) {
	full := TLSFlags{Cert: "c", Key: "k", ClientCA: "ca"}
	for _, tt := range []struct {
		addr string
		tls  TLSFlags
		ok   bool
	}{
		{"127.0.0.1:8080", TLSFlags{}, true},
		{"[::1]:8080", TLSFlags{}, true},
		{"localhost:0", TLSFlags{}, true},
		{"127.3.4.5:0", TLSFlags{}, true},
		{":8080", TLSFlags{}, false},
		{"0.0.0.0:8080", TLSFlags{}, false},
		{"[::]:8080", TLSFlags{}, false},
		{"192.0.2.1:8080", TLSFlags{}, false},
		{"lemf.example.net:8080", TLSFlags{}, false},
		{"0.0.0.0:8080", TLSFlags{Cert: "c", Key: "k"}, false}, // no client CA
		{"0.0.0.0:8080", full, true},
		{"nonsense", TLSFlags{}, false},
	} {
		err := CheckListen(tt.addr, tt.tls)
		if (err == nil) != tt.ok {
			t.Errorf("CheckListen(%q, %+v) = %v, want ok=%v", tt.addr, tt.tls, err, tt.ok)
		}
	}
}
