package umsim

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/umli/umli/umsys/esl"
	"github.com/umli/umli/umsys/feed"
)

// DefaultFSContentDir is the FreeSWITCH storage dir the checked-in transcripts name.
const DefaultFSContentDir = "/var/lib/freeswitch/storage"

// FSEventOut is one rendered FreeSWITCH event.
type FSEventOut struct {
	// Event and Subclass decide which subscribers receive it.
	Event, Subclass string
	// Headers are the event headers, unencoded, in wire order.
	Headers []feed.Header
	// Frame is the complete text/event-plain frame as sent.
	Frame []byte
}

// callSite is where FreeSWITCH creates an event (Event-Calling-*); line numbers are
// from the commit vendor-feeds.md cites and drift between releases.
type callSite struct {
	file, fn string
	line     int
}

var fsCallSites = map[string]callSite{
	"CHANNEL_EXECUTE":          {"switch_core_session.c", "switch_core_session_exec", 2869},
	"CHANNEL_EXECUTE_COMPLETE": {"switch_core_session.c", "switch_core_session_exec", 2913},
	"CHANNEL_HANGUP":           {"switch_channel.c", "switch_channel_perform_hangup", 3468},
	"CHANNEL_HANGUP_COMPLETE":  {"switch_core_state_machine.c", "switch_core_session_reporting_state", 949},
	"PLAYBACK_START":           {"switch_ivr_play_say.c", "switch_ivr_play_file", 1389},
	"PLAYBACK_STOP":            {"switch_ivr_play_say.c", "switch_ivr_play_file", 1919},
	"RECORD_START":             {"switch_ivr_play_say.c", "switch_ivr_record_file_event", 770},
	"RECORD_STOP":              {"switch_ivr_play_say.c", "switch_ivr_record_file_event", 1033},
	"DTMF":                     {"switch_channel.c", "switch_channel_dequeue_dtmf", 507},
	"MESSAGE_WAITING":          {"mod_voicemail.c", "update_mwi", 1930},
	"GENERAL":                  {"mod_voicemail.c", "voicemail_check_main", 1872},
}

var vmCallSites = map[string]callSite{
	"leave-message":   {"mod_voicemail.c", "deliver_vm", 2896},
	"mwi-update":      {"mod_voicemail.c", "update_mwi", 1955},
	"folder-summary":  {"mod_voicemail.c", "voicemail_check_main", 2056},
	"authentication":  {"mod_voicemail.c", "voicemail_check_main", 2607},
	"change-password": {"mod_voicemail.c", "voicemail_check_main", 2316},
	"record-greeting": {"mod_voicemail.c", "voicemail_check_main", 2291},
	"change-greeting": {"mod_voicemail.c", "voicemail_check_main", 2255},
	"remove-greeting": {"mod_voicemail.c", "voicemail_check_main", 2255},
	"record-name":     {"mod_voicemail.c", "voicemail_check_main", 2367},
}

// FSScenario returns the named FreeSWITCH scenario.
func (s *Script) FSScenario(name string) (*FSScenario, int, bool) {
	for i := range s.FreeSWITCH.Scenarios {
		if s.FreeSWITCH.Scenarios[i].Name == name {
			return &s.FreeSWITCH.Scenarios[i], i, true
		}
	}
	return nil, 0, false
}

// placeholders expands {name} references in scenario values.
func (s *Script) placeholders(sc *FSScenario, contentDir string, at time.Time) *strings.Replacer {
	t := s.Target
	storage := path.Join(contentDir, "voicemail", "default", t.Domain, t.Mailbox)
	return strings.NewReplacer(
		"{content}", contentDir,
		"{storage}", storage,
		"{sounds}", s.FreeSWITCH.Sounds,
		"{uuid}", sc.Call.UUID,
		"{mailbox}", t.Mailbox,
		"{domain}", t.Domain,
		"{msisdn}", t.MSISDN,
		"{number}", sc.Call.Number,
		"{name}", sc.Call.Name,
		"{epoch}", strconv.FormatInt(at.Unix(), 10),
		"{host}", s.FreeSWITCH.Hostname,
		"{appdata}", sc.Call.AppData,
		"{appuuid}", appUUID(sc.Call.UUID),
	)
}

