package mediation

import (
	"fmt"
	"sync"
	"time"

	"github.com/umli/umli/mediation/etsi"
)

// KeepAliveLIID is the default LIID of keep-alive PDUs: they belong to no warrant.
const KeepAliveLIID = "keepalive"

// KeepAlive returns a builder of TS 102 232-1 keep-alive PS-PDUs (TRIPayload keepAlive)
// for one destination, with the header its profile configures: LIID, network element,
// CIN, country codes, the destination's operator, version, timestamp style and
// precision; seq is the connection's keep-alive counter (handover keeps one per
// connection). The first PDU is built at once, so a configuration that cannot produce
// one is an error here.
func KeepAlive(networkElement string, d *Destination) (func(seq uint32) []byte, error) {
	ka := d.KeepAlive
	liid := ka.LIID
	if liid == "" {
		liid = KeepAliveLIID
	}
	ne := ka.NetworkElement
	if ne == "" {
		ne = networkElement
	}
	build := func(seq uint32) ([]byte, error) {
		h := etsi.PSHeader{
			LIID: liid,
			CommunicationIdentifier: etsi.CommunicationIdentifier{
				NetworkIdentifier: etsi.NetworkIdentifier{OperatorIdentifier: d.Operator, NetworkElementIdentifier: ne},
				CIN:               ka.CIN,
			},
			SequenceNumber:     seq,
			TimeStampQualifier: d.Qualifier,
		}
		if ka.CountryCodes {
			h.AuthorizationCountryCode = d.CountryCode
			h.CommunicationIdentifier.DeliveryCountryCode = d.DeliveryCountryCode
		}
		var st pduScratch
		h.TimeStamp, h.MicroSecondTimeStamp = st.stamps(d.Timestamps, time.Now())
		p := etsi.KeepAlivePDU(h)
		return p.AppendBERFraction(nil, d.Version, d.Precision)
	}
	first, err := build(0)
	if err != nil {
		return nil, fmt.Errorf("mediation: keep-alive PDU for destination %q: %w", d.Name, err)
	}
	var mu sync.Mutex
	last := first
	return func(seq uint32) []byte {
		b, err := build(seq)
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

// IsKeepAliveResponse recognizes a keep-aliveResponse PS-PDU from the LEMF. Handover
// asks it of every PDU the LEMF sends, so it reads only the header and the payload's tags
// (etsi.PeekHeader) instead of decoding the PDU.
func IsKeepAliveResponse(b []byte) bool {
	hs, err := etsi.PeekHeader(b)
	return err == nil && hs.Kind == etsi.PayloadTRI && hs.TRI == etsi.TRIKeepAliveResponse
}
