package mediation

import (
	"github.com/umli/umli/handover"
	"github.com/umli/umli/handover/x2x3"
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
		x2x3Dest := d.Interface == config.InterfaceX2X3
		if x2x3Dest {
			hd.Framer = x2x3.Framer{} // the MDF answers with X2/X3 PDUs, not BER
		}
		if ka := d.KeepAlive; ka.Interval > 0 {
			keepAlive, isResponse := x2x3.KeepAlive, x2x3.IsKeepAliveAck
			if !x2x3Dest {
				var err error
				if keepAlive, err = KeepAlive(cfg, d); err != nil {
					return hc, err
				}
				isResponse = IsKeepAliveResponse
			}
			hd.KeepAlive, hd.KeepAliveInterval, hd.KeepAliveIdleOnly = keepAlive, ka.Interval, ka.IdleOnly
			if ka.ResponseWait > 0 {
				hd.IsKeepAliveResponse, hd.KeepAliveTimeout = isResponse, ka.ResponseWait
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
