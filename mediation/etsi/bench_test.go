package etsi

import (
	"bytes"
	"testing"
	"time"

	gober "github.com/go-asn1-ber/asn1-ber"
)

// benchTime has whole seconds so both encoders write the same GeneralizedTime.
var benchTime = time.Date(2026, 11, 23, 10, 45, 19, 0, time.UTC)

// benchPDU is a complete MessagingIRI PS-PDU: header plus one IRIPayload (box login).
func benchPDU() PSPDU {
	h := goldenHeader(0)
	h.TimeStamp = Ptr(benchTime)
	return IRIPDU(h, IRIPayload{IRIType: Ptr(IRIBegin), TimeStamp: Ptr(benchTime), Contents: IRIContents{MessagingIRI: &MessagingIRI{
		SystemType: SystemUnifiedMessaging, Category: &MessagingEventCategory{MessageBox: Ptr(BoxLogin)},
		Status: StatusOperationSucceeded, PartyInformation: []MessagingPartyInformation{target()},
		Trigger: TriggerUser, Properties: []MessagingProperty{{Language: "de-DE"}}, EventIdentifier: Ptr(uint32(1)),
	}}})
}

// goASN1BERPDU builds the same PS-PDU with go-asn1-ber's generic packet API.
func goASN1BERPDU(seq uint32) []byte {
	ctx := func(tag int, constructed bool) (gober.Class, gober.Type, gober.Tag) {
		if constructed {
			return gober.ClassContext, gober.TypeConstructed, gober.Tag(tag)
		}
		return gober.ClassContext, gober.TypePrimitive, gober.Tag(tag)
	}
	seqP := func(tag int) *gober.Packet {
		c, t, g := ctx(tag, true)
		return gober.Encode(c, t, g, nil, "")
	}
	str := func(tag int, s string) *gober.Packet {
		c, t, g := ctx(tag, false)
		return gober.NewString(c, t, g, s, "")
	}
	num := func(tag int, v int64) *gober.Packet {
		c, t, g := ctx(tag, false)
		return gober.NewInteger(c, t, g, v, "")
	}
	gt := func(tag int, v time.Time) *gober.Packet {
		c, t, g := ctx(tag, false)
		return gober.NewGeneralizedTime(c, t, g, v, "")
	}

	pdu := gober.NewSequence("PS-PDU")
	hdr := seqP(1)
	c, t, g := ctx(0, false)
	hdr.AppendChild(gober.NewOID(c, t, g, "0.4.0.2.2.5.1.43", ""))
	hdr.AppendChild(str(1, "LIID-UM-0001"))
	hdr.AppendChild(str(2, "DE"))
	ci := seqP(3)
	ni := seqP(0)
	ni.AppendChild(str(0, "OPERATOR1"))
	ni.AppendChild(str(1, "um-med-1"))
	ci.AppendChild(ni)
	ci.AppendChild(num(1, 123456))
	ci.AppendChild(str(2, "DE"))
	hdr.AppendChild(ci)
	hdr.AppendChild(num(4, int64(seq)))
	hdr.AppendChild(gt(5, benchTime))
	hdr.AppendChild(str(6, "UMIP01"))
	ms := seqP(7)
	ms.AppendChild(num(0, benchTime.Unix()))
	ms.AppendChild(num(1, 250000))
	hdr.AppendChild(ms)
	hdr.AppendChild(num(8, int64(TimeStampOfInterception)))
	pdu.AppendChild(hdr)

	m := seqP(14)
	c, t, g = ctx(0, false)
	m.AppendChild(gober.NewRelativeOID(c, t, g, "5.2.20.3", ""))
	m.AppendChild(num(1, int64(SystemUnifiedMessaging)))
	cat := seqP(3)
	cat.AppendChild(num(1, int64(BoxLogin)))
	m.AppendChild(cat)
	m.AppendChild(num(4, int64(StatusOperationSucceeded)))
	parties := seqP(5)
	party := gober.NewSequence("")
	party.AppendChild(num(0, int64(PartyTerminating)))
	id := seqP(1)
	id.AppendChild(str(0, string(appendTBCD([]byte{msisdnNature}, "4917012345678"))))
	party.AppendChild(id)
	parties.AppendChild(party)
	m.AppendChild(parties)
	m.AppendChild(num(6, int64(TriggerUser)))
	props := seqP(7)
	props.AppendChild(str(4, "de-DE"))
	m.AppendChild(props)
	m.AppendChild(num(8, 1))

	iri := gober.NewSequence("IRIPayload")
	iri.AppendChild(num(0, int64(IRIBegin)))
	iri.AppendChild(gt(1, benchTime))
	contents := seqP(2)
	contents.AppendChild(m)
	iri.AppendChild(contents)
	list := seqP(0)
	list.AppendChild(iri)
	payload := seqP(2)
	payload.AppendChild(list)
	pdu.AppendChild(payload)
	return pdu.Bytes()
}

