package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/umli/umli/internal/pipeline"
)

// startUnderPrlimit starts `prlimit --nofile=SOFT:HARD umli run --config cfgPath`
// (prlimit execs umli in place, so the pid is umli's) and waits until it runs.
func startUnderPrlimit(t *testing.T, nofile, bin, cfgPath string) *runningUMLI {
	t.Helper()
	prl, err := exec.LookPath("prlimit")
	if err != nil {
		t.Fatalf("prlimit (util-linux) is needed: %v", err)
	}
	p := startProc(t, exec.Command(prl, "--nofile="+nofile, bin, "run", "--config", cfgPath), false)
	waitUntil(t, "umli running", func() bool { return strings.Contains(p.stderr.String(), "umli running") })
	if comm := strings.TrimSpace(readFile(t, fmt.Sprintf("/proc/%d/comm", p.cmd.Process.Pid))); comm != "umli" {
		t.Fatalf("pid %d is %q, not umli", p.cmd.Process.Pid, comm)
	}
	return p
}

// softNOFILE reads pid's soft "Max open files" from /proc/<pid>/limits.
func softNOFILE(t *testing.T, pid int) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^Max open files\s+(\d+)\s+(\d+)`).FindStringSubmatch(readFile(t, fmt.Sprintf("/proc/%d/limits", pid)))
	if m == nil {
		t.Fatalf("no Max open files in /proc/%d/limits", pid)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestRunDescriptorBudget (issue 21): umli raises its soft RLIMIT_NOFILE to the hard
// limit at start (prlimit 256:4096 → 4096, no warning). Under a low limit (prlimit
// 200:200) it warns, naming numbers only, and lowers the connection caps the
// configuration left at their defaults so that they fit the limit minus
// limits.reserveDescriptors: a flood of connections at the JSON-lines and webhook
// listeners is refused at the lowered caps, the process never runs out of
// descriptors (no EMFILE), and a target deposit then reaches the LEMF.
func TestRunDescriptorBudget(t *testing.T) {
	rg := newRig(t)
	bin, srv, dir := rg.bin, rg.srv, rg.dir
	lm, hi2, hi3 := rg.lm.LEMF, rg.lm.HI2, rg.lm.HI3
	tokenFile := filepath.Join(dir, "token")
	writeFile(t, tokenFile, "tok-budget-77aa\n")
	config := func(name string) (path, metrics, lines, hook string) {
		metrics, lines, hook = freeAddr(t), freeAddr(t), freeAddr(t)
		path = filepath.Join(dir, name+".yaml")
		writeFile(t, path, fmt.Sprintf(`instance: %s
operator: OP-BUDGET
metrics: {listen: "%s"}
redis: {addrs: ["%s"]}
limits: {reserveDescriptors: 64}
destinations:
  - {name: lea, hi2: "%s", hi3: "%s"}
warrants:
  - {liid: BUDGET-1, destination: lea, scope: iri+cc, start: 2020-01-01T00:00:00Z, targets: [{boxID: "%s"}]}
umsys:
  systemID: um-budget
  webhooks:
    - {source: hook-b-1, listen: "%s", path: /events, tokenFile: "%s"}
  jsonLines:
    - {source: lines-b-1, listen: "%s"}
