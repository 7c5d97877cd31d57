package chain

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/umli/umli/handover/x2x3"
	"github.com/umli/umli/internal/testcert"
	"github.com/umli/umli/internal/testlog"
	"github.com/umli/umli/internal/tlsconf"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/pducheck"
	"github.com/umli/umli/mediation/warrant"
	"github.com/umli/umli/simulators/mdf"
)

// MDF is the in-process mediation function (simulators/mdf X2 and X3 receivers over
// mutual TLS 1.3) across its lifetimes on the same addresses; Read merges them all.
type MDF struct {
	tb     testing.TB
	X2, X3 string
	// Cert, Key and CA are umli's client side of the mutual TLS.
	Cert, Key, CA string
	srvTLS        *tls.Config

	mu     sync.Mutex
	x2, x3 *mdf.Receiver
	sinks  []*testlog.Buffer // X2 and X3 sink per lifetime, alternating
}

// StartMDF starts an MDF on free loopback ports with a fresh PKI; it is closed when the
// test ends.
func StartMDF(tb testing.TB) *MDF {
	tb.Helper()
	ca := testcert.NewCA(tb, "chain-mdf-ca")
	srv, cli := ca.Issue(tb, "mdf", testcert.Server), ca.Issue(tb, "umli-poi", testcert.Client)
	dir := tb.TempDir()
	m := &MDF{tb: tb, X2: "127.0.0.1:0", X3: "127.0.0.1:0",
		Cert: testcert.WriteFile(tb, dir, "poi.crt", cli.CertPEM), Key: testcert.WriteFile(tb, dir, "poi.key", cli.KeyPEM),
		CA:     testcert.WriteFile(tb, dir, "ca.crt", ca.PEM),
		srvTLS: tlsconf.NewServer(srv.TLS, ca.Pool, tlsconf.TLS13)}
	m.start()
	tb.Cleanup(m.Stop)
	return m
}

func (m *MDF) start() {
	m.tb.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	s2, s3 := &testlog.Buffer{}, &testlog.Buffer{}
	log := zerolog.Nop()
	var err error
	if m.x2, err = mdf.Listen(m.X2, m.srvTLS, s2, log); err != nil {
		m.tb.Fatalf("start MDF: %v", err)
	}
	if m.x3, err = mdf.Listen(m.X3, m.srvTLS, s3, log); err != nil {
		m.tb.Fatalf("start MDF: %v", err)
	}
	m.X2, m.X3 = m.x2.Addr(), m.x3.Addr()
	m.sinks = append(m.sinks, s2, s3)
}

// Stop closes the running receivers; what they received stays for Read.
func (m *MDF) Stop() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range []*mdf.Receiver{m.x2, m.x3} {
		if r != nil {
			_ = r.Close()
		}
	}
	m.x2, m.x3 = nil, nil
}

// Restart starts a new lifetime on the same addresses.
func (m *MDF) Restart() {
	m.Stop()
	m.start()
}

// YAML is the destination entry (name lea, interface x2x3) of a configuration.
func (m *MDF) YAML() string {
	return fmt.Sprintf("  - {name: lea, interface: x2x3, hi2: %q, hi3: %q, tls: {cert: %q, key: %q, ca: %q, serverName: 127.0.0.1}}\n",
		m.X2, m.X3, m.Cert, m.Key, m.CA)
}

// Read reads every X2/X3 PDU of every lifetime (a PDU cut off by a stop is skipped, as a
// LEMF skips it) and returns the PS-PDUs they carry. Each PDU must be X2 on the X2
// stream and X3 on the X3 one, carry the XID of its warrant (NameUUID("task", LIID): the
// XIDs of config warrants), the CIN as correlation ID and the PS-PDU's sequence number
// as attribute, so the PS-PDU streams' gaps are the gaps per XID and correlation ID.
func (m *MDF) Read() (*pducheck.Set, error) {
	m.mu.Lock()
	sinks := append([]*testlog.Buffer(nil), m.sinks...)
	m.mu.Unlock()
	set := pducheck.NewSet()
	for i, s := range sinks {
		typ := uint16(x2x3.TypeX2 + i%2)
		err := mdf.Read(bytes.NewReader(s.Bytes()), func(_ []byte, p *x2x3.PDU) error {
			if p.Type != typ {
				return fmt.Errorf("PDU type %d on the X%d stream", p.Type, typ+1)
			}
			ps, _, err := etsi.DecodePSPDU(p.Payload)
			if err != nil {
				return fmt.Errorf("stream X%d payload: %w", typ+1, err)
			}
			if want := warrant.NameUUID("task", ps.Header.LIID); p.XID != want {
				return fmt.Errorf("stream X%d PDU of %s has XID %s, want %s", typ+1, ps.Header.LIID, p.XID, want)
			}
			if c := ps.Header.CommunicationIdentifier.CIN; c == nil || uint64(*c) != p.CorrelationID {
				return fmt.Errorf("stream X%d correlation ID %d is not the CIN %v", typ+1, p.CorrelationID, c)
			}
			if q, ok := p.SequenceNumber(); !ok || q != ps.Header.SequenceNumber {
				return fmt.Errorf("stream X%d sequence attribute %d (%v), PS-PDU %d", typ+1, q, ok, ps.Header.SequenceNumber)
			}
			_, err = set.Add(p.Payload)
			return err
		}, nil)
		if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("MDF lifetime %d: %w", i/2, err)
		}
	}
	return set, nil
}

// Progress is the number of distinct PDUs received so far (wait condition only).
func (m *MDF) Progress() (int, error) {
	set, err := m.Read()
	if err != nil {
		return 0, err
	}
	n := 0
	for st := range set.PDUs {
		n += set.Count(st)
	}
	return n, nil
}
