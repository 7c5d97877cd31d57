package translate_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/translate"
	"github.com/umli/umli/umsys/translate/transcript"
)

// summary is one output reduced to what the rule tables assert.
func summary(o translate.Output) string {
	r := o.Record
	iri := r.MessagingIRI
	if iri == nil {
		return o.Rule + " <no IRI>"
	}
	return fmt.Sprintf("%s %s %s %s %s", o.Rule, categoryName(iri.Category), iri.Status, iri.Trigger, boundaryName(r.Boundary))
}

func categoryName(c *etsi.MessagingEventCategory) string {
	switch {
	case c == nil:
		return "raw"
	case c.Message != nil:
		return "message:" + c.Message.String()
	case c.MessageBox != nil:
		return "box:" + c.MessageBox.String()
	case c.Notification != nil:
		return "notification:" + c.Notification.String()
	case c.Call != nil:
		return "call:" + c.Call.String()
	}
	return "empty"
}

func boundaryName(b record.Boundary) string {
	switch b {
	case record.Open:
		return "open"
	case record.Continue:
		return "continue"
	case record.Close:
		return "close"
	case record.Standalone:
		return "standalone"
	}
	return fmt.Sprintf("boundary(%d)", int(b))
}

// runFile translates a whole transcript as one ordered session and flushes.
func runFile(t testing.TB, tr translate.Translator, d feed.Dialect, path string) []translate.Output {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return runBytes(t, tr, d, data)
}

func runBytes(t testing.TB, tr translate.Translator, d feed.Dialect, data []byte) []translate.Output {
	t.Helper()
	evs, err := transcript.Read(d, data, "um-1", time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return translateAll(tr, evs, time.Time{})
}

// translateAll hands tr every event, flushes it at now and returns the outputs,
// each noted in produced for the coverage check.
func translateAll(tr translate.Translator, events []*feed.Event, now time.Time) []translate.Output {
	var out []translate.Output
	for _, e := range events {
		out = tr.Translate(out, e)
	}
	out = tr.Flush(out, now)
	for _, o := range out {
		produced.note(o)
	}
	return out
}

func summaries(out []translate.Output) []string {
	s := make([]string, len(out))
	for i, o := range out {
		s[i] = summary(o)
	}
	return s
}

func assertSummaries(t *testing.T, out []translate.Output, want []string) {
	t.Helper()
	got := summaries(out)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("outputs:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
