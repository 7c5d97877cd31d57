package handover

import (
	"errors"
	"fmt"
)

// Stream entry formats. An entry holds one PDU in field p (the only form before
// multi-PDU entries, still written for a batch of one, so an older sender reads it), or
// several in field P: each PDU preceded by its length as a uvarint. Sealed streams seal
// p's PDU, or P's whole packed run, as one AEAD message, so the framing is authenticated
// with the content. Field m is "o:n" (p) or "o:n:k:s" (P): the entry's byte offset, the
// number of its first PDU and, for P, its PDU count and PDU bytes (without framing), so
// Lua computes depth in PDUs and the byte cap counts what the LEMF receives.
//
// Several PDUs per entry cut Redis's work per PDU (one XADD, one propagated command,
// one stream listpack entry per batch) while the sender still writes, counts and
// reports each PDU. Progress, confirmation and trimming work on whole entries: an entry
// leaves the stream only once every PDU in it is written (or confirmed).
const (
	fieldPDU  = "p" // one PDU
	fieldPDUs = "P" // several, length-prefixed

	// maxEntryPDUs and maxEntryBytes bound one multi-PDU entry, so the resend windows,
	// which keep or trim whole entries, stay close to what they are configured to.
	maxEntryPDUs  = 32
	maxEntryBytes = 16 << 10
)

// errBadPack marks a P field whose framing does not parse.
var errBadPack = errors.New("malformed multi-PDU stream entry")

// chunks splits pdus into runs for one entry each: at most maxEntryPDUs PDUs and, beyond
// the first PDU, maxEntryBytes bytes. It calls f with each run in order.
func chunks(pdus [][]byte, f func(run [][]byte) error) error {
	for len(pdus) > 0 {
		n, size := 1, len(pdus[0])
		for n < len(pdus) && n < maxEntryPDUs && size+len(pdus[n]) <= maxEntryBytes {
			size += len(pdus[n])
			n++
		}
		if err := f(pdus[:n]); err != nil {
			return err
		}
		pdus = pdus[n:]
	}
	return nil
}

// packedLen is the length of run packed for field P.
func packedLen(run [][]byte) int {
	n := 0
	for _, p := range run {
		n += uvarintLen(uint64(len(p))) + len(p)
	}
	return n
}

// appendPacked appends run in field P's framing to dst.
func appendPacked(dst []byte, run [][]byte) []byte {
	for _, p := range run {
		u := uint64(len(p))
		for u >= 0x80 {
			dst = append(dst, byte(u)|0x80)
			u >>= 7
		}
		dst = append(dst, byte(u))
		dst = append(dst, p...)
	}
	return dst
}

func uvarintLen(u uint64) int {
	n := 1
	for u >= 0x80 {
		u >>= 7
		n++
	}
	return n
}

// unpack calls f with each PDU of a P field, in order, after checking the whole framing
// first, so a malformed entry delivers nothing rather than a part. It returns the PDU
// count; an empty PDU or a length past the end is errBadPack, naming the offset.
func unpack[T string | []byte](b T, f func(pdu T) error) (int, error) {
	n, err := walkPacked(b, nil)
	if err != nil || f == nil {
		return n, err
	}
	return walkPacked(b, f)
}

func walkPacked[T string | []byte](b T, f func(pdu T) error) (int, error) {
	if len(b) == 0 {
		return 0, fmt.Errorf("%w: empty", errBadPack)
	}
	n := 0
	for off := 0; off < len(b); {
		var u uint64
		start := off
		for shift := 0; ; shift += 7 {
			if off >= len(b) || shift > 56 {
				return n, fmt.Errorf("%w: PDU #%d length at byte %d", errBadPack, n+1, start)
			}
			c := b[off]
			off++
			u |= uint64(c&0x7f) << shift
			if c < 0x80 {
				break
			}
		}
		if u == 0 || u > uint64(len(b)-off) { //nolint:gosec // G115: off <= len(b), so len(b)-off is not negative
			return n, fmt.Errorf("%w: PDU #%d at byte %d claims %d bytes, %d left", errBadPack, n+1, start, u, len(b)-off)
		}
		if f != nil {
			if err := f(b[off : off+int(u)]); err != nil { //nolint:gosec // G115: u <= len(b)-off, checked above
				return n, err
			}
		}
		off += int(u) //nolint:gosec // G115: u <= len(b)-off, checked above
		n++
	}
	return n, nil
}
