package umsim

import (
	"fmt"
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

// RenderAMI renders an Asterisk scenario as __manager_event_sessions_va writes events:
// Event, Privilege, then the channel snapshot (if any) and the fields, CRLF endings.
func (s *Script) RenderAMI(name string) ([]AMIEventOut, error) {
	sc, ok := s.AMIScenario(name)
	if !ok {
		return nil, fmt.Errorf("umsim: no asterisk scenario %q", name)
	}
	var out []AMIEventOut
	for i, ev := range sc.Events {
		hs := []feed.Header{{Name: "Event", Value: ev.Event}, {Name: "Privilege", Value: ev.Privilege}}
		if ev.Channel {
			hs = append(hs, amiSnapshot(sc.Call, ev)...)
		}
		for _, f := range ev.Fields {
			n, v, err := splitHeader(f)
			if err != nil {
				return nil, fmt.Errorf("umsim: asterisk scenario %s event %d: %w", name, i, err)
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
	return out, nil
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
