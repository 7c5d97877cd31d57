package ami

import (
	"bytes"
	"fmt"
	"strings"
	"unsafe"

	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/feed/wire"
)

// Default limits: AMI lines are bounded by Asterisk's 1 KiB input buffer on the
// server side, but events it sends can carry long ChanVariable lists.
const (
	DefaultMaxLineBytes  = 16 << 10
	DefaultMaxBlockBytes = 256 << 10
)

// Limits bound what a Stream buffers.
type Limits struct {
	MaxLineBytes  int // 0: DefaultMaxLineBytes
	MaxBlockBytes int // 0: DefaultMaxBlockBytes
}

func (l Limits) withDefaults() Limits {
	if l.MaxLineBytes <= 0 {
		l.MaxLineBytes = DefaultMaxLineBytes
	}
	if l.MaxBlockBytes <= 0 {
		l.MaxBlockBytes = DefaultMaxBlockBytes
	}
	return l
}

// Kind says what a Block is.
type Kind int

// Block kinds.
const (
	KindOther    Kind = iota // neither Event nor Response first (or no header at all)
	KindBanner               // the "Asterisk Call Manager/x.y" greeting line
	KindEvent                // first header is Event:
	KindResponse             // first header is Response:
)

// Block is one AMI packet.
type Block struct {
	Kind Kind
	// Headers in wire order; values with leading blanks removed. Nil when Err is set.
	Headers []feed.Header
	// Raw is the packet as read, including its terminating empty line (if it had one).
	Raw []byte
	// Offset is the stream offset of Raw[0].
	Offset int64
	// Err is set when the block is framed but not parsable (e.g. a line without a
	// colon); the stream itself stays usable.
	Err error
}

// Get returns the first header named name (case-insensitive).
func (b *Block) Get(name string) string {
	for _, h := range b.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// Stream splits AMI bytes into Blocks.
type Stream struct {
	lim    Limits
	banner bool        // the next line is the greeting banner
	w      wire.Buffer // Scan: start of the first unexamined line of the current block
}

// NewStream returns a Stream; with banner set the first line is read as the
// "Asterisk Call Manager/…" greeting (no empty line follows it).
func NewStream(lim Limits, banner bool) *Stream {
	return &Stream{lim: lim.withDefaults(), banner: banner}
}

// Pending is the number of buffered bytes not yet part of a complete block, not
// counting empty lines between blocks.
func (s *Stream) Pending() int { return len(bytes.TrimLeft(s.w.Buf, "\r\n")) }

// Write appends p and calls emit for every complete block. Framing errors (a line or
// block over the limits) are fatal for the stream; parse errors of one block are
// reported in Block.Err.
func (s *Stream) Write(p []byte, emit func(*Block) error) error {
	return wire.Split(&s.w, p, s.next, emit)
}

// hasKindPrefix reports whether line starts a packet (Event: or Response:).
func hasKindPrefix(line []byte) bool {
	return hasFoldPrefix(line, "Event:") || hasFoldPrefix(line, "Response:")
}

func hasFoldPrefix(b []byte, p string) bool {
	return len(b) >= len(p) && strings.EqualFold(string(b[:len(p)]), p)
}

// next finds one block at buf[start:].
func (s *Stream) next(start int) (*Block, int, error) {
	b := s.w.Buf[start:]
	skip := 0
	if !s.banner {
		for skip < len(b) && (b[skip] == '\n' || b[skip] == '\r') {
			skip++
		}
	}
	body := b[skip:]
	if len(body) == 0 {
		// Consume the blanks now so a long run of them is not rescanned per Write.
		return nil, skip, nil
	}
	offset := s.w.Off + int64(start+skip)
	if s.banner {
		nl := bytes.IndexByte(body, '\n')
		if nl < 0 {
			if len(body) > s.lim.MaxLineBytes {
				return nil, 0, fmt.Errorf("banner at offset %d exceeds %d bytes: %w", offset, s.lim.MaxLineBytes, ErrFrameTooLarge)
			}
			return nil, 0, nil
		}
		if nl > s.lim.MaxLineBytes {
			return nil, 0, fmt.Errorf("banner at offset %d exceeds %d bytes: %w", offset, s.lim.MaxLineBytes, ErrFrameTooLarge)
		}
		s.banner = false
		raw := bytes.Clone(body[:nl+1])
		line := string(bytes.TrimRight(raw, "\r\n"))
		return &Block{Kind: KindBanner, Raw: raw, Offset: offset, Headers: []feed.Header{{Name: "", Value: line}}}, skip + nl + 1, nil
	}
	// Walk the lines of the block from where the last Write stopped.
	pos := max(0, s.w.Scan-start-skip)
	end, next := -1, -1
	for pos < len(body) {
		nl := bytes.IndexByte(body[pos:], '\n')
		if nl < 0 {
			if len(body)-pos > s.lim.MaxLineBytes {
				return nil, 0, fmt.Errorf("line at offset %d exceeds %d bytes: %w", offset+int64(pos), s.lim.MaxLineBytes, ErrFrameTooLarge)
			}
			break
		}
		if nl > s.lim.MaxLineBytes {
			return nil, 0, fmt.Errorf("line at offset %d exceeds %d bytes: %w", offset+int64(pos), s.lim.MaxLineBytes, ErrFrameTooLarge)
		}
		line := bytes.TrimRight(body[pos:pos+nl], "\r")
		if len(line) == 0 {
			end, next = pos+nl+1, pos+nl+1
			break
		}
		// Two packets joined by a single line break (seen in real captures): a new
		// Event:/Response: line inside a block starts the next block.
		if pos > 0 && hasKindPrefix(line) {
			end, next = pos, pos
			break
		}
		pos += nl + 1
		if pos > s.lim.MaxBlockBytes {
			return nil, 0, fmt.Errorf("block at offset %d exceeds %d bytes: %w", offset, s.lim.MaxBlockBytes, ErrFrameTooLarge)
		}
	}
	if end < 0 {
		s.w.Scan = start + skip + pos
		return nil, 0, nil
	}
	raw := bytes.Clone(body[:end])
	blk := parseBlock(raw, offset)
	return blk, skip + next, nil
}

// parseBlock splits a complete block into headers.
func parseBlock(raw []byte, offset int64) *Block {
	blk := &Block{Raw: raw, Offset: offset}
	// raw is this block's private copy and never written again, so header strings can
	// view it instead of copying it (callers must not modify Block.Raw / Event.Raw).
	text := unsafe.String(unsafe.SliceData(raw), len(raw))
	headers := make([]feed.Header, 0, bytes.Count(raw, []byte{'\n'}))
	pos := 0
	for pos < len(text) {
		nl := strings.IndexByte(text[pos:], '\n')
		line := text[pos:]
		next := len(text)
		if nl >= 0 {
			line = text[pos : pos+nl]
			next = pos + nl + 1
		}
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			// The line is not quoted: event content may identify a subscriber.
			blk.Err = fmt.Errorf("line at offset %d (%d bytes) has no colon: %w", offset+int64(pos), len(line), ErrMalformed)
			return blk
		}
		headers = append(headers, feed.Header{Name: name, Value: strings.TrimLeft(value, " \t")})
		pos = next
	}
	blk.Headers = headers
	if len(headers) > 0 {
		switch {
		case strings.EqualFold(headers[0].Name, "Event"):
			blk.Kind = KindEvent
		case strings.EqualFold(headers[0].Name, "Response"):
			blk.Kind = KindResponse
		}
	}
	return blk
}

// clip bounds what an error message quotes from hostile input.
func clip(s string) string {
	const n = 40
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
