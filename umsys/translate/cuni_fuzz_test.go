package translate

import (
	"os"
	"testing"
	"time"

	"github.com/umli/umli/umsys/cuni"
)

// FuzzCUNITranslate: whatever parses as CUNI notifications translates without a panic,
// every output names its box and a raw output keeps the notification.
func FuzzCUNITranslate(f *testing.F) {
	if b, err := os.ReadFile("testdata/cuni/deposit-save-delete.xml"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`<messageEvent eventType="NEW_MESSAGE" mailboxId="a" USN="1"><messageInfo callerAni="+4930123456" priority="Low-Priority" messageId="x/y"/></messageEvent>`))
	f.Add([]byte(`<messageEvent eventType="WHATEVER" mailboxId="a" eventTime="bad"/>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		evs, err := cuni.Events(data, "fuzz", time.Unix(0, 0))
		if err != nil {
			return
		}
		tr := NewCUNI(Config{CUMIURL: "http://cumi.invalid", CUNIDedupe: 4})
		for _, e := range evs {
			for _, o := range tr.Translate(nil, e) {
				iri := o.Record.MessagingIRI
				if iri == nil || len(iri.BoxIdentifier) == 0 {
					t.Fatalf("output %s without box", o.Rule)
				}
				if o.Rule == "cuni.raw" && len(iri.OriginalMessage) == 0 {
					t.Fatalf("raw output without original-message")
				}
			}
		}
	})
}
