package mediation_test

import (
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"

	"github.com/umli/umli/handover"
	"github.com/umli/umli/internal/benchcpu"
	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/etsi"
)

// BenchmarkDeliveryAuditWritten is the cost the delivery audit adds to handover's writer
// per PDU (header peek, map update under the mutex), for an IRI PDU and a CC PDU with
// 16 KiB of content, from one sender and from several at once (contention).
func BenchmarkDeliveryAuditWritten(b *testing.B) {
	al, err := audit.Open(filepath.Join(b.TempDir(), "audit.jsonl"), audit.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer al.Close()
	da, err := mediation.NewDeliveryAudit(al, zerolog.Nop(), 0)
	if err != nil {
		b.Fatal(err)
	}
	hc := handover.Config{Destinations: []handover.Destination{{Name: "lea"}}}
	da.Install(&hc)
	hook := hc.Destinations[0].Written
	cin := uint32(42)
	pdus := map[string][]string{}
	for i := range 64 {
		pdus["IRI"] = append(pdus["IRI"], pduString(b, "LIID-BENCH-01", &cin, uint32(i), etsi.PayloadIRI, []byte("box")))
		pdus["CC-16KiB"] = append(pdus["CC-16KiB"], pduString(b, "LIID-BENCH-01", &cin, uint32(i), etsi.PayloadCC, make([]byte, 16<<10)))
	}
	for _, kind := range []string{"IRI", "CC-16KiB"} {
		ps := pdus[kind]
		b.Run(kind, func(b *testing.B) {
			b.ReportAllocs()
			c0 := benchcpu.Used()
			i := 0
			for b.Loop() {
				hook(handover.HI2, ps[i&63], false)
				i++
			}
			b.ReportMetric(float64(benchcpu.Used()-c0)/float64(b.N), "cpu-ns/op")
			_ = da.Flush()
		})
		b.Run(kind+"/parallel", func(b *testing.B) {
			b.ReportAllocs()
			c0 := benchcpu.Used()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					hook(handover.HI3, ps[i&63], false)
					i++
				}
			})
			b.ReportMetric(float64(benchcpu.Used()-c0)/float64(b.N), "cpu-ns/op")
			_ = da.Flush()
		})
	}
}
