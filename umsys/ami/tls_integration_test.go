package ami_test

import (
	"crypto/tls"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/internal/testcert"
	"github.com/umli/umli/simulators/umsim"
	"github.com/umli/umli/umsys/ami"
	"github.com/umli/umli/umsys/feed/feedtest"
)

// TestDialTLS: against the umsim manager over TLS, a client trusting the server's CA
// logs in; one trusting another CA, or expecting another server name, is refused before
// it sends its credentials; a plaintext client gets no banner.
func TestDialTLS(t *testing.T) {
	ca, other := testcert.NewCA(t, "ami-ca"), testcert.NewCA(t, "other-ca")
	leaf := ca.Issue(t, "asterisk", testcert.Server)
	um, err := umsim.NewUM(umsim.Config{ContentDir: t.TempDir(), AMIUser: "li", AMISecret: "s3cret", AMIAuthFailDelay: time.Millisecond,
		AMITLS: &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{leaf.TLS}}})
	if err != nil {
		t.Fatal(err)
	}
	feedtest.Background(t, um.Run)
	addr := um.Addrs().AMI
	tests := []struct {
		name    string
		tls     *tls.Config
		wantErr string
	}{
		{"server CA", &tls.Config{RootCAs: ca.Pool, ServerName: "localhost"}, ""},
		{"other CA", &tls.Config{RootCAs: other.Pool, ServerName: "localhost"}, "certificate signed by unknown authority"},
		{"wrong server name", &tls.Config{RootCAs: ca.Pool, ServerName: "pbx.example.net"}, "not pbx.example.net"},
		{"plaintext", nil, "ami:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ami.Dial(feedtest.Ctx(t), ami.Config{Addr: addr, Username: "li", Secret: "s3cret", TLS: tt.tls, DialTimeout: 2 * time.Second})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("dial: %v", err)
				}
				defer c.Close()
				if c.Version != "11.0.0" {
					t.Errorf("version %q after TLS login", c.Version)
				}
				return
			}
			if err == nil {
				c.Close()
				t.Fatal("dial succeeded")
			}
			if !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "s3cret") {
				t.Errorf("err %v, want %q", err, tt.wantErr)
			}
		})
	}
}
