package feed

import (
	"testing"
	"time"
)

// TestDefaults: what a dialect config leaves unset gets the documented defaults
// (10 s handshake, reconnect waits 200 ms to 30 s, never a maximum under the
// minimum), what it sets is kept, and Metrics are always usable.
func TestDefaults(t *testing.T) {
	for _, tt := range []struct {
		name                       string
		dial, min, max             time.Duration
		wantDial, wantMin, wantMax time.Duration
	}{
		{"unset", 0, 0, 0, 10 * time.Second, 200 * time.Millisecond, 30 * time.Second},
		{"set", time.Second, 5 * time.Millisecond, 50 * time.Millisecond, time.Second, 5 * time.Millisecond, 50 * time.Millisecond},
		{"max under min", 0, time.Minute, time.Second, 10 * time.Second, time.Minute, time.Minute},
		{"negative", -1, -1, 0, 10 * time.Second, 200 * time.Millisecond, 30 * time.Second},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dial, lo, hi := tt.dial, tt.min, tt.max
			var m *Metrics
			if err := Defaults(&dial, &lo, &hi, &m); err != nil {
				t.Fatal(err)
			}
			if dial != tt.wantDial || lo != tt.wantMin || hi != tt.wantMax {
				t.Errorf("dial %v, backoff %v..%v; want %v, %v..%v", dial, lo, hi, tt.wantDial, tt.wantMin, tt.wantMax)
			}
			if m == nil || m.Events == nil || m.Reconnects == nil {
				t.Errorf("metrics not filled: %+v", m)
			}
		})
	}
	kept, err := NewMetrics(nil)
	if err != nil {
		t.Fatal(err)
	}
	var d, lo, hi time.Duration
	m := kept
	if err := Defaults(&d, &lo, &hi, &m); err != nil || m != kept {
		t.Errorf("given Metrics replaced (err %v)", err)
	}
}

// TestNewClientNilHandler: a nil handler is refused, naming the dialect, before
// the configuration is looked at.
func TestNewClientNilHandler(t *testing.T) {
	validated := false
	_, err := NewClient("ami", nil, func() error { validated = true; return nil }, func() Redial { return Redial{} })
	if err == nil || err.Error() != "ami: nil handler" || validated {
		t.Errorf("err %v, validated %v", err, validated)
	}
}
