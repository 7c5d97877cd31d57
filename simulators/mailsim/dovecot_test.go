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
	"github.com/umli/umli/email/annex"
	"github.com/umli/umli/email/proxy"
	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// TestRunAgainstDovecot plays the B.6 (APOP) and C.4 scripts against a real Dovecot
// through the proxy.
func TestRunAgainstDovecot(t *testing.T) {
	dc := testmail.StartDovecot(t, map[string]string{"mrose": "tanstaaf", "mrc": "secret"})
	dc.Deliver(t, "mrose", "1700000001.M1P1.test", annex.POP3Message1)
	dc.Deliver(t, "mrose", "1700000002.M1P1.test", annex.POP3Message2)
	for i := 1; i <= 12; i++ {
		dc.Deliver(t, "mrc", fmt.Sprintf("17000000%02d.M1P1.test", i), annex.C4Header+"body\r\n")
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	log := zerolog.New(zerolog.NewTestWriter(t))
	var mu sync.Mutex
	var recs []*record.Record
	emit := func(r *record.Record) { mu.Lock(); recs = append(recs, r); mu.Unlock() }
	front := map[email.Protocol]string{}
	var proxies []*proxy.Proxy
	for proto, up := range map[email.Protocol]string{email.POP3: dc.POP3Addr, email.IMAP: dc.IMAPAddr} {
		p, err := proxy.New(proxy.Config{Upstream: up, Protocol: proto, Emit: emit, Logger: log})
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
		proxies = append(proxies, p)
	}
	err := Run(ctx, Config{POP3: front[email.POP3], POP3Password: "tanstaaf", IMAP: front[email.IMAP], Logger: log})
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
	}
	for p, w := range want {
		if strings.Join(events[p], " ") != strings.Join(w, " ") {
			t.Errorf("protocol %d events %v, want %v", p, events[p], w)
		}
	}
}
