package mediation

import (
	"bytes"
	"strings"
	"testing"

	"github.com/umli/umli/mediation/etsi"
)

// TestTemplatePDUIsFullPDU: delivery's PDUs, whose headers come from the cached header
// template, are byte for byte the PDUs of the full encoder (TS 102 232-1 PS-PDU header
// coding unchanged) for every sample record, destination style and CIN / sequence number
// at each BER INTEGER length step.
func TestTemplatePDUIsFullPDU(t *testing.T) {
	q := etsi.TimeStampQualifier(1)
	dests := []*Destination{
		{Name: "v20", Version: etsi.LatestVersion(), Timestamps: TimestampBoth, Operator: "OP", CountryCode: "DE", DeliveryCountryCode: "FR", Qualifier: &q, Precision: etsi.TimeFractionMilli},
		{Name: "v20us", Version: etsi.LatestVersion(), Timestamps: TimestampMicroSecond, Operator: "OP-TEST", Precision: etsi.TimeFractionMicro},
		{Name: "v9", Version: etsi.Version{Header: etsi.HeaderVersionLatest, Email: etsi.EmailVersionSeed}, Timestamps: TimestampGeneralized, Operator: "OP"},
	}
	m := &Mediator{}
	nums := []uint32{0, 1, 127, 128, 255, 256, 32767, 32768, 8388607, 8388608, 2147483647, 2147483648, 4294967295}
	n := 0
	for i, r := range blobSamples() {
		for _, d := range dests {
			for _, liid := range []string{"L", strings.Repeat("L", 25)} {
				for _, cin := range nums {
					for _, seq := range nums {
						p := pduParams{liid: liid, dest: d, ne: "ne-default-16oct", seq: seq, cin: cin, iriType: etsi.IRIContinue, eventID: 300, at: r.Time}
						want, _, err := m.buildPDU(nil, &p, r)
						if err != nil {
							t.Fatal(err)
						}
						p.tmpl = m.templates.get(&p)
						if p.tmpl == nil {
							t.Fatalf("%s: no template for a valid header", d.Name)
						}
						got, _, err := m.buildPDU([]byte{0xff}, &p, r)
						if err != nil {
							t.Fatal(err)
						}
						if !bytes.Equal(got[1:], want) {
							t.Fatalf("sample %d %s cin %d seq %d: template PDU differs\n got %x\nwant %x", i, d.Name, cin, seq, got[1:], want)
						}
						n++
					}
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("nothing compared")
	}
}

// TestTemplateRefusedHeaderUsesFullEncoder: a header the template refuses (here a LIID
// over 25 octets) gets no template, so the full encoder's Conform rules still apply.
func TestTemplateRefusedHeaderUsesFullEncoder(t *testing.T) {
	m := &Mediator{}
	d := &Destination{Name: "v20", Version: etsi.LatestVersion(), Operator: "OP"}
	p := pduParams{liid: strings.Repeat("L", 26), dest: d, ne: "um-1"}
	if m.templates.get(&p) != nil {
		t.Fatal("template for a LIID over 25 octets")
	}
	if m.templates.get(&p) != nil { // the refusal is cached, not rebuilt
		t.Fatal("template for a LIID over 25 octets on second use")
	}
}
