package email

import (
	"encoding/base64"
	"strings"
)

// maxAddress bounds one envelope address; longer ones are cut (RFC 5321 allows 256).
const maxAddress = 512

// envelopeAddress extracts the path of "FROM:<a@b> SIZE=1" or "TO:<a@b>" after the
// given prefix (case-insensitive). ok is false when the prefix is missing.
func envelopeAddress(arg, prefix string) (string, bool) {
	if len(arg) < len(prefix) || !strings.EqualFold(arg[:len(prefix)], prefix) {
		return "", false
	}
	rest := strings.TrimSpace(arg[len(prefix):])
	var a string
	if strings.HasPrefix(rest, "<") {
		end := strings.IndexByte(rest, '>')
		if end < 0 {
			a = rest[1:]
		} else {
			a = rest[1:end]
		}
	} else {
		a, _, _ = strings.Cut(rest, " ")
	}
	// Source routes ("@a,@b:user@c") name relays, not the mailbox.
	if i := strings.LastIndexByte(a, ':'); i >= 0 && strings.HasPrefix(a, "@") {
		a = a[i+1:]
	}
	if len(a) > maxAddress {
		a = a[:maxAddress]
	}
	return a, true
}

// splitVerb splits a command line into its upper-cased verb and the rest.
func splitVerb(line string) (verb, arg string) {
	verb, arg, _ = strings.Cut(line, " ")
	return strings.ToUpper(verb), strings.TrimSpace(arg)
}

// decodeB64 decodes SASL base64, tolerating missing padding. ok is false for garbage.
func decodeB64(s string) ([]byte, bool) {
	s = strings.TrimSpace(s)
	if s == "=" || s == "" {
		return []byte{}, true
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, true
	}
	if b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "=")); err == nil {
		return b, true
	}
	return nil, false
}

// plainCredentials splits a SASL PLAIN message authzid NUL authcid NUL passwd.
func plainCredentials(b []byte) (user, pass string, ok bool) {
	parts := strings.Split(string(b), "\x00")
	if len(parts) != 3 {
		return "", "", false
	}
	return parts[1], parts[2], true
}
