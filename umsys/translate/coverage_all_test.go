package translate_test

import (
	"path/filepath"
	"testing"

	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/translate"
)

// TestEveryEventProduced runs every fixture of every dialect and checks that each
// Messaging-Event, Messaging-Box-Event, Messaging-Notification-Event and
// Messaging-Call-Event value came out of at least one translation.
func TestEveryEventProduced(t *testing.T) {
	runAllFixtures(t)
	for _, name := range allEventNames() {
		if !produced.has(name) {
			t.Errorf("no test produces %s", name)
		}
	}
}

func runAllFixtures(t *testing.T) {
	t.Helper()
	glob := func(p string) []string {
		m, err := filepath.Glob(p)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, f := range glob("testdata/freeswitch/*.esl") {
		runFile(t, translate.NewFreeSWITCH(translate.Config{}), feed.FreeSWITCH, f)
	}
	for _, f := range glob("testdata/asterisk/*.ami") {
		runFile(t, translate.NewAsterisk(translate.Config{}), feed.Asterisk, f)
	}
	runFile(t, translate.NewGeneric(translate.Config{}, nil), feed.JSON, "testdata/json/all-events.jsonl")
	runFile(t, translate.NewGeneric(translate.Config{}, loadProfile(t, "cisco-cumi")), feed.JSON, "testdata/json/cisco-cumi.jsonl")
	runFile(t, translate.NewGeneric(translate.Config{}, loadProfile(t, "omtp-vvm")), feed.JSON, "testdata/json/omtp-vvm.jsonl")
}
