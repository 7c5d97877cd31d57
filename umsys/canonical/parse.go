package canonical

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/umsys/feed"
)

// FieldError names the canonical field whose value could not be read. Its message
// never quotes the value: values of outside input may carry identities or PINs, and
// errors end up in logs.
type FieldError struct {
	Field string
	Err   error
}

// Error names the field and what is wrong with it.
func (e *FieldError) Error() string { return fmt.Sprintf("field %q: %v", e.Field, e.Err) }

// Unwrap returns the reason.
func (e *FieldError) Unwrap() error { return e.Err }

// Parse reads canonical fields (already flattened and, for a vendor, mapped by a
// profile) into an Event. Unknown fields are ignored; an event value that is not an
// ETSI event leaves Category nil (untranslated) rather than failing, because the raw
// event still goes to the LEA. A malformed value of a known field is an error.
func Parse(fields []feed.Header, timeLayout string) (*Event, error) {
	ev := &Event{}
	var category, event string
	for _, h := range fields {
		name, v := h.Name, h.Value
		var err error
		switch {
		case name == "session":
			ev.Session = v
		case name == "source":
			// A network element name, as mediation keys CINs by it.
			if len(v) > 16 || strings.ContainsAny(v, "{} \t\r\n") {
				err = errors.New("bad source")
			}
			ev.Source = v
		case name == "system":
			ev.System = v
		case name == "box":
			ev.Box = v
		case name == "time":
			ev.Time, err = parseTime(v, timeLayout)
		case name == "category":
			if v != "" {
				category = v
			}
		case name == "event":
			// Later fields override earlier ones; an empty value (a profile mapping a
			// vendor value to "") leaves the event as it was.
			if v != "" {
				event = v
			}
		case name == "status":
			ev.Status, err = etsi.ParseMessagingStatus(v)
		case name == "trigger":
			ev.Trigger, err = etsi.ParseMessagingTrigger(v)
		case name == "boundary":
			switch v {
			case "open", "continue", "close", "standalone", "":
				ev.Boundary = v
			default:
				err = fmt.Errorf("%q is not open|continue|close|standalone", v)
			}
		case name == "event-id":
			ev.EventID = v
		case name == "recipient-count":
			var n uint64
			n, err = strconv.ParseUint(v, 10, 32)
			ev.RecipientCount = uint32(n)
		case strings.HasPrefix(name, "originating."), strings.HasPrefix(name, "terminating."), strings.HasPrefix(name, "associated."):
			err = ev.addParty(name, v)
		case strings.HasPrefix(name, "property."):
			err = ev.addProperty(strings.TrimPrefix(name, "property."), v, timeLayout)
		case strings.HasPrefix(name, "content."):
			err = ev.addContent(strings.TrimPrefix(name, "content."), v)
		}
		if err != nil {
			return nil, &FieldError{Field: name, Err: describe(name)}
		}
	}
	cat, err := ParseCategory(category, event)
	if err != nil {
		return nil, &FieldError{Field: "category", Err: describe("category")}
	}
	ev.Category = cat
	return ev, nil
}

// ParseCategory turns a category and event name into the ETSI CHOICE. An empty
// category is inferred from the event name ("delete" alone means the message event);
// category "raw", an empty event, or an event name ETSI does not define give nil.
func ParseCategory(category, event string) (*etsi.MessagingEventCategory, error) {
	if event == "" || category == "raw" {
		return nil, nil
	}
	switch category {
	case "message":
		if v, err := etsi.ParseMessagingEvent(event); err == nil {
			return &etsi.MessagingEventCategory{Message: &v}, nil
		}
		return nil, nil
	case "message-box":
		if v, err := etsi.ParseMessagingBoxEvent(event); err == nil {
			return &etsi.MessagingEventCategory{MessageBox: &v}, nil
		}
		return nil, nil
	case "notification", "message-notification":
		if v, err := etsi.ParseMessagingNotificationEvent(event); err == nil {
			return &etsi.MessagingEventCategory{Notification: &v}, nil
		}
		return nil, nil
	case "call":
		if v, err := etsi.ParseMessagingCallEvent(event); err == nil {
			return &etsi.MessagingEventCategory{Call: &v}, nil
		}
		return nil, nil
	case "":
	default:
		return nil, fmt.Errorf("%q is not message|message-box|notification|call|raw", category)
	}
	if v, err := etsi.ParseMessagingEvent(event); err == nil {
		return &etsi.MessagingEventCategory{Message: &v}, nil
	}
	if v, err := etsi.ParseMessagingBoxEvent(event); err == nil && event != "unknown" {
		return &etsi.MessagingEventCategory{MessageBox: &v}, nil
	}
	if v, err := etsi.ParseMessagingNotificationEvent(event); err == nil {
		return &etsi.MessagingEventCategory{Notification: &v}, nil
	}
	if v, err := etsi.ParseMessagingCallEvent(event); err == nil {
		return &etsi.MessagingEventCategory{Call: &v}, nil
	}
	return nil, nil
}

