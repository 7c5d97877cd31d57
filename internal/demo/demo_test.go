package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/testlog"
	"github.com/umli/umli/mediation/pducheck"
	"github.com/umli/umli/simulators/lemf"
	"github.com/umli/umli/simulators/umsim"
)

// TestDemo runs the default demo (UM platform simulator over ESL and AMI, a SIPREC
// recorded deposit, the e-mail proxy with the mailsim examples, a non-target) and checks what the LEMF got: every
// call of every UM scenario as one CIN of its platform from iRI-Begin to iRI-End, the
// deposits' audio as non-empty WAV files, the e-mail sessions, nothing of the
// non-target, no sequence gaps, files the independent decoder accepts, and logs (at
// debug level) free of target identities and the PIN.
func TestDemo(t *testing.T) {
	dir, text, logs := runDemo(t) // every scenario
	for _, want := range []string{"sequence gaps: 0\n", "non-target (" + NonTargetSource + "): dropped, nothing delivered\n", "LIID " + LIIDA, "LIID " + LIIDB,
		"NE " + FreeSWITCHSource + " CIN 1\n", "NE " + AsteriskSource + " CIN 1\n", "NE " + MailSource + " CIN 1\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}

	s := readSummary(t, dir)
	if s.Gaps != 0 || s.Duplicates != 0 {
		t.Errorf("LEMF saw %d gaps, %d duplicates", s.Gaps, s.Duplicates)
	}
	cins := map[string][]lemf.CINSummary{} // NE -> CINs of LIIDA
	for _, l := range s.LIIDs {
		for _, c := range l.CINs {
			if c.NE == NonTargetSource {
				t.Errorf("the non-target's element %s reached the LEMF (LIID %s)", c.NE, l.LIID)
			}
			if l.LIID == LIIDA {
				cins[c.NE] = append(cins[c.NE], c)
			}
		}
	}
	script, err := umsim.LoadScript()
	if err != nil {
		t.Fatal(err)
	}
	t.Run("freeswitch", func(t *testing.T) {
		// One CIN per scenario, plus the call the SIPREC endpoint recorded.
		checkCalls(t, cins[FreeSWITCHSource], len(script.FreeSWITCH.Scenarios)+1, [][]string{
			{"message-box:connect", "message-box:greeting-play", "message:deposit", "message-box:disconnect"},
			{"message-box:connect", "message-box:greeting-play", "message:deposit", "message-box:disconnect"},
			{"message-box:connect", "message-box:greeting-play", "message:slamdown", "message-box:disconnect"},
			{"message-box:connect", "message-box:login", "message-box:login", "message-box:login", "message-box:logout"},
			{"message-box:login", "message:retrieve", "message:retrieve", "message:delete", "message-box:logout"},
			{"message-box:login", "message-box:greeting-record", "message-box:greeting-change", "message-box:logout"},
			{"message-box:login", "message-box:greeting-delete", "message-box:logout"},
			{"message-box:login", "message-box:pin-change", "message-box:logout"},
			{"message-box:connect", "message:deposit", "message-notification:email", "message-box:disconnect"},
			{"message-box:login", "message-box:logout"},
			{"message-box:login", "message-box:disconnect"},
			{"message-box:connect", "message-box:disconnect"},
		})
		checkDepositAudio(t, dir, cins[FreeSWITCHSource], 3)
	})
	t.Run("sip", func(t *testing.T) {
		// The recorded deposit: both directions as complete PCMU, each a WAV file.
		var rec *lemf.CINSummary
		for i, c := range cins[FreeSWITCHSource] {
			if len(c.Content) > 0 && c.Content[0].ContentType == "audio/PCMU" {
				rec = &cins[FreeSWITCHSource][i]
			}
		}
		if rec == nil {
			t.Fatalf("no CIN of %s carries the recorded PCMU", FreeSWITCHSource)
		}
		dirs := map[uint32]bool{}
		for _, ct := range rec.Content {
			b, err := os.ReadFile(filepath.Join(dir, ct.File))
			if err != nil || !ct.Complete || ct.Bytes == 0 || ct.ContentIdentifier == nil || len(b) <= 44 || !bytes.HasPrefix(b, []byte("RIFF")) {
				t.Errorf("recorded content %+v: %d bytes on disk, %v", ct, len(b), err)
				continue
			}
			dirs[*ct.ContentIdentifier] = true
		}
		if !dirs[0] || !dirs[1] {
			t.Errorf("recorded directions (content-identifiers) %v, want 0 and 1", dirs)
		}
	})
	t.Run("asterisk", func(t *testing.T) {
		checkCalls(t, cins[AsteriskSource], len(script.Asterisk.Scenarios), [][]string{
			{"message-box:connect", "message:deposit", "message-box:disconnect"},
			{"message-box:connect", "message:slamdown", "message-box:disconnect"},
			{"message-box:connect", "message-box:login", "message-box:pin-change", "message-box:logout"},
			{"message-box:connect", "message-box:login", "message-box:logout"},
			{"message-box:connect", "message-box:disconnect"},
			{"message-box:connect", "message-box:login", "message-box:login", "message-box:disconnect"},
			{"message-box:connect", "message-box:login", "message:retrieve", "message:delete", "message:retrieve", "message:save", "message-box:logout"},
		})
	})
	t.Run("mail", func(t *testing.T) {
		checkCalls(t, cins[MailSource], 3, [][]string{
			{"e-mail-logon", "e-mail-send", "e-mail-logoff"},
			{"e-mail-logon", "e-mail-download", "e-mail-partial-download", "e-mail-logoff"},
			// Annex C.4 plus a full FETCH and an APPEND: Table C.1's download,
			// partial-download and upload, each iRI-Report (middleIRIType).
			{"e-mail-logon", "e-mail-partial-download", "e-mail-partial-download", "e-mail-download", "e-mail-upload", "e-mail-logoff"},
		})
		for _, c := range cins[MailSource] {
			if len(c.Content) != 1 || c.Content[0].Payload != "EmailCC" || c.Content[0].Bytes == 0 || !c.Content[0].Complete {
				t.Errorf("mail CIN %d content %+v, want one complete EmailCC", *c.CIN, c.Content)
			}
		}
	})

	files := []string{filepath.Join(dir, "hi2.ber"), filepath.Join(dir, "hi3.ber")}
	got, err := pducheck.Read(files...)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Reused) > 0 || len(got.Gaps()) > 0 {
		t.Errorf("reused %v gaps %v", got.Reused, got.Gaps())
	}
	checkDecoder(t, files, got.Total)
	x := checkX2X3(t, dir)
	if !strings.Contains(text, "X2 PDUs (IRI) in ") || !strings.Contains(text, "X3 PDUs (CC) in ") {
		t.Errorf("summary does not name x2.bin / x3.bin:\n%s", text)
	}
	checkDeliveryAudit(t, dir, text, got, x)

	// Minimization: not one target identity, password or the PIN in any log line.
	if !strings.Contains(logs, `"level":"debug"`) && !strings.Contains(logs, `"level":"info"`) {
		t.Fatalf("no logs captured:\n%s", logs)
	}
	checkLogsFree(t, logs, "4711", "4917012345678", "1000@", TargetEmail, TargetPOP3, TargetIMAP,
		"mrose", "tanstaaf", "alice", NonTargetMSISDN[1:], "ClueCon")
}

