package content_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/umsys/content"
)

func collect(t *testing.T, f *content.Fetcher, loc string, inline []byte, ct string) ([]content.Chunk, error) {
	t.Helper()
	var got []content.Chunk
	err := f.Stream(context.Background(), loc, inline, ct, func(c content.Chunk) error {
		got = append(got, c)
		return nil
	})
	return got, err
}

func wavBytes(n int) []byte {
	b := []byte("RIFF\x00\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x07\x00\x01\x00")
	for len(b) < n {
		b = append(b, byte(len(b)))
	}
	return b[:n]
}

func newFetcher(t *testing.T, cfg content.Config) *content.Fetcher {
	t.Helper()
	f, err := content.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestStreamFileChunks(t *testing.T) {
	dir := t.TempDir()
	box := filepath.Join(dir, "example.net", "1000")
	if err := os.MkdirAll(box, 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		size   int
		chunks int
	}{
		{"empty", 0, 1}, {"one byte", 1, 1}, {"exactly one chunk", 100, 1}, {"one more", 101, 2}, {"three", 250, 3}, {"exact multiple", 300, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := wavBytes(c.size)
			if err := os.WriteFile(filepath.Join(box, "msg_x.wav"), data, 0o644); err != nil {
				t.Fatal(err)
			}
			f := newFetcher(t, content.Config{Roots: []content.Root{{Prefix: "/var/lib/freeswitch/storage/voicemail/default", Dir: dir}}, ChunkBytes: 100})
			got, err := collect(t, f, "/var/lib/freeswitch/storage/voicemail/default/example.net/1000/msg_x.wav", nil, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != c.chunks {
				t.Fatalf("%d chunks, want %d", len(got), c.chunks)
			}
			var joined []byte
			for i, ch := range got {
				if ch.Seq != uint32(i) || ch.Last != (i == len(got)-1) {
					t.Errorf("chunk %d: seq %d last %v", i, ch.Seq, ch.Last)
				}
				joined = append(joined, ch.Data...)
			}
			if !bytes.Equal(joined, data) {
				t.Errorf("content differs")
			}
			if c.size >= 12 && got[0].ContentType != "audio/wav" {
				t.Errorf("content type %q", got[0].ContentType)
			}
		})
	}
}

func TestStreamFileRefusals(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "escape.wav")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "big.wav"), wavBytes(2000), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	f := newFetcher(t, content.Config{Roots: []content.Root{{Prefix: dir}}, MaxBytes: 1000})
	cases := []struct {
		name, loc string
		want      error
	}{
		{"traversal", dir + "/../" + filepath.Base(outside) + "/secret", content.ErrOutsideRoots},
		{"dotdot inside path", dir + "/sub/../../etc/passwd", content.ErrOutsideRoots},
		{"other directory", "/etc/passwd", content.ErrOutsideRoots},
		{"root itself", dir, content.ErrOutsideRoots},
		{"symlink escape", dir + "/escape.wav", content.ErrOutsideRoots},
		{"missing", dir + "/nope.wav", content.ErrNotFound},
		{"directory", dir + "/sub", content.ErrNotFound},
		{"too large", dir + "/big.wav", content.ErrTooLarge},
		{"relative", "big.wav", content.ErrScheme},
		{"ftp", "ftp://example.net/x.wav", content.ErrScheme},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := collect(t, f, c.loc, nil, "")
			if !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
			if len(got) != 0 {
				t.Errorf("%d chunks emitted before refusing", len(got))
			}
			if strings.Contains(err.Error(), dir) || strings.Contains(err.Error(), "secret") {
				t.Errorf("error %q names the location", err)
			}
		})
	}
}

