package email

import (
	"fmt"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// vvmBox builds the MessagingIRI records of one VVM session: the box is the IMAP
// login name, the sequence is the TCP session (login … logout share one CIN).
type vvmBox struct {
	source, key, sys string
	box              string
	seq              int
}

// ids are the identities a VVM record is matched on: the box, and its E.164 form
// (OMTP boxes are named by the MSISDN).
func (v *vvmBox) ids() []record.Identity {
	ids := []record.Identity{{Kind: record.IdentityBoxID, Value: v.box}}
	if isE164(v.box) {
		ids = append(ids, record.Identity{Kind: record.IdentityE164, Value: v.box})
	}
	return ids
}

func isE164(s string) bool {
	if len(s) > 0 && s[0] == '+' {
		s = s[1:]
	}
	if len(s) < 3 || len(s) > 15 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (v *vvmBox) iri(cat *etsi.MessagingEventCategory, st etsi.MessagingStatus, props []etsi.MessagingProperty) *etsi.MessagingIRI {
	iri := &etsi.MessagingIRI{
		SystemType:    etsi.SystemUnifiedMessaging,
		Category:      cat,
		Status:        st,
		Trigger:       etsi.TriggerUser,
		Properties:    props,
		BoxIdentifier: []byte(v.box),
	}
	if v.sys != "" {
		iri.SystemIdentifier = []byte(v.sys)
	}
	return iri
}

func (v *vvmBox) rec(b record.Boundary, eventKey string, now time.Time, iri *etsi.MessagingIRI) *record.Record {
	return &record.Record{
		Identities:     v.ids(),
		Source:         v.source,
		CorrelationKey: v.key,
		Boundary:       b,
		EventKey:       eventKey,
		Time:           now,
		MessagingIRI:   iri,
	}
}

// boxEvent is a Messaging-Box-Event; login opens the sequence (with an idle close of
// disconnect, status unknown), logout and disconnect close it.
func (v *vvmBox) boxEvent(ev etsi.MessagingBoxEvent, st etsi.MessagingStatus, now time.Time, props ...etsi.MessagingProperty) *record.Record {
	b := record.Continue
	switch ev {
	case etsi.BoxLogin:
		b = record.Open
	case etsi.BoxLogout, etsi.BoxDisconnect:
		b = record.Close
	case etsi.BoxUnknown, etsi.BoxLock, etsi.BoxUnlock, etsi.BoxActivate, etsi.BoxDeactivate, etsi.BoxDelete, etsi.BoxPinChange, etsi.BoxGreetingRecord, etsi.BoxGreetingChange, etsi.BoxGreetingDelete, etsi.BoxGreetingEnable, etsi.BoxGreetingDisable, etsi.BoxNotificationEnable, etsi.BoxNotificationDisable, etsi.BoxConnect, etsi.BoxGreetingPlay, etsi.BoxLanguageChange, etsi.BoxPinSecurityEnable, etsi.BoxPinSecurityDisable, etsi.BoxPersonalOperatorAdd, etsi.BoxPersonalOperatorChange, etsi.BoxPersonalOperatorRemove, etsi.BoxAdditionalDestinationAdd, etsi.BoxAdditionalDestinationChange, etsi.BoxAdditionalDestinationRemove, etsi.BoxAutoPlayEnable, etsi.BoxAutoPlayDisable, etsi.BoxHeaderPlayEnable, etsi.BoxHeaderPlayDisable:
		// Within the session: b keeps its value.
	}
	r := v.rec(b, "", now, v.iri(&etsi.MessagingEventCategory{MessageBox: &ev}, st, props))
	if ev == etsi.BoxLogin {
		d := etsi.BoxDisconnect
		r.CloseEvent = v.iri(&etsi.MessagingEventCategory{MessageBox: &d}, etsi.StatusUnknown, nil)
		r.CloseEvent.Trigger = etsi.TriggerUnknown
	}
	return r
}

// pinChange is box pin-change with the new PIN as the pincode property (SIZE 1..32,
// enforced by ParseVVMPinChange).
func (v *vvmBox) pinChange(pc VVMPinChange, st etsi.MessagingStatus, now time.Time) *record.Record {
	return v.boxEvent(etsi.BoxPinChange, st, now, etsi.MessagingProperty{Pincode: []byte(pc.New)})
}

// greeting is greeting-record (first greeting of the session) or greeting-change,
// with the greeting type; the audio, when any, goes as CC under the same event key.
func (v *vvmBox) greeting(ev etsi.MessagingBoxEvent, gt VVMGreeting, st etsi.MessagingStatus, now time.Time) (*record.Record, string) {
	t := etsi.GreetingGeneral
	switch gt {
	case GreetingPersonal:
		t = etsi.GreetingPersonal
	case GreetingName:
		t = etsi.GreetingName
	case GreetingAbsence:
		t = etsi.GreetingAbsence
	case GreetingUnknown:
		// Not named by the client: the general greeting.
	}
	key := v.nextKey("greeting")
	return v.rec(record.Continue, key, now, v.iri(&etsi.MessagingEventCategory{MessageBox: &ev}, st, []etsi.MessagingProperty{{GreetingType: &t}})), key
}

// message is a Messaging-Event (retrieve, save, delete) on one message; uid names it
// as the message-identifier property.
func (v *vvmBox) message(ev etsi.MessagingEvent, uid string, st etsi.MessagingStatus, now time.Time) (*record.Record, string) {
	var props []etsi.MessagingProperty
	if uid != "" {
		props = []etsi.MessagingProperty{{MessageIdentifier: []byte(uid)}}
	}
	key := v.nextKey(fmt.Sprintf("msg-%d", ev))
	return v.rec(record.Continue, key, now, v.iri(&etsi.MessagingEventCategory{Message: &ev}, st, props)), key
}

// audioCC is the MessagingCC carrying a message's audio part, byte-identical, as one
// chunk: content-identifier and sequence-number 0, as the UM adapter numbers its first
// chunk (a LEMF reassembling from 0 would otherwise count chunk 0 as missing).
func (v *vvmBox) audioCC(eventKey, ctype string, audio []byte, dir etsi.PayloadDirection, now time.Time) *record.Record {
	cid, seq := uint32(0), uint32(0)
	return &record.Record{
		Identities:     v.ids(),
		Source:         v.source,
		CorrelationKey: v.key,
		Boundary:       record.Continue,
		EventKey:       eventKey,
		Time:           now,
		Direction:      dir,
		MessagingCC: &etsi.MessagingCC{
			ContentIdentifier: &cid,
			SequenceNumber:    &seq,
			EndOfSequence:     true,
			ContentType:       ctype,
			Content:           audio,
		},
	}
}

func (v *vvmBox) nextKey(what string) string {
	v.seq++
	return fmt.Sprintf("%s/vvm-%s-%d", v.key, what, v.seq)
}
