package config

import (
	"net"
	"net/netip"
)

// loopback reports whether a listen address binds only the loopback interface; an empty
// or unspecified host binds every interface.
func loopback(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// checkIngestExposure refuses, outside demo mode, an ingest listener reachable from
// the network that lets anyone who reaches the port inject evidence: JSON lines
// without mutual TLS, a webhook or CUNI listener without TLS (its token would travel in clear), and
// the SIPREC endpoint without mutual TLS.
func (c *Config) checkIngestExposure(p *problems) {
	f := &c.File
	if f.Demo {
		return
	}
	if u := f.UMSys; u != nil {
		for i, l := range u.JSONLines {
			if l.Listen != "" && !loopback(l.Listen) && (l.TLS == nil || l.TLS.CA == "") {
				p.addf(path("umsys", "jsonLines", i, "listen"), "umsys.jsonLines[%d]: listen %q is reachable from the network without mutual TLS: anyone reaching it can forge events; add tls: {cert, key, ca} (ca: the CA of the platforms' client certificates) or listen on 127.0.0.1 (allowed without TLS only with demo: true)", i, l.Listen)
			}
		}
		for i, w := range u.Webhooks {
			if w.Listen != "" && !loopback(w.Listen) && w.TLS == nil {
				p.addf(path("umsys", "webhooks", i, "listen"), "umsys.webhooks[%d]: listen %q is reachable from the network without TLS: the bearer token would travel in clear; add tls: {cert, key} (and ca for client certificates) or listen on 127.0.0.1 (allowed without TLS only with demo: true)", i, w.Listen)
			}
		}
		// Connection's Notifier posts evidence too: the same rule as a webhook.
		for i, w := range u.CUNI {
			if w.Listen != "" && !loopback(w.Listen) && w.TLS == nil {
				p.addf(path("umsys", "cuni", i, "listen"), "umsys.cuni[%d]: listen %q is reachable from the network without TLS: the callback password would travel in clear and anyone reaching it can forge events; add tls: {cert, key} (and ca for client certificates), or listen on 127.0.0.1 behind a TLS relay (allowed without TLS only with demo: true)", i, w.Listen)
			}
		}
	}
	if r := f.RTP; r != nil && r.SIPREC != nil && r.SIPREC.Listen != "" && !loopback(r.SIPREC.Listen) &&
		(r.SIPREC.TLS == nil || r.SIPREC.TLS.CA == "") {
		p.addf(path("rtp", "siprec", "listen"), "rtp.siprec: listen %q is reachable from the network without mutual TLS: anyone reaching it can forge recordings; add tls: {cert, key, ca} (ca: the CA of the SRC's client certificates) or listen on 127.0.0.1 behind a TLS-terminating SBC or tunnel (stunnel, WireGuard) (allowed only with demo: true)", r.SIPREC.Listen)
	}
}
