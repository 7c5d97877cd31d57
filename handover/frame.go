package handover

import (
	"errors"
	"fmt"
	"io"
)

// Framer measures one inbound frame (a BER element, or an X2/X3 PDU) at the start of a
// buffer; an interface so the read loop does not care which format it reads.
type Framer interface {
	// FrameLength returns the element's total length (tag+length+content) once known, an
	// error wrapping the framer's incomplete sentinel when more bytes are needed, or another
	// error when the bytes cannot be a BER element of at most max bytes.
	FrameLength(b []byte, max int) (int, error)
	// Incomplete reports whether err means "read more bytes".
	Incomplete(err error) bool
}

// readFrames reads BER elements from r and hands each to onFrame (the slice is only valid
// during the call). It returns the read error (io.EOF at a frame boundary) or a framing error.
// Memory stays below max plus one read buffer whatever the LEMF sends.
func readFrames(r io.Reader, f Framer, max int, onFrame func([]byte)) error {
	buf := make([]byte, min(4096, max))
	start, end := 0, 0
	for {
		for start < end {
			n, err := f.FrameLength(buf[start:end], max)
			if err != nil {
				if f.Incomplete(err) {
					break
				}
				return fmt.Errorf("frame from LEMF: %w", err)
			}
			if n <= 0 || n > max {
				return fmt.Errorf("frame from LEMF: %w: length %d", errBadFrame, n)
			}
			if end-start < n {
				break
			}
			onFrame(buf[start : start+n])
			start += n
		}
		if start == end {
			start, end = 0, 0
		}
		if end == len(buf) { // no room: compact, then grow up to max
			if start > 0 {
				end = copy(buf, buf[start:end])
				start = 0
			} else if len(buf) < max {
				nb := make([]byte, min(max, 2*len(buf)))
				copy(nb, buf[:end])
				buf = nb
			} else {
				return fmt.Errorf("frame from LEMF: %w: %d bytes without a complete element", errFrameTooLarge, end)
			}
		}
		k, err := r.Read(buf[end:])
		end += k
		if err != nil {
			if errors.Is(err, io.EOF) && k == 0 && end > start {
				return fmt.Errorf("frame from LEMF: %w: %d trailing bytes", io.ErrUnexpectedEOF, end-start)
			}
			if k == 0 || !errors.Is(err, io.EOF) {
				return err
			}
		}
	}
}
