package mailsim

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"

	"github.com/rs/zerolog"

	"github.com/umli/umli/email"
	"github.com/umli/umli/email/annex"
)

// Script returns the example session mailsim plays for proto.
func Script(proto email.Protocol) ([]annex.Step, error) {
	switch proto {
	case email.SMTP:
		return annex.SMTP(), nil
	case email.POP3:
		return annex.B6(), nil
	case email.IMAP:
		return annex.C4WithDownloadAndUpload(), nil
	case email.VVM:
		// The server does not check what the client sends, so one script serves
		// every box.
		return VVMScript(VVMUser, VVMPIN), nil
	}
	return nil, fmt.Errorf("mailsim: no script for %v", proto)
}

// Serve plays the server side of proto's script to every connection on ln until ctx
// ends. It reads each client step as lines (a message up to its "." line) without
// checking them, and answers with the script's next server step.
func Serve(ctx context.Context, ln net.Listener, proto email.Protocol, log zerolog.Logger) error {
	steps, err := Script(proto)
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { _ = ln.Close() })
	defer stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("mailsim %v server: accept: %w", proto, err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer conn.Close()
			stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
			defer stop()
			if err := serveScript(conn, steps); err != nil && !errors.Is(err, net.ErrClosed) {
				log.Warn().Err(err).Str("proto", proto.String()).Msg("mailsim: scripted session ended early")
			}
		}()
	}
}

func serveScript(conn net.Conn, steps []annex.Step) error {
	r := bufio.NewReader(conn)
	for i, st := range steps {
		if st.FromServer {
			if _, err := conn.Write([]byte(st.Data)); err != nil {
				return fmt.Errorf("step %d: %w", i, err)
			}
			continue
		}
		if err := readClientStep(r, st.Data); err != nil {
			return fmt.Errorf("step %d (%q): %w", i, firstLine(st.Data), err)
		}
	}
	return nil
}

// readClientStep consumes what the client sends for one scripted step: as many lines
// as the script has, or a whole message when the step ends a DATA body.
func readClientStep(r *bufio.Reader, want string) error {
	body := strings.HasSuffix(want, "\r\n.\r\n")
	lines := strings.Count(want, "\n")
	for n := 0; ; n++ {
		line, err := r.ReadString('\n')
		if err != nil {
			return err
		}
		if body && (line == ".\r\n" || line == ".\n") {
			return nil
		}
		if !body && n+1 >= lines {
			return nil
		}
	}
}
