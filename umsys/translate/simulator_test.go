package translate_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/translate"
)

// TestSimulatorTranscripts runs the UM simulator's own wire transcripts (written by
// simulators/umsim from its scenarios) and checks each scenario's defining events.
func TestSimulatorTranscripts(t *testing.T) {
	dir := "../../simulators/umsim/scenarios"
	cases := []struct {
		d    feed.Dialect
		file string
		want []string // in this order, other outputs may come between
		last string
	}{
		{feed.FreeSWITCH, "freeswitch/deposit.esl", []string{"box:connect", "box:greeting-play", "message:deposit"}, "box:disconnect"},
		{feed.FreeSWITCH, "freeswitch/urgent-deposit.esl", []string{"box:connect", "message:deposit"}, "box:disconnect"},
		{feed.FreeSWITCH, "freeswitch/slamdown.esl", []string{"box:connect", "message:slamdown"}, "box:disconnect"},
		{feed.FreeSWITCH, "freeswitch/login-failed.esl", []string{"box:connect", "box:login", "box:login", "box:login"}, "box:logout"},
		{feed.FreeSWITCH, "freeswitch/retrieve-delete.esl", []string{"box:login", "message:retrieve", "message:retrieve", "message:delete"}, "box:logout"},
		{feed.FreeSWITCH, "freeswitch/greeting-change.esl", []string{"box:login", "box:greeting-change"}, "box:logout"},
		{feed.FreeSWITCH, "freeswitch/greeting-remove.esl", []string{"box:login", "box:greeting-delete"}, "box:logout"},
		{feed.FreeSWITCH, "freeswitch/pin-change.esl", []string{"box:login", "box:pin-change"}, "box:logout"},
		{feed.FreeSWITCH, "freeswitch/notify.esl", []string{"message:deposit", "notification:email"}, "box:disconnect"},
		{feed.FreeSWITCH, "freeswitch/logout.esl", []string{"box:login"}, "box:logout"},
		{feed.FreeSWITCH, "freeswitch/hangup.esl", []string{"box:login"}, "box:disconnect"},
		{feed.Asterisk, "asterisk/deposit.ami", []string{"box:connect", "message:deposit"}, "box:disconnect"},
		{feed.Asterisk, "asterisk/slamdown.ami", []string{"box:connect", "message:slamdown"}, "box:disconnect"},
		{feed.Asterisk, "asterisk/pin-change.ami", []string{"box:connect", "box:login", "box:login", "box:pin-change"}, "box:logout"},
		{feed.Asterisk, "asterisk/logout.ami", []string{"box:connect", "box:login", "box:login"}, "box:logout"},
		{feed.Asterisk, "asterisk/disconnect.ami", []string{"box:connect"}, "box:disconnect"},
		{feed.Asterisk, "asterisk/login-failed.ami", []string{"box:connect", "box:login", "box:login"}, "box:disconnect"},
		{feed.Asterisk, "asterisk/retrieve-save-delete.ami", []string{"box:connect", "box:login", "message:retrieve", "message:delete", "message:retrieve", "message:save",
			"box:login", "message:retrieve", "message:delete", "message:retrieve", "message:save"}, "box:logout"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			var tr translate.Translator = translate.NewFreeSWITCH(translate.Config{})
			if c.d == feed.Asterisk {
				tr = translate.NewAsterisk(translate.Config{})
			}
			out := runFile(t, tr, c.d, filepath.Join(dir, c.file))
			if len(out) == 0 {
				t.Fatal("no records")
			}
			var cats []string
			for _, o := range out {
				cats = append(cats, categoryName(o.Record.MessagingIRI.Category))
			}
			i := 0
			for _, w := range c.want {
				j := slices.Index(cats[i:], w)
				if j < 0 {
					t.Fatalf("%s missing (in order) from %v", w, cats)
				}
				i += j + 1
			}
			if cats[len(cats)-1] != c.last || out[len(out)-1].Record.Boundary != record.Close {
				t.Errorf("last record %s (%s), want %s closing the session", cats[len(cats)-1], boundaryName(out[len(out)-1].Record.Boundary), c.last)
			}
			if out[0].Record.Boundary != record.Open {
				t.Errorf("first record does not open the session")
			}
			keys := map[string]bool{}
			for _, o := range out {
				if o.Record.Boundary != record.Standalone {
					keys[o.Record.CorrelationKey] = true
				}
			}
			if len(keys) != 1 {
				t.Errorf("%d correlation keys, want one per call", len(keys))
			}
			if strings.Contains(c.file, "urgent") {
				if !hasPriority(out, etsi.PriorityHigh) {
					t.Errorf("urgent deposit without priority high")
				}
			}
		})
	}
}

func hasPriority(out []translate.Output, p etsi.MessagingPriority) bool {
	for _, o := range out {
		for _, pr := range o.Record.MessagingIRI.Properties {
			if pr.Priority != nil && *pr.Priority == p {
				return true
			}
		}
	}
	return false
}
