package jsonfeed

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/umli/umli/umsys/feed"
)

// maxDepth bounds object nesting; real UM events nest two or three levels.
const maxDepth = 32

// ErrNotObject: the JSON value is not an object.
var ErrNotObject = errors.New("jsonfeed: not a JSON object")

// Flatten parses one JSON object and returns its fields in document order: scalars as
// their text (strings unquoted, numbers verbatim, true/false, null as ""), nested
// objects as dotted names, arrays as compact JSON text. Trailing non-space bytes after
// the object are an error.
func Flatten(obj []byte) ([]feed.Header, error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("jsonfeed: at offset %d: %w", dec.InputOffset(), err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("jsonfeed: value at offset 0: %w", ErrNotObject)
	}
	hs := make([]feed.Header, 0, 16)
	if hs, err = flattenObject(dec, obj, "", hs, 1); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("jsonfeed: trailing data after the object at offset %d", dec.InputOffset())
	}
	return hs, nil
}

// flattenObject consumes the members of an object whose '{' was just read.
func flattenObject(dec *json.Decoder, src []byte, prefix string, hs []feed.Header, depth int) ([]feed.Header, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("jsonfeed: objects nested deeper than %d at offset %d", maxDepth, dec.InputOffset())
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("jsonfeed: at offset %d: %w", dec.InputOffset(), err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("jsonfeed: object key expected at offset %d", dec.InputOffset())
		}
		name := key
		if prefix != "" {
			name = prefix + "." + key
		}
		tok, err = dec.Token()
		if err != nil {
			return nil, fmt.Errorf("jsonfeed: value of %q at offset %d: %w", clip(name), dec.InputOffset(), err)
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				if hs, err = flattenObject(dec, src, name, hs, depth+1); err != nil {
					return nil, err
				}
			case '[':
				start := dec.InputOffset() - 1
				if err := skipArray(dec, depth+1); err != nil {
					return nil, fmt.Errorf("jsonfeed: array %q: %w", clip(name), err)
				}
				var b bytes.Buffer
				if err := json.Compact(&b, src[start:dec.InputOffset()]); err != nil {
					return nil, fmt.Errorf("jsonfeed: array %q: %w", clip(name), err)
				}
				hs = append(hs, feed.Header{Name: name, Value: b.String()})
			default:
				return nil, fmt.Errorf("jsonfeed: unexpected %q at offset %d", v, dec.InputOffset())
			}
		case string:
			hs = append(hs, feed.Header{Name: name, Value: v})
		case json.Number:
			hs = append(hs, feed.Header{Name: name, Value: v.String()})
		case bool:
			s := "false"
			if v {
				s = "true"
			}
			hs = append(hs, feed.Header{Name: name, Value: s})
		case nil:
			hs = append(hs, feed.Header{Name: name, Value: ""})
		}
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, fmt.Errorf("jsonfeed: at offset %d: %w", dec.InputOffset(), err)
	}
	return hs, nil
}

// skipArray consumes tokens up to the ']' matching an already read '['.
func skipArray(dec *json.Decoder, depth int) error {
	level := 1
	for level > 0 {
		if depth+level > maxDepth+1 {
			return fmt.Errorf("nested deeper than %d at offset %d", maxDepth, dec.InputOffset())
		}
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("at offset %d: %w", dec.InputOffset(), err)
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '[', '{':
				level++
			case ']', '}':
				level--
			}
		}
	}
	return nil
}

func clip(s string) string {
	const n = 40
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
