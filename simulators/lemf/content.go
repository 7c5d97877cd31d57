package lemf

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/umli/umli/mediation/etsi"
)

// Bounds that keep a hostile or broken sender from exhausting memory or descriptors.
const (
	// maxPendingBytes is how much out-of-order content one stream may hold back; past
	// it the stream gives up waiting for the missing chunks.
	maxPendingBytes = 16 << 20
	// maxPendingTotal bounds the out-of-order content held back by all streams together.
	maxPendingTotal = 64 << 20
	// maxStreams is how many content files may be open at once.
	maxStreams = 1024
	// contentBuffer is the write buffer of one content file.
	contentBuffer = 32 << 10
)

// optU32 is an optional uint32 usable as a map key.
type optU32 struct {
	v  uint32
	ok bool
}

func optional(p *uint32) optU32 {
	if p == nil {
		return optU32{}
	}
	return optU32{v: *p, ok: true}
}

func (o optU32) ptr() *uint32 {
	if !o.ok {
		return nil
	}
	v := o.v
	return &v
}

// String gives the value or "none" for file names.
func (o optU32) String() string {
	if !o.ok {
		return "none"
	}
	return strconv.FormatUint(uint64(o.v), 10)
}

// cinKey is one communication session of one interception: CINs are unique per network
// element only, so the element is part of the key.
type cinKey struct {
	liid string
	ne   string
	cin  optU32
}

// streamKey names one content stream: MessagingCC per (LIID, NE, CIN, event-identifier,
// content-identifier), EmailCC per (LIID, NE, CIN, format).
type streamKey struct {
	cinKey
	email   bool
	format  etsi.EmailFormat
	event   uint32
	content optU32
}

// contentStream reassembles one stream into one file.
type contentStream struct {
	key         streamKey
	contentType string
	file        string // relative to the output directory
	f           *os.File
	buf         *bufio.Writer
	w           io.Writer // buf, or wav on top of it
	wav         *wavWriter

	next         uint32            // next MessagingCC sequence-number to write
	pending      map[uint32][]byte // chunks that arrived ahead of next
	pendingBytes int
	end          optU32 // sequence-number carrying end-of-sequence
	bytes        int64
	chunks       int
	missing      uint64 // chunks given up on
	ignored      int    // repeated or late chunks
	closed       bool
	complete     bool
	err          error
}

// contentStore holds every content stream of one LEMF.
type contentStore struct {
	dir     string // OUT/content
	streams map[streamKey]*contentStream
	order   []*contentStream
	names   map[string]bool
	open    int
	// pendingBytes totals the streams' out-of-order chunks.
	pendingBytes int
	// Bounds on held-back content; maxPendingBytes and maxPendingTotal outside tests.
	maxPending, maxPendingAll int
}

func newContentStore(dir string) (*contentStore, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create content directory: %w", err)
	}
	return &contentStore{dir: dir, streams: map[streamKey]*contentStream{}, names: map[string]bool{},
		maxPending: maxPendingBytes, maxPendingAll: maxPendingTotal}, nil
}

// addMessaging files one MessagingCC chunk.
func (cs *contentStore) addMessaging(ck cinKey, m *etsi.MessagingCC) error {
	k := streamKey{cinKey: ck, event: m.EventIdentifier, content: optional(m.ContentIdentifier)}
	s, err := cs.stream(k, m.ContentType)
	if err != nil || s == nil {
		return err
	}
	if s.closed {
		s.ignored++
		return nil
	}
	if m.SequenceNumber == nil {
		// Without sequence numbering the one PDU carries all the content.
		s.write(m.Content)
		s.complete = s.err == nil
		return cs.finish(s)
	}
	seq := *m.SequenceNumber
	if m.EndOfSequence && !s.end.ok {
		s.end = optU32{v: seq, ok: true}
	}
	_, held := s.pending[seq]
	if seq < s.next || held || (s.end.ok && seq > s.end.v) {
		s.ignored++
		return nil
	}
	before := s.pendingBytes
	s.pending[seq] = append([]byte(nil), m.Content...)
	s.pendingBytes += len(m.Content)
	s.drain()
	for s.pendingBytes > cs.maxPending || (len(s.pending) > 0 && cs.pendingBytes+s.pendingBytes-before > cs.maxPendingAll) {
		s.skipToLowest()
		s.drain()
	}
	cs.pendingBytes += s.pendingBytes - before
	if s.end.ok && s.next > s.end.v {
		s.complete = s.missing == 0 && s.err == nil
		return cs.finish(s)
	}
	return s.err
}

// addEmail appends one EmailCC in arrival order.
func (cs *contentStore) addEmail(ck cinKey, e *etsi.EmailCC) error {
	ct := "application/octet-stream"
	if e.Format == etsi.EmailFormatApplication {
		ct = "message/rfc822"
	}
	s, err := cs.stream(streamKey{cinKey: ck, email: true, format: e.Format}, ct)
	if err != nil || s == nil {
		return err
	}
	s.write(e.Content)
	return s.err
}

