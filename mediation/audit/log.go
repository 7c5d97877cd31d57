package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Log appends entries to one audit file. It is safe for concurrent use; every Append is
// written and fsynced before it returns.
type Log struct {
	mu   sync.Mutex
	f    *os.File
	path string
	seq  uint64
	head string
	now  func() time.Time
}

// Options are the optional parts of Open.
type Options struct {
	// Now is the clock stamped into entries (default time.Now).
	Now func() time.Time
}

// Open opens (creating if needed) the audit file at path for appending. An existing file
// is verified first: appending to a broken chain would launder the break.
func Open(path string, opt Options) (*Log, error) {
	l := &Log{path: path, head: GenesisHash, now: opt.Now}
	if l.now == nil {
		l.now = time.Now
	}
	if r, err := os.Open(path); err == nil {
		res, verr := Verify(r)
		r.Close()
		if verr != nil {
			return nil, fmt.Errorf("audit: open %s: existing log does not verify: %w", path, verr)
		}
		l.seq, l.head = res.Entries, res.Head
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("audit: open %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit: open %s: %w", path, err)
	}
	// A new file's directory entry must survive a crash as well as its lines.
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	l.f = f
	return l, nil
}

// Append records one entry; Seq, Time, PrevHash and Hash are filled in. The entry is on
// disk (fsynced) when Append returns nil.
func (l *Log) Append(actor, action string, detail map[string]string, result string) (Entry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return Entry{}, fmt.Errorf("audit: %s: log is closed", l.path)
	}
	e := Entry{Seq: l.seq + 1, Time: l.now().UTC(), Actor: actor, Action: action, Detail: detail, Result: result, PrevHash: l.head}
	h, err := ComputeHash(&e)
	if err != nil {
		return Entry{}, err
	}
	e.Hash = h
	line, err := json.Marshal(e)
	if err != nil {
		return Entry{}, fmt.Errorf("audit: encode entry %d: %w", e.Seq, err)
	}
	line = append(line, '\n')
	if _, err := l.f.Write(line); err != nil {
		return Entry{}, fmt.Errorf("audit: write %s: %w", l.path, err)
	}
	if err := l.f.Sync(); err != nil {
		return Entry{}, fmt.Errorf("audit: fsync %s: %w", l.path, err)
	}
	l.seq, l.head = e.Seq, e.Hash
	return e, nil
}

// Head returns the sequence number and hash of the last entry written.
func (l *Log) Head() (uint64, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seq, l.head
}

// Close closes the file; later Appends fail.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// maxLine bounds one entry so a corrupted file cannot make Verify allocate without end.
const maxLine = 1 << 20

// Result summarizes a log that verified.
type Result struct {
	Entries uint64
	// Head is the hash of the last entry (GenesisHash for an empty log).
	Head string
}

// Verify reads a whole audit log and checks that sequence numbers run 1, 2, 3 … without
// gap, that each entry's prevHash is its predecessor's hash and that each hash matches
// the entry's content. The error names the first bad line.
func Verify(r io.Reader) (Result, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	res := Result{Head: GenesisHash}
	line := 0
	for sc.Scan() {
		line++
		var e Entry
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return res, fmt.Errorf("line %d: not an audit entry: %w", line, err)
		}
		if e.Seq != res.Entries+1 {
			return res, fmt.Errorf("line %d: seq %d, want %d (entry dropped, inserted or reordered)", line, e.Seq, res.Entries+1)
		}
		if e.PrevHash != res.Head {
			return res, fmt.Errorf("line %d (seq %d): prevHash does not match the previous entry's hash (entry dropped or reordered)", line, e.Seq)
		}
		h, err := ComputeHash(&e)
		if err != nil {
			return res, fmt.Errorf("line %d: %w", line, err)
		}
		if h != e.Hash {
			return res, fmt.Errorf("line %d (seq %d): hash mismatch (entry edited)", line, e.Seq)
		}
		res.Entries, res.Head = e.Seq, e.Hash
	}
	if err := sc.Err(); err != nil {
		return res, fmt.Errorf("line %d: %w", line+1, err)
	}
	return res, nil
}