func TestStreamHTTP(t *testing.T) {
	release := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/msg.wav", func(w http.ResponseWriter, r *http.Request) { w.Write(wavBytes(250)) })
	mux.HandleFunc("/missing", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	mux.HandleFunc("/huge-declared", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "5000")
		w.Write(make([]byte, 5000))
	})
	mux.HandleFunc("/huge-streamed", func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < 50; i++ {
			w.Write(make([]byte, 100))
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("RIFF"))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	srv := httptest.NewTLSServer(mux)
	defer srv.Close()
	defer close(release)
	// A generous timeout for the requests that must succeed (TLS under load is slow);
	// a short one only where the timeout is the point.
	f := newFetcher(t, content.Config{Client: srv.Client(), ChunkBytes: 100, MaxBytes: 1000, HTTPTimeout: time.Minute})
	fSlow := newFetcher(t, content.Config{Client: srv.Client(), ChunkBytes: 100, MaxBytes: 1000, HTTPTimeout: 500 * time.Millisecond})

	got, err := collect(t, f, srv.URL+"/msg.wav", nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || !got[2].Last || got[0].ContentType != "audio/wav" {
		t.Errorf("chunks %d, last %v, type %q", len(got), got[len(got)-1].Last, got[0].ContentType)
	}
	for _, c := range []struct {
		path string
		f    *content.Fetcher
		want error
	}{
		{"/missing", f, content.ErrFetch},
		{"/huge-declared", f, content.ErrTooLarge},
		{"/huge-streamed", f, content.ErrTooLarge},
		{"/slow", fSlow, content.ErrTimeout},
	} {
		t.Run(c.path, func(t *testing.T) {
			got, err := collect(t, c.f, srv.URL+c.path, nil, "")
			if !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
			if strings.Contains(err.Error(), srv.URL) {
				t.Errorf("error %q names the URL", err)
			}
			for _, ch := range got {
				if ch.Last {
					t.Errorf("an incomplete download was marked complete")
				}
			}
		})
	}
}

func TestStreamInline(t *testing.T) {
	f := newFetcher(t, content.Config{})
	got, err := collect(t, f, "", []byte("Neue Sprachnachricht von +4930123456"), "text/plain;charset=utf-8")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got[0].Last || got[0].ContentType != "text/plain;charset=utf-8" {
		t.Errorf("%+v", got)
	}
}

func TestDetect(t *testing.T) {
	cases := []struct {
		head []byte
		name string
		want string
	}{
		{wavBytes(40), "x.bin", "audio/wav"},
		{[]byte{0xff, 0x7f, 0x7e}, "msg_1.ul", "audio/PCMU"},
		{[]byte{0xd5, 0xd5}, "msg_1.alaw", "audio/PCMA"},
		{[]byte("ID3\x03"), "m.mp3", "audio/mpeg"},
		{[]byte("From: a@b\r\n"), "n.eml", "message/rfc822"},
		{nil, "", "application/octet-stream"},
	}
	for _, c := range cases {
		if got := content.Detect(c.head, c.name); got != c.want {
			t.Errorf("Detect(%q, %q) = %q, want %q", c.head, c.name, got, c.want)
		}
	}
	if content.WAVCodec(wavBytes(40)) != 7 {
		t.Errorf("µ-law WAV codec not read")
	}
}

// TestChunksSameWhateverTheLengthKnown: content is cut into the same chunks (ChunkBytes
// each, the last marked) whether its length is known up front (inline, Content-Length)
// or not (a streamed HTTP body); a chunk of content shorter than ChunkBytes holds no
// ChunkBytes buffer (a UM feed's short inline messages would each pin one).
func TestChunksSameWhateverTheLengthKnown(t *testing.T) {
	const chunk = 16
	body := wavBytes(3*chunk + 5)
	mux := http.NewServeMux()
	mux.HandleFunc("/sized/", func(w http.ResponseWriter, r *http.Request) {
		n := len(r.URL.Path) - len("/sized/")
		w.Header().Set("Content-Length", strconv.Itoa(n))
		w.Write(body[:n])
	})
	mux.HandleFunc("/streamed/", func(w http.ResponseWriter, r *http.Request) {
		n := len(r.URL.Path) - len("/streamed/")
		for i := 0; i < n; i++ { // byte by byte, flushed: no Content-Length
			w.Write(body[i : i+1])
			w.(http.Flusher).Flush()
		}
	})
	srv := httptest.NewTLSServer(mux)
	defer srv.Close()
	f := newFetcher(t, content.Config{Client: srv.Client(), ChunkBytes: chunk, HTTPTimeout: time.Minute})
	for _, n := range []int{1, 5, chunk - 1, chunk, chunk + 1, 2 * chunk, 3*chunk + 5} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			path := strings.Repeat("x", n) // the path's length is the body's
			inline, err := collect(t, f, "", body[:n], "audio/wav")
			if err != nil {
				t.Fatal(err)
			}
			for _, loc := range []string{srv.URL + "/sized/" + path, srv.URL + "/streamed/" + path} {
				got, err := collect(t, f, loc, nil, "audio/wav")
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(inline) {
					t.Fatalf("%s: %d chunks, inline %d", loc, len(got), len(inline))
				}
				for i := range got {
					if got[i].Seq != inline[i].Seq || got[i].Last != inline[i].Last || !bytes.Equal(got[i].Data, inline[i].Data) {
						t.Fatalf("%s chunk %d: %+v, inline %+v", loc, i, got[i], inline[i])
					}
				}
			}
			var joined []byte
			for i, c := range inline {
				if len(c.Data) > chunk || (i < len(inline)-1 && len(c.Data) != chunk) || c.Last != (i == len(inline)-1) {
					t.Fatalf("chunk %d of %d: %d bytes, last %v", i, len(inline), len(c.Data), c.Last)
				}
				joined = append(joined, c.Data...)
			}
			if !bytes.Equal(joined, body[:n]) {
				t.Fatalf("chunks join to %d bytes, want the %d of the content", len(joined), n)
			}
			if n < chunk && cap(inline[0].Data) > n+1 {
				t.Fatalf("%d bytes of content held in a %d-byte buffer", n, cap(inline[0].Data))
			}
		})
	}
}
