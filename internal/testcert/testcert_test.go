package testcert

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"testing"
	"time"
)

// TestMutualTLS runs a real handshake over loopback with a server and a client leaf.
func TestMutualTLS(t *testing.T) {
	ca := NewCA(t, "test-ca")
	srv := ca.Issue(t, "server", Server)
	cli := ca.Issue(t, "client", Client)
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{MinVersion: tls.VersionTLS13,
		Certificates: []tls.Certificate{srv.TLS}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: ca.Pool})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	done := make(chan error, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			done <- err
			return
		}
		defer c.Close()
		done <- c.(*tls.Conn).Handshake()
	}()
	c, err := tls.Dial("tcp", l.Addr().String(), &tls.Config{MinVersion: tls.VersionTLS13, RootCAs: ca.Pool, Certificates: []tls.Certificate{cli.TLS}})
	if err != nil {
		t.Fatal(err)
	}
	// TLS 1.3 clients finish before the server has checked their certificate.
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("server sent data")
	}
	c.Close()
	if err := <-done; err != nil {
		t.Fatalf("server handshake: %v", err)
	}
}

func TestLeafProperties(t *testing.T) {
	ca := NewCA(t, "test-ca")
	tests := []struct {
		name    string
		leaf    *Leaf
		usage   x509.ExtKeyUsage
		expired bool
	}{
		{"server", ca.Issue(t, "s", Server), x509.ExtKeyUsageServerAuth, false},
		{"client", ca.Issue(t, "c", Client), x509.ExtKeyUsageClientAuth, false},
		{"expired", ca.IssueUntil(t, "old", Client, time.Now().Add(-time.Hour)), x509.ExtKeyUsageClientAuth, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.leaf.Cert.Verify(x509.VerifyOptions{Roots: ca.Pool, KeyUsages: []x509.ExtKeyUsage{tt.usage}})
			if (err != nil) != tt.expired {
				t.Fatalf("verify: %v, expired %v", err, tt.expired)
			}
			if _, err := tls.X509KeyPair(tt.leaf.CertPEM, tt.leaf.KeyPEM); err != nil {
				t.Fatalf("PEM pair: %v", err)
			}
		})
	}
	if ip := ca.Issue(t, "s", Server).Cert.IPAddresses; len(ip) != 1 || !ip[0].Equal(net.IPv4(127, 0, 0, 1)) {
		t.Fatalf("server leaf IPs %v", ip)
	}
}
