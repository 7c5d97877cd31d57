package sipsim

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/umli/umli/internal/cli"
)

// RunCommand is `umsim sip`: it runs simulated calls against a recording endpoint.
//
//	umsim sip --srs 127.0.0.1:5080 [--transport udp|tcp] [--mode deposit|retrieve|both]
//	          [--duration 3s] [--keys 1#] [--uuid UUID] [--wav-dir DIR]
//
// With --wav-dir it writes what each call sent (caller.wav, um.wav per call) for
// comparison with the LEMF's WAV output. It prints one line per call: mode, Call-ID,
// platform UUID (the CorrelationKey) and the bytes sent each way.
func RunCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("umsim sip", flag.ContinueOnError)
	srs := fs.String("srs", "127.0.0.1:5080", "recording endpoint SIP address")
	transport := fs.String("transport", "udp", "SIP transport to the recording endpoint: udp or tcp")
	mode := fs.String("mode", "both", "deposit, retrieve or both")
	duration := fs.Duration("duration", 3*time.Second, "speech duration per call")
	keys := fs.String("keys", "1#", "keys the box owner presses in a retrieval")
	platformUUID := fs.String("uuid", "", "UM platform call UUID (default random per call)")
	wavDir := fs.String("wav-dir", "", "directory for WAV files of the audio sent")
	if err := cli.ParseError(fs, "usage: umsim sip --srs ADDR [--transport udp|tcp] [--mode deposit|retrieve|both] [flags]\n", args, stdout, stderr); err != nil {
		return err
	}
	type call struct {
		name string
		f    func(context.Context, Config) (*Result, error)
	}
	var runs []call
	switch *mode {
	case "deposit":
		runs = []call{{"deposit", Deposit}}
	case "retrieve":
		runs = []call{{"retrieve", Retrieve}}
	case "both":
		runs = []call{{"deposit", Deposit}, {"retrieve", Retrieve}}
	default:
		return fmt.Errorf("--mode %q: want deposit, retrieve or both", *mode)
	}
	for _, r := range runs {
		res, err := r.f(ctx, Config{SRS: *srs, Transport: *transport, Duration: *duration, Keys: *keys, PlatformUUID: *platformUUID})
		if err != nil {
			return fmt.Errorf("%s: %w", r.name, err)
		}
		fmt.Fprintf(stdout, "%s\tcall-id=%s\tuuid=%s\tcaller_bytes=%d\tum_bytes=%d\n", r.name, res.CallID, res.PlatformUUID, len(res.CallerAudio), len(res.UMAudio))
		if *wavDir != "" {
			if err := WriteWAV(filepath.Join(*wavDir, r.name+"-caller.wav"), res.CallerAudio); err != nil {
				return err
			}
			if err := WriteWAV(filepath.Join(*wavDir, r.name+"-um.wav"), res.UMAudio); err != nil {
				return err
			}
		}
	}
	return nil
}
