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

// annexEvent renders an IRI as boundary/event/status.
func annexEvent(b record.Boundary, e etsi.EmailEvent, st etsi.EmailStatus) string {
	return fmt.Sprintf("%d/%d/%d", b, e, st)
}

// annexEvents are the IRI the scripts must give: the "I:" lines of Annex B.6 (POP3)
// and C.4 (IMAP4), and the SMTP submission's.
func annexEvents() map[etsi.EmailProtocol][]string {
	ok := etsi.EmailStatusSucceeded
	return map[etsi.EmailProtocol][]string{
		etsi.ProtocolPOP3: {annexEvent(record.Open, etsi.EmailLogon, ok), annexEvent(record.Report, etsi.EmailDownload, ok),
			annexEvent(record.Report, etsi.EmailPartialDownload, ok), annexEvent(record.Close, etsi.EmailLogoff, ok)},
		etsi.ProtocolIMAP4: {annexEvent(record.Open, etsi.EmailLogon, ok), annexEvent(record.Report, etsi.EmailPartialDownload, ok),
			annexEvent(record.Report, etsi.EmailPartialDownload, ok), annexEvent(record.Report, etsi.EmailDownload, ok),
			annexEvent(record.Report, etsi.EmailUpload, ok), annexEvent(record.Close, etsi.EmailLogoff, ok)},
		etsi.ProtocolSMTP: {annexEvent(record.Open, etsi.EmailLogon, ok), annexEvent(record.Open, etsi.EmailLogon, ok),
			// A submission server accepted the mail; no mailbox seen: status unknown (clause 7.7).
			annexEvent(record.Report, etsi.EmailSend, etsi.EmailStatusUnknown), annexEvent(record.Close, etsi.EmailLogoff, ok)},
	}
}

// playThroughProxies runs an e-mail proxy in front of each upstream, plays cfg's
// scripts through them (cfg's addresses are filled in) and checks that each protocol
// played gives its annexEvents.
func playThroughProxies(t *testing.T, upstreams map[email.Protocol]string, cfg Config) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	var mu sync.Mutex
	var recs []*record.Record
	emit := func(r *record.Record) { mu.Lock(); recs = append(recs, r); mu.Unlock() }
	front := map[email.Protocol]string{}
	for proto, up := range upstreams {
		p, err := proxy.New(proxy.Config{Upstream: up, Protocol: proto, Emit: emit, Source: "demo", Logger: cfg.Logger})
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() { defer wg.Done(); _ = p.Serve(ctx, ln) }()
		front[proto] = ln.Addr().String()
	}
	cfg.SMTP, cfg.POP3, cfg.IMAP = front[email.SMTP], front[email.POP3], front[email.IMAP]
	if err := Run(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	cancel()
	wg.Wait()
	events := map[etsi.EmailProtocol][]string{}
	for _, r := range recs {
		if r.EmailIRI != nil {
			events[r.EmailIRI.ProtocolID] = append(events[r.EmailIRI.ProtocolID],
				annexEvent(r.Boundary, r.EmailIRI.EventType, r.EmailIRI.Status))
		}
	}
	want := annexEvents()
	for proto := range upstreams {
		p := proto.EmailProtocol()
		if strings.Join(events[p], " ") != strings.Join(want[p], " ") {
			t.Errorf("%v events %v, want %v", proto, events[p], want[p])
		}
	}
}

// TestRunThroughProxy plays the three scripts, client and server, through the e-mail
// proxy: the records reproduce the "I:" lines of Annex B.6 and C.4.
func TestRunThroughProxy(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	log := zerolog.New(zerolog.NewTestWriter(t))
	upstreams := map[email.Protocol]string{}
	for _, proto := range []email.Protocol{email.SMTP, email.POP3, email.IMAP} {
		srv, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() { defer wg.Done(); _ = Serve(ctx, srv, proto, log) }()
		upstreams[proto] = srv.Addr().String()
	}
	playThroughProxies(t, upstreams, Config{Logger: log})
}
