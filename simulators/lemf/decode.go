package lemf

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/umli/umli/mediation/etsi"
)

// PDUError names the PDU that `lemf decode` could not decode.
type PDUError struct {
	File string
	// Offset is the byte offset of the start of the PDU in File.
	Offset int64
	Err    error
}

// Error names the file, the offset and the cause.
func (e *PDUError) Error() string {
	return fmt.Sprintf("%s: PDU at byte offset %d: %v", e.File, e.Offset, e.Err)
}

// Unwrap returns the cause.
func (e *PDUError) Unwrap() error { return e.Err }

// DecodeFiles writes one JSON object per line for every PS-PDU in the files, in order.
// It stops at the first PDU it cannot decode and returns a *PDUError naming the file
// and offset; the PDUs before it have been written.
func DecodeFiles(w io.Writer, files ...string) error {
	bw := bufio.NewWriter(w)
	for _, name := range files {
		if err := decodeFile(bw, name); err != nil {
			return errors.Join(err, bw.Flush())
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write decoded PDUs: %w", err)
	}
	return nil
}

func decodeFile(w io.Writer, name string) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	defer func() { _ = f.Close() }()
	return DecodeStream(w, f, name, DefaultMaxPDU)
}

// DecodeStream is DecodeFiles for one stream; name is used in errors and maxPDU bounds
// one PDU (0 means DefaultMaxPDU).
func DecodeStream(w io.Writer, r io.Reader, name string, maxPDU int) error {
	if maxPDU <= 0 {
		maxPDU = DefaultMaxPDU
	}
	var line bytes.Buffer
	return eachFrame(r, name, maxPDU, func(frame []byte, off int64) error {
		pdu, n, err := etsi.DecodePSPDU(frame)
		if err == nil && n != len(frame) {
			err = fmt.Errorf("decoder consumed %d of %d bytes", n, len(frame))
		}
		if err != nil {
			return &PDUError{File: name, Offset: off, Err: err}
		}
		js, err := pdu.JSON()
		if err != nil {
			return &PDUError{File: name, Offset: off, Err: fmt.Errorf("render JSON: %w", err)}
		}
		line.Reset()
		if err := json.Compact(&line, js); err != nil {
			return &PDUError{File: name, Offset: off, Err: fmt.Errorf("render JSON: %w", err)}
		}
		line.WriteByte('\n')
		if _, err := w.Write(line.Bytes()); err != nil {
			return fmt.Errorf("write decoded PDU: %w", err)
		}
		return nil
	})
}
