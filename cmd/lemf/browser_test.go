package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/demo"
	"github.com/umli/umli/simulators/lemf"
)

// chromiumFlags run a headless Chromium that makes no connection of its own.
var chromiumFlags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync", "--dump-dom"}

// TestServeDemoInChromium runs the demo into a temp dir, starts the built `lemf serve` on
// it and loads the index and each LIID page in a real headless Chromium: the rendered DOM
// must show every LIID and CIN of the demo (as the LEMF's own summary.json lists them)
// with its events in order, an <audio> per WAV whose URL is served as audio/wav, and
// (being rendered by a browser under the viewer's CSP) no error page.
func TestServeDemoInChromium(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium not installed: run scripts/install-deps.sh as root (Debian packages chromium, chromium-driver)")
	}
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "demo-out")
	var demoOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := demo.Run(ctx, demo.Options{OutDir: dir, Out: &demoOut, Log: zerolog.Nop()}); err != nil {
		t.Fatalf("demo: %v\n%s", err, demoOut.String())
	}
	var sum lemf.Summary
	b, err := os.ReadFile(filepath.Join(dir, lemf.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	if len(sum.LIIDs) < 2 {
		t.Fatalf("demo delivered %d LIIDs, want both demo warrants", len(sum.LIIDs))
	}

	base := startServe(t, ctx, tmp, dir)

	index := dumpDOM(t, ctx, chromium, tmp, base)
	for _, l := range sum.LIIDs {
		if !strings.Contains(index, `data-liid="`+html.EscapeString(l.LIID)+`"`) {
			t.Errorf("index does not show LIID %s", l.LIID)
		}
		for _, c := range l.CINs {
			if !strings.Contains(index, `data-liid="`+l.LIID+`" data-ne="`+c.NE+`" data-cin="`+cinText(c.CIN)+`"`) {
				t.Errorf("index does not list LIID %s NE %s CIN %s", l.LIID, c.NE, cinText(c.CIN))
			}
		}
	}

	audios := 0
	for _, l := range sum.LIIDs {
		dom := dumpDOM(t, ctx, chromium, tmp, base+"liid?liid="+url.QueryEscape(l.LIID))
		sections := cinSections(dom)
		for _, c := range l.CINs {
			key := l.LIID + "|" + c.NE + "|" + cinText(c.CIN)
			sec, ok := sections[key]
			if !ok {
				t.Errorf("LIID page %s: no section for NE %s CIN %s", l.LIID, c.NE, cinText(c.CIN))
				continue
			}
			rows := eventRows(sec)
			if len(rows) != len(c.Events) {
				t.Errorf("%s: %d event rows, summary has %d events", key, len(rows), len(c.Events))
				continue
			}
			for i, e := range c.Events {
				if rows[i].iriType != e.IRIType || rows[i].status != e.Status || (e.Category != "" && rows[i].category != e.Category) {
					t.Errorf("%s event %d: page shows %+v, summary %s %s %s", key, i, rows[i], e.IRIType, e.Category, e.Status)
				}
			}
			if strings.Contains(sec, `class="gap"`) || strings.Contains(sec, `class="event dup"`) {
				t.Errorf("%s: gap or duplicate flagged, the demo has none", key)
			}
			srcs := regexp.MustCompile(`<audio[^>]* src="([^"]+)"`).FindAllStringSubmatch(sec, -1)
			wavs := 0
			for _, ct := range c.Content {
				if strings.HasSuffix(ct.File, ".wav") {
					wavs++
				}
			}
			if len(srcs) != wavs {
				t.Errorf("%s: %d <audio> players, %d WAV files", key, len(srcs), wavs)
			}
			for _, m := range srcs {
				audios++
				checkAudio(t, base, html.UnescapeString(m[1]))
			}
		}
	}
	if audios == 0 {
		t.Error("no <audio> player in any page: the demo's deposits have WAV content")
	}
}

// startServe builds lemf into tmp, starts `lemf serve` on dir and returns its base URL.
func startServe(t *testing.T, ctx context.Context, tmp, dir string) string {
	t.Helper()
	bin := filepath.Join(tmp, "lemf")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve", "--dir", dir, "--listen", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("lemf serve printed no address: %v\n%s", err, stderr.String())
	}
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "serving ")
	if !ok || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("lemf serve: first line %q", line)
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return base
}

// dumpDOM loads u in headless Chromium and returns the DOM after rendering.
func dumpDOM(t *testing.T, ctx context.Context, chromium, tmp, u string) string {
	t.Helper()
	profile, err := os.MkdirTemp(tmp, "chromium-")
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	args := append(append([]string(nil), chromiumFlags...), "--user-data-dir="+profile, u)
	cmd := exec.CommandContext(cctx, chromium, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium %s: %v\n%s", u, err, stderr.String())
	}
	dom := string(out)
	if !strings.Contains(dom, "<h1>") || !strings.Contains(dom, `href="/static/style.css"`) {
		t.Fatalf("chromium %s: not the viewer's page:\n%.2000s", u, dom)
	}
	return dom
}

var sectionStart = regexp.MustCompile(`<section class="cin" id="[^"]*" data-liid="([^"]*)" data-ne="([^"]*)" data-cin="([^"]*)">`)

// cinSections splits a LIID page's DOM into its CIN sections, keyed LIID|NE|CIN.
func cinSections(dom string) map[string]string {
	out := map[string]string{}
	locs := sectionStart.FindAllStringSubmatchIndex(dom, -1)
	for i, l := range locs {
		end := len(dom)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		key := html.UnescapeString(dom[l[2]:l[3]]) + "|" + html.UnescapeString(dom[l[4]:l[5]]) + "|" + dom[l[6]:l[7]]
		out[key] = dom[l[0]:end]
	}
	return out
}

type row struct{ iriType, category, status string }

var eventRow = regexp.MustCompile(`<tr class="event[^"]*" data-seq="[^"]*" data-iritype="([^"]*)" data-category="([^"]*)" data-status="([^"]*)">`)

func eventRows(section string) []row {
	var out []row
	for _, m := range eventRow.FindAllStringSubmatch(section, -1) {
		out = append(out, row{html.UnescapeString(m[1]), html.UnescapeString(m[2]), html.UnescapeString(m[3])})
	}
	return out
}

// checkAudio GETs a player's source: it must be served, as audio/wav, as a RIFF/WAVE file.
func checkAudio(t *testing.T, base, src string) {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := u.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(ref.String())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	head := make([]byte, 12)
	n, _ := io.ReadFull(resp.Body, head)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "audio/wav" || n < 12 ||
		string(head[:4]) != "RIFF" || string(head[8:12]) != "WAVE" {
		t.Errorf("%s: %s, Content-Type %q, starts %q; want 200 audio/wav RIFF/WAVE", src, resp.Status, resp.Header.Get("Content-Type"), head[:n])
	}
}

func cinText(c *uint32) string {
	if c == nil {
		return "(none)"
	}
	return strconv.FormatUint(uint64(*c), 10)
}