// stream finds or opens the stream for k; nil when too many streams are open.
func (cs *contentStore) stream(k streamKey, contentType string) (*contentStream, error) {
	if s, ok := cs.streams[k]; ok {
		return s, nil
	}
	if cs.open >= maxStreams {
		return nil, fmt.Errorf("more than %d open content streams: content dropped", maxStreams)
	}
	format, ext := fileKind(contentType)
	name := cs.fileName(k, ext)
	f, err := os.OpenFile(filepath.Join(cs.dir, name), os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return nil, fmt.Errorf("create content file: %w", err)
	}
	buf := bufio.NewWriterSize(f, contentBuffer)
	s := &contentStream{key: k, contentType: contentType, file: filepath.Join(ContentDir, name),
		f: f, buf: buf, w: buf, pending: map[uint32][]byte{}}
	if format != 0 {
		if s.wav, err = newWAVWriter(bufferedFile{buf, f}, format); err != nil {
			_ = f.Close()
			return nil, err
		}
		s.w = s.wav
	}
	cs.streams[k] = s
	cs.order = append(cs.order, s)
	cs.open++
	return s, nil
}

func (s *contentStream) write(p []byte) {
	if s.err != nil {
		return
	}
	if _, err := s.w.Write(p); err != nil {
		s.err = fmt.Errorf("write %s: %w", s.file, err)
		return
	}
	s.bytes += int64(len(p))
	s.chunks++
}

// drain writes the pending chunks that are next in sequence.
func (s *contentStream) drain() {
	for {
		p, ok := s.pending[s.next]
		if !ok {
			return
		}
		delete(s.pending, s.next)
		s.pendingBytes -= len(p)
		s.write(p)
		s.next++
	}
}

// skipToLowest gives up on the chunks before the lowest pending one.
func (s *contentStream) skipToLowest() {
	lowest := uint32(0)
	first := true
	for seq := range s.pending {
		if first || seq < lowest {
			lowest, first = seq, false
		}
	}
	if first {
		return
	}
	s.missing += uint64(lowest - s.next)
	s.next = lowest
}

// finish closes s and frees its slot.
func (cs *contentStore) finish(s *contentStream) error {
	if !s.closed {
		cs.open--
		cs.pendingBytes -= s.pendingBytes
	}
	return s.close()
}

// close finalizes the file: WAV sizes patched, descriptor released.
func (s *contentStream) close() error {
	if s.closed {
		return s.err
	}
	s.closed = true
	if s.wav != nil {
		if err := s.wav.Close(); err != nil && s.err == nil {
			s.err = fmt.Errorf("finalize %s: %w", s.file, err)
		}
	}
	if err := s.buf.Flush(); err != nil && s.err == nil {
		s.err = fmt.Errorf("write %s: %w", s.file, err)
	}
	if err := s.f.Close(); err != nil && s.err == nil {
		s.err = fmt.Errorf("close %s: %w", s.file, err)
	}
	s.pending = nil
	s.pendingBytes = 0
	return s.err
}

// flush writes whatever each unfinished stream holds, in sequence order with holes
// counted as missing, and closes every file. Used at shutdown.
func (cs *contentStore) flush() error {
	var first error
	for _, s := range cs.order {
		if s.closed {
			continue
		}
		for len(s.pending) > 0 {
			s.skipToLowest()
			s.drain()
		}
		if s.end.ok && s.next <= s.end.v {
			s.missing += uint64(s.end.v-s.next) + 1
		}
		// EmailCC has no end marker: at shutdown it is as complete as it will get.
		s.complete = s.key.email && s.err == nil
		if err := s.close(); err != nil && first == nil {
			first = err
		}
	}
	cs.open = 0
	cs.pendingBytes = 0
	return first
}

// ContentSummary describes one reassembled content stream.
type ContentSummary struct {
	// Payload is "MessagingCC" or "EmailCC".
	Payload           string  `json:"payload"`
	EventIdentifier   *uint32 `json:"eventIdentifier,omitempty"`
	ContentIdentifier *uint32 `json:"contentIdentifier,omitempty"`
	ContentType       string  `json:"contentType"`
	Bytes             int64   `json:"bytes"`
	Chunks            int     `json:"chunks"`
	// MissingChunks counts sequence-numbers never received before the stream was closed.
	MissingChunks uint64 `json:"missingChunks"`
	// Ignored counts repeated chunks and chunks after end-of-sequence.
	Ignored int `json:"ignored"`
	// Complete is true once end-of-sequence was reached with nothing missing.
	Complete bool `json:"complete"`
	// File is relative to the output directory.
	File  string `json:"file"`
	Error string `json:"error,omitempty"`
}

func (s *contentStream) summary() ContentSummary {
	c := ContentSummary{Payload: "MessagingCC", ContentType: s.contentType, Bytes: s.bytes,
		Chunks: s.chunks, MissingChunks: s.missing, Ignored: s.ignored, Complete: s.complete,
		File: s.file}
	if s.key.email {
		c.Payload = "EmailCC"
	} else {
		ev := s.key.event
		c.EventIdentifier = &ev
		c.ContentIdentifier = s.key.content.ptr()
	}
	if s.err != nil {
		c.Error = s.err.Error()
	}
	return c
}

// byCIN groups the stream summaries per (LIID, NE, CIN), in file order.
func (cs *contentStore) byCIN() map[cinKey][]ContentSummary {
	out := map[cinKey][]ContentSummary{}
	for _, s := range cs.order {
		out[s.key.cinKey] = append(out[s.key.cinKey], s.summary())
	}
	for _, v := range out {
		sort.SliceStable(v, func(i, j int) bool { return v[i].File < v[j].File })
	}
	return out
}
