package feedtest

import (
	"testing"

	"github.com/umli/umli/internal/benchcpu"
)

// Framer is a dialect's stream parser (ami.Stream, esl.Stream).
type Framer[F any] interface {
	Write(p []byte, emit func(*F) error) error
}

// BenchStream has a fresh framer from newStream read data in writes of chunk
// bytes each iteration, handing every frame to emit, and reports the events emit
// counted per wall-clock and per CPU second (on a shared machine wall time
// understates one core; CPU time does not).
func BenchStream[F any, S Framer[F]](b *testing.B, data []byte, chunk int, newStream func() S, emit func(*F) error, events *int) {
	b.Helper()
	cpu0 := benchcpu.Used()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		st := newStream()
		for rest := data; len(rest) > 0; {
			n := min(chunk, len(rest))
			if err := st.Write(rest[:n], emit); err != nil {
				b.Fatal(err)
			}
			rest = rest[n:]
		}
	}
	b.ReportMetric(float64(*events)/b.Elapsed().Seconds(), "events/s")
	if cpu := benchcpu.Used() - cpu0; cpu > 0 {
		b.ReportMetric(float64(*events)/cpu.Seconds(), "events/cpu-s")
	}
}
