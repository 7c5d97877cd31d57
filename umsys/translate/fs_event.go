package translate

import (
	"strconv"
	"time"

	"github.com/umli/umli/umsys/feed"
)

// fsEvent holds the headers of a FreeSWITCH event the rules look at, collected in one
// pass: channel events carry 100+ headers and per-field lookups would dominate.
type fsEvent struct {
	name, subclass, uniqueID        string
	hostname, coreUUID, timestampUS string
	// vm::maintenance
	action, user, domain, authResult          string
	callerName, callerNumber, filePath, flags string
	vmUUID, vmTimestamp, greetingPath         string
	namePath, password                        string
	totalNew, totalSaved                      string
	hasPassword                               bool
	// MESSAGE_WAITING
	mwiAccount, mwiVoice, updateReason string
	// channel block / execute / media
	application, applicationData string
	playbackPath, playbackStatus string
	recordPath, dtmf             string
	chCallerNumber, chCallerName string
	chDestination                string
	// e-mail notification (dup of channel variables)
	messageType, vmAccount, vmDomain, vmEmail, vmNotifyEmail string
	vmNotifyUUID, vmNotifyFile, vmNotifyCaller, vmPriority   string
}

func (f *fsEvent) collect(e *feed.Event) {
	for i := range e.Headers {
		h := &e.Headers[i]
		// A third of a channel event is variable_* and none is read: skip them cheaply.
		if len(h.Name) > 9 && h.Name[0] == 'v' && h.Name[8] == '_' {
			continue
		}
		v := h.Value
		switch h.Name {
		case "Event-Name":
			f.name = v
		case "Event-Subclass":
			f.subclass = v
		case "Unique-ID":
			f.uniqueID = v
		case "FreeSWITCH-Hostname":
			f.hostname = v
		case "Core-UUID":
			f.coreUUID = v
		case "Event-Date-Timestamp":
			f.timestampUS = v
		case "VM-Action":
			f.action = v
		case "VM-User":
			f.user = v
		case "VM-Domain":
			f.domain = v
		case "VM-Auth-Result":
			f.authResult = v
		case "VM-Caller-ID-Name":
			f.callerName = v
		case "VM-Caller-ID-Number":
			f.callerNumber = v
		case "VM-File-Path":
			f.filePath = v
		case "VM-Flags":
			f.flags = v
		case "VM-UUID":
			f.vmUUID = v
		case "VM-Timestamp":
			f.vmTimestamp = v
		case "VM-Greeting-Path":
			f.greetingPath = v
		case "VM-Name-Path":
			f.namePath = v
		case "VM-User-Password":
			f.password, f.hasPassword = v, true
		case "VM-Total-New-Messages":
			f.totalNew = v
		case "VM-Total-Saved-Messages":
			f.totalSaved = v
		case "MWI-Message-Account":
			f.mwiAccount = v
		case "MWI-Voice-Message":
			f.mwiVoice = v
		case "Update-Reason":
			f.updateReason = v
		case "Application":
			f.application = v
		case "Application-Data":
			f.applicationData = v
		case "Playback-File-Path":
			f.playbackPath = v
		case "Playback-Status":
			f.playbackStatus = v
		case "Record-File-Path":
			f.recordPath = v
		case "DTMF-Digit":
			f.dtmf = v
		case "Caller-Caller-ID-Number":
			f.chCallerNumber = v
		case "Caller-Caller-ID-Name":
			f.chCallerName = v
		case "Caller-Destination-Number":
			f.chDestination = v
		case "Message-Type":
			f.messageType = v
		case "voicemail_account":
			f.vmAccount = v
		case "voicemail_domain":
			f.vmDomain = v
		case "voicemail_email":
			f.vmEmail = v
		case "voicemail_notify_email":
			f.vmNotifyEmail = v
		case "voicemail_uuid":
			f.vmNotifyUUID = v
		case "voicemail_file_path":
			f.vmNotifyFile = v
		case "voicemail_caller_id_number":
			f.vmNotifyCaller = v
		case "voicemail_priority":
			f.vmPriority = v
		}
	}
}

// time is the event's own time stamp (Event-Date-Timestamp, microseconds), else when
// umli received it.
func (f *fsEvent) time(e *feed.Event) time.Time {
	if f.timestampUS != "" {
		if us, err := strconv.ParseInt(f.timestampUS, 10, 64); err == nil && us > 0 {
			return time.UnixMicro(us).UTC()
		}
	}
	return e.Received
}

// box is VM-User@VM-Domain.
func (f *fsEvent) box() string {
	if !usable(f.user) {
		return ""
	}
	if !usable(f.domain) {
		return f.user
	}
	return f.user + "@" + f.domain
}
