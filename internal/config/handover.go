package config

import (
	"github.com/umli/umli/handover"
	"github.com/umli/umli/handover/x2x3"
	"github.com/umli/umli/mediation"
)

// MediationConfig is what mediation gets of the configuration: its destinations as it
// writes for them, the warrants, queue and session timing.
func (c *Config) MediationConfig() mediation.Config {
	ds := make(map[string]*mediation.Destination, len(c.Destinations))
	for n, d := range c.Destinations {
		ds[n] = &d.Destination
	}
	return mediation.Config{
		Instance: c.Instance, NetworkElement: c.NetworkElement, Destinations: ds,
		Warrants: c.Warrants, Table: c.Table,
		IdleTimeout: c.Sessions.IdleTimeout, SweepInterval: c.Sessions.SweepInterval,
		QueueSize: c.Queue.Size, Workers: c.Queue.Workers,
	}
}

// HandoverConfig derives the handover configuration: one handover destination per
// configured destination, its profile's keep-alive and resend policy, with mediation's
// keep-alive PDUs.
func (c *Config) HandoverConfig() (handover.Config, error) {
	hc := handover.Config{KeyPrefix: "umli:ho:", InstanceID: c.Instance, DataKeyWindow: c.Handover.DataKeyWindow}
	for _, df := range c.File.Destinations {
		d := c.Destinations[df.Name]
		hd := handover.Destination{
			Name: d.Name, HI2Addr: d.HI2, HI3Addr: d.HI3,
			MaxBufferedAge:   c.Handover.MaxAge,
			MaxBufferedBytes: c.Handover.MaxBytes,
		}
		switch r := d.Resend; {
		case r.Bytes > 0:
			hd.ResendBytes = r.Bytes
		case r.PDUs > 0:
			hd.ResendWindow = r.PDUs
		default:
			hd.ResendWindow = -1
		}
		x2x3Dest := d.Interface == mediation.InterfaceX2X3
		if x2x3Dest {
			hd.Framer = x2x3.Framer{} // the MDF answers with X2/X3 PDUs, not BER
		}
		if ka := d.KeepAlive; ka.Interval > 0 {
			keepAlive, isResponse := x2x3.KeepAlive, x2x3.IsKeepAliveAck
			if !x2x3Dest {
				var err error
				if keepAlive, err = mediation.KeepAlive(c.NetworkElement, &d.Destination); err != nil {
					return hc, err
				}
				isResponse = mediation.IsKeepAliveResponse
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