// parseTime accepts RFC 3339, epoch seconds or milliseconds, or the profile's layout.
func parseTime(v, layout string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if layout != "" {
		return time.Parse(layout, v)
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && f > 0 {
		if f > 1e12 { // milliseconds
			return time.UnixMilli(int64(f)).UTC(), nil
		}
		return time.UnixMicro(int64(f * 1e6)).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%q is neither RFC 3339 nor epoch seconds/milliseconds", v)
}

// addParty reads "<qualifier>.<kind>" or "<qualifier>.<kind>.<index>".
func (ev *Event) addParty(name, v string) error {
	parts := strings.Split(name, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return fmt.Errorf("want <qualifier>.<kind>[.<n>]")
	}
	if v == "" {
		return nil
	}
	var q etsi.MessagingPartyQualifier
	switch parts[0] {
	case "originating":
		q = etsi.PartyOriginating
	case "terminating":
		q = etsi.PartyTerminating
	default:
		q = etsi.PartyAssociated
	}
	k := PartyKind(parts[1])
	switch k {
	case KindMSISDN, KindE164, KindSIP, KindTel, KindEmail, KindName:
	default:
		return fmt.Errorf("party kind %q is not msisdn|e164|sip|tel|email|name", parts[1])
	}
	ev.Parties = append(ev.Parties, Party{Qualifier: q, Kind: k, Value: v})
	return nil
}

func (ev *Event) addProperty(name, v string, layout string) error {
	if v == "" {
		return nil
	}
	var p etsi.MessagingProperty
	switch name {
	case "pincode":
		if len(v) > 32 {
			return fmt.Errorf("pincode longer than 32 bytes")
		}
		p.Pincode = []byte(v)
	case "password":
		p.Password = []byte(v)
	case "priority":
		x, err := etsi.ParseMessagingPriority(v)
		if err != nil {
			return err
		}
		p.Priority = &x
	case "greeting-type":
		x, err := etsi.ParseMessagingGreetingType(v)
		if err != nil {
			return err
		}
		p.GreetingType = &x
	case "notification-type":
		x, err := etsi.ParseMessagingNotificationType(v)
		if err != nil {
			return err
		}
		p.NotificationType = &x
	case "message-status":
		x, err := etsi.ParseMessagingMessageStatus(v)
		if err != nil {
			return err
		}
		p.MessageStatus = &x
	case "requested-reports":
		x, err := etsi.ParseMessagingRequestedReports(v)
		if err != nil {
			return err
		}
		p.RequestedReports = &x
	case "language":
		p.Language = v
	case "message-id":
		p.MessageIdentifier = []byte(v)
	case "subject":
		p.Subject = &v
	case "user-agent":
		p.UserAgent = &v
	case "expires", "message-date":
		t, err := parseTime(v, layout)
		if err != nil {
			return err
		}
		if name == "expires" {
			p.Expires = &t
		} else {
			p.MessageDate = &t
		}
	default:
		return nil // unknown properties are ignored, as unknown fields are
	}
	ev.Properties = append(ev.Properties, p)
	return nil
}

func (ev *Event) addContent(name, v string) error {
	if ev.Content == nil {
		ev.Content = &Content{}
	}
	c := ev.Content
	switch name {
	case "url":
		if !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") {
			return fmt.Errorf("content url must be http or https")
		}
		c.URL = v
	case "path":
		c.Path = v
	case "text":
		c.Data = []byte(v)
		if c.Type == "" {
			c.Type = "text/plain;charset=utf-8"
		}
	case "base64":
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return err
		}
		c.Data = b
	case "type":
		c.Type = v
	}
	return nil
}

// describe says what is wrong with a field without quoting its value.
func describe(field string) error {
	var why string
	switch {
	case field == "status":
		why = "not a Messaging-Status identifier"
	case field == "trigger":
		why = "not a Messaging-Trigger identifier"
	case field == "time", field == "property.expires", field == "property.message-date":
		why = "not RFC 3339, epoch seconds or milliseconds, or the profile's time-layout"
	case field == "source":
		why = "a network element name is 1..16 octets without spaces or braces"
	case field == "boundary":
		why = "not open, continue, close or standalone"
	case field == "recipient-count":
		why = "not an integer 0..4294967295"
	case field == "category":
		why = "not message, message-box, notification, call or raw"
	case field == "property.pincode":
		why = "pincode is longer than 32 bytes"
	case strings.HasPrefix(field, "property."):
		why = "not a " + strings.TrimPrefix(field, "property.") + " identifier of the schema"
	case field == "content.url":
		why = "content url must be http or https"
	case field == "content.base64":
		why = "not standard base64"
	case strings.HasPrefix(field, "originating."), strings.HasPrefix(field, "terminating."), strings.HasPrefix(field, "associated."):
		why = "party fields are <qualifier>.<kind>[.<n>] with kind msisdn, e164, sip, tel, email or name"
	default:
		why = "malformed value"
	}
	return errors.New(why)
}
