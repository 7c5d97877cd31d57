package mailsim

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/umli/umli/email"
	"github.com/umli/umli/email/proxy"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// TestRunThroughProxy plays the three scripts, client and server, through the e-mail
// proxy: the records reproduce the "I:" lines of Annex B.6 and C.4.
func TestRunThroughProxy(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	log := zerolog.New(zerolog.NewTestWriter(t))

	var mu sync.Mutex
	var recs []*record.Record
	emit := func(r *record.Record) { mu.Lock(); recs = append(recs, r); mu.Unlock() }

	listen := func() net.Listener {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		return ln
	}
	front := map[email.Protocol]string{}
	for _, proto := range []email.Protocol{email.SMTP, email.POP3, email.IMAP} {
		srv, pln := listen(), listen()
		p, err := proxy.New(proxy.Config{Upstream: srv.Addr().String(), Protocol: proto, Emit: emit, Source: "demo", Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(2)
		go func() { defer wg.Done(); _ = Serve(ctx, srv, proto, log) }()
		go func() { defer wg.Done(); _ = p.Serve(ctx, pln) }()
		front[proto] = pln.Addr().String()
	}
	err := Run(ctx, Config{SMTP: front[email.SMTP], POP3: front[email.POP3], IMAP: front[email.IMAP], Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	wg.Wait()

	events := map[etsi.EmailProtocol][]string{}
	for _, r := range recs {
		if r.EmailIRI != nil {
			events[r.EmailIRI.ProtocolID] = append(events[r.EmailIRI.ProtocolID],
				fmt.Sprintf("%d/%d/%d", r.Boundary, r.EmailIRI.EventType, r.EmailIRI.Status))
		}
	}
	ev := func(b record.Boundary, e etsi.EmailEvent) string {
		return fmt.Sprintf("%d/%d/%d", b, e, etsi.EmailStatusSucceeded)
	}
	want := map[etsi.EmailProtocol][]string{
		etsi.ProtocolPOP3: {ev(record.Open, etsi.EmailLogon), ev(record.Report, etsi.EmailDownload),
			ev(record.Report, etsi.EmailPartialDownload), ev(record.Close, etsi.EmailLogoff)},
		etsi.ProtocolIMAP4: {ev(record.Open, etsi.EmailLogon), ev(record.Report, etsi.EmailPartialDownload),
			ev(record.Report, etsi.EmailPartialDownload), ev(record.Report, etsi.EmailDownload),
			ev(record.Report, etsi.EmailUpload), ev(record.Close, etsi.EmailLogoff)},
		etsi.ProtocolSMTP: {ev(record.Open, etsi.EmailLogon), ev(record.Open, etsi.EmailLogon),
			// A submission server accepted the mail; no mailbox seen: status unknown (clause 7.7).
			fmt.Sprintf("%d/%d/%d", record.Report, etsi.EmailSend, etsi.EmailStatusUnknown), ev(record.Close, etsi.EmailLogoff)},
	}
	for p, w := range want {
		if strings.Join(events[p], " ") != strings.Join(w, " ") {
			t.Errorf("protocol %d events %v, want %v", p, events[p], w)
		}
	}
}
