package adapter

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/umli/umli/umsys/canonical"
	"github.com/umli/umli/umsys/content"
	"github.com/umli/umli/umsys/translate"
)

// FileConfig is the translation part of umli's YAML configuration, for the binary to
// embed (e.g. under `umsys:`); the feed connections themselves belong to the transports.
//
//	umsys:
//	  systemID: um-platform-1
//	  maxSessions: 10000
//	  idleTimeout: 30m
//	  keys: {save: "2", delete: "7", undelete: "8"}
//	  directory:
//	    "1000@um.example.net": {msisdn: "+4917012345678", email: bob@example.net}
//	  profile: /etc/umli/profiles/cisco-cumi.yaml
//	  content:
//	    roots: [{prefix: /var/lib/freeswitch/storage, dir: /mnt/fs-storage}]
//	    maxBytes: 67108864
//	    chunkBytes: 65536
//	    httpTimeout: 30s
type FileConfig struct {
	SystemID    string        `yaml:"systemID"`
	MaxSessions int           `yaml:"maxSessions"`
	IdleTimeout time.Duration `yaml:"idleTimeout"`
	Keys        KeysFile      `yaml:"keys"`
	// AsteriskFormat is voicemail.conf's first format (wav, wav49, gsm…), the extension
	// of the message files deposit CC is read from. Default wav.
	AsteriskFormat string               `yaml:"asteriskFormat"`
	Directory      map[string]OwnerFile `yaml:"directory"`
	Profile        string               `yaml:"profile"`
	Content        ContentFile          `yaml:"content"`
	ExpireEvery    time.Duration        `yaml:"expireEvery"`
	// CUMIURL is the Cisco Unity Connection REST (CUMI) base CUNI deposits fetch their
	// audio from (https://cuc.example.net); "" delivers CUNI IRI only.
	CUMIURL string `yaml:"cumiURL"`
	// CUMIUser and CUMIPasswordFile are the CUMI credentials (Basic), sent to the
	// cumiURL host only.
	CUMIUser         string `yaml:"cumiUser"`
	CUMIPasswordFile string `yaml:"cumiPasswordFile"`
	// AsteriskSpool is app_voicemail's spool as Asterisk names it (default
	// /var/spool/asterisk/voicemail): VoiceMailMain's retrieve/save/delete CC is read
	// from <spool>/<context>/<mailbox>/<folder>/msgNNNN.<format>.
	AsteriskSpool string `yaml:"asteriskSpool"`
	// AsteriskKeys overrides VoiceMailMain's key map (app_voicemail's defaults).
	AsteriskKeys translate.AsteriskKeyMap `yaml:"asteriskKeys"`
	// Peers: other umli instances consume the same feeds (active-active, peers.go);
	// every instance of the group must set it. PeerWarmup is how long a starting
	// instance leaves session-less records to its peers (default 1m; negative: none).
	Peers      bool          `yaml:"peers"`
	PeerWarmup time.Duration `yaml:"peerWarmup"`
}

// KeysFile is the TUI key map (FreeSWITCH voicemail.conf keys).
type KeysFile struct {
	Save     string `yaml:"save"`
	Delete   string `yaml:"delete"`
	Undelete string `yaml:"undelete"`
}

// OwnerFile is what the operator knows about a mailbox owner.
type OwnerFile struct {
	MSISDN string `yaml:"msisdn"`
	Email  string `yaml:"email"`
}

// ContentFile configures content fetching; no roots and no URLs in events means no CC.
type ContentFile struct {
	Roots       []RootFile    `yaml:"roots"`
	MaxBytes    int64         `yaml:"maxBytes"`
	ChunkBytes  int           `yaml:"chunkBytes"`
	HTTPTimeout time.Duration `yaml:"httpTimeout"`
}

// RootFile maps a platform path prefix to a local directory.
type RootFile struct {
	Prefix string `yaml:"prefix"`
	Dir    string `yaml:"dir"`
}

// Build turns the file configuration into an adapter Config: it loads the profile and
// opens the content roots. The returned Config's Content must be closed by the caller
// (Content.Close) when the adapter is done.
func (f FileConfig) Build(log zerolog.Logger, reg prometheus.Registerer) (Config, error) {
	cfg := Config{
		Translate: translate.Config{
			SystemID:       f.SystemID,
			MaxSessions:    f.MaxSessions,
			IdleTimeout:    f.IdleTimeout,
			Keys:           translate.KeyMap{Save: f.Keys.Save, Delete: f.Keys.Delete, Undelete: f.Keys.Undelete},
			AsteriskFormat: f.AsteriskFormat,
			AsteriskSpool:  f.AsteriskSpool,
			AsteriskKeys:   f.AsteriskKeys,
			CUMIURL:        f.CUMIURL,
		},
		Logger:      log,
		Registry:    reg,
		ExpireEvery: f.ExpireEvery,
		Peers:       f.Peers,
		PeerWarmup:  f.PeerWarmup,
	}
	if f.Keys != (KeysFile{}) && (f.Keys.Save == "" || f.Keys.Delete == "") {
		return Config{}, fmt.Errorf("umsys: keys: save and delete are both required when keys are given")
	}
	if err := f.AsteriskKeys.Validate(); err != nil {
		return Config{}, fmt.Errorf("umsys: asteriskKeys: %w", err)
	}
	if f.AsteriskSpool != "" && !strings.HasPrefix(f.AsteriskSpool, "/") {
		return Config{}, fmt.Errorf("umsys: asteriskSpool %q: want an absolute path", f.AsteriskSpool)
	}
	if len(f.Directory) > 0 {
		cfg.Translate.Directory = make(map[string]translate.Owner, len(f.Directory))
		for box, o := range f.Directory {
			cfg.Translate.Directory[box] = translate.Owner{MSISDN: o.MSISDN, Email: o.Email}
		}
	}
	if f.Profile != "" {
		p, err := canonical.LoadProfile(f.Profile)
		if err != nil {
			return Config{}, fmt.Errorf("umsys: %w", err)
		}
		cfg.Profile = p
	}
	roots := make([]content.Root, 0, len(f.Content.Roots))
	for _, r := range f.Content.Roots {
		roots = append(roots, content.Root{Prefix: r.Prefix, Dir: r.Dir})
	}
	var client *http.Client
	if f.CUMIURL != "" {
		c, err := cumiClient(f.CUMIURL, f.CUMIUser, f.CUMIPasswordFile)
		if err != nil {
			return Config{}, err
		}
		client = c
	}
	fetch, err := content.New(content.Config{Roots: roots, MaxBytes: f.Content.MaxBytes, ChunkBytes: f.Content.ChunkBytes, HTTPTimeout: f.Content.HTTPTimeout, Client: client})
	if err != nil {
		return Config{}, fmt.Errorf("umsys: %w", err)
	}
	cfg.Content = fetch
	return cfg, nil
}
