package rtpcapture

import (
	"context"
	"time"

	"github.com/umli/umli/mediation/record"
)

// DTMFEvent is one RFC 4733 telephone-event key press seen in a leg sent by a party that
// may be a target. It goes to the UM translation, which can confirm TUI operations (a
// delete or save key) with it; it is never logged, since key presses can be PINs.
type DTMFEvent struct {
	Source         string
	CorrelationKey string
	// Identities are those of the party that pressed the key.
	Identities []record.Identity
	// Key is '0'-'9', '*', '#', 'A'-'D', or '?' for other RFC 4733 events (flash, tones).
	Key byte
	// Code is the RFC 4733 event code.
	Code uint8
	// Duration is the event's length as the sender reported it.
	Duration time.Duration
	// Time is when the event started to arrive.
	Time time.Time
}

// DTMFHandler receives key presses. It is called from the leg's goroutine, so it should
// return quickly.
type DTMFHandler interface {
	DTMF(ctx context.Context, ev DTMFEvent)
}

// eventKey maps an RFC 4733 section 3.2 event code to its key.
func eventKey(code uint8) byte {
	switch {
	case code <= 9:
		return '0' + code
	case code == 10:
		return '*'
	case code == 11:
		return '#'
	case code >= 12 && code <= 15:
		return 'A' + (code - 12)
	default:
		return '?'
	}
}

// dtmfState turns the repeated packets of telephone-events into one report per event:
// an event is identified by its RTP timestamp, and reported at its first end packet, or
// when the next event starts if every end packet was lost.
type dtmfState struct {
	active   bool
	reported bool
	ts       uint32
	code     uint8
	duration uint16
	at       int64 // Unix nanoseconds
}

// telephoneEventLen is the RFC 4733 payload size: event, E|R|volume, duration.
const telephoneEventLen = 4

// observe feeds one telephone-event payload; it returns an event to report, if any.
func (d *dtmfState) observe(p *Packet, clock uint32) (DTMFEvent, bool) {
	if len(p.Payload) < telephoneEventLen {
		return DTMFEvent{}, false
	}
	code := p.Payload[0]
	end := p.Payload[1]&0x80 != 0
	dur := uint16(p.Payload[2])<<8 | uint16(p.Payload[3])
	var out DTMFEvent
	var have bool
	if !d.active || p.Timestamp != d.ts {
		if d.active && !d.reported {
			out, have = d.event(clock), true
		}
		*d = dtmfState{active: true, ts: p.Timestamp, code: code, at: p.Arrival}
	}
	if dur > d.duration {
		d.duration = dur
	}
	if end && !d.reported {
		d.reported = true
		// An unreported previous event and this end cannot both be returned; the previous
		// one wins and this one is reported at its next end packet (RFC 4733 sends three).
		if !have {
			return d.event(clock), true
		}
		d.reported = false
	}
	return out, have
}

// flush reports an event whose end never arrived.
func (d *dtmfState) flush(clock uint32) (DTMFEvent, bool) {
	if d.active && !d.reported {
		d.reported = true
		return d.event(clock), true
	}
	return DTMFEvent{}, false
}

func (d *dtmfState) event(clock uint32) DTMFEvent {
	if clock == 0 {
		clock = 8000
	}
	return DTMFEvent{
		Key:      eventKey(d.code),
		Code:     d.code,
		Duration: time.Duration(d.duration) * time.Second / time.Duration(clock),
		Time:     time.Unix(0, d.at),
	}
}
