package canonical

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/umli/umli/umsys/feed"
)

// Limits on what Flatten accepts from outside: objects and arrays nested at most
// MaxDepth levels (the event object is level 1; real UM events nest two or three),
// at most MaxFields scalar fields.
const (
	MaxDepth  = 16
	MaxFields = 4096
)

// ErrNotObject: the JSON value is not an object.
var ErrNotObject = errors.New("event is not a JSON object")

// Flatten is umli's one JSON event flattener (every JSON transport and the generic
// translator use it, so an event is parsed once): it turns one JSON object into
// headers in document order, scalars by their dotted path — nested objects by key
// ("a.b"), array elements by index from 0 ("a.0.b"); an empty object or array yields
// no field. Strings unquoted, numbers as written, booleans "true"/"false", null "";
// repeated keys are kept, in order. It fails on anything but one JSON object (trailing
// bytes after it included) and beyond MaxDepth or MaxFields; errors give the offset.
// SCHEMA.md states the same rule for platform integrators.
func Flatten(raw []byte) ([]feed.Header, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("json: offset %d: %w", dec.InputOffset(), err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("json: offset 0: %w", ErrNotObject)
	}
	out := make([]feed.Header, 0, 16)
	if err := flattenObject(dec, "", 1, &out); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("json: offset %d: trailing data after the event object", dec.InputOffset())
	}
	return out, nil
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func flattenObject(dec *json.Decoder, prefix string, depth int, out *[]feed.Header) error {
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("json: offset %d: %w", dec.InputOffset(), err)
		}
		name, _ := tok.(string) // the decoder accepts only string keys here
		if err := flattenValue(dec, join(prefix, name), depth, out); err != nil {
			return err
		}
	}
	_, err := dec.Token() // '}'
	if err != nil {
		return fmt.Errorf("json: offset %d: %w", dec.InputOffset(), err)
	}
	return nil
}

func flattenValue(dec *json.Decoder, path string, depth int, out *[]feed.Header) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("json: value of %q: offset %d: %w", clip(path), dec.InputOffset(), err)
	}
	switch v := tok.(type) {
	case json.Delim:
		if depth >= MaxDepth {
			return fmt.Errorf("json: offset %d: nested deeper than %d", dec.InputOffset(), MaxDepth)
		}
		if v == '{' {
			return flattenObject(dec, path, depth+1, out)
		}
		for i := 0; dec.More(); i++ {
			if err := flattenValue(dec, join(path, strconv.Itoa(i)), depth+1, out); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil { // ']'
			return fmt.Errorf("json: offset %d: %w", dec.InputOffset(), err)
		}
		return nil
	case string:
		return add(out, path, v, dec)
	case json.Number:
		return add(out, path, v.String(), dec)
	case bool:
		return add(out, path, strconv.FormatBool(v), dec)
	default: // null
		return add(out, path, "", dec)
	}
}

func add(out *[]feed.Header, name, value string, dec *json.Decoder) error {
	if len(*out) >= MaxFields {
		return fmt.Errorf("json: offset %d: more than %d fields", dec.InputOffset(), MaxFields)
	}
	*out = append(*out, feed.Header{Name: name, Value: value})
	return nil
}

// clip shortens a field path for an error message (the path is outside input).
func clip(s string) string {
	const n = 40
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
