package config

import "time"

// HTTPLimitsFile bounds one inbound HTTP listener (webhook, CUNI, metrics); zero
// fields take httpguard's defaults (10s header, 30s read, 30s write, 60s idle, 16 KiB).
type HTTPLimitsFile struct {
	ReadHeaderTimeout time.Duration `yaml:"readHeaderTimeout"`
	ReadTimeout       time.Duration `yaml:"readTimeout"`
	WriteTimeout      time.Duration `yaml:"writeTimeout"`
	IdleTimeout       time.Duration `yaml:"idleTimeout"`
	MaxHeaderBytes    int           `yaml:"maxHeaderBytes"`
}

// ConnLimitsFile caps the connections one TCP listener holds (0: the default).
type ConnLimitsFile struct {
	// MaxConns caps open connections on the listener.
	MaxConns int `yaml:"maxConns"`
	// MaxConnsPerPeer caps open connections from one peer IP.
	MaxConnsPerPeer int `yaml:"maxConnsPerPeer"`
}

// LimitsFile holds process-wide resource limits.
type LimitsFile struct {
	// ReserveDescriptors is the descriptor budget kept free for the handover, Redis
	// and the audit log: umli warns at start when RLIMIT_NOFILE minus the listeners'
	// connection caps leaves less than this (default 256).
	ReserveDescriptors int `yaml:"reserveDescriptors"`
}

// DefaultReserveDescriptors is LimitsFile.ReserveDescriptors' default.
const DefaultReserveDescriptors = 256

func checkHTTPLimits(p *problems, at []any, what string, l HTTPLimitsFile) {
	at = append(at, "http")
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"readHeaderTimeout", l.ReadHeaderTimeout}, {"readTimeout", l.ReadTimeout}, {"writeTimeout", l.WriteTimeout}, {"idleTimeout", l.IdleTimeout}} {
		if d.v < 0 || (d.v > 0 && d.v < 100*time.Millisecond) {
			p.addf(append(at, d.name), "%s.http.%s %v: want 0 (default) or at least 100ms", what, d.name, d.v)
		}
	}
	if l.ReadHeaderTimeout > 0 && l.ReadTimeout > 0 && l.ReadHeaderTimeout > l.ReadTimeout {
		p.addf(append(at, "readHeaderTimeout"), "%s.http: readHeaderTimeout %v exceeds readTimeout %v", what, l.ReadHeaderTimeout, l.ReadTimeout)
	}
	if l.MaxHeaderBytes < 0 || (l.MaxHeaderBytes > 0 && (l.MaxHeaderBytes < 1<<10 || l.MaxHeaderBytes > 1<<20)) {
		p.addf(append(at, "maxHeaderBytes"), "%s.http.maxHeaderBytes %d: want 0 (default) or 1024..1048576", what, l.MaxHeaderBytes)
	}
}

func checkConnLimits(p *problems, at []any, what string, l ConnLimitsFile) {
	if l.MaxConns < 0 || l.MaxConnsPerPeer < 0 {
		p.addf(append(at, "maxConns"), "%s: maxConns and maxConnsPerPeer must not be negative", what)
	}
	if l.MaxConns > 0 && l.MaxConnsPerPeer > l.MaxConns {
		p.addf(append(at, "maxConnsPerPeer"), "%s: maxConnsPerPeer %d exceeds maxConns %d", what, l.MaxConnsPerPeer, l.MaxConns)
	}
}
