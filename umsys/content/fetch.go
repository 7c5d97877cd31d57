package content

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Defaults of Config.
const (
	DefaultMaxBytes    = 64 << 20
	DefaultChunkBytes  = 64 << 10
	DefaultHTTPTimeout = 30 * time.Second
)

// Root maps a path prefix as the platform names it to a local directory umli reads it
// from (the platform's store mounted elsewhere). Dir "" means Prefix itself.
type Root struct {
	Prefix string
	Dir    string
}

// Config configures a Fetcher.
type Config struct {
	Roots       []Root
	MaxBytes    int64         // per content item; default DefaultMaxBytes
	ChunkBytes  int           // per MessagingCC; default DefaultChunkBytes
	HTTPTimeout time.Duration // whole request including the body; default DefaultHTTPTimeout
	// Client is the HTTP client (e.g. with the platform's CA); nil uses a plain one.
	Client *http.Client
}

// Fetcher streams content from files under its roots and from http/https URLs.
type Fetcher struct {
	cfg   Config
	roots []openRoot
}

type openRoot struct {
	prefix string
	root   *os.Root
}

// New opens the content roots. Close releases them.
func New(cfg Config) (*Fetcher, error) {
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.ChunkBytes <= 0 {
		cfg.ChunkBytes = DefaultChunkBytes
	}
	if cfg.HTTPTimeout <= 0 {
		cfg.HTTPTimeout = DefaultHTTPTimeout
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{}
	}
	f := &Fetcher{cfg: cfg}
	for _, r := range cfg.Roots {
		dir := r.Dir
		if dir == "" {
			dir = r.Prefix
		}
		if !filepath.IsAbs(r.Prefix) {
			f.Close()
			return nil, fmt.Errorf("content root prefix %q is not absolute", r.Prefix)
		}
		root, err := os.OpenRoot(dir)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("content root: %w", err)
		}
		f.roots = append(f.roots, openRoot{prefix: filepath.Clean(r.Prefix), root: root})
	}
	return f, nil
}

// Close releases the roots.
func (f *Fetcher) Close() error {
	for _, r := range f.roots {
		r.root.Close()
	}
	f.roots = nil
	return nil
}

// Chunk is one piece of content for one MessagingCC.
type Chunk struct {
	Seq         uint32
	Last        bool
	Data        []byte
	ContentType string
}

// Stream delivers the content at location (or inline, when not nil) to emit in chunks.
// contentType "" is detected from the bytes and name. On error after some chunks the
// last emitted chunk is not marked Last, so the LEA sees the content is incomplete.
func (f *Fetcher) Stream(ctx context.Context, location string, inline []byte, contentType string, emit func(Chunk) error) error {
	if inline != nil {
		if int64(len(inline)) > f.cfg.MaxBytes {
			return fmt.Errorf("inline content of %d bytes: %w", len(inline), ErrTooLarge)
		}
		if contentType == "" {
			contentType = Detect(inline, "")
		}
		return f.chunks(ctx, bytes.NewReader(inline), int64(len(inline)), contentType, "", "", emit)
	}
	switch {
	case strings.HasPrefix(location, "http://"), strings.HasPrefix(location, "https://"):
		return f.streamHTTP(ctx, location, contentType, emit)
	case filepath.IsAbs(location):
		return f.streamFile(ctx, location, contentType, emit)
	}
	return ErrScheme
}

// resolve finds the root for an absolute platform path and the path inside it.
func (f *Fetcher) resolve(p string) (*os.Root, string, error) {
	clean := filepath.Clean(p)
	for _, r := range f.roots {
		rel, err := filepath.Rel(r.prefix, clean)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || rel == "." {
			continue
		}
		return r.root, rel, nil
	}
	return nil, "", ErrOutsideRoots
}

func (f *Fetcher) streamFile(ctx context.Context, p, contentType string, emit func(Chunk) error) error {
	if strings.Contains(p, "\x00") {
		return ErrOutsideRoots
	}
	root, rel, err := f.resolve(p)
	if err != nil {
		return err
	}
	file, err := root.Open(rel)
	if err != nil {
		return classifyFileErr(err)
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		return fmt.Errorf("stat content file: %w", ErrFetch)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("content location is not a regular file: %w", ErrNotFound)
	}
	if st.Size() > f.cfg.MaxBytes {
		return fmt.Errorf("content file of %d bytes: %w", st.Size(), ErrTooLarge)
	}
	return f.chunks(ctx, file, st.Size(), contentType, rel, "", emit)
}