// runDemo runs the demo (the given scenarios, or all) into a temporary directory at
// debug level and returns the directory, what it printed and its log.
func runDemo(t *testing.T, scenarios ...Scenario) (dir, out, logs string) {
	t.Helper()
	dir = t.TempDir()
	var text bytes.Buffer
	var log testlog.Buffer
	err := Run(context.Background(), Options{OutDir: dir, Out: &text, Log: zerolog.New(&log).Level(zerolog.DebugLevel), Scenarios: scenarios})
	if err != nil {
		t.Fatalf("%v\n%s\nlogs:\n%s", err, text.String(), log.String())
	}
	return dir, text.String(), log.String()
}

// checkLogsFree fails for each secret found in logs (secretIndex), showing where.
func checkLogsFree(t *testing.T, logs string, secrets ...string) {
	t.Helper()
	for _, secret := range secrets {
		if i := secretIndex(logs, secret); i >= 0 {
			t.Errorf("logs contain %q: …%s…", secret, logs[max(i-80, 0):min(i+len(secret)+40, len(logs))])
		}
	}
}

func readSummary(t *testing.T, dir string) lemf.Summary {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, lemf.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var s lemf.Summary
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("%s: %v", lemf.SummaryFile, err)
	}
	return s
}

// checkCalls: n CINs, each one call from iRI-Begin to iRI-End without gaps, and each
// wanted call's events in order in a CIN of its own.
// middleIRIType is the iRIType of an event inside a call or session: e-mail sends,
// receives, downloads, uploads and logon failures are iRI-Report in the session's CIN
// (TS 102 232-2 Tables A.2, B.2, C.1), everything else iRI-Continue.
func middleIRIType(category string) string {
	switch category {
	case "e-mail-send", "e-mail-receive", "e-mail-download", "e-mail-partial-download", "e-mail-upload",
		"e-mail-logon-failure", "e-mail-logon-attempt":
		return "iRI-Report"
	}
	return "iRI-Continue"
}

