package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/rs/zerolog"

	"github.com/umli/umli/mediation/record"
)

// maxRecordLine bounds one JSON record line (a CC chunk of a few hundred KiB encodes
// well below this).
const maxRecordLine = 4 << 20

// parseRecordLine decodes one JSON line into a record: the record package's Go field
// names, []byte as base64, times as RFC 3339. Unknown fields are refused.
func parseRecordLine(line []byte) (*record.Record, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	var r record.Record
	if err := dec.Decode(&r); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("trailing data after the record")
	}
	return &r, nil
}

// feedRecords submits every JSON line of in to sink. Bad lines are reported by line
// number and skipped (their content is never logged: it names targets).
func feedRecords(ctx context.Context, name string, in io.Reader, sink record.Sink, log zerolog.Logger) (int, error) {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), maxRecordLine)
	n, lineNo := 0, 0
	for sc.Scan() {
		lineNo++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		r, err := parseRecordLine(line)
		if err != nil {
			log.Warn().Str("input", name).Int("line", lineNo).Str("error", describeJSONError(err)).Msg("record skipped")
			continue
		}
		if err := sink.Submit(ctx, r); err != nil {
			if ctx.Err() != nil {
				return n, ctx.Err()
			}
			log.Warn().Err(err).Str("input", name).Int("line", lineNo).Msg("record not taken")
			continue
		}
		n++
	}
	if err := sc.Err(); err != nil {
		return n, fmt.Errorf("%s: line %d: %w", name, lineNo+1, err)
	}
	return n, nil
}

// describeJSONError keeps the kind of JSON error without quoting input bytes.
func describeJSONError(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("JSON syntax error at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("field %s: want %s", te.Field, te.Type)
	default:
		return "not a record"
	}
}
