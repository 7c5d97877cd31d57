// Package pducheck reads what a LEMF stored (PS-PDUs back to back, as on the wire) and
// checks delivery properties across files: every sequence number present from 0, none
// missing, and a number seen twice only as the very same PDU (a resend, not a reuse).
// It serves the integration tests of mediation and cmd/umli, and anyone checking a LEMF capture.
package pducheck

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/umli/umli/mediation/etsi"
)

// Stream is one sequence-number space: (LIID, network element, CIN, IRI or CC).
type Stream struct {
	LIID string
	NE   string
	CIN  uint32
	CC   bool
}

// String renders the stream as LIID/NE/CIN/IRI|CC.
func (s Stream) String() string {
	k := "IRI"
	if s.CC {
		k = "CC"
	}
	return fmt.Sprintf("%s/%s/%d/%s", s.LIID, s.NE, s.CIN, k)
}

// Set holds every PDU seen per stream and sequence number.
type Set struct {
	PDUs map[Stream]map[uint32][]byte
	// Reused lists sequence numbers that arrived twice with different bytes.
	Reused []string
	// Total counts PDUs read (keep-alives excluded).
	Total int
}

// Read adds the PDUs of files (PS-PDUs back to back) to a new Set.
func Read(files ...string) (*Set, error) {
	s := &Set{PDUs: map[Stream]map[uint32][]byte{}}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for off := 0; off < len(b); {
			n, err := s.add(b[off:])
			if err != nil {
				return nil, fmt.Errorf("%s at %d: %w", f, off, err)
			}
			off += n
		}
	}
	return s, nil
}

// ReadLEMF adds the PDUs a LEMF accepted, per output directory: records.jsonl names the
// offset of every accepted PDU in hi2.ber or hi3.ber. Bytes the LEMF kept but could not
// decode (a frame cut off when a connection dropped) are skipped, as the LEMF skipped them.
func ReadLEMF(dirs ...string) (*Set, error) {
	s := &Set{PDUs: map[Stream]map[uint32][]byte{}}
	for _, dir := range dirs {
		ber := map[string][]byte{}
		for _, hi := range []string{"HI2", "HI3"} {
			b, err := os.ReadFile(filepath.Join(dir, strings.ToLower(hi)+".ber"))
			if err != nil {
				return nil, err
			}
			ber[hi] = b
		}
		f, err := os.Open(filepath.Join(dir, "records.jsonl"))
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			var r struct {
				HI     string `json:"hi"`
				Offset int64  `json:"offset"`
				Error  string `json:"error"`
			}
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				f.Close()
				return nil, fmt.Errorf("%s/records.jsonl: %w", dir, err)
			}
			b := ber[r.HI]
			if r.Error != "" || r.Offset < 0 || r.Offset >= int64(len(b)) {
				continue
			}
			if _, err := s.add(b[r.Offset:]); err != nil {
				f.Close()
				return nil, fmt.Errorf("%s %s at %d: %w", dir, r.HI, r.Offset, err)
			}
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

// NewSet is an empty Set for Add.
func NewSet() *Set { return &Set{PDUs: map[Stream]map[uint32][]byte{}} }

// Add decodes the first PS-PDU of b into the set (e.g. the payload of an X2/X3 PDU)
// and returns its length.
func (s *Set) Add(b []byte) (int, error) { return s.add(b) }

// add decodes the first PDU of b into the set and returns its length.
func (s *Set) add(b []byte) (int, error) {
	p, n, err := etsi.DecodePSPDU(b)
	if err != nil {
		return 0, err
	}
	raw := b[:n]
	if p.Payload.TRI != nil {
		return n, nil
	}
	st := Stream{LIID: p.Header.LIID, NE: p.Header.CommunicationIdentifier.NetworkIdentifier.NetworkElementIdentifier, CC: p.Payload.CC != nil}
	if c := p.Header.CommunicationIdentifier.CIN; c != nil {
		st.CIN = *c
	}
	m := s.PDUs[st]
	if m == nil {
		m = map[uint32][]byte{}
		s.PDUs[st] = m
	}
	seq := p.Header.SequenceNumber
	if prev, ok := m[seq]; ok && !bytes.Equal(prev, raw) {
		s.Reused = append(s.Reused, fmt.Sprintf("%v seq %d", st, seq))
	}
	m[seq] = append([]byte(nil), raw...)
	s.Total++
	return n, nil
}

// Gaps lists, per stream, sequence numbers missing below the highest one seen (numbering
// starts at 0).
func (s *Set) Gaps() []string {
	var out []string
	for st, m := range s.PDUs {
		hi := uint32(0)
		for q := range m {
			hi = max(hi, q)
		}
		for q := uint32(0); q <= hi; q++ {
			if _, ok := m[q]; !ok {
				out = append(out, fmt.Sprintf("%v seq %d", st, q))
			}
		}
	}
	sort.Strings(out)
	return out
}

// Count is the number of distinct sequence numbers of st.
func (s *Set) Count(st Stream) int { return len(s.PDUs[st]) }

// Decoded returns the decoded PDU of st with sequence number seq.
func (s *Set) Decoded(st Stream, seq uint32) (etsi.PSPDU, error) {
	raw, ok := s.PDUs[st][seq]
	if !ok {
		return etsi.PSPDU{}, fmt.Errorf("%v seq %d not received", st, seq)
	}
	p, _, err := etsi.DecodePSPDU(raw)
	return p, err
}
