package esl

import (
	"encoding/binary"
	"math/bits"
)

// Word-at-a-time byte search. ESL header lines are short (~30 bytes), where the setup
// of a vector search per line costs more than scanning 8 bytes per step for two
// delimiters at once.
const (
	lowBits  = 0x0101010101010101
	highBits = 0x8080808080808080
)

// zeroBytes marks the zero bytes of x. Bytes above the lowest zero may be marked
// falsely, so only the lowest mark is used.
func zeroBytes(x uint64) uint64 { return (x - lowBits) &^ x & highBits }

// indexEither returns the index of the first c1 or c2 in b at or after i, or len(b).
func indexEither(b []byte, i int, c1, c2 byte) int {
	m1, m2 := lowBits*uint64(c1), lowBits*uint64(c2)
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		if m := zeroBytes(w^m1) | zeroBytes(w^m2); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == c1 || c == c2 {
			return i
		}
	}
	return len(b)
}
