package main

import (
	"bufio"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/internal/testlog"
)

// TestMailServeAndPlay runs `umsim mail --serve-*` and plays all three client scripts
// against it with a second `umsim mail`, over real TCP.
func TestMailServeAndPlay(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second) // hang guard
	defer cancel()
	sctx, stopServer := context.WithCancel(ctx)
	pr, pw := io.Pipe()
	var serverErr testlog.Buffer
	done := make(chan error, 1)
	go func() {
		done <- runMail(sctx, []string{"--serve-smtp", "127.0.0.1:0", "--serve-pop3", "127.0.0.1:0", "--serve-imap", "127.0.0.1:0"}, pw, &serverErr)
		pw.Close()
	}()
	addrs := map[string]string{}
	r := bufio.NewReader(pr)
	for len(addrs) < 3 {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("server printed %v, then: %v (%s)", addrs, err, serverErr.String())
		}
		name, addr, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok || !strings.HasSuffix(name, "-server") {
			t.Fatalf("server line %q", line)
		}
		addrs[strings.TrimSuffix(name, "-server")] = addr
	}
	go io.Copy(io.Discard, pr)

	var clientErr testlog.Buffer
	err := run([]string{"mail", "--smtp", addrs["smtp"], "--pop3", addrs["pop3"], "--imap", addrs["imap"],
		"--pop3-password", "tanstaaf", "--imap-password", "s3cr3t-imap"}, io.Discard, &clientErr)
	if err != nil {
		t.Fatalf("client: %v\n%s", err, clientErr.String())
	}
	played := map[string]bool{}
	for _, line := range strings.Split(clientErr.String(), "\n") {
		for _, proto := range []string{"smtp", "pop3", "imap"} {
			if strings.Contains(line, "mailsim: session played") && strings.Contains(line, `"proto":"`+proto+`"`) {
				played[proto] = true
			}
		}
	}
	if len(played) != 3 {
		t.Errorf("sessions played %v, want smtp, pop3 and imap:\n%s", played, clientErr.String())
	}
	stopServer()
	if err := <-done; err != nil {
		t.Errorf("server: %v\n%s", err, serverErr.String())
	}
	for _, secret := range []string{"tanstaaf", "s3cr3t-imap"} {
		if strings.Contains(clientErr.String()+serverErr.String(), secret) {
			t.Errorf("password %q logged", secret)
		}
	}
}

func TestMailErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"mail"}, "give client addresses"},
		{[]string{"mail", "--serve-pop3", "256.0.0.1:x"}, "--serve-pop3"},
		{[]string{"mail", "--imap", "127.0.0.1:1"}, "imap session"},
		{[]string{"mail", "--nope"}, "flag provided but not defined"},
		{[]string{"sip", "--mode", "sideways"}, "--mode"},
	} {
		err := run(tt.args, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want one mentioning %q", tt.args, err, tt.want)
		}
	}
}
