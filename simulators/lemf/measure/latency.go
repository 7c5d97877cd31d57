package measure

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	PDUs               int
	P50, P90, P99, Max time.Duration
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
	return fmt.Sprintf("%d PDUs, %.0f PDU/s, event→LEMF p50 %v p90 %v p99 %v max %v", l.PDUs, l.Throughput(), l.P50, l.P90, l.P99, l.Max)
}

// Sample is one PDU a LEMF accepted (first receipt), with its delay from the event's
// time stamp to the receipt.
type Sample struct {
	// LIID, NE and CIN name the PDU's communication; Payload is MessagingIRI,
	// MessagingCC, EmailIRI or EmailCC.
	LIID, NE, Payload string
	CIN               uint32
	// Delay is receipt minus the PDU's time stamp (microSecondTimeStamp, else timeStamp).
	Delay    time.Duration
	Received time.Time
}

// Measure reads the LEMF output directories (records.jsonl and the .ber files) and
// computes each PDU's delay from its time stamp to its receipt.
func Measure(dirs ...string) (Latency, error) {
	s, err := Samples(dirs...)
	if err != nil {
		return Latency{}, err
	}
	if len(s) == 0 {
		return Latency{}, fmt.Errorf("load: no PDU with a time stamp (microSecondTimeStamp or timeStamp) in %v", dirs)
	}
	return Summarize(s), nil
}

// Summarize computes the percentiles and receipt bounds of samples (zero for none).
func Summarize(samples []Sample) Latency {
	var out Latency
	if len(samples) == 0 {
		return out
	}
	ds := make([]time.Duration, len(samples))
	for i, s := range samples {
		ds[i] = s.Delay
		if out.First.IsZero() || s.Received.Before(out.First) {
			out.First = s.Received
		}
		if s.Received.After(out.Last) {
			out.Last = s.Received
		}
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	out.PDUs = len(ds)
	out.P50 = ds[len(ds)/2]
	out.P90 = ds[min(len(ds)-1, len(ds)*90/100)]
	out.P99 = ds[min(len(ds)-1, len(ds)*99/100)]
	out.Max = ds[len(ds)-1]
	return out
}

// Samples reads every PDU the LEMFs accepted with a time stamp, keep-alives, resends and
// error lines excluded. A LEMF may still be writing: a last line without its newline
// and offsets past the end of a .ber file are skipped (not yet complete).
func Samples(dirs ...string) ([]Sample, error) {
	var out []Sample
	for _, dir := range dirs {
		var err error
		if out, err = samplesDir(dir, out); err != nil {
			return out, err
		}
	}
	return out, nil
}

// recordLine is the part of a records.jsonl line Samples reads.
type recordLine struct {
	HI        string `json:"hi"`
	Offset    int64  `json:"offset"`
	Received  string `json:"received"`
	Duplicate bool   `json:"duplicate"`
	Error     string `json:"error"`
}

func samplesDir(dir string, out []Sample) ([]Sample, error) {
	t := tail{dir: dir}
	err := t.advance(func(s Sample) { out = append(out, s) })
	return out, err
}

// tail reads a LEMF output directory incrementally: each advance parses only the
// records.jsonl lines completed since the last one (the files are append-only), so
// polling a LEMF that is still receiving costs what it received since, not all of it.
type tail struct {
	dir  string
	off  int64 // bytes of records.jsonl consumed: complete lines only
	line int   // lines consumed
	ber  map[string][]byte
}

// advance hands each new sample to add.
func (t *tail) advance(add func(Sample)) error {
	dir := t.dir
	// The records file is sized before the .ber files are read: the LEMF flushes a PDU's
	// bytes before its record line, so every line within that size names bytes the .ber
	// files hold, even while the LEMF is still writing.
	f, err := os.Open(filepath.Join(dir, lemf.RecordsFile))
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	if fi.Size() <= t.off {
		return nil
	}
	if t.ber == nil {
		t.ber = map[string][]byte{}
	}
	for _, name := range []string{lemf.HI2File, lemf.HI3File} {
		key := strings.ToUpper(strings.TrimSuffix(name, ".ber"))
		if t.ber[key], err = appendFrom(filepath.Join(dir, name), t.ber[key]); err != nil {
			return fmt.Errorf("load: %w", err)
		}
	}
	rd := bufio.NewReaderSize(io.NewSectionReader(f, t.off, fi.Size()-t.off), 1<<20)
	for {
		b, err := rd.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			return nil // a line without its newline is still being written
		}
		if err != nil {
			return fmt.Errorf("load: %s/%s: %w", dir, lemf.RecordsFile, err)
		}
		// Consumed only once read: a line that fails (bytes its .ber file does not hold
		// yet, say) is read again by the next advance.
		s, ok, err := t.sample(b, t.line+1)
		if err != nil {
			return err
		}
		t.off += int64(len(b))
		t.line++
		if ok {
			add(s)
		}
	}
}

