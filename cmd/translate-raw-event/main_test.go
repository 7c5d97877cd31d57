package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/umli/umli/mediation/etsi"
)

const fixtures = "../../umsys/translate/testdata"

type result struct {
	code           int
	stdout, stderr string
}

func runCmd(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

type outLine struct {
	CorrelationKey string `json:"correlationKey"`
	IRIType        string `json:"iRIType"`
	Rule           string `json:"rule"`
	Record         struct {
		Category map[string]string `json:"category"`
		Status   string            `json:"status"`
		Original string            `json:"original-message"`
		Props    []map[string]any  `json:"properties"`
	} `json:"record"`
}

func parseLines(t *testing.T, s string) []outLine {
	t.Helper()
	var ls []outLine
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l outLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("output line is not JSON: %v: %s", err, sc.Text())
		}
		ls = append(ls, l)
	}
	return ls
}

func TestFixtures(t *testing.T) {
	cases := []struct {
		args  []string
		types []string
		first string
	}{
		{[]string{"--vendor", "freeswitch", fixtures + "/freeswitch/slamdown.esl"},
			[]string{"iRI-Begin", "iRI-Continue", "iRI-Continue", "iRI-End"}, "connect"},
		{[]string{"--vendor", "asterisk", fixtures + "/asterisk/tui.ami"},
			[]string{"iRI-Begin", "iRI-Continue", "iRI-Continue", "iRI-End"}, "connect"},
		{[]string{"--vendor", "asterisk", fixtures + "/asterisk/tui-dtmf.ami"},
			[]string{"iRI-Begin", "iRI-Continue", "iRI-Continue", "iRI-Continue", "iRI-Continue", "iRI-Continue", "iRI-Continue",
				"iRI-Continue", "iRI-Continue", "iRI-Continue", "iRI-Continue", "iRI-End"}, "connect"},
		{[]string{"--vendor", "json", "--profile", "../../umsys/canonical/testdata/profiles/cisco-cumi.yaml", fixtures + "/json/cisco-cumi.jsonl"},
			[]string{"iRI-Report", "iRI-Report", "iRI-Report", "iRI-Report"}, "deposit"},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.args[len(c.args)-1]), func(t *testing.T) {
			r := runCmd(t, "", c.args...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			ls := parseLines(t, r.stdout)
			var types []string
			for _, l := range ls {
				types = append(types, l.IRIType)
			}
			if strings.Join(types, ",") != strings.Join(c.types, ",") {
				t.Errorf("iRITypes %v, want %v", types, c.types)
			}
			for _, v := range ls[0].Record.Category {
				if v != c.first {
					t.Errorf("first event %q, want %q", v, c.first)
				}
			}
		})
	}
}

func TestStdinAndExplain(t *testing.T) {
	one := `{"session":"s1","event":"pin-change","status":"operation-succeeded","trigger":"user","box":"1000@example.net","property":{"pincode":"4711"}}`
	r := runCmd(t, one, "--vendor", "json", "--explain")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	ls := parseLines(t, r.stdout)
	if len(ls) != 1 || ls[0].Rule != "json.event" || ls[0].CorrelationKey != "s1" || ls[0].IRIType != "iRI-Begin" {
		t.Fatalf("%+v", ls)
	}
	if len(ls[0].Record.Props) != 1 || ls[0].Record.Props[0]["pincode"] == nil {
		t.Errorf("pincode property missing: %+v", ls[0].Record.Props)
	}
	if r.stderr != "" {
		t.Errorf("stderr %q", r.stderr)
	}
}

func TestBER(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "out.ber")
	r := runCmd(t, "", "--vendor", "freeswitch", "--ber", dst, fixtures+"/freeswitch/retrieve.esl")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	b, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	lines := len(parseLines(t, r.stdout))
	var n int
	for len(b) > 0 {
		p, used, err := etsi.DecodePSPDU(b)
		if err != nil {
			t.Fatalf("PDU %d: %v", n, err)
		}
		if p.Header.LIID != "TRANSLATE" || p.Header.SequenceNumber != uint32(n) || *p.Header.CommunicationIdentifier.CIN != 1 {
			t.Errorf("PDU %d header %+v", n, p.Header)
		}
		if len(p.Payload.IRI) != 1 || p.Payload.IRI[0].Contents.MessagingIRI == nil {
			t.Fatalf("PDU %d carries no MessagingIRI", n)
		}
		b = b[used:]
		n++
	}
	if n != lines {
		t.Errorf("%d PDUs for %d records", n, lines)
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"no vendor", "", nil, 2, "--vendor is required"},
		{"bad vendor", "", []string{"--vendor", "kamailio"}, 2, "kamailio"},
		{"profile without json", "", []string{"--vendor", "freeswitch", "--profile", "x.yaml"}, 2, "json only"},
		{"missing file", "", []string{"--vendor", "json", "/nonexistent/x.jsonl"}, 1, "nonexistent"},
		{"bad json", "{\"event\":\"deposit\"}\n{\"event\": oops}\n", []string{"--vendor", "json"}, 1, "stdin: line 2"},
		{"not an object", "[1,2]", []string{"--vendor", "json"}, 1, "not an object"},
		{"bad field", "\n\n{\"event\":\"deposit\",\"status\":\"great\",\"box\":\"1\"}", []string{"--vendor", "json"}, 1, "line 3 (offset 2)"},
		{"truncated esl", "Content-Length: 500\nContent-Type: text/event-plain\n\nEvent-Name: CUSTOM\n", []string{"--vendor", "freeswitch"}, 1, "offset 0"},
		{"bad esl header", "Content-Length: 12\nContent-Type: text/event-plain\n\nno colon!\n\n\n", []string{"--vendor", "freeswitch"}, 1, "no name"},
		{"empty", "", []string{"--vendor", "asterisk"}, 1, "no events"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runCmd(t, c.stdin, c.args...)
			if r.code != c.code {
				t.Fatalf("exit %d, want %d (stderr %q)", r.code, c.code, r.stderr)
			}
			if !strings.Contains(r.stderr, c.want) {
				t.Errorf("stderr %q does not say %q", r.stderr, c.want)
			}
			if c.code == 1 && r.stdout != "" {
				t.Errorf("printed records before failing: %q", r.stdout)
			}
		})
	}
}