// RenderFS renders a FreeSWITCH scenario with message files under contentDir. It
// returns the events and the audio files (absolute paths) the scenario leaves behind.
func (s *Script) RenderFS(name, contentDir string) ([]FSEventOut, []AudioFile, error) {
	sc, idx, ok := s.FSScenario(name)
	if !ok {
		return nil, nil, fmt.Errorf("umsim: no freeswitch scenario %q", name)
	}
	at := sc.Start
	seq := s.FreeSWITCH.FirstSeq + idx*1000
	var out []FSEventOut
	for i, ev := range sc.Events {
		if ev.Dt > 0 {
			at = at.Add(ev.Dt)
		} else if i > 0 {
			at = at.Add(time.Second)
		}
		r := s.placeholders(sc, contentDir, at)
		var hs []feed.Header
		if !ev.NoEnvelope {
			seq++
			hs = s.fsEnvelope(ev, at, seq)
		}
		head, err := expand(r, ev.Head)
		if err != nil {
			return nil, nil, fmt.Errorf("umsim: scenario %s event %d: %w", name, i, err)
		}
		hs = append(hs, head...)
		if ev.Channel {
			vars, err := expand(r, ev.Vars)
			if err != nil {
				return nil, nil, fmt.Errorf("umsim: scenario %s event %d: %w", name, i, err)
			}
			hs = append(hs, s.fsChannelBlock(sc, ev.State, at, vars)...)
		}
		tail, err := expand(r, append(ev.shorthands(), ev.Tail...))
		if err != nil {
			return nil, nil, fmt.Errorf("umsim: scenario %s event %d: %w", name, i, err)
		}
		hs = append(hs, tail...)
		frame := esl.AppendFrame(nil, esl.TypeEventPlain, esl.AppendEventPlain(nil, hs, nil))
		out = append(out, FSEventOut{Event: ev.Event, Subclass: ev.Subclass, Headers: hs, Frame: frame})
	}
	var files []AudioFile
	r := s.placeholders(sc, contentDir, sc.Start)
	for _, f := range sc.Files {
		f.Path = r.Replace(f.Path)
		files = append(files, f)
	}
	return out, files, nil
}

func expand(r *strings.Replacer, lines []string) ([]feed.Header, error) {
	hs := make([]feed.Header, 0, len(lines))
	for _, l := range lines {
		n, v, err := splitHeader(l)
		if err != nil {
			return nil, err
		}
		hs = append(hs, feed.Header{Name: n, Value: r.Replace(v)})
	}
	return hs, nil
}

// fsEnvelope is what switch_event_prep_for_delivery adds (vendor-feeds.md §1.2).
func (s *Script) fsEnvelope(ev FSEvent, at time.Time, seq int) []feed.Header {
	site, ok := fsCallSites[ev.Event]
	if ev.Event == "CUSTOM" {
		for _, h := range ev.Head {
			if n, v, err := splitHeader(h); err == nil && n == "VM-Action" {
				site, ok = vmCallSites[v]
			}
		}
	}
	if !ok {
		site = callSite{"mod_voicemail.c", "voicemail_check_main", 0}
	}
	if ev.File != "" {
		site.file = ev.File
	}
	if ev.Func != "" {
		site.fn = ev.Func
	}
	if ev.Line != 0 {
		site.line = ev.Line
	}
	p := s.FreeSWITCH
	at = at.UTC()
	hs := []feed.Header{
		{Name: "Event-Name", Value: ev.Event},
		{Name: "Core-UUID", Value: p.CoreUUID},
		{Name: "FreeSWITCH-Hostname", Value: p.Hostname},
		{Name: "FreeSWITCH-Switchname", Value: p.Hostname},
		{Name: "FreeSWITCH-IPv4", Value: p.IPv4},
		{Name: "FreeSWITCH-IPv6", Value: "::1"},
		{Name: "Event-Date-Local", Value: at.Format("2006-01-02 15:04:05")},
		{Name: "Event-Date-GMT", Value: at.Format("Mon, 02 Jan 2006 15:04:05 GMT")},
		{Name: "Event-Date-Timestamp", Value: strconv.FormatInt(at.UnixMicro(), 10)},
		{Name: "Event-Calling-File", Value: site.file},
		{Name: "Event-Calling-Function", Value: site.fn},
		{Name: "Event-Calling-Line-Number", Value: strconv.Itoa(site.line)},
		{Name: "Event-Sequence", Value: strconv.Itoa(seq)},
	}
	if ev.Subclass != "" {
		hs = append(hs, feed.Header{Name: "Event-Subclass", Value: ev.Subclass})
	}
	return hs
}

