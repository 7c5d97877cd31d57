package handover

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	ok := testDestination("lea1", "127.0.0.1:9001", "lemf.example:9002")
	tests := []struct {
		name string
		mod  func(c *Config)
		want string // substring of the error; "" = valid
	}{
		{"valid", func(c *Config) {}, ""},
		{"no destinations", func(c *Config) { c.Destinations = nil }, "no destinations"},
		{"empty name", func(c *Config) { c.Destinations[0].Name = "" }, "name must be"},
		{"brace in name", func(c *Config) { c.Destinations[0].Name = "a{b}" }, "no spaces"},
		{"duplicate name", func(c *Config) { c.Destinations = append(c.Destinations, c.Destinations[0]) }, "used twice"},
		{"no address", func(c *Config) { c.Destinations[0].HI2Addr, c.Destinations[0].HI3Addr = "", "" }, "neither hi2 nor hi3"},
		{"bad hi2 address", func(c *Config) { c.Destinations[0].HI2Addr = "lemf" }, `hi2 address "lemf"`},
		{"bad hi3 port", func(c *Config) { c.Destinations[0].HI3Addr = "lemf:99999" }, `hi3 address "lemf:99999"`},
		{"keep-alive without builder", func(c *Config) { c.Destinations[0].KeepAlive = nil }, "KeepAlive or IsKeepAliveResponse is nil"},
		{"backoff inverted", func(c *Config) { c.Destinations[0].Backoff = Backoff{Min: time.Second, Max: time.Millisecond} }, "backoff"},
		{"jitter too big", func(c *Config) { c.Destinations[0].Backoff.Jitter = 2 }, "jitter"},
		{"tls without CA", func(c *Config) { c.Destinations[0].TLS = &TLSConfig{CertFile: "c", KeyFile: "k"} }, "CA file not set"},
		{"negative age", func(c *Config) { c.Destinations[0].MaxBufferedAge = -time.Second }, "must not be negative"},
		{"huge resend window", func(c *Config) { c.Destinations[0].ResendWindow = 2_000_000 }, "resend window"},
		{"short lease", func(c *Config) { c.LeaseTTL = time.Millisecond }, "lease TTL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := testConfig(ok)
			c.Destinations = append([]Destination(nil), c.Destinations...)
			tc.mod(&c)
			err := c.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate = %v, want ErrConfig mentioning %q", err, tc.want)
			}
		})
	}
}

func TestStreamIDOrderAndRing(t *testing.T) {
	tests := []struct{ a, b string }{{"9-5", "10-0"}, {"10-0", "10-1"}, {"0-0", "0-1"}, {"1700000000000-99", "1700000000001-0"}}
	for _, tc := range tests {
		a, err1 := parseStreamID(tc.a)
		b, err2 := parseStreamID(tc.b)
		if err1 != nil || err2 != nil || !a.less(b) || b.less(a) || a.String() != tc.a {
			t.Errorf("%s < %s: %v %v", tc.a, tc.b, err1, err2)
		}
	}
	for _, bad := range []string{"", "1", "a-1", "1-b", "-1"} {
		if _, err := parseStreamID(bad); err == nil {
			t.Errorf("parseStreamID(%q) succeeded", bad)
		}
	}
	r := newIDRing(3)
	for i := uint64(1); i <= 5; i++ {
		r.push(streamID{ms: i})
	}
	if !r.full() || r.oldest() != (streamID{ms: 3}) {
		t.Fatalf("ring oldest %v, want 3-0", r.oldest())
	}
}
