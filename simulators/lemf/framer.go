package lemf

import (
	"errors"
	"fmt"
	"io"

	"github.com/umli/umli/mediation/etsi/ber"
)

// readChunk is how much the frame reader asks the connection for at once.
const readChunk = 32 << 10

// frameReader splits a byte stream into PS-PDU frames (one complete BER TLV each)
// without decoding them. Its buffer never exceeds maxPDU plus one read, whatever the
// length octets claim.
type frameReader struct {
	r      io.Reader
	maxPDU int
	buf    []byte // buf[start:] is received but not yet returned
	start  int
	off    int64 // stream offset of buf[start]
	err    error // read error to report once the buffer is exhausted
	// idle, when set, runs before each read: the moment all buffered frames are handled.
	idle func()
}

func newFrameReader(r io.Reader, maxPDU int) *frameReader {
	return &frameReader{r: r, maxPDU: maxPDU}
}

// frameError is a stream that cannot be split into PDUs any more.
type frameError struct {
	// Offset is the stream offset of the PDU that could not be framed.
	Offset int64
	Err    error
}

// Error says where the stream broke.
func (e *frameError) Error() string {
	return fmt.Sprintf("PDU at stream offset %d: %v", e.Offset, e.Err)
}

// Unwrap returns the cause.
func (e *frameError) Unwrap() error { return e.Err }

// next returns the next frame and its stream offset. The frame is only valid until the
// next call. At a clean end of stream it returns io.EOF; any other error is a
// *frameError (or the read error), after which rest holds the unframed bytes.
func (fr *frameReader) next() ([]byte, int64, error) {
	for {
		if pending := fr.buf[fr.start:]; len(pending) > 0 {
			n, err := ber.FrameLength(pending, fr.maxPDU)
			switch {
			case err == nil:
				frame := pending[:n:n]
				fr.start += n
				fr.off += int64(n)
				return frame, fr.off - int64(n), nil
			case !errors.Is(err, ber.ErrIncomplete):
				return nil, fr.off, &frameError{Offset: fr.off, Err: err}
			case len(pending) > fr.maxPDU:
				// Indefinite lengths cannot be checked up front; the buffer bound can.
				return nil, fr.off, &frameError{Offset: fr.off, Err: fmt.Errorf("%w: more than %d bytes", ber.ErrTooLong, fr.maxPDU)}
			}
		}
		if fr.err != nil {
			if errors.Is(fr.err, io.EOF) && fr.start == len(fr.buf) {
				return nil, fr.off, io.EOF
			}
			if errors.Is(fr.err, io.EOF) {
				return nil, fr.off, &frameError{Offset: fr.off,
					Err: fmt.Errorf("stream ended %d bytes into a PDU: %w", len(fr.buf)-fr.start, io.ErrUnexpectedEOF)}
			}
			return nil, fr.off, fmt.Errorf("read at stream offset %d: %w", fr.off+int64(len(fr.buf)-fr.start), fr.err)
		}
		if fr.idle != nil {
			fr.idle()
		}
		fr.fill()
	}
}

// fill compacts the buffer and reads once into it.
func (fr *frameReader) fill() {
	if fr.start > 0 {
		n := copy(fr.buf, fr.buf[fr.start:])
		fr.buf = fr.buf[:n]
		fr.start = 0
	}
	if cap(fr.buf)-len(fr.buf) < readChunk {
		// Double for large PDUs, but never past the bound.
		size := max(2*cap(fr.buf), len(fr.buf)+readChunk)
		size = min(size, max(fr.maxPDU, len(fr.buf))+readChunk)
		grown := make([]byte, len(fr.buf), size)
		copy(grown, fr.buf)
		fr.buf = grown
	}
	n, err := fr.r.Read(fr.buf[len(fr.buf):cap(fr.buf)])
	fr.buf = fr.buf[:len(fr.buf)+n]
	if err != nil {
		fr.err = err
	}
}

// rest returns the received bytes that were not returned as frames.
func (fr *frameReader) rest() []byte { return fr.buf[fr.start:] }

// eachFrame hands every frame of r, with its stream offset, to f until the end
// of r. A framing error comes back as a *PDUError naming file name and the
// offset; an error from f comes back as it is.
func eachFrame(r io.Reader, name string, maxPDU int, f func(frame []byte, off int64) error) error {
	fr := newFrameReader(r, maxPDU)
	for {
		frame, off, err := fr.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			var fe *frameError
			if errors.As(err, &fe) {
				err = fe.Err
			}
			return &PDUError{File: name, Offset: off, Err: err}
		}
		if err := f(frame, off); err != nil {
			return err
		}
	}
}
