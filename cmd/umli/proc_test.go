package main

import (
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/umli/umli/internal/testlog"
)

// runningUMLI is a `umli run --config` process started by a test.
type runningUMLI struct {
	cmd    *exec.Cmd
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
	p := &runningUMLI{cmd: exec.Command(bin, "run", "--config", cfgPath), stderr: &testlog.Buffer{}, done: make(chan error, 1)}
	p.cmd.Stderr = p.stderr
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
