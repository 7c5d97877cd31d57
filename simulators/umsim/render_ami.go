package umsim

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/umli/umli/umsys/feed"
)

// AMIEventOut is one rendered manager event.
type AMIEventOut struct {
	// Event is the event name; Classes the Privilege classes without "all".
	Event   string
	Classes []string
	Headers []feed.Header
	// Block is the packet as sent: CRLF lines and the terminating empty line.
	Block []byte
}

// AMIScenario returns the named Asterisk scenario.
func (s *Script) AMIScenario(name string) (*AMIScenario, bool) {
	for i := range s.Asterisk.Scenarios {
		if s.Asterisk.Scenarios[i].Name == name {
			return &s.Asterisk.Scenarios[i], true
		}
	}
	return nil, false
}

// DefaultAMISpoolDir is Asterisk's astspooldir, which the checked-in transcripts name:
// app_voicemail stores messages under <spool>/voicemail/<context>/<mailbox>/INBOX.
const DefaultAMISpoolDir = "/var/spool/asterisk"

// RenderAMI renders an Asterisk scenario with the spool at DefaultAMISpoolDir.
func (s *Script) RenderAMI(name string) ([]AMIEventOut, error) {
	evs, _, err := s.RenderAMIIn(name, DefaultAMISpoolDir)
	return evs, err
}

// amiPlaceholders expands {spool} (<spoolDir>/voicemail), {inbox} (the target box's
// INBOX directory), {mailbox}, {domain} (the voicemail context) and {number}.
func (s *Script) amiPlaceholders(sc *AMIScenario, spoolDir string) *strings.Replacer {
	t := s.Target
	spool := path.Join(spoolDir, "voicemail")
	return strings.NewReplacer(
		"{spool}", spool,
		"{inbox}", path.Join(spool, t.Domain, t.Mailbox, "INBOX"),
		"{mailbox}", t.Mailbox,
		"{domain}", t.Domain,
		"{number}", sc.Call.Number,
	)
}

// RenderAMIIn renders an Asterisk scenario as __manager_event_sessions_va writes events:
// Event, Privilege, then the channel snapshot (if any) and the fields, CRLF endings. It
// also returns the audio files (absolute paths under spoolDir) the scenario stores.
func (s *Script) RenderAMIIn(name, spoolDir string) ([]AMIEventOut, []AudioFile, error) {
	sc, ok := s.AMIScenario(name)
	if !ok {
		return nil, nil, fmt.Errorf("umsim: no asterisk scenario %q", name)
	}
	r := s.amiPlaceholders(sc, spoolDir)
	var out []AMIEventOut
	for i, ev := range sc.Events {
		hs := []feed.Header{{Name: "Event", Value: ev.Event}, {Name: "Privilege", Value: ev.Privilege}}
		if ev.Channel {
			hs = append(hs, amiSnapshot(sc.Call, ev)...)
		}
		for _, f := range ev.Fields {
			n, v, err := splitHeader(r.Replace(f))
			if err != nil {
				return nil, nil, fmt.Errorf("umsim: asterisk scenario %s event %d: %w", name, i, err)
			}
			hs = append(hs, feed.Header{Name: n, Value: v})
		}
		var b strings.Builder
		for _, h := range hs {
			// Asterisk writes "%s: %s\r\n" even for empty values.
			b.WriteString(h.Name + ": " + h.Value + "\r\n")
		}
		b.WriteString("\r\n")
		var classes []string
		for _, c := range strings.Split(ev.Privilege, ",") {
			if c != "all" && c != "" {
				classes = append(classes, c)
			}
		}
		out = append(out, AMIEventOut{Event: ev.Event, Classes: classes, Headers: hs, Block: []byte(b.String())})
	}
	var files []AudioFile
	for _, f := range sc.Files {
		f.Path = r.Replace(f.Path)
		files = append(files, f)
	}
	return out, files, nil
}

// amiSnapshot is ast_manager_build_channel_state_string's field set.
func amiSnapshot(c Call, ev AMIEvent) []feed.Header {
	state, desc := "6", "Up"
	if ev.State == "Ring" {
		state, desc = "4", "Ring"
	}
	return []feed.Header{
		{Name: "Channel", Value: c.Channel},
		{Name: "ChannelState", Value: state},
		{Name: "ChannelStateDesc", Value: desc},
		{Name: "CallerIDNum", Value: c.Number},
		{Name: "CallerIDName", Value: c.Name},
		{Name: "ConnectedLineNum", Value: "<unknown>"},
		{Name: "ConnectedLineName", Value: "<unknown>"},
		{Name: "Language", Value: "en"},
		{Name: "AccountCode", Value: ""},
		{Name: "Context", Value: c.Context},
		{Name: "Exten", Value: c.Exten},
		{Name: "Priority", Value: strconv.Itoa(max(ev.Priority, 1))},
		{Name: "Uniqueid", Value: c.UniqueID},
		{Name: "Linkedid", Value: c.UniqueID},
	}
}
