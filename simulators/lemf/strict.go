package lemf

import (
	"fmt"
	"io"
	"os"

	"github.com/rs/zerolog"

	"github.com/umli/umli/mediation/etsi"
)

// Strict mode checks every received PDU the way a demanding LEA decoder does
// (etsi.Validate): each constraint violation is reported with the field's ASN.1 path and
// byte offset, never the field's content.

// StrictReport is what CheckFiles found.
type StrictReport struct {
	PDUs       int // PDUs checked
	Violating  int // PDUs with at least one violation
	Violations int // violations in all
}

// CheckFiles validates every PS-PDU in the files and writes one line per violation:
// "FILE: PDU at byte offset P: offset O PATH: REASON", O being the file offset of the
// offending element. A stream that cannot be framed any further is an error after the
// lines written so far.
func CheckFiles(w io.Writer, files ...string) (StrictReport, error) {
	var rep StrictReport
	for _, name := range files {
		if err := checkFile(w, name, &rep); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

func checkFile(w io.Writer, name string, rep *StrictReport) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("strict check: %w", err)
	}
	defer func() { _ = f.Close() }()
	return eachFrame(f, name, DefaultMaxPDU, func(frame []byte, off int64) error {
		vs, n, err := etsi.Validate(frame)
		if err != nil {
			return &PDUError{File: name, Offset: off, Err: err}
		}
		rep.PDUs++
		if n != len(frame) {
			vs = append(vs, etsi.Violation{Offset: n, Path: "PS-PDU", Reason: fmt.Sprintf("%d bytes after the PDU in its frame", len(frame)-n)})
		}
		if len(vs) > 0 {
			rep.Violating++
			rep.Violations += len(vs)
		}
		for _, v := range vs {
			if _, err := fmt.Fprintf(w, "%s: PDU at byte offset %d: offset %d %s: %s\n", name, off, off+int64(v.Offset), v.Path, v.Reason); err != nil {
				return fmt.Errorf("write violations: %w", err)
			}
		}
		return nil
	})
}

// strictCheck validates one received PDU, logs its violations (path, offset, reason) and
// counts them. off is the PDU's stream offset on its connection.
func (l *LEMF) strictCheck(log zerolog.Logger, h hi, frame []byte, off int64) {
	vs, _, err := etsi.Validate(frame)
	if err != nil {
		vs = []etsi.Violation{{Path: "PS-PDU", Reason: err.Error()}}
	}
	for _, v := range vs {
		log.Warn().Int64("pduOffset", off).Int("offset", v.Offset).Str("path", v.Path).Str("reason", v.Reason).Msg("constraint violation")
	}
	if len(vs) == 0 {
		return
	}
	l.mu.Lock()
	l.stats[h].Violations += len(vs)
	l.stats[h].ViolatingPDUs++
	l.mu.Unlock()
}