// appendFrom appends what the file holds beyond len(have) bytes.
func appendFrom(path string, have []byte) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return have, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return have, err
	}
	n := fi.Size() - int64(len(have))
	if n <= 0 {
		return have, nil
	}
	start := len(have)
	have = append(have, make([]byte, n)...)
	m, err := io.ReadFull(io.NewSectionReader(f, int64(start), n), have[start:])
	return have[:start+m], err
}

// sample reads records.jsonl line number line: false for keep-alives, resends, error lines, PDUs
// without a time stamp and offsets past what the .ber file holds yet.
func (t *tail) sample(b []byte, line int) (Sample, bool, error) {
	dir := t.dir
	var r recordLine
	if err := json.Unmarshal(bytes.TrimSpace(b), &r); err != nil {
		return Sample{}, false, fmt.Errorf("load: %s/%s line %d: %w", dir, lemf.RecordsFile, line, err)
	}
	pb := t.ber[r.HI]
	if r.Error != "" || r.Duplicate || r.Offset < 0 || r.Offset >= int64(len(pb)) {
		return Sample{}, false, nil
	}
	p, _, err := etsi.DecodePSPDU(pb[r.Offset:])
	if err != nil {
		return Sample{}, false, fmt.Errorf("load: %s %s at %d: %w", dir, r.HI, r.Offset, err)
	}
	ev, ok := pduTime(p)
	if p.Payload.TRI != nil || !ok {
		return Sample{}, false, nil
	}
	got, err := time.Parse(time.RFC3339Nano, r.Received)
	if err != nil {
		return Sample{}, false, fmt.Errorf("load: %s/%s line %d: received: %w", dir, lemf.RecordsFile, line, err)
	}
	s := Sample{LIID: p.Header.LIID, NE: p.Header.CommunicationIdentifier.NetworkIdentifier.NetworkElementIdentifier,
		Payload: payloadName(p.Payload), Delay: got.Sub(ev), Received: got}
	if c := p.Header.CommunicationIdentifier.CIN; c != nil {
		s.CIN = *c
	}
	return s, true, nil
}

// pduTime is the PDU's event time: the micro-second time stamp, else the GeneralizedTime.
func pduTime(p etsi.PSPDU) (time.Time, bool) {
	if ts := p.Header.MicroSecondTimeStamp; ts != nil {
		return time.Unix(int64(ts.Seconds), int64(ts.MicroSeconds)*1000), true
	}
	if p.Header.TimeStamp != nil {
		return *p.Header.TimeStamp, true
	}
	return time.Time{}, false
}

// payloadName names what the PDU carries.
func payloadName(p etsi.Payload) string {
	switch {
	case len(p.IRI) > 0 && p.IRI[0].Contents.MessagingIRI != nil:
		return "MessagingIRI"
	case len(p.IRI) > 0 && p.IRI[0].Contents.EmailIRI != nil:
		return "EmailIRI"
	case len(p.CC) > 0 && p.CC[0].Contents.MessagingCC != nil:
		return "MessagingCC"
	case len(p.CC) > 0 && p.CC[0].Contents.EmailCC != nil:
		return "EmailCC"
	}
	return "other"
}
