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

// proxyRig runs e-mail proxies in front of servers and keeps what they emit, for
// the tests that play the Annex scripts through them.
type proxyRig struct {
	ctx  context.Context
	stop context.CancelFunc
	wg   sync.WaitGroup
	log  zerolog.Logger
	mu   sync.Mutex
	recs []*record.Record
}

func newProxyRig(t *testing.T) *proxyRig {
	r := &proxyRig{log: zerolog.New(zerolog.NewTestWriter(t))}
	r.ctx, r.stop = context.WithCancel(context.Background())
	t.Cleanup(r.finish)
	return r
}

// listen is a fresh loopback listener.
func (r *proxyRig) listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// proxy serves a proxy for proto in front of upstream and returns its address.
func (r *proxyRig) proxy(t *testing.T, proto email.Protocol, upstream, source string) string {
	t.Helper()
	p, err := proxy.New(proxy.Config{Upstream: upstream, Protocol: proto, Emit: r.emit, Source: source, Logger: r.log})
	if err != nil {
		t.Fatal(err)
	}
	ln := r.listen(t)
	r.run(func(ctx context.Context) { _ = p.Serve(ctx, ln) })
	return ln.Addr().String()
}

// run runs f until the rig finishes.
func (r *proxyRig) run(f func(ctx context.Context)) {
	r.wg.Add(1)
	go func() { defer r.wg.Done(); f(r.ctx) }()
}

func (r *proxyRig) emit(rec *record.Record) {
	r.mu.Lock()
	r.recs = append(r.recs, rec)
	r.mu.Unlock()
}

// finish stops every server and proxy and waits for them.
func (r *proxyRig) finish() {
	r.stop()
	r.wg.Wait()
}

// checkAnnexEvents: the EmailIRI records (boundary/event/status per protocol)
// reproduce the "I:" lines of Annex B.6 (POP3 with APOP) and C.4 (IMAP) and, with
// smtp, the submission script's.
func (r *proxyRig) checkAnnexEvents(t *testing.T, smtp bool) {
	t.Helper()
	events := map[etsi.EmailProtocol][]string{}
	for _, rec := range r.recs {
		if rec.EmailIRI != nil {
			events[rec.EmailIRI.ProtocolID] = append(events[rec.EmailIRI.ProtocolID],
				fmt.Sprintf("%d/%d/%d", rec.Boundary, rec.EmailIRI.EventType, rec.EmailIRI.Status))
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
	if smtp {
		want[etsi.ProtocolSMTP] = []string{ev(record.Open, etsi.EmailLogon), ev(record.Open, etsi.EmailLogon),
			// A submission server accepted the mail; no mailbox seen: status unknown (clause 7.7).
			fmt.Sprintf("%d/%d/%d", record.Report, etsi.EmailSend, etsi.EmailStatusUnknown), ev(record.Close, etsi.EmailLogoff)}
	}
	for p, w := range want {
		if strings.Join(events[p], " ") != strings.Join(w, " ") {
			t.Errorf("protocol %d events %v, want %v", p, events[p], w)
		}
	}
}
