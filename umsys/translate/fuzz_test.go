package translate_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/translate"
	"github.com/umli/umli/umsys/translate/transcript"
)

// eventAlphabet is what fuzzed sequences are built from: every event of every fixture.
func eventAlphabet(f *testing.F) []*feed.Event {
	var evs []*feed.Event
	for _, g := range []struct {
		d    feed.Dialect
		glob string
	}{{feed.FreeSWITCH, "testdata/freeswitch/*.esl"}, {feed.Asterisk, "testdata/asterisk/*.ami"}, {feed.JSON, "testdata/json/*.jsonl"}} {
		files, _ := filepath.Glob(g.glob)
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			got, err := transcript.Read(g.d, b, "fuzz", time.Unix(1714558530, 0))
			if err != nil {
				f.Fatal(err)
			}
			evs = append(evs, got...)
		}
	}
	return evs
}

// FuzzTranslatorSequences feeds arbitrary sequences of fixture events — in any order,
// repeated, with their session ids and header values mutated — to every translator,
// with tiny session limits so eviction and expiry run too. Nothing may panic, every
// output must carry exactly one payload, and state must stay bounded.
func FuzzTranslatorSequences(f *testing.F) {
	alphabet := eventAlphabet(f)
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, "x")
	f.Add([]byte{30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42}, "")
	f.Add([]byte{200, 100, 50, 25, 12, 6, 3, 1}, "%ZZ")
	f.Fuzz(func(t *testing.T, seq []byte, mutation string) {
		cfg := translate.Config{MaxSessions: 2, IdleTimeout: time.Second}
		trs := map[feed.Dialect]translate.Translator{
			feed.FreeSWITCH: translate.NewFreeSWITCH(cfg),
			feed.Asterisk:   translate.NewAsterisk(cfg),
			feed.JSON:       translate.NewGeneric(cfg, nil),
		}
		clock := time.Unix(1714558530, 0)
		var outs []translate.Output
		for i, b := range seq {
			src := alphabet[int(b)%len(alphabet)]
			e := *src
			if src.Len() > 0 && i%3 == 0 {
				// Mutate one header value (ids, actions, paths, counts) in a copy of the
				// headers: the alphabet is shared. Unmutated ESL events stay packed.
				e.Headers = append([]feed.Header{}, src.HeaderList()...)
				e.Headers[int(b)%len(e.Headers)].Value = mutation
			}
			clock = clock.Add(time.Duration(b) * 10 * time.Millisecond)
			e.Received = clock
			tr := trs[e.Dialect]
			outs = tr.Translate(outs[:0], &e)
			if b%7 == 0 {
				outs = tr.Expire(outs, clock)
			}
			check(t, outs)
		}
		for _, tr := range trs {
			check(t, tr.Flush(nil, clock))
		}
		if n := trs[feed.FreeSWITCH].(*translate.FreeSWITCH).Sessions(); n != 0 {
			t.Fatalf("%d FreeSWITCH sessions after flush", n)
		}
	})
}

func check(t *testing.T, outs []translate.Output) {
	t.Helper()
	for _, o := range outs {
		if o.Err != nil {
			continue
		}
		iri := o.Record.MessagingIRI
		if iri == nil {
			t.Fatalf("%s: output without IRI", o.Rule)
		}
		if len(o.Record.Identities) == 0 {
			t.Fatalf("%s: record without identities", o.Rule)
		}
		if c := iri.Category; c == nil && len(iri.OriginalMessage) == 0 {
			t.Fatalf("%s: untranslated record without original-message", o.Rule)
		}
		for _, p := range iri.Properties {
			if p.Pincode != nil && (len(p.Pincode) == 0 || len(p.Pincode) > 32) {
				t.Fatalf("%s: pincode of %d bytes", o.Rule, len(p.Pincode))
			}
		}
	}
}
