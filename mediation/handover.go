package mediation

import (
	"time"

	"github.com/umli/umli/handover"
	"github.com/umli/umli/mediation/config"
)

// Keep-alive defaults when the configuration leaves them out.
const (
	DefaultKeepAlive        = 30 * time.Second
	DefaultKeepAliveTimeout = 10 * time.Second
)

// HandoverConfig derives the handover configuration from umli's: one handover
// destination per configured destination, with mediation's keep-alive PDUs.
func HandoverConfig(cfg *config.Config) (handover.Config, error) {
	hc := handover.Config{KeyPrefix: "umli:ho:", InstanceID: cfg.Instance}
	ka, kat := cfg.Handover.KeepAlive, cfg.Handover.KeepAliveTimeout
	if ka == 0 {
		ka = DefaultKeepAlive
	}
	if kat == 0 {
		kat = DefaultKeepAliveTimeout
	}
	for _, df := range cfg.File.Destinations {
		d := cfg.Destinations[df.Name]
		keepAlive, err := KeepAlive(cfg, d)
		if err != nil {
			return hc, err
		}
		hd := handover.Destination{
			Name: d.Name, HI2Addr: d.HI2, HI3Addr: d.HI3,
			KeepAlive: keepAlive, IsKeepAliveResponse: IsKeepAliveResponse,
			KeepAliveInterval: ka, KeepAliveTimeout: kat,
			ResendWindow:     cfg.Handover.ResendWindow,
			MaxBufferedAge:   cfg.Handover.MaxAge,
			MaxBufferedBytes: cfg.Handover.MaxBytes,
		}
		if ka < 0 {
			hd.KeepAlive, hd.IsKeepAliveResponse, hd.KeepAliveInterval, hd.KeepAliveTimeout = nil, nil, 0, 0
		}
		if d.TLS != nil {
			hd.TLS = &handover.TLSConfig{CertFile: d.TLS.Cert, KeyFile: d.TLS.Key, CAFile: d.TLS.CA, ServerName: d.TLS.ServerName}
		}
		hc.Destinations = append(hc.Destinations, hd)
	}
	return hc, nil
}
