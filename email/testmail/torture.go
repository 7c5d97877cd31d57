package testmail

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Session is one torture session of email/testdata/torture: a captured-style
// exchange and what interception must make of it.
//
// File format, one line each: "S: text" and "C: text" are what the server and the
// client sent, text plus CR LF; "S~ text" and "C~ text" are bytes written with Go
// string escapes (\r, \n, \x00, ...) and nothing appended, for bare LF, binary
// literals and sessions cut short. Before them, "want: ..." lines give the IRI
// expected, in order; "error: ..." a text every framing error report must hold, in
// order (invalid sessions); "cc-from: ..." the client line that starts the CC (the
// session's first command, B.5/C.3); "maxline: n" a line bound. '#' starts a comment.
type Session struct {
	Name    string
	Steps   []Step
	Want    []string
	Errors  []string
	CCFrom  string
	MaxLine int
}

// Step is what one peer sent.
type Step struct {
	Client bool
	Data   []byte
}

// Wire returns the bytes one peer sent, in order, from the step that starts the CC
// on (the client's from the cc-from line, the server's from what it sent after that
// line): what the session's CC must hold, every byte once.
func (s Session) Wire(client bool) []byte {
	var out []byte
	on := s.CCFrom == ""
	for _, st := range s.Steps {
		if !on && st.Client && bytes.HasPrefix(st.Data, []byte(s.CCFrom)) {
			on = true
		}
		if on && st.Client == client {
			out = append(out, st.Data...)
		}
	}
	return out
}

// Torture loads the sessions of dir ("valid" or "invalid") for a protocol (the file
// extension: "smtp", "pop3", "imap") from root (the testdata/torture directory),
// sorted by name. None found is a failure: a table test over nothing proves nothing.
func Torture(t testing.TB, root, dir, proto string) []Session {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, dir, "*."+proto))
	if err != nil || len(files) == 0 {
		t.Fatalf("no %s torture sessions in %s (%v)", proto, filepath.Join(root, dir), err)
	}
	sort.Strings(files)
	var out []Session
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s, err := ParseSession(filepath.Base(f), b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, s)
	}
	return out
}

// ParseSession reads one torture session file.
func ParseSession(name string, b []byte) (Session, error) {
	s := Session{Name: name}
	for i, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		line = strings.TrimSuffix(line, "\r")
		at := func(err error) error { return fmt.Errorf("line %d: %w", i+1, err) }
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case len(line) >= 2 && (line[0] == 'C' || line[0] == 'S') && (line[1] == ':' || line[1] == '~'):
			text := strings.TrimPrefix(line[2:], " ")
			data := []byte(text + "\r\n")
			if line[1] == '~' {
				u, err := strconv.Unquote(`"` + strings.ReplaceAll(text, `"`, `\"`) + `"`)
				if err != nil {
					return s, at(fmt.Errorf("bad escape: %w", err))
				}
				data = []byte(u)
			}
			s.Steps = append(s.Steps, Step{Client: line[0] == 'C', Data: data})
		default:
			key, val, ok := strings.Cut(line, ":")
			val = strings.TrimSpace(val)
			switch {
			case !ok:
				return s, at(fmt.Errorf("neither a step nor a directive"))
			case key == "want":
				s.Want = append(s.Want, val)
			case key == "error":
				s.Errors = append(s.Errors, val)
			case key == "cc-from":
				s.CCFrom = val
			case key == "maxline":
				n, err := strconv.Atoi(val)
				if err != nil {
					return s, at(err)
				}
				s.MaxLine = n
			default:
				return s, at(fmt.Errorf("unknown directive %q", key))
			}
		}
	}
	if len(s.Steps) == 0 {
		return s, fmt.Errorf("no steps")
	}
	return s, nil
}