func checkCalls(t *testing.T, cins []lemf.CINSummary, n int, want [][]string) {
	t.Helper()
	if len(cins) != n {
		t.Errorf("%d CINs, want %d (one per call)", len(cins), n)
	}
	var sigs [][]string
	for _, c := range cins {
		var sig []string
		for i, e := range c.Events {
			w := middleIRIType(e.Category)
			switch i {
			case 0:
				w = "iRI-Begin"
			case len(c.Events) - 1:
				w = "iRI-End"
			}
			if e.IRIType != w {
				t.Errorf("CIN %d event %d (%s) is %s, want %s", *c.CIN, i, e.Category, e.IRIType, w)
			}
			sig = append(sig, e.Category)
		}
		if c.IRI.Gaps != 0 || c.CC.Gaps != 0 {
			t.Errorf("CIN %d has sequence gaps: IRI %+v CC %+v", *c.CIN, c.IRI, c.CC)
		}
		sigs = append(sigs, sig)
	}
	// Longest first, so a short pattern cannot take the call a longer one needs.
	want = slices.Clone(want)
	slices.SortStableFunc(want, func(a, b []string) int { return len(b) - len(a) })
	for _, w := range want {
		i := slices.IndexFunc(sigs, func(s []string) bool { return subsequence(s, w) })
		if i < 0 {
			t.Errorf("no call shows %s in %v", strings.Join(w, " → "), sigs)
			continue
		}
		sigs = slices.Delete(sigs, i, i+1)
	}
}

func subsequence(have, want []string) bool {
	i := 0
	for _, h := range have {
		if i < len(want) && h == want[i] {
			i++
		}
	}
	return i == len(want)
}

// checkDepositAudio: n deposits whose audio arrived complete, linked by
// event-identifier, as a non-empty WAV file.
func checkDepositAudio(t *testing.T, dir string, cins []lemf.CINSummary, n int) {
	t.Helper()
	found := 0
	for _, c := range cins {
		for _, e := range c.Events {
			if e.Category != "message:deposit" || e.EventIdentifier == nil {
				continue
			}
			for _, ct := range c.Content {
				if ct.EventIdentifier == nil || *ct.EventIdentifier != *e.EventIdentifier {
					continue
				}
				b, err := os.ReadFile(filepath.Join(dir, ct.File))
				if err != nil {
					t.Errorf("deposit audio: %v", err)
					continue
				}
				if !ct.Complete || len(b) <= 44 || !bytes.HasPrefix(b, []byte("RIFF")) || !strings.HasSuffix(ct.File, ".wav") {
					t.Errorf("deposit audio %s: %d bytes, complete %v, want a non-empty WAV", ct.File, len(b), ct.Complete)
					continue
				}
				found++
			}
		}
	}
	if found != n {
		t.Errorf("%d deposits with their audio as a WAV file, want %d", found, n)
	}
}

// checkDecoder runs the independent Erlang decoder over the files when ../shared exists.
func checkDecoder(t *testing.T, files []string, total int) {
	t.Helper()
	decoder := "../../../shared/tools/etsi-decode"
	if _, err := os.Stat(filepath.Dir(filepath.Dir(decoder))); err != nil {
		t.Logf("../shared not present (%v); independent decoder check skipped", err)
		return
	}
	if _, err := exec.LookPath("erlc"); err != nil {
		t.Fatalf("the independent decoder needs erlc: %v", err)
	}
	b, err := exec.Command(decoder, files...).CombinedOutput()
	if err != nil {
		t.Fatalf("etsi-decode: %v\n%s", err, b)
	}
	lines := strings.Count(string(b), "\n")
	if lines != total+strings.Count(string(b), "keep-alive") || lines == 0 {
		t.Errorf("etsi-decode printed %d lines, we read %d PDUs (+keep-alives)", lines, total)
	}
}

// secretIndex finds secret in logs, ignoring case. A secret of digits only (the PIN, a
// number) counts only as a number of its own: inside a longer run of digits (a port
// such as 47112, a byte count) it is another number, not the secret.
func secretIndex(logs, secret string) int {
	if strings.Trim(secret, "0123456789") != "" {
		return strings.Index(strings.ToLower(logs), strings.ToLower(secret))
	}
	isDigit := func(b byte) bool { return b >= '0' && b <= '9' }
	for off := 0; ; {
		i := strings.Index(logs[off:], secret)
		if i < 0 {
			return -1
		}
		i += off
		if end := i + len(secret); (i == 0 || !isDigit(logs[i-1])) && (end == len(logs) || !isDigit(logs[end])) {
			return i
		}
		off = i + 1
	}
}

// TestSecretIndex: a digits-only secret is found as a number of its own, not inside
// another number; other secrets anywhere, whatever the case.
func TestSecretIndex(t *testing.T) {
	tests := []struct {
		logs, secret string
		want         int
	}{
		{`{"pin":"4711"}`, "4711", 8},
		{`{"peer":"127.0.0.1:47112"}`, "4711", -1},
		{`{"bytes":14711,"pin":4711}`, "4711", 21},
		{`4711`, "4711", 0},
		{`{"box":"ALICE@x"}`, "alice", 8},
		{`{"msg":"ok"}`, "alice", -1},
	}
	for _, tc := range tests {
		if got := secretIndex(tc.logs, tc.secret); got != tc.want {
			t.Errorf("secretIndex(%q, %q) = %d, want %d", tc.logs, tc.secret, got, tc.want)
		}
	}
}
