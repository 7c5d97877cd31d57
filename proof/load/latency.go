package load

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/simulators/lemf"
)

// Latency summarises event→LEMF delays of the PDUs a LEMF accepted (first receipt of
// each; resends and keep-alives excluded).
type Latency struct {
	PDUs          int
	P50, P99, Max time.Duration
	// First and Last bound the receipts: PDUs/(Last-First) is the delivered throughput.
	First, Last time.Time
}

// Throughput is PDUs per second between the first and the last receipt.
func (l Latency) Throughput() float64 {
	d := l.Last.Sub(l.First).Seconds()
	if d <= 0 {
		return 0
	}
	return float64(l.PDUs) / d
}

// String renders the summary on one line.
func (l Latency) String() string {
	return fmt.Sprintf("%d PDUs, %.0f PDU/s, event→LEMF p50 %v p99 %v max %v", l.PDUs, l.Throughput(), l.P50, l.P99, l.Max)
}

// Measure reads the LEMF output directories (records.jsonl and the .ber files) and
// computes each PDU's delay from its micro-second time stamp to its receipt.
func Measure(dirs ...string) (Latency, error) {
	var ds []time.Duration
	var out Latency
	for _, dir := range dirs {
		if err := measureDir(dir, &ds, &out); err != nil {
			return out, err
		}
	}
	if len(ds) == 0 {
		return out, fmt.Errorf("load: no PDU with a micro-second time stamp in %v", dirs)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	out.PDUs = len(ds)
	out.P50 = ds[len(ds)/2]
	out.P99 = ds[min(len(ds)-1, len(ds)*99/100)]
	out.Max = ds[len(ds)-1]
	return out, nil
}

func measureDir(dir string, ds *[]time.Duration, out *Latency) error {
	ber := map[string][]byte{}
	for _, f := range []string{lemf.HI2File, lemf.HI3File} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			return fmt.Errorf("load: %w", err)
		}
		ber[strings.ToUpper(strings.TrimSuffix(f, ".ber"))] = b
	}
	f, err := os.Open(filepath.Join(dir, lemf.RecordsFile))
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		var r struct {
			HI        string `json:"hi"`
			Offset    int64  `json:"offset"`
			Received  string `json:"received"`
			Duplicate bool   `json:"duplicate"`
			Error     string `json:"error"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return fmt.Errorf("load: %s/%s line %d: %w", dir, lemf.RecordsFile, line, err)
		}
		b := ber[r.HI]
		if r.Error != "" || r.Duplicate || r.Offset < 0 || r.Offset >= int64(len(b)) {
			continue
		}
		p, _, err := etsi.DecodePSPDU(b[r.Offset:])
		if err != nil {
			return fmt.Errorf("load: %s %s at %d: %w", dir, r.HI, r.Offset, err)
		}
		ts := p.Header.MicroSecondTimeStamp
		if p.Payload.TRI != nil || ts == nil {
			continue
		}
		got, err := time.Parse(time.RFC3339Nano, r.Received)
		if err != nil {
			return fmt.Errorf("load: %s/%s line %d: received: %w", dir, lemf.RecordsFile, line, err)
		}
		ev := time.Unix(int64(ts.Seconds), int64(ts.MicroSeconds)*1000)
		*ds = append(*ds, got.Sub(ev))
		if out.First.IsZero() || got.Before(out.First) {
			out.First = got
		}
		if got.After(out.Last) {
			out.Last = got
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("load: %s/%s: %w", dir, lemf.RecordsFile, err)
	}
	return nil
}
