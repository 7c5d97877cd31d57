package mdf

import (
	"context"
	"crypto/tls"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"github.com/umli/umli/handover"
	"github.com/umli/umli/handover/x2x3"
	"github.com/umli/umli/internal/testcert"
	"github.com/umli/umli/internal/testlog"
	"github.com/umli/umli/internal/testredis"
)

// mdfPair is an MDF's X2 and X3 endpoints on fixed addresses, restartable.
type mdfPair struct {
	t              *testing.T
	tls            *tls.Config
	x2addr, x3addr string
	x2, x3         *Receiver
	x2bin, x3bin   testlog.Buffer
	rejected       int
	seqs           []map[Key][]uint32
}

func (m *mdfPair) start() {
	log := zerolog.New(zerolog.NewTestWriter(m.t))
	var err error
	if m.x2, err = Listen(m.x2addr, m.tls, &m.x2bin, log); err != nil {
		m.t.Fatal(err)
	}
	if m.x3, err = Listen(m.x3addr, m.tls, &m.x3bin, log); err != nil {
		m.t.Fatal(err)
	}
	m.x2addr, m.x3addr = m.x2.Addr(), m.x3.Addr()
}

func (m *mdfPair) stop() {
	for _, r := range []*Receiver{m.x2, m.x3} {
		_ = r.Close()
		m.rejected += r.Rejected()
		m.seqs = append(m.seqs, r.Seqs())
	}
}

// seen merges what every receiver saw (also the running ones).
func (m *mdfPair) seen() map[Key]map[uint32]int {
	out := map[Key]map[uint32]int{}
	all := append([]map[Key][]uint32(nil), m.seqs...)
	all = append(all, m.x2.Seqs(), m.x3.Seqs())
	for _, s := range all {
		for k, v := range s {
			if out[k] == nil {
				out[k] = map[uint32]int{}
			}
			for _, n := range v {
				out[k][n]++
			}
		}
	}
	return out
}

func setupTLS(t *testing.T) (*tls.Config, *handover.TLSConfig) {
	ca := testcert.NewCA(t, "x2x3-ca")
	srv := ca.Issue(t, "mdf", testcert.Server)
	cli := ca.Issue(t, "umli-poi", testcert.Client)
	dir := t.TempDir()
	cfg := &handover.TLSConfig{
		CertFile: testcert.WriteFile(t, dir, "poi.crt", cli.CertPEM),
		KeyFile:  testcert.WriteFile(t, dir, "poi.key", cli.KeyPEM),
		CAFile:   testcert.WriteFile(t, dir, "ca.crt", ca.PEM), ServerName: "127.0.0.1",
	}
	return &tls.Config{MinVersion: tls.VersionTLS13, Certificates: []tls.Certificate{srv.TLS},
		ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: ca.Pool}, cfg
}

