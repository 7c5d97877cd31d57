package session

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/umli/umli/mediation/etsi"
)

// ErrBadEntry is returned for a journal entry or script reply that does not parse.
var ErrBadEntry = errors.New("session: malformed journal entry")

// LIIDSeq is the sequence number one LIID's PDU gets.
type LIIDSeq struct {
	LIID string
	Seq  uint32
}

// Numbers are what a session step (or an idle close) allocated for one record.
type Numbers struct {
	CIN uint32
	// IRIType is set for IRI records, zero for CC.
	IRIType etsi.IRIType
	// EventID is the event-identifier; zero when the record has no event key.
	EventID uint32
	// At is the time the step ran (the time of a synthesized end).
	At time.Time
	// Seqs has one entry per LIID the record is numbered for, in request order.
	Seqs []LIIDSeq
	// Dup is set when another step claimed the record first (Step.Claim): nothing was
	// numbered or journaled, and the record must not be delivered.
	Dup bool
}

// parseNumbers reads "cin iRIType eventId now liid=seq …".
func parseNumbers(s string) (Numbers, error) {
	var n Numbers
	f := strings.Fields(s)
	if len(f) < 4 {
		return n, fmt.Errorf("%w: %d fields", ErrBadEntry, len(f))
	}
	var v [4]uint64
	for i := range v {
		x, err := strconv.ParseUint(f[i], 10, 64)
		if err != nil {
			return n, fmt.Errorf("%w: field %d: %w", ErrBadEntry, i+1, err)
		}
		v[i] = x
	}
	if v[0] > 1<<32-1 || v[1] > 4 || v[2] > 1<<32-1 {
		return n, fmt.Errorf("%w: number out of range", ErrBadEntry)
	}
	n.CIN, n.IRIType, n.EventID = uint32(v[0]), etsi.IRIType(v[1]), uint32(v[2])
	n.At = time.UnixMilli(int64(v[3])).UTC()
	n.Seqs = make([]LIIDSeq, 0, len(f)-4)
	for _, p := range f[4:] {
		i := strings.LastIndexByte(p, '=')
		if i <= 0 {
			return n, fmt.Errorf("%w: %q", ErrBadEntry, "liid=seq")
		}
		seq, err := strconv.ParseUint(p[i+1:], 10, 32)
		if err != nil {
			return n, fmt.Errorf("%w: sequence number: %w", ErrBadEntry, err)
		}
		n.Seqs = append(n.Seqs, LIIDSeq{LIID: p[:i], Seq: uint32(seq)})
	}
	return n, nil
}

// Entry is one journal entry: numbers plus the opaque record blob mediation stored.
type Entry struct {
	NE string
	ID string
	Numbers
	Blob []byte
}

func parseEntry(ne, id, v string) (Entry, error) {
	head, blob, ok := strings.Cut(v, "\n")
	if !ok {
		return Entry{}, fmt.Errorf("%w: no record", ErrBadEntry)
	}
	n, err := parseNumbers(head)
	if err != nil {
		return Entry{}, err
	}
	return Entry{NE: ne, ID: id, Numbers: n, Blob: []byte(blob)}, nil
}
