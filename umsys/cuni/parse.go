// Package cuni reads Cisco Unity Connection Notifier (CUNI) notifications: the XML
// messageEvent documents Connection POSTs to a subscriber's callback URL after the
// operator's SOAP subscribe call. Each messageEvent becomes one feed.Event of dialect
// CUNI whose Headers are its attributes (messageInfo's prefixed "messageInfo.") and
// whose Raw is the document's exact bytes. Mapping them onto ETSI events is the
// translator's job (umsys/translate/cuni.go).
package cuni

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"encoding/xml"

	"github.com/umli/umli/umsys/feed"
)

// Parser limits. A real messageEvent is one element with one child and a dozen
// attributes.
const (
	maxDepth      = 8
	maxAttrs      = 64
	maxInfos      = 16
	maxEventBytes = 64 << 10
)

// Errors a caller can test for.
var (
	// ErrDoctype: the input declares a DTD. Refused outright: Connection never sends
	// one and a DTD is how entity-expansion attacks start.
	ErrDoctype = errors.New("cuni: DOCTYPE refused")
	// ErrNotMessageEvent: a top-level element other than messageEvent.
	ErrNotMessageEvent = errors.New("cuni: not a messageEvent")
	// ErrTooDeep: elements nested deeper than a notification ever is.
	ErrTooDeep = errors.New("cuni: elements nested too deep")
	// ErrTooLarge: one messageEvent, attributes or children exceed the limits.
	ErrTooLarge = errors.New("cuni: messageEvent too large")
)

// Parse reads XML messageEvent documents back to back (each optionally with its own
// <?xml?> declaration) and calls emit for each, with its byte offset in data. The whole
// input is checked before the first emit, so a bad document refuses the batch and
// nothing is taken twice on retry.
func Parse(data []byte, source string, received time.Time, emit func(e *feed.Event, offset int64) error) error {
	evs, offs, err := parseAll(data, source, received)
	if err != nil {
		return err
	}
	for i, e := range evs {
		if err := emit(e, offs[i]); err != nil {
			return err
		}
	}
	return nil
}

// Events is Parse collecting the events.
func Events(data []byte, source string, received time.Time) ([]*feed.Event, error) {
	evs, _, err := parseAll(data, source, received)
	return evs, err
}

func parseAll(data []byte, source string, received time.Time) ([]*feed.Event, []int64, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	// Only UTF-8 (and its ASCII subset): Connection sends nothing else.
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		if l := strings.ToLower(label); l == "utf-8" || l == "us-ascii" {
			return r, nil
		}
		return nil, fmt.Errorf("cuni: charset %q not supported", label)
	}
	var evs []*feed.Event
	var offs []int64
	for {
		off := d.InputOffset()
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("cuni: XML at offset %d: %w", off, err)
		}
		switch t := tok.(type) {
		case xml.ProcInst:
			// <?xml version="1.0"?> heads each document.
		case xml.Comment:
		case xml.Directive:
			if bytes.HasPrefix(bytes.TrimSpace(bytes.ToUpper(t)), []byte("DOCTYPE")) {
				return nil, nil, fmt.Errorf("at offset %d: %w", off, ErrDoctype)
			}
			return nil, nil, fmt.Errorf("cuni: XML directive at offset %d refused", off)
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, nil, fmt.Errorf("cuni: text outside messageEvent at offset %d", off)
			}
		case xml.StartElement:
			if t.Name.Local != "messageEvent" {
				return nil, nil, fmt.Errorf("at offset %d: element %q: %w", off, t.Name.Local, ErrNotMessageEvent)
			}
			e, err := readEvent(d, t, off)
			if err != nil {
				return nil, nil, err
			}
			end := d.InputOffset()
			if end-off > maxEventBytes {
				return nil, nil, fmt.Errorf("at offset %d: %d bytes: %w", off, end-off, ErrTooLarge)
			}
			e.Dialect, e.Source, e.Received = feed.CUNI, source, received
			e.Raw = bytes.Clone(data[off:end])
			evs = append(evs, e)
			offs = append(offs, off)
		case xml.EndElement:
			return nil, nil, fmt.Errorf("cuni: XML at offset %d: unexpected </%s>", off, t.Name.Local)
		}
	}
	if len(evs) == 0 {
		return nil, nil, errors.New("cuni: no messageEvent in the input")
	}
	return evs, offs, nil
}

// readEvent reads the rest of a messageEvent whose start tag was just read.
func readEvent(d *xml.Decoder, start xml.StartElement, at int64) (*feed.Event, error) {
	e := &feed.Event{}
	if err := addAttrs(e, "", start.Attr, at); err != nil {
		return nil, err
	}
	depth, infos := 1, 0
	for depth > 0 {
		off := d.InputOffset()
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("cuni: messageEvent at offset %d: XML at offset %d: %w", at, off, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxDepth {
				return nil, fmt.Errorf("at offset %d: deeper than %d: %w", off, maxDepth, ErrTooDeep)
			}
			if depth == 2 && t.Name.Local == "messageInfo" {
				infos++
				if infos > maxInfos {
					return nil, fmt.Errorf("at offset %d: more than %d messageInfo: %w", off, maxInfos, ErrTooLarge)
				}
				prefix := "messageInfo."
				if infos > 1 {
					prefix = "messageInfo." + strconv.Itoa(infos-1) + "."
				}
				if err := addAttrs(e, prefix, t.Attr, off); err != nil {
					return nil, err
				}
			}
		case xml.EndElement:
			depth--
		case xml.Directive:
			return nil, fmt.Errorf("at offset %d: %w", off, ErrDoctype)
		}
	}
	return e, nil
}

func addAttrs(e *feed.Event, prefix string, attrs []xml.Attr, at int64) error {
	if len(e.Headers)+len(attrs) > maxAttrs {
		return fmt.Errorf("at offset %d: more than %d attributes: %w", at, maxAttrs, ErrTooLarge)
	}
	for _, a := range attrs {
		if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
			continue
		}
		e.Headers = append(e.Headers, feed.Header{Name: prefix + a.Name.Local, Value: a.Value})
	}
	return nil
}
