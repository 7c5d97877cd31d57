// Command rtppcap writes the pcap files the rtpcapture tests use:
//
//	rtppcap -kind sipp  -o testdata/sipp-pcmu.pcap   RTP for sipp's play_pcap_audio
//	rtppcap -kind calls -o testdata/calls.pcap       SIP/UDP and SIP/TCP calls with impaired RTP
//
// The output is deterministic; tests check the committed files against it.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/umli/umli/rtpcapture/pcapgen"
)

func main() {
	kind := flag.String("kind", "calls", "what to write: sipp or calls")
	out := flag.String("o", "", "output file")
	flag.Parse()
	if err := run(*kind, *out); err != nil {
		fmt.Fprintln(os.Stderr, "rtppcap:", err)
		os.Exit(1)
	}
}

func run(kind, out string) error {
	if out == "" {
		return fmt.Errorf("-o is required")
	}
	var buf bytes.Buffer
	switch kind {
	case "sipp":
		if err := pcapgen.WriteStream(&buf, pcapgen.SippStream(), time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)); err != nil {
			return err
		}
	case "calls":
		if err := pcapgen.WriteCalls(&buf, pcapgen.PassiveCalls()); err != nil {
			return err
		}
	default:
		return fmt.Errorf("-kind %q: want sipp or calls", kind)
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return nil
}
