package capture

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/umli/umli/mediation/record"
)

// FuzzRead feeds arbitrary capture files: errors are fine, panics are not.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"pop3-b6.pcap", "imap-c4.pcap", "smtp.pcap", "imap-c4.pcapng"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Read(context.Background(), bytes.NewReader(data), Config{Emit: func(r *record.Record) {
			if (r.EmailIRI == nil) == (r.EmailCC == nil) {
				t.Fatal("record must carry exactly one of EmailIRI and EmailCC")
			}
		}})
	})
}
