package lemf

import (
	"testing"

	"github.com/umli/umli/mediation/etsi"
)

func TestKeepAliveResponse(t *testing.T) {
	micro := &etsi.MicroSecondTimeStamp{Seconds: 1, MicroSeconds: 2}
	tests := []struct {
		name            string
		edit            func(*etsi.PSHeader)
		wantTime        bool
		wantMicro       bool
		wantDomainLast  uint32
		wantDomainGiven bool
	}{
		{"GeneralizedTime", func(h *etsi.PSHeader) {}, true, false, 0, false},
		{"microSecondTimeStamp only", func(h *etsi.PSHeader) { h.TimeStamp, h.MicroSecondTimeStamp = nil, micro }, false, true, 0, false},
		{"both", func(h *etsi.PSHeader) { h.MicroSecondTimeStamp = micro }, true, true, 0, false},
		{"no time stamp", func(h *etsi.PSHeader) { h.TimeStamp = nil }, true, false, 0, false},
		{"older header version", func(h *etsi.PSHeader) { h.DomainID = etsi.OID{0, 4, 0, 2, 2, 5, 1, 17} }, true, false, 17, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := keepAlivePDU("LIID-K", 12, 77)
			tt.edit(&req.Header)
			b, err := appendKeepAliveResponse(nil, &req)
			if err != nil {
				t.Fatal(err)
			}
			resp, n, err := etsi.DecodePSPDU(b)
			if err != nil || n != len(b) {
				t.Fatalf("decode answer: %v (%d of %d bytes)", err, n, len(b))
			}
			assertKeepAliveResponse(t, resp, "LIID-K", 12)
			h := resp.Header
			if h.SequenceNumber != 77 || (h.TimeStamp != nil) != tt.wantTime || (h.MicroSecondTimeStamp != nil) != tt.wantMicro {
				t.Errorf("header seq %d, timeStamp %v, microSecondTimeStamp %v", h.SequenceNumber, h.TimeStamp, h.MicroSecondTimeStamp)
			}
			if h.MicroSecondTimeStamp != nil && *h.MicroSecondTimeStamp == *micro {
				t.Error("microSecondTimeStamp copied instead of refreshed")
			}
			if tt.wantDomainGiven && h.DomainID[len(h.DomainID)-1] != tt.wantDomainLast {
				t.Errorf("li-psDomainId %v, want version %d", h.DomainID, tt.wantDomainLast)
			}
		})
	}
}
