package mediation

import (
	"github.com/umli/umli/handover"
	"github.com/umli/umli/mediation/config"
)

// HandoverConfig derives the handover configuration from umli's: one handover
// destination per configured destination, its profile's keep-alive and resend policy,
// with mediation's keep-alive PDUs.
func HandoverConfig(cfg *config.Config) (handover.Config, error) {
	hc := handover.Config{KeyPrefix: "umli:ho:", InstanceID: cfg.Instance, DataKeyWindow: cfg.Handover.DataKeyWindow}
	for _, df := range cfg.File.Destinations {
		d := cfg.Destinations[df.Name]
		hd := handover.Destination{
			Name: d.Name, HI2Addr: d.HI2, HI3Addr: d.HI3,
			MaxBufferedAge:   cfg.Handover.MaxAge,
			MaxBufferedBytes: cfg.Handover.MaxBytes,
		}
		switch r := d.Resend; {
		case r.Bytes > 0:
			hd.ResendBytes = r.Bytes
		case r.PDUs > 0:
			hd.ResendWindow = r.PDUs
		default:
			hd.ResendWindow = -1
		}
		if ka := d.KeepAlive; ka.Interval > 0 {
			keepAlive, err := KeepAlive(cfg, d)
			if err != nil {
				return hc, err
			}
			hd.KeepAlive, hd.KeepAliveInterval, hd.KeepAliveIdleOnly = keepAlive, ka.Interval, ka.IdleOnly
			if ka.ResponseWait > 0 {
				hd.IsKeepAliveResponse, hd.KeepAliveTimeout = IsKeepAliveResponse, ka.ResponseWait
			} else {
				hd.KeepAliveUnanswered = true
			}
		}
		if d.TLS != nil {
			hd.TLS = &handover.TLSConfig{CertFile: d.TLS.Cert, KeyFile: d.TLS.Key, CAFile: d.TLS.CA, ServerName: d.TLS.ServerName}
		}
		hc.Destinations = append(hc.Destinations, hd)
	}
	return hc, nil
}
