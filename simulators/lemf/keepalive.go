package lemf

import (
	"fmt"
	"time"

	"github.com/umli/umli/mediation/etsi"
)

// KeepAlivePolicy is how the LEMF treats keep-alives.
type KeepAlivePolicy struct {
	// Silent never answers them (they are still counted and recorded), as some real
	// LEMFs do.
	Silent bool
}

// appendKeepAliveResponse answers a keep-alive with the same header (LIID, CIN,
// sequence number) and a fresh time stamp.
func appendKeepAliveResponse(dst []byte, req *etsi.PSPDU) ([]byte, error) {
	resp := etsi.PSPDU{Header: req.Header, Payload: etsi.Payload{TRI: &etsi.TRIPayload{Kind: etsi.TRIKeepAliveResponse}}}
	// Answer in the time-stamp forms the sender used, GeneralizedTime if it used none.
	now := time.Now().UTC()
	if resp.Header.MicroSecondTimeStamp != nil {
		resp.Header.MicroSecondTimeStamp = &etsi.MicroSecondTimeStamp{Seconds: uint64(now.Unix()), MicroSeconds: uint32(now.Nanosecond() / 1000)}
	}
	if resp.Header.TimeStamp != nil || resp.Header.MicroSecondTimeStamp == nil {
		resp.Header.TimeStamp = &now
	}
	v := etsi.LatestVersion()
	if d := req.Header.DomainID; len(d) > 0 {
		v.Header = d[len(d)-1]
	}
	out, err := resp.AppendBER(dst, v)
	if err != nil {
		return dst, fmt.Errorf("encode keep-aliveResponse: %w", err)
	}
	return out, nil
}
