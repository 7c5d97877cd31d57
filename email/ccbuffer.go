package email

// ccBuffer accumulates CC content up to one chunk. Small contents are copied out at
// their size and the buffer reused; a full chunk is handed over without copying, and
// the next one starts at full size, so bulk transfers (100 MB DATA) copy each byte once
// while idle sessions keep only small buffers.
type ccBuffer struct {
	b    []byte
	bulk bool // the last content taken was a whole chunk
}

func (c *ccBuffer) len() int { return len(c.b) }

func (c *ccBuffer) add(p []byte, chunk int) {
	if c.b == nil && c.bulk {
		c.b = make([]byte, 0, chunk)
	}
	c.b = append(c.b, p...)
}

// take returns the content, owned by the caller, and empties the buffer.
func (c *ccBuffer) take(chunk int) []byte {
	if len(c.b) >= chunk {
		out := c.b
		c.b, c.bulk = nil, true
		return out
	}
	out := append([]byte(nil), c.b...)
	c.b, c.bulk = c.b[:0], false
	return out
}

// takeN returns the first n bytes, owned by the caller, and keeps the rest.
func (c *ccBuffer) takeN(n, chunk int) []byte {
	if n >= len(c.b) {
		return c.take(chunk)
	}
	out := append([]byte(nil), c.b[:n]...)
	c.b = c.b[:copy(c.b, c.b[n:])]
	return out
}

func (c *ccBuffer) reset() { c.b = c.b[:0] }