// classifyFileErr drops the path from os errors: it carries the mailbox.
func classifyFileErr(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("content file: %w", ErrNotFound)
	case strings.Contains(err.Error(), "path escapes from parent"):
		return fmt.Errorf("content file: %w", ErrOutsideRoots)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("content file: permission denied: %w", ErrFetch)
	}
	return fmt.Errorf("content file: %w", ErrOutsideRoots)
}

func (f *Fetcher) streamHTTP(ctx context.Context, u, contentType string, emit func(Chunk) error) error {
	ctx, cancel := context.WithTimeout(ctx, f.cfg.HTTPTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("content URL does not parse: %w", ErrScheme)
	}
	resp, err := f.cfg.Client.Do(req)
	if err != nil {
		return classifyHTTPErr(ctx, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("content GET: HTTP status %d: %w", resp.StatusCode, ErrFetch)
	}
	if resp.ContentLength > f.cfg.MaxBytes {
		return fmt.Errorf("content GET: Content-Length %d: %w", resp.ContentLength, ErrTooLarge)
	}
	err = f.chunks(ctx, resp.Body, resp.ContentLength, contentType, req.URL.Path, resp.Header.Get("Content-Type"), emit)
	if err != nil && !errors.Is(err, ErrTooLarge) && ctx.Err() != nil {
		return classifyHTTPErr(ctx, err)
	}
	return err
}

// classifyHTTPErr drops the URL (*url.Error carries it) and names timeouts.
func classifyHTTPErr(ctx context.Context, err error) error {
	var ne net.Error
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Errorf("content GET: %w", ErrTimeout)
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		return fmt.Errorf("content GET: %w", context.Canceled)
	}
	return fmt.Errorf("content GET: connection failed: %w", ErrFetch)
}

// chunks reads r to its end in ChunkBytes pieces, one ahead so the last is marked.
// hint is a server's Content-Type, used only when the bytes and name say nothing.
// known is the length r announced (-1: unknown): buffers are cut to it, because a
// ChunkBytes buffer per short inline message is most of an ingesting UM feed's
// allocation. One spare byte shows that r ends where it said; past known (a file that
// grew) buffers are ChunkBytes again.
func (f *Fetcher) chunks(ctx context.Context, r io.Reader, known int64, contentType, name, hint string, emit func(Chunk) error) error {
	buffer := func(read int64) []byte {
		size := int64(f.cfg.ChunkBytes)
		if known >= 0 && read <= known {
			size = min(size, known-read+1)
		}
		return make([]byte, size)
	}
	var total, read int64
	cur := buffer(0)
	n, err := io.ReadFull(r, cur)
	read += int64(n)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return fmt.Errorf("content read: %w", wrapRead(err))
	}
	if contentType == "" {
		contentType = Detect(cur[:n], name)
		if contentType == "application/octet-stream" && hint != "" {
			contentType = hint
		}
	}
	ended := err != nil
	for seq := uint32(0); ; seq++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		total += int64(n)
		if total > f.cfg.MaxBytes {
			return fmt.Errorf("content stream over %d bytes: %w", f.cfg.MaxBytes, ErrTooLarge)
		}
		if ended {
			return emit(Chunk{Seq: seq, Last: true, Data: cur[:n], ContentType: contentType})
		}
		next := buffer(read)
		m, err := io.ReadFull(r, next)
		read += int64(m)
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			return fmt.Errorf("content read after %d bytes: %w", total, wrapRead(err))
		}
		last := m == 0 && err != nil
		if err := emit(Chunk{Seq: seq, Last: last, Data: cur[:n], ContentType: contentType}); err != nil {
			return err
		}
		if last {
			return nil
		}
		cur, n, ended = next, m, err != nil
	}
}

func wrapRead(err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded) {
		return ErrTimeout
	}
	return fmt.Errorf("%s: %w", strconv.Quote(errClass(err)), ErrFetch)
}

func errClass(err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "unexpected EOF"
	}
	return "read error"
}
