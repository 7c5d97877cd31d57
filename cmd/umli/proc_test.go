package main

import (
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/umli/umli/internal/testlog"
	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation/pducheck"
	"github.com/umli/umli/simulators/lemf"
	"github.com/umli/umli/simulators/lemf/lemftest"
	"github.com/umli/umli/simulators/umsim"
	"github.com/umli/umli/umsys/feed/feedtest"
)

// runningUMLI is a `umli run --config` process started by a test; stdin is set when
// records are fed on it.
type runningUMLI struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr *testlog.Buffer
	done   chan error
}

// runConfig starts `umli run --config cfgPath` and waits until it reports running.
func runConfig(t *testing.T, bin, cfgPath string) *runningUMLI {
	t.Helper()
	p := startConfig(t, bin, cfgPath)
	waitUntil(t, "umli running", func() bool { return strings.Contains(p.stderr.String(), "umli running") })
	return p
}

// startConfig starts `umli run --config cfgPath` without waiting, and kills it at cleanup
// if the test has not stopped it.
func startConfig(t *testing.T, bin, cfgPath string) *runningUMLI {
	t.Helper()
	return startProc(t, exec.Command(bin, "run", "--config", cfgPath), false)
}

// startProc starts cmd with its stderr captured (and, with stdin, a pipe to its
// standard input), and kills it at cleanup if the test has not stopped it.
func startProc(t *testing.T, cmd *exec.Cmd, stdin bool) *runningUMLI {
	t.Helper()
	p := &runningUMLI{cmd: cmd, stderr: &testlog.Buffer{}, done: make(chan error, 1)}
	p.cmd.Stderr = p.stderr
	if stdin {
		var err error
		if p.stdin, err = p.cmd.StdinPipe(); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() { _ = p.cmd.Process.Kill(); <-p.done; p.done <- nil })
	return p
}

// kill ends the process with SIGKILL and waits for it.
func (p *runningUMLI) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done
	p.done <- nil
}

// terminate sends SIGTERM and reports an unclean exit as a test error.
func (p *runningUMLI) terminate(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-p.done; err != nil {
		t.Errorf("umli after SIGTERM: %v\n%s", err, p.stderr.String())
	}
	p.done <- nil
}

// rig is what an end-to-end `umli run` test starts from: the built binary, a real
// Redis, a temp dir and a LEMF on loopback writing to dir/lemf.
type rig struct {
	bin string
	srv *testredis.Server
	dir string
	lm  *lemftest.LEMF
	// keyringFile, when set, is named in the configuration's redis section.
	keyringFile string
}

// newRig starts the rig; in -short mode it skips the test.
func newRig(t *testing.T) *rig {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the umli binary")
	}
	return startRig(t, buildUMLI(t))
}

// startRig is newRig around a binary built already, for subtests that share one build.
func startRig(t *testing.T, bin string) *rig {
	t.Helper()
	r := &rig{bin: bin, srv: testredis.Start(t), dir: t.TempDir()}
	r.lm = lemftest.Start(t, lemf.Config{OutDir: r.lemfDir()})
	return r
}

// lemfDir is where the LEMF writes what it received.
func (r *rig) lemfDir() string { return filepath.Join(r.dir, "lemf") }

// config writes dir/umli.yaml: instance and operator, the rig's Redis, its LEMF as
// destination "lea", then body (every other section); it returns the file's path.
func (r *rig) config(t *testing.T, instance, operator, body string) string {
	t.Helper()
	return r.configAs(t, "umli.yaml", instance, operator, body)
}

// configAs is config into dir/file, for tests running several instances.
func (r *rig) configAs(t *testing.T, file, instance, operator, body string) string {
	t.Helper()
	redis := fmt.Sprintf("{addrs: [%q]}", r.srv.Addr)
	if r.keyringFile != "" {
		redis = fmt.Sprintf("{addrs: [%q], keyringFile: %q}", r.srv.Addr, r.keyringFile)
	}
	path := filepath.Join(r.dir, file)
	writeFile(t, path, fmt.Sprintf("instance: %s\noperator: %s\nredis: %s\ndestinations:\n  - {name: lea, hi2: %q, hi3: %q}\n",
		instance, operator, redis, r.lm.HI2, r.lm.HI3)+body)
	return path
}

// stopLEMF closes the LEMF, which finalizes its files, and reads back every PDU it stored.
func (r *rig) stopLEMF(t *testing.T) *pducheck.Set {
	t.Helper()
	r.lm.Stop(t)
	got, err := pducheck.ReadLEMF(r.lemfDir())
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// startUM runs the UM simulator until the test ends.
func startUM(t *testing.T, cfg umsim.Config) *umsim.UM {
	t.Helper()
	um, err := umsim.NewUM(cfg)
	if err != nil {
		t.Fatal(err)
	}
	feedtest.Background(t, um.Run)
	return um
}
