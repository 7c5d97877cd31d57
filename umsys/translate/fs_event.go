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
	for i := range e.Len() {
		name := e.Name(i)
		// A third of a channel event is variable_* and none is read: skip them cheaply.
		if len(name) > 9 && name[0] == 'v' && name[8] == '_' {
			continue
		}
		// The value is read only for a header the rules use: reading may decode it.
		var dst *string
		switch name {
		case "Event-Name":
			dst = &f.name
		case "Event-Subclass":
			dst = &f.subclass
		case "Unique-ID":
			dst = &f.uniqueID
		case "FreeSWITCH-Hostname":
			dst = &f.hostname
		case "Core-UUID":
			dst = &f.coreUUID
		case "Event-Date-Timestamp":
			dst = &f.timestampUS
		case "VM-Action":
			dst = &f.action
		case "VM-User":
			dst = &f.user
		case "VM-Domain":
			dst = &f.domain
		case "VM-Auth-Result":
			dst = &f.authResult
		case "VM-Caller-ID-Name":
			dst = &f.callerName
		case "VM-Caller-ID-Number":
			dst = &f.callerNumber
		case "VM-File-Path":
			dst = &f.filePath
		case "VM-Flags":
			dst = &f.flags
		case "VM-UUID":
			dst = &f.vmUUID
		case "VM-Timestamp":
			dst = &f.vmTimestamp
		case "VM-Greeting-Path":
			dst = &f.greetingPath
		case "VM-Name-Path":
			dst = &f.namePath
		case "VM-User-Password":
			dst, f.hasPassword = &f.password, true
		case "VM-Total-New-Messages":
			dst = &f.totalNew
		case "VM-Total-Saved-Messages":
			dst = &f.totalSaved
		case "MWI-Message-Account":
			dst = &f.mwiAccount
		case "MWI-Voice-Message":
			dst = &f.mwiVoice
		case "Update-Reason":
			dst = &f.updateReason
		case "Application":
			dst = &f.application
		case "Application-Data":
			dst = &f.applicationData
		case "Playback-File-Path":
			dst = &f.playbackPath
		case "Playback-Status":
			dst = &f.playbackStatus
		case "Record-File-Path":
			dst = &f.recordPath
		case "DTMF-Digit":
			dst = &f.dtmf
		case "Caller-Caller-ID-Number":
			dst = &f.chCallerNumber
		case "Caller-Caller-ID-Name":
			dst = &f.chCallerName
		case "Caller-Destination-Number":
			dst = &f.chDestination
		case "Message-Type":
			dst = &f.messageType
		case "voicemail_account":
			dst = &f.vmAccount
		case "voicemail_domain":
			dst = &f.vmDomain
		case "voicemail_email":
			dst = &f.vmEmail
		case "voicemail_notify_email":
			dst = &f.vmNotifyEmail
		case "voicemail_uuid":
			dst = &f.vmNotifyUUID
		case "voicemail_file_path":
			dst = &f.vmNotifyFile
		case "voicemail_caller_id_number":
			dst = &f.vmNotifyCaller
		case "voicemail_priority":
			dst = &f.vmPriority
		}
		if dst != nil {
			*dst = e.ValueAt(i)
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
