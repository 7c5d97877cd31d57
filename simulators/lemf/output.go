package lemf

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Output file names inside Config.OutDir.
const (
	HI2File     = "hi2.ber"
	HI3File     = "hi3.ber"
	RecordsFile = "records.jsonl"
	SummaryFile = "summary.json"
	ContentDir  = "content"
)

// outBuffer is the write buffer of hi2.ber, hi3.ber and records.jsonl.
const outBuffer = 64 << 10

// berFile appends raw received bytes and knows the offset of each append.
type berFile struct {
	f    *os.File
	w    *bufio.Writer
	size int64
}

func (b *berFile) append(p []byte) (int64, error) {
	off := b.size
	n, err := b.w.Write(p)
	b.size += int64(n)
	if err != nil {
		return off, fmt.Errorf("append to %s: %w", b.f.Name(), err)
	}
	return off, nil
}

// record is one line of records.jsonl.
type record struct {
	HI        string          `json:"hi"`
	Offset    int64           `json:"offset"`
	Received  string          `json:"received"`
	PDU       json.RawMessage `json:"pdu,omitempty"`
	Duplicate bool            `json:"duplicate,omitempty"`
	// Conflict marks a duplicate whose bytes differ from the first copy's.
	Conflict bool `json:"conflict,omitempty"`
	// Error is set for bytes that could not be decoded (PDU is then absent).
	Error string `json:"error,omitempty"`
}

// output is the LEMF's output directory. A run starts it afresh: offsets in
// records.jsonl count from the start of this run's .ber files. The .ber files and
// records.jsonl are buffered and flushed by flush: whenever a connection has nothing
// more to read, before a keep-aliveResponse is sent, and on close.
type output struct {
	dir      string
	ber      [2]berFile
	recordsF *os.File
	records  *bufio.Writer
	content  *contentStore
}

func openOutput(dir string) (*output, error) {
	if dir == "" {
		return nil, errors.New("no output directory")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create output directory: %w", err)
	}
	o := &output{dir: dir}
	var err error
	for i, name := range []string{HI2File, HI3File} {
		if o.ber[i].f, err = create(filepath.Join(dir, name)); err != nil {
			_ = o.close()
			return nil, err
		}
		o.ber[i].w = bufio.NewWriterSize(o.ber[i].f, outBuffer)
	}
	if o.recordsF, err = create(filepath.Join(dir, RecordsFile)); err != nil {
		_ = o.close()
		return nil, err
	}
	o.records = bufio.NewWriterSize(o.recordsF, outBuffer)
	if o.content, err = newContentStore(filepath.Join(dir, ContentDir)); err != nil {
		_ = o.close()
		return nil, err
	}
	return o, nil
}

func create(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return nil, fmt.Errorf("create output file: %w", err)
	}
	return f, nil
}

// writeRecord appends one line to records.jsonl. The PDU JSON is spliced in as the
// codec rendered it rather than re-encoded: records are the hot path of the LEMF.
func (o *output) writeRecord(r record) error {
	pdu := r.PDU
	r.PDU = nil
	line, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode record at %s offset %d: %w", r.HI, r.Offset, err)
	}
	if len(pdu) > 0 {
		if bytes.ContainsAny(pdu, "\r\n") {
			var c bytes.Buffer
			if err := json.Compact(&c, pdu); err != nil {
				return fmt.Errorf("encode record at %s offset %d: %w", r.HI, r.Offset, err)
			}
			pdu = c.Bytes()
		}
		line = append(append(append(line[:len(line)-1], `,"pdu":`...), pdu...), '}')
	}
	line = append(line, '\n')
	if _, err := o.records.Write(line); err != nil {
		return fmt.Errorf("write %s: %w", RecordsFile, err)
	}
	return nil
}

// writeSummary replaces summary.json.
func (o *output) writeSummary(s Summary) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode summary: %w", err)
	}
	tmp := filepath.Join(o.dir, SummaryFile+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o640); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(o.dir, SummaryFile)); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	return nil
}

// flush writes the buffered .ber bytes and records out.
func (o *output) flush() error {
	var errs []error
	for _, w := range []*bufio.Writer{o.ber[0].w, o.ber[1].w, o.records} {
		if w != nil {
			if err := w.Flush(); err != nil {
				errs = append(errs, fmt.Errorf("flush output: %w", err))
			}
		}
	}
	return errors.Join(errs...)
}

// close flushes everything, finalizes content and closes every file.
func (o *output) close() error {
	errs := []error{o.flush()}
	if o.content != nil {
		errs = append(errs, o.content.flush())
	}
	for _, f := range []*os.File{o.ber[0].f, o.ber[1].f, o.recordsF} {
		if f != nil {
			errs = append(errs, f.Close())
		}
	}
	return errors.Join(errs...)
}

// timestamp formats a receive time for records.jsonl.
func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
