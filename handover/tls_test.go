package handover

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/umli/umli/internal/testcert"
	"github.com/umli/umli/internal/testredis"
)

// testCA issues certificates for one test.
type testCA struct{ *testcert.CA }

func newTestCA(t testing.TB, name string) *testCA { return &testCA{testcert.NewCA(t, name)} }

// issue returns a leaf certificate and key as PEM.
func (ca *testCA) issue(t testing.TB, cn string, server bool) (certPEM, keyPEM []byte) {
	u := testcert.Client
	if server {
		u = testcert.Server
	}
	l := ca.Issue(t, cn, u)
	return l.CertPEM, l.KeyPEM
}

// tlsSetup is a LEMF server config requiring client certificates from ca, and umli
// client files (certificate from clientCA) in a temp dir.
func tlsSetup(t testing.TB, ca, clientCA *testCA) (*tls.Config, *TLSConfig) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	scert, skey := ca.issue(t, "lemf", true)
	pair, err := tls.X509KeyPair(scert, skey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca.Cert)
	server := &tls.Config{MinVersion: tls.VersionTLS13, Certificates: []tls.Certificate{pair},
		ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	ccert, ckey := clientCA.issue(t, "umli", false)
	return server, &TLSConfig{CertFile: write("c.pem", ccert), KeyFile: write("k.pem", ckey), CAFile: write("ca.PEM", ca.PEM)}
}

func TestTLSMutualAuth(t *testing.T) {
	ca := newTestCA(t, "lea-ca")
	t.Run("client certificate accepted", func(t *testing.T) {
		srv := testredis.Start(t)
		serverCfg, clientCfg := tlsSetup(t, ca, ca)
		lemf := newPeer(t, serverCfg)
		d := testDestination("lea1", lemf.addr, "")
		d.TLS = clientCfg
		in := newInstance(t, testConfig(d), testRedis(t, srv)).run(t)
		enqueueRange(t, in.h, "lea1", HI2, 0, 500, 50)
		waitFor(t, "PDUs over TLS", func() bool { _, err := checkComplete(lemf.state().seqs, 500); return err == nil })
	})
	t.Run("certificate from another CA refused, nothing delivered", func(t *testing.T) {
		srv := testredis.Start(t)
		serverCfg, clientCfg := tlsSetup(t, ca, newTestCA(t, "rogue-ca"))
		lemf := newPeer(t, serverCfg)
		d := testDestination("lea1", lemf.addr, "")
		d.TLS = clientCfg
		in := newInstance(t, testConfig(d), testRedis(t, srv)).run(t)
		enqueueRange(t, in.h, "lea1", HI2, 0, 10, 10)
		waitFor(t, "refused handshakes", func() bool { return len(lemf.state().tlsErrors) >= 2 })
		st := lemf.state()
		if len(st.seqs) != 0 || in.stats("lea1", HI2).Sent != 0 {
			t.Fatalf("refused client delivered %d PDUs (sent %d)", len(st.seqs), in.stats("lea1", HI2).Sent)
		}
		if !strings.Contains(st.tlsErrors[0].Error(), "certificate") {
			t.Errorf("handshake error %v does not name the certificate", st.tlsErrors[0])
		}
	})
	t.Run("client without certificate refused", func(t *testing.T) {
		serverCfg, clientCfg := tlsSetup(t, ca, ca)
		lemf := newPeer(t, serverCfg)
		pool := x509.NewCertPool()
		pool.AddCert(ca.Cert)
		c, err := tls.Dial("tcp", lemf.addr, &tls.Config{MinVersion: tls.VersionTLS13, RootCAs: pool})
		if err == nil {
			_, _ = c.Write(testPDU(0, 300))
			_, err = c.Read(make([]byte, 1))
			_ = c.Close()
		}
		if err == nil {
			t.Fatal("client without certificate was not refused")
		}
		waitFor(t, "server-side refusal", func() bool { return len(lemf.state().tlsErrors) == 1 })
		if e := lemf.state().tlsErrors[0].Error(); !strings.Contains(e, "certificate") {
			t.Errorf("handshake error %q does not name the certificate", e)
		}
		if len(lemf.state().seqs) != 0 {
			t.Fatal("PDU accepted from a client without certificate")
		}
		if clientCfg.validate() != nil {
			t.Fatal("valid client config refused")
		}
		if (&TLSConfig{CAFile: clientCfg.CAFile}).validate() == nil {
			t.Fatal("TLS config without client certificate accepted")
		}
	})
}