// fsChannelBlock is switch_channel_event_set_data for the scenario's call: channel
// state, caller profile, then every channel variable as variable_<name>.
func (s *Script) fsChannelBlock(sc *FSScenario, state string, at time.Time, extraVars []feed.Header) []feed.Header {
	c := sc.Call
	micros := func(t time.Time) string { return strconv.FormatInt(t.UnixMicro(), 10) }
	created := sc.Start.Add(-2 * time.Second)
	answered := created.Add(500 * time.Millisecond)
	chState, callState, stateNum, answer, cause, hangupAt := "CS_EXECUTE", "ACTIVE", "4", "answered", "", "0"
	switch state {
	case "", "execute":
	case "hangup":
		callState, answer, cause, hangupAt = "HANGUP", "hangup", "NORMAL_CLEARING", micros(at)
	case "reporting":
		chState, callState, stateNum, answer, cause, hangupAt = "CS_REPORTING", "HANGUP", "11", "hangup", "NORMAL_CLEARING", micros(at)
	}
	chanName := "sofia/internal/" + c.Number + "@" + s.Target.Domain
	hs := []feed.Header{
		{Name: "Channel-State", Value: chState},
		{Name: "Channel-Call-State", Value: callState},
		{Name: "Channel-State-Number", Value: stateNum},
		{Name: "Channel-Name", Value: chanName},
		{Name: "Unique-ID", Value: c.UUID},
		{Name: "Call-Direction", Value: "inbound"},
		{Name: "Presence-Call-Direction", Value: "inbound"},
		{Name: "Channel-HIT-Dialplan", Value: "true"},
		{Name: "Channel-Call-UUID", Value: c.UUID},
		{Name: "Answer-State", Value: answer},
	}
	if cause != "" {
		hs = append(hs, feed.Header{Name: "Hangup-Cause", Value: cause})
	}
	hs = append(hs, []feed.Header{
		{Name: "Channel-Read-Codec-Name", Value: "PCMU"},
		{Name: "Channel-Read-Codec-Rate", Value: "8000"},
		{Name: "Channel-Read-Codec-Bit-Rate", Value: "64000"},
		{Name: "Channel-Write-Codec-Name", Value: "PCMU"},
		{Name: "Channel-Write-Codec-Rate", Value: "8000"},
		{Name: "Channel-Write-Codec-Bit-Rate", Value: "64000"},
		{Name: "Caller-Direction", Value: "inbound"},
		{Name: "Caller-Logical-Direction", Value: "inbound"},
		{Name: "Caller-Username", Value: c.Number},
		{Name: "Caller-Dialplan", Value: "XML"},
		{Name: "Caller-Caller-ID-Name", Value: c.Name},
		{Name: "Caller-Caller-ID-Number", Value: c.Number},
		{Name: "Caller-Orig-Caller-ID-Name", Value: c.Name},
		{Name: "Caller-Orig-Caller-ID-Number", Value: c.Number},
		{Name: "Caller-Network-Addr", Value: c.NetworkAddr},
		{Name: "Caller-ANI", Value: c.Number},
		{Name: "Caller-Destination-Number", Value: c.Destination},
		{Name: "Caller-Unique-ID", Value: c.UUID},
		{Name: "Caller-Source", Value: "mod_sofia"},
		{Name: "Caller-Context", Value: "default"},
		{Name: "Caller-Channel-Name", Value: chanName},
		{Name: "Caller-Profile-Index", Value: "1"},
		{Name: "Caller-Profile-Created-Time", Value: micros(created)},
		{Name: "Caller-Channel-Created-Time", Value: micros(created)},
		{Name: "Caller-Channel-Answered-Time", Value: micros(answered)},
		{Name: "Caller-Channel-Progress-Time", Value: "0"},
		{Name: "Caller-Channel-Progress-Media-Time", Value: "0"},
		{Name: "Caller-Channel-Hangup-Time", Value: hangupAt},
		{Name: "Caller-Channel-Transfer-Time", Value: "0"},
		{Name: "Caller-Channel-Resurrect-Time", Value: "0"},
		{Name: "Caller-Channel-Bridged-Time", Value: "0"},
		{Name: "Caller-Channel-Last-Hold", Value: "0"},
		{Name: "Caller-Channel-Hold-Accum", Value: "0"},
		{Name: "Caller-Screen-Bit", Value: "true"},
		{Name: "Caller-Privacy-Hide-Name", Value: "false"},
		{Name: "Caller-Privacy-Hide-Number", Value: "false"},
		{Name: "variable_direction", Value: "inbound"},
		{Name: "variable_uuid", Value: c.UUID},
		{Name: "variable_call_uuid", Value: c.UUID},
		{Name: "variable_channel_name", Value: chanName},
		{Name: "variable_sip_call_id", Value: c.UUID + "@" + c.NetworkAddr},
		{Name: "variable_sip_from_user", Value: c.Number},
		{Name: "variable_sip_from_host", Value: s.Target.Domain},
		{Name: "variable_sip_to_user", Value: c.Destination},
		{Name: "variable_sip_req_user", Value: c.Destination},
		{Name: "variable_sip_network_ip", Value: c.NetworkAddr},
		{Name: "variable_read_codec", Value: "PCMU"},
		{Name: "variable_write_codec", Value: "PCMU"},
		{Name: "variable_current_application", Value: "voicemail"},
		{Name: "variable_current_application_data", Value: c.AppData},
	}...)
	for _, v := range extraVars {
		hs = append(hs, feed.Header{Name: "variable_" + v.Name, Value: v.Value})
	}
	if cause != "" {
		hs = append(hs, feed.Header{Name: "variable_hangup_cause", Value: cause})
	}
	return hs
}

// appUUID derives a stable Application-UUID from the call UUID.
func appUUID(u string) string {
	if u == "" {
		return ""
	}
	return "a" + u[1:]
}

// shorthands expands the DTMF/playback/record shortcuts into header lines.
func (ev FSEvent) shorthands() []string {
	var l []string
	if ev.Digit != "" {
		l = append(l, "DTMF-Digit: "+ev.Digit, "DTMF-Duration: 2000", "DTMF-Source: RTP")
	}
	if ev.Play != "" {
		l = append(l, "Playback-File-Path: "+ev.Play)
		if ev.Status != "" {
			l = append(l, "Playback-Status: "+ev.Status)
		}
	}
	if ev.Record != "" {
		l = append(l, "Record-File-Path: "+ev.Record)
	}
	return l
}
