package proxy

import (
	"bytes"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/umli/umli/email"
	"github.com/umli/umli/email/testmail"
)

// replayServer is a mail server that plays the server side of torture sessions, one
// per connection in order: it sends each server step once it has read the client
// bytes before it, and records what it read.
func replayServer(t *testing.T, sessions []testmail.Session) (addr string, got func(i int) []byte) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	var mu sync.Mutex
	read := make([][]byte, len(sessions))
	go func() {
		for i, ses := range sessions {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			for _, st := range ses.Steps {
				if !st.Client {
					if _, err := c.Write(st.Data); err != nil {
						break
					}
					continue
				}
				b := make([]byte, len(st.Data))
				n, _ := io.ReadFull(c, b)
				mu.Lock()
				read[i] = append(read[i], b[:n]...)
				mu.Unlock()
			}
			_ = c.Close()
		}
	}()
	return ln.Addr().String(), func(i int) []byte {
		mu.Lock()
		defer mu.Unlock()
		return read[i]
	}
}

// TestProxyTortureSessions: every torture session of a protocol, valid and invalid,
// through one proxy in front of a server that plays it. The mail service sees no
// difference: each side gets exactly the bytes the other sent, bad ones included.
// Each session gives the IRI its want lines list; an invalid one is reported as one
// NoticeMalformed naming what and where, and the proxy goes on serving the sessions
// after it.
func TestProxyTortureSessions(t *testing.T) {
	for _, proto := range []email.Protocol{email.SMTP, email.POP3, email.IMAP} {
		t.Run(proto.String(), func(t *testing.T) {
			var sessions []testmail.Session
			for _, dir := range []string{"valid", "invalid"} {
				sessions = append(sessions, testmail.Torture(t, "../testdata/torture", dir, proto.String())...)
			}
			const maxLine = 64 // the bound the over-long sessions are written for
			for _, ses := range sessions {
				if ses.MaxLine != 0 && ses.MaxLine != maxLine {
					t.Fatalf("%s: maxline %d, the proxy runs with %d", ses.Name, ses.MaxLine, maxLine)
				}
			}
			var mu sync.Mutex
			var notices []email.Notice
			notify := func(n email.Notice) { mu.Lock(); notices = append(notices, n); mu.Unlock() }
			up, upstreamGot := replayServer(t, sessions)
			sink := newCollectSink()
			addr, p := startProxyP(t, Config{Upstream: up, Protocol: proto,
				Options: email.Options{MaxLine: maxLine, Notify: notify}}, sink)
			for i, ses := range sessions {
				c, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatalf("%s: the proxy no longer serves: %v", ses.Name, err)
				}
				_ = c.SetDeadline(time.Now().Add(20 * time.Second))
				var fromServer []byte
				for _, st := range ses.Steps {
					if st.Client {
						if _, err := c.Write(st.Data); err != nil {
							t.Fatalf("%s: write: %v", ses.Name, err)
						}
						continue
					}
					b := make([]byte, len(st.Data))
					n, err := io.ReadFull(c, b)
					fromServer = append(fromServer, b[:n]...)
					if err != nil {
						t.Fatalf("%s: read: %v after %q", ses.Name, err, fromServer)
					}
				}
				_ = c.Close()
				p.waitSessions(t, uint64(i+1))
				ses.CCFrom = "" // the whole streams
				if want := ses.Wire(false); !bytes.Equal(fromServer, want) {
					t.Errorf("%s: the client got %q, the server sent %q", ses.Name, fromServer, want)
				}
				if got, want := upstreamGot(i), ses.Wire(true); !bytes.Equal(got, want) {
					t.Errorf("%s: the server got %q, the client sent %q", ses.Name, got, want)
				}
			}
			recs := sink.snapshot()
			ks := keys(recs)
			if len(ks) != len(sessions) {
				t.Fatalf("%d sessions gave records, want %d", len(ks), len(sessions))
			}
			malformed := map[string]email.Notice{}
			for _, n := range notices {
				if n.Kind == email.NoticeMalformed {
					if _, dup := malformed[n.CorrelationKey]; dup {
						t.Errorf("two NoticeMalformed for one session")
					}
					malformed[n.CorrelationKey] = n
				}
			}
			for i, ses := range sessions {
				var got []string
				for _, r := range recs {
					if r.EmailIRI != nil && r.CorrelationKey == ks[i] {
						got = append(got, testmail.TortureIRI(r))
					}
				}
				if strings.Join(got, "\n") != strings.Join(ses.Want, "\n") {
					t.Errorf("%s: IRI\n  %s\nwant\n  %s", ses.Name, strings.Join(got, "\n  "), strings.Join(ses.Want, "\n  "))
				}
				n, ok := malformed[ks[i]]
				switch {
				case len(ses.Errors) == 0 && ok:
					t.Errorf("%s: valid session reported malformed: %s", ses.Name, n.Reason)
				case len(ses.Errors) > 0 && (!ok || !strings.Contains(n.Reason, ses.Errors[0]) || n.Protocol != proto):
					t.Errorf("%s: notice %+v, want one naming %q", ses.Name, n, ses.Errors[0])
				}
			}
		})
	}
}
