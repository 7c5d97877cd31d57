package testmail

import (
	"fmt"
	"strings"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

var eventNames = map[etsi.EmailEvent]string{
	etsi.EmailSend: "send", etsi.EmailReceive: "receive", etsi.EmailDownload: "download",
	etsi.EmailLogonAttempt: "logon-attempt", etsi.EmailLogon: "logon",
	etsi.EmailLogonFailure: "logon-failure", etsi.EmailLogoff: "logoff",
	etsi.EmailPartialDownload: "partial-download", etsi.EmailUpload: "upload",
}

var statusNames = map[etsi.EmailStatus]string{
	etsi.EmailStatusUnknown: "unknown", etsi.EmailStatusFailed: "failed", etsi.EmailStatusSucceeded: "succeeded",
}

var boundaryNames = map[record.Boundary]string{
	record.Standalone: "Standalone", record.Open: "Open", record.Continue: "Continue", record.Close: "Close",
	record.Report: "Report",
}

// BoundaryName names a record boundary for test descriptions ("Open", "Report").
func BoundaryName(b record.Boundary) string {
	if n, ok := boundaryNames[b]; ok {
		return n
	}
	return fmt.Sprint(int(b))
}

// IRI describes an EmailIRI record in one line: "Open logon succeeded".
func IRI(r *record.Record) string {
	return fmt.Sprintf("%s %s %s", BoundaryName(r.Boundary), EventName(r.EmailIRI.EventType), StatusName(r.EmailIRI.Status))
}

// TortureIRI describes an EmailIRI as torture sessions' want lines do: IRI, then the
// envelope and message fields the event carries and the AAA user name.
func TortureIRI(r *record.Record) string {
	i := r.EmailIRI
	out := IRI(r)
	if i.Sender != nil {
		out += " from=" + *i.Sender
	}
	if len(i.Recipients) > 0 {
		out += " to=" + strings.Join(i.Recipients, ",")
	}
	if len(i.MessageID) > 0 {
		out += " id=" + string(i.MessageID)
	}
	if a := i.AAAInformation; a != nil {
		switch {
		case a.ASMTP != nil:
			out += " user=" + a.ASMTP.Username
		case a.POP3 != nil:
			out += " user=" + a.POP3.Username
		case a.IMAP != nil:
			out += " user=" + a.IMAP.Username
		}
	}
	return out
}

// EventName names an e-mail event for test descriptions ("logon", "send").
func EventName(ev etsi.EmailEvent) string { return eventNames[ev] }

// StatusName names an e-mail status for test descriptions ("succeeded").
func StatusName(st etsi.EmailStatus) string { return statusNames[st] }

// CC concatenates the EmailCC content of the records per direction: what the target
// sent (fromTarget) and what it was sent (toTarget).
func CC(recs []*record.Record) (fromTarget, toTarget string) {
	var from, to strings.Builder
	for _, r := range recs {
		switch {
		case r.EmailCC == nil:
		case r.Direction == etsi.DirectionFromTarget:
			from.Write(r.EmailCC.Content)
		default:
			to.Write(r.EmailCC.Content)
		}
	}
	return from.String(), to.String()
}

// Login returns the username, password and result of a POP3 or IMAP logon's
// AAAInformation; what it does not carry is empty (result 0, not an ETSI value).
func Login(a *etsi.AAAInformation) (user, pass string, result etsi.AAAResult) {
	var pw *string
	var res *etsi.AAAResult
	switch {
	case a == nil:
		return "", "", 0
	case a.POP3 != nil:
		user, pw, res = a.POP3.Username, a.POP3.Password, a.POP3.Result
	case a.IMAP != nil:
		user, pw, res = a.IMAP.Username, a.IMAP.Password, a.IMAP.Result
	}
	if pw != nil {
		pass = *pw
	}
	if res != nil {
		result = *res
	}
	return user, pass, result
}
