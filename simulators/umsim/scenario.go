package umsim

import (
	"embed"
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

//go:embed scenarios/scenarios.yaml
var scenarioFS embed.FS

// Target is the intercepted subscriber every scenario is about.
type Target struct {
	// Mailbox and Domain form the FreeSWITCH box id (VM-User@VM-Domain); Domain is also
	// the Asterisk voicemail context.
	Mailbox string `yaml:"mailbox"`
	Domain  string `yaml:"domain"`
	// MSISDN is the subscriber's number (E.164 with +).
	MSISDN string `yaml:"msisdn"`
}

// Script is the whole scenario file.
type Script struct {
	Target     Target      `yaml:"target"`
	FreeSWITCH FSPlatform  `yaml:"freeswitch"`
	Asterisk   AMIPlatform `yaml:"asterisk"`
	// Templates holds YAML anchors the scenarios merge; not used directly.
	Templates map[string]any `yaml:"templates"`
}

// FSPlatform is the simulated FreeSWITCH instance and its scenarios.
type FSPlatform struct {
	CoreUUID  string       `yaml:"core_uuid"`
	Hostname  string       `yaml:"hostname"`
	IPv4      string       `yaml:"ipv4"`
	Sounds    string       `yaml:"sounds"`
	FirstSeq  int          `yaml:"first_sequence"`
	Scenarios []FSScenario `yaml:"scenarios"`
}

// Call is the channel a scenario runs on.
type Call struct {
	UUID        string `yaml:"uuid"`
	Number      string `yaml:"number"`
	Name        string `yaml:"name"`
	Destination string `yaml:"destination"`
	NetworkAddr string `yaml:"network_addr"`
	// AppData is the voicemail application argument (FreeSWITCH).
	AppData string `yaml:"app_data"`
	// Asterisk channel fields.
	Channel  string `yaml:"channel"`
	UniqueID string `yaml:"uniqueid"`
	Context  string `yaml:"context"`
	Exten    string `yaml:"exten"`
	// ChanVars are manager.conf channelvars ("NAME=value"), as ChanVariable lines at
	// the end of every channel snapshot (e.g. CHANNEL(pjsip,call-id)=…).
	ChanVars []string `yaml:"chanvars"`
}

// AudioFile is message or greeting audio the scenario leaves in the content dir.
type AudioFile struct {
	// Path relative to the content dir, with placeholders.
	Path    string  `yaml:"path"`
	Seconds float64 `yaml:"seconds"`
	ToneHz  float64 `yaml:"tone_hz"`
}

// FSScenario is one FreeSWITCH call.
type FSScenario struct {
	Name        string      `yaml:"name"`
	Description string      `yaml:"description"`
	Start       time.Time   `yaml:"start"`
	Call        Call        `yaml:"call"`
	Files       []AudioFile `yaml:"files"`
	Events      []FSEvent   `yaml:"events"`
}

// FSEvent is one event; envelope and channel block are generated.
type FSEvent struct {
	// Event is the FreeSWITCH event name (CUSTOM for vm::maintenance).
	Event    string `yaml:"event"`
	Subclass string `yaml:"subclass"`
	// NoEnvelope: a switch_event_dup'ed event fired without prep (e-mail notices).
	NoEnvelope bool   `yaml:"no_envelope"`
	File       string `yaml:"file"`
	Func       string `yaml:"func"`
	Line       int    `yaml:"line"`
	// Channel adds the channel data block of the scenario's call.
	Channel bool `yaml:"channel"`
	// State selects the channel state: execute (default), hangup, reporting.
	State string `yaml:"state"`
	// Head headers come before the channel block, Tail after it ("Name: value").
	Head []string `yaml:"head"`
	Tail []string `yaml:"tail"`
	// Vars are extra channel variables (name: value) in the variable_ block.
	Vars []string `yaml:"vars"`
	// Dt is the time since the previous event (default 1s).
	Dt time.Duration `yaml:"dt"`
	// Shorthands: Digit (DTMF-Digit/-Duration/-Source), Play (Playback-File-Path) with
	// Status (Playback-Status), Record (Record-File-Path); they precede Tail.
	Digit  string `yaml:"digit"`
	Play   string `yaml:"play"`
	Status string `yaml:"status"`
	Record string `yaml:"record"`
}

// AMIPlatform is the simulated Asterisk and its scenarios.
type AMIPlatform struct {
	Version   string        `yaml:"version"`
	Scenarios []AMIScenario `yaml:"scenarios"`
}

// AMIScenario is one Asterisk call.
type AMIScenario struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	// Start, when set, adds manager.conf timestampevents' Timestamp line to every
	// event: Start plus the events' Dt so far.
	Start time.Time `yaml:"start"`
	Call  Call      `yaml:"call"`
	// Files are the messages the scenario stores in the voicemail spool.
	Files  []AudioFile `yaml:"files"`
	Events []AMIEvent  `yaml:"events"`
}

// AMIEvent is one manager event.
type AMIEvent struct {
	Event     string `yaml:"event"`
	Privilege string `yaml:"privilege"`
	// Channel adds the channel snapshot; State is Up (default) or Ring.
	Channel  bool     `yaml:"channel"`
	State    string   `yaml:"state"`
	Priority int      `yaml:"priority"`
	Fields   []string `yaml:"fields"`
	// Dt is the time since the previous event (default 1s; used with Start).
	Dt time.Duration `yaml:"dt"`
	// Keys, with Event empty, are DTMF the caller presses: a DTMFBegin/DTMFEnd pair per
	// digit on the scenario's channel (class dtmf), KeyGap apart (default 400ms).
	Keys   string        `yaml:"keys"`
	KeyGap time.Duration `yaml:"key_gap"`
}

// LoadScript parses the embedded scenario file.
func LoadScript() (*Script, error) {
	b, err := scenarioFS.ReadFile("scenarios/scenarios.yaml")
	if err != nil {
		return nil, fmt.Errorf("umsim: read scenarios: %w", err)
	}
	return ParseScript(b)
}

// ParseScript parses a scenario file.
func ParseScript(b []byte) (*Script, error) {
	var s Script
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("umsim: parse scenarios: %w", err)
	}
	seen := map[string]bool{}
	for _, sc := range s.FreeSWITCH.Scenarios {
		if sc.Name == "" || seen["fs/"+sc.Name] {
			return nil, fmt.Errorf("umsim: freeswitch scenario name %q empty or repeated", sc.Name)
		}
		seen["fs/"+sc.Name] = true
	}
	for _, sc := range s.Asterisk.Scenarios {
		if sc.Name == "" || seen["ami/"+sc.Name] {
			return nil, fmt.Errorf("umsim: asterisk scenario name %q empty or repeated", sc.Name)
		}
		seen["ami/"+sc.Name] = true
	}
	return &s, nil
}

// splitHeader splits "Name: value" (value may be empty).
func splitHeader(s string) (string, string, error) {
	name, value, ok := strings.Cut(s, ":")
	if !ok || name == "" {
		return "", "", fmt.Errorf("header %q is not \"Name: value\"", s)
	}
	return name, strings.TrimPrefix(value, " "), nil
}