// cpuMeter adds cpu-ns/op and cpu-MB/s (process CPU time rather than wall time) to a benchmark.
type cpuMeter struct {
	start time.Duration
	ok    bool
}

func startCPU() cpuMeter {
	c, ok := processCPU()
	return cpuMeter{start: c, ok: ok}
}

func (m cpuMeter) report(b *testing.B, bytesPerOp int) {
	end, ok := processCPU()
	if !m.ok || !ok || b.N == 0 {
		return
	}
	ns := float64(end-m.start) / float64(b.N)
	b.ReportMetric(ns, "cpu-ns/op")
	if bytesPerOp > 0 && ns > 0 {
		b.ReportMetric(float64(bytesPerOp)/ns*1e3, "cpu-MB/s")
	}
}

// TestGoASN1BERBuildsSamePDU keeps the comparison benchmark honest: same bytes.
func TestGoASN1BERBuildsSamePDU(t *testing.T) {
	p := benchPDU()
	ours, err := p.AppendBER(nil, LatestVersion())
	if err != nil {
		t.Fatal(err)
	}
	if theirs := goASN1BERPDU(0); !bytes.Equal(ours, theirs) {
		t.Fatalf("encodings differ:\nours   %x\ntheirs %x", ours, theirs)
	}
}

func BenchmarkEncodeMessagingIRI(b *testing.B) {
	p := benchPDU()
	v := LatestVersion()
	ts := benchTime
	p.Header.TimeStamp = &ts
	buf := make([]byte, 0, 512)
	b.Run("AppendBER", func(b *testing.B) {
		b.ReportAllocs()
		m := startCPU()
		for i := 0; b.Loop(); i++ {
			p.Header.SequenceNumber = uint32(i)
			ts = benchTime.Add(time.Duration(i) * time.Millisecond)
			var err error
			if buf, err = p.AppendBER(buf[:0], v); err != nil {
				b.Fatal(err)
			}
		}
		m.report(b, len(buf))
		b.SetBytes(int64(len(buf)))
	})
	b.Run("HeaderTemplate", func(b *testing.B) {
		tmpl, err := NewHeaderTemplate(p.Header, v)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		m := startCPU()
		for i := 0; b.Loop(); i++ {
			p.Header.SequenceNumber = uint32(i)
			ts = benchTime.Add(time.Duration(i) * time.Millisecond)
			if buf, err = tmpl.AppendBER(buf[:0], &p); err != nil {
				b.Fatal(err)
			}
		}
		m.report(b, len(buf))
		b.SetBytes(int64(len(buf)))
	})
	b.Run("CINTemplate", func(b *testing.B) {
		tmpl, err := NewCINTemplate(p.Header, v, TimeFractionTrimmed)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		m := startCPU()
		for i := 0; b.Loop(); i++ {
			p.Header.SequenceNumber = uint32(i)
			ts = benchTime.Add(time.Duration(i) * time.Millisecond)
			if buf, err = tmpl.AppendBER(buf[:0], &p, uint32(i)); err != nil {
				b.Fatal(err)
			}
		}
		m.report(b, len(buf))
		b.SetBytes(int64(len(buf)))
	})
}

func BenchmarkEncodeMessagingIRIGoASN1BER(b *testing.B) {
	b.ReportAllocs()
	var out []byte
	m := startCPU()
	for i := 0; b.Loop(); i++ {
		out = goASN1BERPDU(uint32(i))
	}
	m.report(b, len(out))
	b.SetBytes(int64(len(out)))
}

// benchGoldenPDUs times decode over every golden PDU (IRI, CC, TRI, e-mail and
// messaging) in turn, per iteration.
func benchGoldenPDUs(b *testing.B, decode func(pdu []byte) error) {
	var pdus [][]byte
	total := 0
	for _, gv := range goldenVectors() {
		pdus = append(pdus, readGolden(b, gv.name))
		total += len(pdus[len(pdus)-1])
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	m := startCPU()
	for b.Loop() {
		for _, p := range pdus {
			if err := decode(p); err != nil {
				b.Fatal(err)
			}
		}
	}
	m.report(b, total)
}

// BenchmarkDecodeMixed decodes every golden PDU in turn.
func BenchmarkDecodeMixed(b *testing.B) {
	benchGoldenPDUs(b, func(p []byte) error {
		_, _, err := DecodePSPDU(p)
		return err
	})
}

// BenchmarkDecodeMixedGoASN1BER is a reference point only: go-asn1-ber's generic decoder
// turning the same bytes into an untyped packet tree (no schema, no validation).
func BenchmarkDecodeMixedGoASN1BER(b *testing.B) {
	benchGoldenPDUs(b, func(p []byte) error {
		_, err := gober.DecodePacketErr(p)
		return err
	})
}
