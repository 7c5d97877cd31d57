package umsim

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

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

// amiPlaceholders expands {spool} (<spoolDir>/voicemail), {boxdir} (the target box's
// spool directory), {inbox} (its INBOX), {mailbox}, {domain} (the voicemail context)
// and {number}.
func (s *Script) amiPlaceholders(sc *AMIScenario, spoolDir string) *strings.Replacer {
	t := s.Target
	spool := path.Join(spoolDir, "voicemail")
	return strings.NewReplacer(
		"{spool}", spool,
		"{boxdir}", path.Join(spool, t.Domain, t.Mailbox),
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
	at := sc.Start
	for i, ev := range expandKeys(sc.Events) {
		if ev.Dt > 0 {
			at = at.Add(ev.Dt)
		} else {
			at = at.Add(time.Second)
		}
		hs := []feed.Header{{Name: "Event", Value: ev.Event}, {Name: "Privilege", Value: ev.Privilege}}
		if !sc.Start.IsZero() {
			// timestampevents = yes: "Timestamp: %ld.%06lu" right after Privilege.
			hs = append(hs, feed.Header{Name: "Timestamp", Value: fmt.Sprintf("%d.%06d", at.Unix(), at.Nanosecond()/1000)})
		}
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
		if ev.Event == "" {
			return nil, nil, fmt.Errorf("umsim: asterisk scenario %s event %d has no event name", name, i)
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

// expandKeys turns each Keys shorthand into the DTMFBegin/DTMFEnd pairs
// manager_channels.c sends per digit: the snapshot, Digit and Direction (Begin), Digit,
// DurationMs and Direction (End). The first pair is Dt after the previous event, the
// next ones KeyGap apart; each key is held 120 ms.
func expandKeys(evs []AMIEvent) []AMIEvent {
	var out []AMIEvent
	for _, ev := range evs {
		if ev.Keys == "" {
			out = append(out, ev)
			continue
		}
		gap := ev.KeyGap
		if gap <= 0 {
			gap = 400 * time.Millisecond
		}
		for i, d := range ev.Keys {
			dt := gap
			if i == 0 {
				dt = ev.Dt
				if dt <= 0 {
					dt = time.Second
				}
			}
			digit := "Digit: " + string(d)
			out = append(out,
				AMIEvent{Event: "DTMFBegin", Privilege: "dtmf,all", Channel: true, State: ev.State, Priority: ev.Priority, Dt: dt - 120*time.Millisecond,
					Fields: []string{digit, "Direction: Received"}},
				AMIEvent{Event: "DTMFEnd", Privilege: "dtmf,all", Channel: true, State: ev.State, Priority: ev.Priority, Dt: 120 * time.Millisecond,
					Fields: []string{digit, "DurationMs: 120", "Direction: Received"}})
		}
	}
	return out
}

// amiSnapshot is ast_manager_build_channel_state_string's field set.
func amiSnapshot(c Call, ev AMIEvent) []feed.Header {
	state, desc := "6", "Up"
	if ev.State == "Ring" {
		state, desc = "4", "Ring"
	}
	hs := []feed.Header{
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
	for _, v := range c.ChanVars {
		hs = append(hs, feed.Header{Name: "ChanVariable", Value: v})
	}
	return hs
}
