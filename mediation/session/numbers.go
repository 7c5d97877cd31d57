package session

import (
	"errors"
	"fmt"
	"math"
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
	return parseNumbersInto(s, nil)
}

// parseNumbersInto is parseNumbers with Seqs appended to seqs[:0:0]'s spare capacity
// (seqs' array shared by a batch's replies, one allocation for all).
func parseNumbersInto(s string, seqs []LIIDSeq) (Numbers, error) {
	var n Numbers
	var v [4]uint64
	rest := s
	for i := range v {
		f, r, ok := nextField(rest)
		if !ok {
			return n, fmt.Errorf("%w: %d fields", ErrBadEntry, i)
		}
		x, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return n, fmt.Errorf("%w: field %d: %w", ErrBadEntry, i+1, err)
		}
		v[i], rest = x, r
	}
	if v[0] > 1<<32-1 || v[1] > 4 || v[2] > 1<<32-1 || v[3] > math.MaxInt64 {
		return n, fmt.Errorf("%w: number out of range", ErrBadEntry)
	}
	n.CIN, n.IRIType, n.EventID = uint32(v[0]), etsi.IRIType(v[1]), uint32(v[2]) //nolint:gosec // G115: v[0] and v[2] are checked to fit 32 bits above
	n.At = time.UnixMilli(int64(v[3])).UTC()                                     //nolint:gosec // G115: v[3] <= MaxInt64, checked above
	if seqs == nil {
		seqs = make([]LIIDSeq, 0, strings.Count(rest, "="))
	}
	start := len(seqs)
	for {
		p, r, ok := nextField(rest)
		if !ok {
			break
		}
		rest = r
		i := strings.LastIndexByte(p, '=')
		if i <= 0 {
			return n, fmt.Errorf("%w: %q", ErrBadEntry, "liid=seq")
		}
		seq, err := strconv.ParseUint(p[i+1:], 10, 32)
		if err != nil {
			return n, fmt.Errorf("%w: sequence number: %w", ErrBadEntry, err)
		}
		seqs = append(seqs, LIIDSeq{LIID: p[:i], Seq: uint32(seq)})
	}
	n.Seqs = seqs[start:len(seqs):len(seqs)]
	return n, nil
}

// nextField splits off the first space-separated field of s (strings.Fields' notion of
// space, without the slice).
func nextField(s string) (field, rest string, ok bool) {
	i := 0
	for i < len(s) && asciiSpace(s[i]) {
		i++
	}
	if i == len(s) {
		return "", "", false
	}
	j := i
	for j < len(s) && !asciiSpace(s[j]) {
		j++
	}
	return s[i:j], s[j:], true
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
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
