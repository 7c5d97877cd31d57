package adapter_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/umli/umli/handover"
	"github.com/umli/umli/internal/config"
	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/umsys/adapter"
	"github.com/umli/umli/umsys/content"
	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/translate/transcript"
)

// pduQueue stands where the handover queue stands (mediation.Queue) and decodes what
// mediation enqueues, so the test asserts on real BER PS-PDUs.
type pduQueue struct {
	mu   sync.Mutex
	pdus []etsi.PSPDU
}

func (q *pduQueue) Enqueue(_ context.Context, _ string, _ handover.HI, pdus ...[]byte) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, b := range pdus {
		p, _, err := etsi.DecodePSPDU(b)
		if err != nil {
			return err
		}
		q.pdus = append(q.pdus, p)
	}
	return nil
}

func (q *pduQueue) snapshot() []etsi.PSPDU {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]etsi.PSPDU(nil), q.pdus...)
}

const warrants = `instance: adapter-test
operator: OP
destinations:
  - name: lea
    hi2: 127.0.0.1:1
    hi3: 127.0.0.1:2
warrants:
  - liid: LIID-BOX
    destination: lea
    scope: iri+cc
    start: 2020-01-01T00:00:00Z
    targets:
      - boxID: "1000@example.net"
`

type rig struct {
	med   *mediation.Mediator
	queue *pduQueue
	ad    *adapter.Adapter
	reg   *prometheus.Registry
	logs  *bytes.Buffer
}

func newRig(t *testing.T, roots []content.Root) *rig {
	t.Helper()
	srv := testredis.Start(t)
	rdb := srv.Client(t)
	cfg, err := config.Parse("warrants.yaml", []byte(warrants))
	if err != nil {
		t.Fatal(err)
	}
	q := &pduQueue{}
	med, err := mediation.New(cfg.MediationConfig(), rdb, q, zerolog.Nop(), mediation.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); med.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	f, err := content.New(content.Config{Roots: roots, ChunkBytes: 1000})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	logs := &bytes.Buffer{}
	reg := prometheus.NewRegistry()
	ad, err := adapter.New(adapter.Config{Content: f, Logger: zerolog.New(logs), Registry: reg}, med)
	if err != nil {
		t.Fatal(err)
	}
	return &rig{med: med, queue: q, ad: ad, reg: reg, logs: logs}
}

func (r *rig) feed(t *testing.T, d feed.Dialect, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := transcript.Read(d, b, "fs-um-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	h := r.ad.Handler(context.Background())
	for _, e := range evs {
		if err := h(e); err != nil {
			t.Fatalf("handler: %v", err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.med.Drain(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestDepositThroughMediation: a FreeSWITCH deposit call goes through the adapter and
// the real mediator; the box's warrant gets the IRI sequence in one CIN and the message
// audio as MessagingCC chunks linked by event-identifier.
func TestDepositThroughMediation(t *testing.T) {
	store := t.TempDir()
	box := filepath.Join(store, "example.net", "1000")
	if err := os.MkdirAll(box, 0o755); err != nil {
		t.Fatal(err)
	}
	audio := append([]byte("RIFF\x00\x00\x00\x00WAVEfmt "), bytes.Repeat([]byte{0x7f}, 2500)...)
	if err := os.WriteFile(filepath.Join(box, "msg_0f8e7a52-8d0c-4a5e-b7f2-3c1d2e4f5a6b.wav"), audio, 0o644); err != nil {
		t.Fatal(err)
	}
	// The greeting file is missing on purpose: the IRI still goes, the CC is logged.
	r := newRig(t, []content.Root{{Prefix: "/var/lib/freeswitch/storage/voicemail/default", Dir: store}})
	r.feed(t, feed.FreeSWITCH, "../translate/testdata/freeswitch/deposit.esl")

	pdus := r.queue.snapshot()
	var iris []string
	var ccData []byte
	var cins = map[uint32]bool{}
	var depositEvent uint32
	var ccEvents = map[uint32]bool{}
	for _, p := range pdus {
		if p.Header.LIID != "LIID-BOX" {
			t.Errorf("LIID %q", p.Header.LIID)
		}
		cins[*p.Header.CommunicationIdentifier.CIN] = true
		for _, ip := range p.Payload.IRI {
			iri := ip.Contents.MessagingIRI
			name := "raw"
			if c := iri.Category; c != nil && c.Message != nil {
				name = c.Message.String()
				if *c.Message == etsi.EventDeposit {
					depositEvent = *iri.EventIdentifier
				}
			} else if c != nil && c.MessageBox != nil {
				name = c.MessageBox.String()
			} else if c != nil && c.Notification != nil {
				name = c.Notification.String()
			}
			iris = append(iris, ip.IRIType.String()+" "+name)
		}
		for _, cp := range p.Payload.CC {
			cc := cp.Contents.MessagingCC
			ccEvents[cc.EventIdentifier] = true
			if cc.ContentType != "audio/wav" {
				t.Errorf("content-type %q", cc.ContentType)
			}
			ccData = append(ccData, cc.Content...)
		}
	}
	want := []string{"iRI-Begin connect", "iRI-Continue greeting-play", "iRI-Continue deposit", "iRI-Continue raw", "iRI-Continue raw", "iRI-Continue email", "iRI-End disconnect"}
	if strings.Join(iris, ",") != strings.Join(want, ",") {
		t.Errorf("IRIs %v\nwant %v", iris, want)
	}
	if len(cins) != 1 {
		t.Errorf("%d CINs, want one for the call", len(cins))
	}
	if !bytes.Equal(ccData, audio) {
		t.Errorf("CC content %d bytes, want the %d-byte message", len(ccData), len(audio))
	}
	if len(ccEvents) != 1 || !ccEvents[depositEvent] {
		t.Errorf("CC event identifiers %v, deposit IRI has %d", ccEvents, depositEvent)
	}
	if got := r.contentErrors(t, "not_found"); got != 1 {
		t.Errorf("content not_found errors %v, want 1 (the greeting)", got)
	}
	for _, secret := range []string{"1000", "example.net", "15551234567", "greeting_1"} {
		if strings.Contains(r.logs.String(), secret) {
			t.Errorf("log names %q: %s", secret, r.logs.String())
		}
	}
}

func (r *rig) contentErrors(t *testing.T, kind string) float64 {
	t.Helper()
	mfs, err := r.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "umli_umsys_content_errors_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "kind" && l.GetValue() == kind {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// TestPinNeverLogged: a PIN change goes to the LEA in the pincode property and nowhere
// else — not in logs, even when the event is rejected.
func TestPinNeverLogged(t *testing.T) {
	r := newRig(t, nil)
	r.feed(t, feed.FreeSWITCH, "../translate/testdata/freeswitch/config-menu.esl")
	var pin string
	for _, p := range r.queue.snapshot() {
		for _, ip := range p.Payload.IRI {
			for _, pr := range ip.Contents.MessagingIRI.Properties {
				if pr.Pincode != nil {
					pin = string(pr.Pincode)
				}
			}
		}
	}
	if pin != "4711" {
		t.Errorf("pincode %q delivered, want 4711", pin)
	}
	h := r.ad.Handler(context.Background())
	bad := &feed.Event{Dialect: feed.JSON, Source: "json-1", Raw: []byte(`{"event":"pin-change","box":"1000@example.net","status":"4711-secret","property":{"pincode":"4711"}}`)}
	if err := h(bad); err == nil {
		t.Errorf("malformed event accepted")
	}
	if strings.Contains(r.logs.String(), "4711") {
		t.Errorf("PIN in logs: %s", r.logs.String())
	}
}
