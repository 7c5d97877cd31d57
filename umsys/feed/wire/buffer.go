package wire

// Buffer is the byte buffer under a framer: the framer reads Buf, and Split drops
// consumed bytes after each Write so Buf holds only the unfinished remainder.
type Buffer struct {
	// Buf holds the bytes not yet consumed.
	Buf []byte
	// Off is the stream offset of Buf[0].
	Off int64
	// Scan is where the framer resumes looking inside Buf, so a frame arriving in
	// many small pieces is not rescanned from its start every time.
	Scan int
	// broken is the framing error that ended the stream; framers cannot resynchronise.
	broken error
}

// Split appends p and calls next(start) for the frame at Buf[start:]; next returns
// the frame (nil: more bytes needed), the bytes it consumed (blank lines may be
// consumed without a frame) and a framing error. Every frame goes to emit in order.
// A framing error is sticky: every later Split returns it. An error from emit stops
// Split and is returned as is.
//
// With nothing buffered, Buf is p itself while Split runs (frames in p are not copied
// twice) and only the unfinished tail is kept: frames must not alias Buf.
func Split[F any](b *Buffer, p []byte, next func(start int) (*F, int, error), emit func(*F) error) error {
	if b.broken != nil {
		return b.broken
	}
	start := 0
	if len(b.Buf) == 0 && len(p) > 0 {
		own := b.Buf
		b.Buf = p
		defer func() { b.keep(own, start) }()
	} else {
		b.Buf = append(b.Buf, p...)
		defer func() { b.compact(start) }()
	}
	for {
		f, n, err := next(start)
		if err != nil {
			b.broken = err
			return err
		}
		start += n
		if f == nil {
			if n > 0 {
				b.Scan = start
				continue
			}
			return nil
		}
		b.Scan = start
		if err := emit(f); err != nil {
			return err
		}
	}
}

// keep ends a Split that framed the caller's p in place: the unconsumed tail moves
// into own, the buffer kept between writes, as p may be reused by the caller.
func (b *Buffer) keep(own []byte, start int) {
	rest := b.Buf[start:]
	b.Buf = append(own[:0], rest...)
	b.Off += int64(start)
	b.Scan = max(0, b.Scan-start)
	if len(rest) == 0 && cap(b.Buf) > 1<<20 {
		b.Buf = nil
	}
}

func (b *Buffer) compact(start int) {
	if start == 0 {
		return
	}
	rest := copy(b.Buf, b.Buf[start:])
	b.Buf = b.Buf[:rest]
	b.Off += int64(start)
	b.Scan = max(0, b.Scan-start)
	// Drop a large backing array once it is no longer needed.
	if rest == 0 && cap(b.Buf) > 1<<20 {
		b.Buf = nil
	}
}
