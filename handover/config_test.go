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
}

// TestResendRing: the window kept for replay after a reconnect is the last N PDUs or the
// last N bytes written; "none" lets everything written go.
func TestResendRing(t *testing.T) {
	id := func(i uint64) streamID { return streamID{ms: i} }
	tests := []struct {
		name  string
		ring  *idRing
		sizes []int
		want  streamID
		trim  bool
	}{
		{"3 PDUs of 5", newIDRing(3), []int{1, 1, 1, 1, 1}, id(3), true},
		{"3 PDUs of 3: full", newIDRing(3), []int{1, 1, 1}, id(1), true},
		{"3 PDUs of 2: all kept", newIDRing(3), []int{1, 1}, streamID{}, false},
		{"none", newIDRing(0), []int{1, 1}, id(2).next(), true},
		{"250 bytes of 5x100", newByteRing(250), []int{100, 100, 100, 100, 100}, id(4), true},
		{"300 bytes of 5x100", newByteRing(300), []int{100, 100, 100, 100, 100}, id(3), true},
		{"1000 bytes of 5x100: all kept", newByteRing(1000), []int{100, 100, 100, 100, 100}, streamID{}, false},
		{"PDU larger than the byte window", newByteRing(50), []int{100}, id(1).next(), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for i, n := range tc.sizes {
				tc.ring.push(id(uint64(i+1)), n, 1)
			}
			got, ok := tc.ring.trimBefore(id(uint64(len(tc.sizes))))
			if ok != tc.trim || got != tc.want {
				t.Fatalf("trimBefore = %v, %v; want %v, %v", got, ok, tc.want, tc.trim)
			}
		})
	}
}
