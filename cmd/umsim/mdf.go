package main

import (
	"context"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/rs/zerolog"

	"github.com/umli/umli/handover/x2x3"
	"github.com/umli/umli/internal/cli"
	"github.com/umli/umli/simulators/mdf"
)

// runMDF is `umsim mdf`: an X2/X3 (TS 103 221-2) mediation and delivery function that
// answers keep-alives and writes DIR/x2.bin and DIR/x3.bin (PDUs as received, back to
// back); when interrupted it decodes them to DIR/x2.json and DIR/x3.json.
func runMDF(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("umsim mdf", flag.ContinueOnError)
	x2 := fs.String("x2", "", "listen for X2 on this address")
	x3 := fs.String("x3", "", "listen for X3 on this address")
	dir := fs.String("dir", ".", "write x2.bin/x3.bin and their JSON here")
	cert := fs.String("cert", "", "server certificate (PEM); with --key and --ca: TLS 1.3, client certificates required")
	key := fs.String("key", "", "server key (PEM)")
	ca := fs.String("ca", "", "CA that signs client certificates (PEM)")
	if err := cli.ParseError(fs, "usage: umsim mdf --x2 ADDR --x3 ADDR [--dir DIR] [--cert F --key F --ca F]\n", args, stdout, stderr); err != nil {
		return err
	}
	if *x2 == "" && *x3 == "" {
		return usageError{"umsim mdf: --x2 or --x3 is required"}
	}
	var tcfg *tls.Config
	if *cert != "" || *key != "" || *ca != "" {
		var err error
		if tcfg, err = mdf.ServerTLSConfig(*cert, *key, *ca); err != nil {
			return fmt.Errorf("umsim mdf: %w", err)
		}
	}
	log := zerolog.New(stderr).With().Timestamp().Str("cmd", "umsim mdf").Logger()
	var names []string
	for _, l := range []struct{ name, addr string }{{"x2", *x2}, {"x3", *x3}} {
		if l.addr == "" {
			continue
		}
		f, err := os.OpenFile(filepath.Join(*dir, l.name+".bin"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("umsim mdf: %w", err)
		}
		defer f.Close()
		r, err := mdf.Listen(l.addr, tcfg, f, log.With().Str("x", l.name).Logger())
		if err != nil {
			return fmt.Errorf("umsim mdf: %w", err)
		}
		defer r.Close()
		fmt.Fprintf(stdout, "%s listening on %s\n", l.name, r.Addr())
		names = append(names, l.name)
	}
	<-ctx.Done()
	for _, n := range names {
		if err := decodeToJSON(filepath.Join(*dir, n+".bin"), filepath.Join(*dir, n+".json")); err != nil {
			return fmt.Errorf("umsim mdf: %w", err)
		}
	}
	return nil
}

// mdfRecord is one PDU in the JSON view; Gap marks a sequence number that does not follow
// the previous one of the same (XID, correlation ID).
type mdfRecord struct {
	Type          uint16  `json:"pduType"`
	Format        uint16  `json:"payloadFormat"`
	Direction     uint16  `json:"payloadDirection"`
	XID           string  `json:"xid"`
	CorrelationID uint64  `json:"correlationID"`
	Seq           *uint32 `json:"sequenceNumber,omitempty"`
	Gap           bool    `json:"gap,omitempty"`
	Payload       string  `json:"payload"`
}

func decodeToJSON(bin, out string) error {
	in, err := os.Open(bin)
	if err != nil {
		return err
	}
	defer in.Close()
	recs := []mdfRecord{}
	last := map[mdf.Key]uint32{}
	err = mdf.Read(in, func(_ []byte, p *x2x3.PDU) error {
		r := mdfRecord{Type: p.Type, Format: p.Format, Direction: p.Direction, XID: p.XID.String(),
			CorrelationID: p.CorrelationID, Payload: hex.EncodeToString(p.Payload)}
		if n, ok := p.SequenceNumber(); ok {
			r.Seq = &n
			k := mdf.Key{XID: p.XID, CID: p.CorrelationID}
			if prev, seen := last[k]; seen && n > prev+1 {
				r.Gap = true
			}
			if prev, seen := last[k]; !seen || n > prev {
				last[k] = n
			}
		}
		recs = append(recs, r)
		return nil
	}, nil)
	if !errors.Is(err, io.EOF) {
		return fmt.Errorf("decode %s: %w", bin, err)
	}
	b, err := json.MarshalIndent(recs, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(out, append(b, '\n'), 0o600)
}
