// Package transcript reads raw feed transcripts — ESL event frames, AMI packets or
// JSON events, as the feeds deliver them — into feed.Events, for translate-raw-event
// and for tests. Errors name the byte offset (and line) where the input went wrong.
package transcript

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/umli/umli/umsys/cuni"
	"io"
	"time"

	"github.com/umli/umli/umsys/esl"
	"github.com/umli/umli/umsys/feed"
)

// Error says where in the input a transcript could not be read.
type Error struct {
	Offset int64
	Line   int
	Err    error
}

// Error names the line, offset and reason.
func (e *Error) Error() string {
	return fmt.Sprintf("line %d (offset %d): %v", e.Line, e.Offset, e.Err)
}

// Unwrap returns the reason.
func (e *Error) Unwrap() error { return e.Err }

func errAt(data []byte, off int64, err error) *Error {
	if off < 0 {
		off = 0
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return &Error{Offset: off, Line: 1 + bytes.Count(data[:off], []byte{'\n'}), Err: err}
}

// Item is one event and where it starts in the input.
type Item struct {
	Event  *feed.Event
	Offset int64
	Line   int
}

// Read reads every event of one dialect from data. Non-event frames (ESL command
// replies, auth requests, disconnect notices; AMI responses and the banner) are skipped.
func Read(d feed.Dialect, data []byte, source string, received time.Time) ([]*feed.Event, error) {
	items, err := ReadItems(d, data, source, received)
	if err != nil {
		return nil, err
	}
	evs := make([]*feed.Event, len(items))
	for i, it := range items {
		evs[i] = it.Event
	}
	return evs, nil
}

// ReadItems is Read with each event's position.
func ReadItems(d feed.Dialect, data []byte, source string, received time.Time) ([]Item, error) {
	var items []Item
	add := func(e *feed.Event, off int64) {
		items = append(items, Item{Event: e, Offset: off, Line: 1 + bytes.Count(data[:off], []byte{'\n'})})
	}
	var err error
	switch d {
	case feed.FreeSWITCH:
		err = readESL(data, source, received, add)
	case feed.Asterisk:
		err = readAMI(data, source, received, add)
	case feed.JSON:
		err = readJSON(data, source, received, add)
	case feed.CUNI:
		err = cuni.Parse(data, source, received, func(e *feed.Event, off int64) error { add(e, off); return nil })
	default:
		err = fmt.Errorf("unknown dialect %q", d)
	}
	if err != nil {
		return nil, err
	}
	return items, nil
}

func readESL(data []byte, source string, received time.Time, add func(*feed.Event, int64)) error {
	st := esl.NewStream(esl.Limits{})
	err := st.Write(data, func(f *esl.Frame) error {
		if f.ContentType != esl.TypeEventPlain {
			return nil
		}
		ev, err := esl.EventFromFrame(f, source, received)
		if err != nil {
			return errAt(data, f.Offset, err)
		}
		add(ev, f.Offset)
		return nil
	})
	if err != nil {
		var te *Error
		if errors.As(err, &te) {
			return te
		}
		return errAt(data, int64(len(data)-st.Pending()), err)
	}
	if st.Pending() > 0 && len(bytes.TrimSpace(data[len(data)-st.Pending():])) > 0 {
		return errAt(data, int64(len(data)-st.Pending()), fmt.Errorf("truncated ESL frame (%d bytes left over)", st.Pending()))
	}
	return nil
}

// readJSON reads a sequence of JSON objects (JSON lines, or objects one after another).
func readJSON(data []byte, source string, received time.Time, add func(*feed.Event, int64)) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		start := dec.InputOffset()
		var v json.RawMessage
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			off := dec.InputOffset()
			var se *json.SyntaxError
			if errors.As(err, &se) {
				off = se.Offset
			}
			return errAt(data, off, fmt.Errorf("json: %w", err))
		}
		raw := bytes.TrimSpace(v)
		// Point at the value itself, past the whitespace before it.
		at := start
		for at < int64(len(data)) && (data[at] == ' ' || data[at] == '\n' || data[at] == '\r' || data[at] == '\t') {
			at++
		}
		if len(raw) == 0 || raw[0] != '{' {
			return errAt(data, at, fmt.Errorf("json: event is not an object"))
		}
		add(&feed.Event{Dialect: feed.JSON, Source: source, Raw: append([]byte(nil), raw...), Received: received}, at)
	}
}
