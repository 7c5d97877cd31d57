package jsonfeed

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/umli/umli/umsys/feed"
)

// chunkReader returns data in pieces of the given sizes, as TCP might.
type chunkReader struct {
	data  []byte
	sizes []int
	k     int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := len(c.data)
	if len(c.sizes) > 0 {
		n = max(1, c.sizes[c.k%len(c.sizes)])
		c.k++
	}
	n = copy(p, c.data[:min(n, len(c.data))])
	c.data = c.data[n:]
	return n, nil
}

type linesResult struct {
	raws    []string
	headers [][]feed.Header
	logs    string
}

func runLines(t *testing.T, data []byte, sizes []int) linesResult {
	var r linesResult
	var logs bytes.Buffer
	srv, err := NewLineServer(LineConfig{Source: "fuzz", MaxLineBytes: 256, Logger: zerolog.New(&logs)}, func(e *feed.Event) error {
		r.raws = append(r.raws, string(e.Raw))
		r.headers = append(r.headers, e.Headers)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.serveReader(&chunkReader{data: data, sizes: sizes}, "peer", nil, nil)
	r.logs = logs.String()
	return r
}

// FuzzJSONLines: arbitrary bytes in arbitrary chunk splits never panic, and the
// events and error log lines do not depend on how TCP cut the stream.
func FuzzJSONLines(f *testing.F) {
	for _, dir := range []string{"valid", "invalid"} {
		files, _ := filepath.Glob(filepath.Join("testdata", "torture", dir, "*"))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b, uint8(1), uint8(13), uint8(90))
			}
		}
	}
	f.Add([]byte("{\"event\":\"deposit\",\"box\":{\"id\":\"1000\"}}\n{bad\n\n[1]\n{\"a\":[1,{\"b\":null}]}\r\n{\"cut"), uint8(1), uint8(5), uint8(64))
	f.Add([]byte(`{"pad":"`+strings.Repeat("x", 300)+"\"}\n{\"ok\":true}\n"), uint8(3), uint8(200), uint8(7))
	f.Add([]byte("{\"a\":\"\\u00e4\\ud800\"}\n{\"n\":1e999}\n"), uint8(2), uint8(2), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, a, b, c uint8) {
		whole := runLines(t, data, nil)
		for _, sizes := range [][]int{{int(a), int(b), int(c)}, {1}} {
			split := runLines(t, data, sizes)
			if !slices.Equal(whole.raws, split.raws) || whole.logs != split.logs {
				t.Fatalf("split %v differs:\nwhole %q\n%s\nsplit %q\n%s", sizes, whole.raws, whole.logs, split.raws, split.logs)
			}
			for i := range whole.headers {
				if !slices.Equal(whole.headers[i], split.headers[i]) {
					t.Fatalf("split %v: headers of event %d differ", sizes, i)
				}
			}
		}
	})
}
