package mediation

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/umli/umli/mediation/config"
	"github.com/umli/umli/mediation/etsi"
)

// KeepAliveLIID is the LIID written into keep-alive PDUs: they belong to no warrant.
const KeepAliveLIID = "keepalive"

// KeepAlive returns a builder of TS 102 232-1 keep-alive PS-PDUs (TRIPayload keepAlive)
// for one destination: operator and network element of this umli, the destination's
// version and timestamp style, a sequence number counting keep-alives. The first PDU is
// built at once, so a configuration that cannot produce one is an error here.
func KeepAlive(cfg *config.Config, d *config.Destination) (func() []byte, error) {
	var seq atomic.Uint32
	var last []byte
	build := func() ([]byte, error) {
		h := etsi.PSHeader{
			LIID: KeepAliveLIID,
			CommunicationIdentifier: etsi.CommunicationIdentifier{
				NetworkIdentifier: etsi.NetworkIdentifier{OperatorIdentifier: cfg.Operator, NetworkElementIdentifier: cfg.NetworkElement},
			},
			SequenceNumber:     seq.Add(1) - 1,
			TimeStampQualifier: d.Qualifier,
		}
		h.TimeStamp, h.MicroSecondTimeStamp = stamps(d.Timestamps, time.Now())
		p := etsi.KeepAlivePDU(h)
		return p.AppendBER(nil, d.Version)
	}
	first, err := build()
	if err != nil {
		return nil, fmt.Errorf("mediation: keep-alive PDU for destination %q: %w", d.Name, err)
	}
	last = first
	var mu sync.Mutex
	return func() []byte {
		b, err := build()
		mu.Lock()
		defer mu.Unlock()
		if err == nil {
			last = b
		}
		// Only configuration and the clock feed this PDU; if it ever failed to encode,
		// repeating the previous one keeps the link alive.
		return last
	}, nil
}

// IsKeepAliveResponse recognizes a keep-aliveResponse PS-PDU from the LEMF.
func IsKeepAliveResponse(b []byte) bool {
	p, _, err := etsi.DecodePSPDU(b)
	return err == nil && p.Payload.TRI != nil && p.Payload.TRI.Kind == etsi.TRIKeepAliveResponse
}
