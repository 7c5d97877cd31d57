package translate

import "time"

// Config configures a translator.
type Config struct {
	// SystemID is written as system-identifier on every IRI; "" uses what the event
	// names (FreeSWITCH Core-UUID's host, Asterisk SystemName) or leaves it absent.
	SystemID string
	// MaxSessions bounds the per-call state; the least recently used session is
	// finalised when a new one would exceed it. Default 10000.
	MaxSessions int
	// IdleTimeout finalises a session with no events for this long. Default 30 min.
	IdleTimeout time.Duration
	// AsteriskFormat is voicemail.conf's first format (wav, wav49, gsm, ulaw…): the
	// extension of the message files app_voicemail stores. Default wav.
	AsteriskFormat string
	// AsteriskSpool is app_voicemail's spool as the platform names it
	// (<astspooldir>/voicemail): VoiceMailMain's messages are read from
	// <spool>/<context>/<mailbox>/<folder>/msgNNNN. Default DefaultAsteriskSpool.
	AsteriskSpool string
	// AsteriskKeys is VoiceMailMain's key map, used to infer retrieve, save and delete
	// from the subscriber's DTMF. Empty fields take app_voicemail's defaults.
	AsteriskKeys AsteriskKeyMap
	// Keys is the FreeSWITCH TUI key map used to infer save and delete.
	Keys KeyMap
	// Directory optionally maps a box identifier ("1000@example.net") to the owner's
	// other identities, so warrants on an MSISDN or e-mail address match box events.
	Directory map[string]Owner
	// CUMIURL, when set, is the Cisco Unity Connection REST base (https://cuc.example.net)
	// CUNI deposits fetch their audio from; "" delivers CUNI IRI only.
	CUMIURL string
	// CUNIDedupe bounds the (mailbox, USN) pairs remembered to fold the notifications of
	// one action into one event. Default DefaultCUNIDedupe.
	CUNIDedupe int
}

// KeyMap names the DTMF keys of the voicemail TUI (FreeSWITCH voicemail.conf
// save-file-key, delete-file-key, undelete-file-key).
type KeyMap struct {
	Save     string
	Delete   string
	Undelete string
}

// Owner is what the operator knows about a mailbox owner.
type Owner struct {
	MSISDN string
	Email  string
}

// DefaultKeyMap is mod_voicemail's default key map.
func DefaultKeyMap() KeyMap { return KeyMap{Save: "2", Delete: "7", Undelete: "8"} }

func (c Config) withDefaults() Config {
	if c.MaxSessions <= 0 {
		c.MaxSessions = 10000
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 30 * time.Minute
	}
	if c.Keys == (KeyMap{}) {
		c.Keys = DefaultKeyMap()
	}
	if c.AsteriskSpool == "" {
		c.AsteriskSpool = DefaultAsteriskSpool
	}
	c.AsteriskKeys = c.AsteriskKeys.withDefaults()
	return c
}