// TestX2X3ThroughMDFOutageNoLossNoGap: X2 and X3 PDUs for one task go through handover's
// durable streams over TLS 1.3 with mutual authentication to the MDF, which goes down and
// comes back mid-run; every sequence number per (XID, correlation ID) arrives, and
// Wireshark's 5GLI dissector reads every PDU of the received x2.bin / x3.bin.
func TestX2X3ThroughMDFOutageNoLossNoGap(t *testing.T) {
	srvTLS, cliTLS := setupTLS(t)
	m := &mdfPair{t: t, tls: srvTLS, x2addr: "127.0.0.1:0", x3addr: "127.0.0.1:0"}
	m.start()
	rs := testredis.Start(t)
	rdb := rs.Client(t)
	dest := handover.Destination{
		Name: "mdf1", HI2Addr: m.x2addr, HI3Addr: m.x3addr, TLS: cliTLS,
		KeepAlive: x2x3.KeepAlive, IsKeepAliveResponse: x2x3.IsKeepAliveAck, Framer: x2x3.Framer{},
		KeepAliveInterval: 200 * time.Millisecond, KeepAliveTimeout: 2 * time.Second,
		Backoff: handover.Backoff{Min: 20 * time.Millisecond, Max: 200 * time.Millisecond, Jitter: 0.2},
	}
	h, err := handover.New(handover.Config{KeyPrefix: "x2x3t:", Destinations: []handover.Destination{dest}},
		rdb, prometheus.NewRegistry(), zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = h.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; m.stop() })

	xid := uuid.MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
	const n, cid = 300, 77
	enqueue := func(from, to int) {
		for i := from; i < to; i++ {
			for _, typ := range []uint16{x2x3.TypeX2, x2x3.TypeX3} {
				hi := handover.HI2
				if typ == x2x3.TypeX3 {
					hi = handover.HI3
				}
				payload := []byte{0x30, 0x04, 0x02, 0x02, byte(i >> 8), byte(i)} // a small BER PS-PDU stand-in
				pdu, err := x2x3.Wrap(typ, xid, cid, uint32(i), time.Unix(1700000000+int64(i), 0), x2x3.DirFromTarget, payload)
				if err != nil {
					t.Fatal(err)
				}
				if err := h.Enqueue(context.Background(), "mdf1", hi, pdu); err != nil {
					t.Fatalf("Enqueue %d: %v", i, err)
				}
			}
		}
	}
	complete := func(upto int) error {
		got := m.seen()[Key{XID: xid, CID: cid}]
		for i := 0; i < upto; i++ {
			if got[uint32(i)] < 2 { // once on X2, once on X3
				return fmt.Errorf("sequence number %d seen %d times", i, got[uint32(i)])
			}
		}
		return nil
	}
	waitFor := func(what string, cond func() error) {
		deadline := time.Now().Add(60 * time.Second)
		for err := cond(); err != nil; err = cond() {
			if time.Now().After(deadline) {
				t.Fatalf("gave up waiting for %s: %v", what, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	enqueue(0, n/3)
	waitFor("first third at the MDF", func() error { return complete(n / 3) })
	m.stop()
	enqueue(n/3, n) // MDF down: these wait in the durable streams
	time.Sleep(time.Second)
	m.start()
	waitFor("every PDU after the MDF came back", func() error { return complete(n) })
	if m.rejected != 0 || m.x2.Rejected()+m.x3.Rejected() != 0 {
		t.Errorf("MDF rejected %d connections", m.rejected)
	}
	cancel()
	<-done

	x2bin, x3bin := m.x2bin.Bytes(), m.x3bin.Bytes()
	if out := os.Getenv("UMLI_X2X3_OUT"); out != "" {
		_ = os.WriteFile(filepath.Join(out, "x2.bin"), x2bin, 0o644)
		_ = os.WriteFile(filepath.Join(out, "x3.bin"), x3bin, 0o644)
	}
	for _, s := range []struct {
		name   string
		stream []byte
		typ    string
	}{{"x2.bin", x2bin, "1"}, {"x3.bin", x3bin, "2"}} {
		checkWireshark(t, s.name, s.stream, s.typ, xid.String())
	}
}

// checkWireshark runs tshark's 5GLI dissector over a pcap of stream: every PDU must be
// dissected with PDU type wantType and the task's XID, and nothing may be malformed.
func checkWireshark(t *testing.T, name string, stream []byte, wantType, wantXID string) {
	t.Helper()
	d, err := Wireshark(stream, t.TempDir(), name)
	if err != nil {
		t.Fatal(err)
	}
	if d.PDUs == 0 {
		t.Fatalf("%s: no PDUs", name)
	}
	if len(d.Got) != d.PDUs {
		t.Errorf("%s: tshark dissected %d 5GLI PDUs, the stream holds %d", name, len(d.Got), d.PDUs)
	}
	for i, g := range d.Got {
		if g.Type != wantType || g.XID != wantXID {
			t.Errorf("%s PDU %d: tshark reads type/XID %s/%s, want %s/%s", name, i, g.Type, g.XID, wantType, wantXID)
			break
		}
	}
	if d.Bad != "" {
		t.Errorf("%s: tshark reports malformed or expert warnings:\n%s", name, d.Bad)
	}
}