`, name, metrics, srv.Addr, hi2, hi3, hostileTarget, hook, tokenFile, lines))
		return path, metrics, lines, hook
	}

	// A hard limit above the soft one: raised, and plenty, so no warning.
	cfgA, _, _, _ := config("budget-a")
	a := startUnderPrlimit(t, "256:4096", bin, cfgA)
	if n := softNOFILE(t, a.cmd.Process.Pid); n != 4096 {
		t.Errorf("soft RLIMIT_NOFILE of umli started with 256:4096 is %d, want 4096 (raised to the hard limit)", n)
	}
	if logs := a.stderr.String(); !strings.Contains(logs, `"rlimit_nofile":4096`) || strings.Contains(logs, "descriptors: limit low") {
		t.Errorf("with 4096 descriptors: want the budget logged at 4096 and no warning:\n%s", logs)
	}
	a.terminate(t)

	// A low limit: warned, default caps lowered, a flood stays within the limit.
	const limit = 200
	cfgB, metrics, lines, hook := config("budget-b")
	b := startUnderPrlimit(t, fmt.Sprintf("%d:%d", limit, limit), bin, cfgB)
	pid := b.cmd.Process.Pid
	var warn string
	for _, l := range strings.Split(b.stderr.String(), "\n") {
		if strings.Contains(l, "descriptors: limit low") {
			warn = l
		}
	}
	if warn == "" || !strings.Contains(warn, `"level":"warn"`) || !strings.Contains(warn, fmt.Sprintf(`"rlimit_nofile":%d`, limit)) || !strings.Contains(warn, `"reserve":64`) {
		t.Fatalf("no low-limit warning with the numbers:\n%s", b.stderr.String())
	}
	capOf := func(name string) int {
		m := regexp.MustCompile(`"` + name + `":(\d+)`).FindStringSubmatch(warn)
		if m == nil {
			t.Fatalf("warning names no lowered cap for %s: %s", name, warn)
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	linesCap, hookCap := capOf("jsonLines lines-b-1"), capOf("webhook hook-b-1")
	t.Logf("RLIMIT_NOFILE %d: caps lowered to jsonLines %d, webhook %d; %s", limit, linesCap, hookCap, warn)
	if linesCap >= pipeline.DefaultMaxConns || hookCap >= pipeline.DefaultMaxConns || linesCap < 1 || hookCap < 1 {
		t.Fatalf("caps %d/%d not lowered below the default %d", linesCap, hookCap, pipeline.DefaultMaxConns)
	}
	var flood []net.Conn
	defer func() {
		for _, c := range flood {
			c.Close()
		}
	}()
	for _, addr := range []string{lines, hook} {
		for range limit {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatalf("flood dial %s: %v", addr, err)
			}
			flood = append(flood, c)
		}
	}
	m := func(prefix string) float64 {
		for _, l := range strings.Split(httpGet(t, "http://"+metrics+"/metrics"), "\n") {
			if strings.HasPrefix(l, prefix) {
				v, _ := strconv.ParseFloat(l[strings.LastIndexByte(l, ' ')+1:], 64)
				return v
			}
		}
		return 0
	}
	waitUntil(t, "the flood refused at the lowered caps", func() bool {
		return m(`umli_accept_refused_total{cap="listener",listener="jsonLines lines-b-1"}`) >= float64(limit-linesCap) &&
			m(`umli_accept_refused_total{cap="listener",listener="webhook hook-b-1"}`) >= float64(limit-hookCap)
	})
	held := openFDs(t, pid)
	t.Logf("with %d flood connections umli holds %d descriptors (limit %d)", len(flood), held, limit)
	if held > limit-64 {
		t.Errorf("umli holds %d descriptors under the flood, more than the limit %d minus the reserve 64", held, limit)
	}
	for _, l := range []string{"jsonLines lines-b-1", "webhook hook-b-1", "metrics"} {
		if n := m(`umli_accept_errors_total{listener="` + l + `",reason="emfile"}`); n != 0 {
			t.Errorf("%s: %v EMFILE accept errors: the budget did not hold", l, n)
		}
	}
	for _, c := range flood {
		c.Close()
	}
	flood = nil
	waitUntil(t, "the flood's connections released", func() bool { return openFDs(t, pid) < held-linesCap })
	c, err := net.Dial("tcp", lines)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, depositLine("budget-after")); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the deposit after the flood at the LEMF", func() bool {
		for _, l := range lm.Summary().LIIDs {
			for _, cin := range l.CINs {
				for _, e := range cin.Events {
					if e.Category == "message:deposit" {
						return true
					}
				}
			}
		}
		return false
	})
	if strings.Contains(b.stderr.String(), hostileTarget) {
		t.Error("target identity in the log")
	}
	b.terminate(t)
	_ = os.Remove(cfgB)
}
