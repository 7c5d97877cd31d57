package mdf

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Dissected is one PDU as Wireshark's 5GLI (TS 103 221-2) dissector read it.
type Dissected struct {
	Type, XID, CID string
}

// Dissection is what tshark made of one X2/X3 stream.
type Dissection struct {
	// PDUs is how many PDUs the stream holds (by this package's parser).
	PDUs int
	// Got is one entry per PDU tshark dissected as 5GLI, in order.
	Got []Dissected
	// Bad lists the frames tshark marks malformed or with an expert warning or error.
	Bad string
}

// wiresharkPort is the synthetic TCP port the pcap uses and tshark decodes as 5gli.
const wiresharkPort = 6543

// Wireshark writes stream as a pcap into dir (WritePCAP) and reads it with tshark's own
// 5GLI dissector (`-d tcp.port==N,5gli`). A missing tshark is an error, never a skip.
func Wireshark(stream []byte, dir, name string) (Dissection, error) {
	var d Dissection
	bin, err := exec.LookPath("tshark")
	if err != nil {
		return d, errors.New("tshark not found: install the Debian package tshark (scripts/install-deps.sh)")
	}
	pcap := filepath.Join(dir, name+".pcap")
	f, err := os.Create(pcap)
	if err != nil {
		return d, err
	}
	d.PDUs, err = WritePCAP(f, bytes.NewReader(stream), wiresharkPort)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return d, fmt.Errorf("%s: %w", name, err)
	}
	run := func(args ...string) (string, error) {
		cmd := exec.Command(bin, append([]string{"-r", pcap, "-d", fmt.Sprintf("tcp.port==%d,5gli", wiresharkPort)}, args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return "", fmt.Errorf("tshark on %s: %w: %s", name, err, stderr.String())
		}
		return string(out), nil
	}
	out, err := run("-Y", "5gli", "-T", "fields", "-e", "li5g.type", "-e", "li5g.xid", "-e", "li5g.cid", "-E", "separator=,")
	if err != nil {
		return d, err
	}
	for _, l := range strings.Fields(out) {
		p := strings.Split(l, ",")
		if len(p) != 3 {
			return d, fmt.Errorf("tshark on %s: unexpected line %q", name, l)
		}
		d.Got = append(d.Got, Dissected{Type: p[0], XID: p[1], CID: p[2]})
	}
	bad, err := run("-Y", `_ws.malformed || _ws.expert.severity >= "warning"`, "-T", "fields", "-e", "frame.number", "-e", "_ws.expert.message")
	d.Bad = strings.TrimSpace(bad)
	return d, err
}
