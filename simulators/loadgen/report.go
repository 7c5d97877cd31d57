package loadgen

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/umli/umli/simulators/lemf"
	"github.com/umli/umli/simulators/lemf/measure"
)

// Report is a run's outcome: what was offered and sent per kind, and what the LEMF
// received per network element, with event→LEMF latency.
type Report struct {
	Stats Stats
	// SessionsPerSecond is sessions sent per second of Elapsed.
	SessionsPerSecond float64
	// NEs are the LEMF's PDUs per network element, by name.
	NEs []NEReport
	// Total is the latency over every PDU the LEMF accepted.
	Total measure.Latency
	// NonTargetMentions counts occurrences of NonTargetDomain in everything the LEMF
	// received: it must be 0 (non-target traffic is not intercepted).
	NonTargetMentions int
}

// NEReport is what the LEMF got from one network element.
type NEReport struct {
	NE string
	// Kind is the source kind the NE was named for (BuildReport's neKinds), or "".
	Kind Kind `json:",omitempty"`
	// CINs counts distinct (LIID, CIN): one per intercepted session.
	CINs int
	// Payloads counts PDUs by payload (MessagingIRI, MessagingCC, EmailIRI, EmailCC).
	Payloads map[string]int
	Latency  measure.Latency
}

// BuildReport reads the LEMF output dirs (call measure.Settle first) and joins them with
// the run's stats; neKinds names the network element of each kind, for the report.
func BuildReport(st Stats, neKinds map[string]Kind, dirs ...string) (Report, error) {
	r := Report{Stats: st}
	if st.Elapsed > 0 {
		var sent int64
		for _, k := range st.Kinds {
			sent += k.Sent
		}
		r.SessionsPerSecond = float64(sent) / st.Elapsed.Seconds()
	}
	samples, err := measure.Samples(dirs...)
	if err != nil {
		return r, fmt.Errorf("loadgen: report: %w", err)
	}
	r.Total = measure.Summarize(samples)
	byNE := map[string][]measure.Sample{}
	for _, s := range samples {
		byNE[s.NE] = append(byNE[s.NE], s)
	}
	for ne, ss := range byNE {
		n := NEReport{NE: ne, Kind: neKinds[ne], Payloads: map[string]int{}, Latency: measure.Summarize(ss)}
		type cin struct {
			liid string
			cin  uint32
		}
		cins := map[cin]bool{}
		for _, s := range ss {
			n.Payloads[s.Payload]++
			cins[cin{s.LIID, s.CIN}] = true
		}
		n.CINs = len(cins)
		r.NEs = append(r.NEs, n)
	}
	sort.Slice(r.NEs, func(i, j int) bool { return r.NEs[i].NE < r.NEs[j].NE })
	for _, d := range dirs {
		for _, f := range []string{lemf.HI2File, lemf.HI3File} {
			b, err := os.ReadFile(filepath.Join(d, f))
			if err != nil {
				return r, fmt.Errorf("loadgen: report: %w", err)
			}
			r.NonTargetMentions += bytes.Count(b, []byte(NonTargetDomain))
		}
	}
	return r, nil
}

// NE returns the report of the network element named for kind k (zero if none).
func (r Report) NE(k Kind) NEReport {
	for _, n := range r.NEs {
		if n.Kind == k {
			return n
		}
	}
	return NEReport{}
}

// Format writes the report as a few aligned lines.
func (r Report) Format(w io.Writer) {
	fmt.Fprintf(w, "load report: %.1fs generating, %.1fs until the last session ended, %.1f sessions/s sent\n",
		r.Stats.Elapsed.Seconds(), r.Stats.Finished.Seconds(), r.SessionsPerSecond)
	fmt.Fprintf(w, "%-5s %8s %8s %8s %8s %10s %8s\n", "kind", "offered", "sent", "errors", "target", "non-target", "events")
	for _, k := range Kinds() {
		s, ok := r.Stats.Kinds[k]
		if !ok {
			continue
		}
		fmt.Fprintf(w, "%-5s %8d %8d %8d %8d %10d %8d\n", k, s.Offered, s.Sent, s.Errors, s.TargetSent, s.NonTargetSent, s.Events)
		if s.FirstErr != "" {
			fmt.Fprintf(w, "      first error: %s\n", s.FirstErr)
		}
	}
	for _, n := range r.NEs {
		kind := string(n.Kind)
		if kind == "" {
			kind = "?"
		}
		keys := make([]string, 0, len(n.Payloads))
		for p := range n.Payloads {
			keys = append(keys, p)
		}
		sort.Strings(keys)
		fmt.Fprintf(w, "LEMF %s (%s): %d CINs,", n.NE, kind, n.CINs)
		for _, p := range keys {
			fmt.Fprintf(w, " %s %d", p, n.Payloads[p])
		}
		fmt.Fprintf(w, "; %v\n", n.Latency)
	}
	fmt.Fprintf(w, "LEMF total: %v\n", r.Total)
	fmt.Fprintf(w, "non-target sessions sent: %d; LEMF mentions of them: %d\n", r.nonTargetSent(), r.NonTargetMentions)
}

func (r Report) nonTargetSent() int64 {
	var n int64
	for _, k := range r.Stats.Kinds {
		n += k.NonTargetSent
	}
	return n
}
