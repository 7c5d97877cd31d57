package adapter_test

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"gopkg.in/yaml.v3"

	"github.com/umli/umli/umsys/adapter"
)

func TestFileConfig(t *testing.T) {
	dir := t.TempDir()
	doc := `systemID: um-1
idleTimeout: 5m
keys: {save: "9", delete: "3"}
asteriskSpool: /srv/asterisk/spool/voicemail
asteriskKeys: {delete: "3", advanced: "7"}
directory:
  "1000@um.example.net": {msisdn: "+4917012345678", email: bob@example.net}
profile: ../canonical/testdata/profiles/omtp-vvm.yaml
content:
  roots: [{prefix: /var/lib/freeswitch/storage, dir: ` + dir + `}]
  chunkBytes: 4096
`
	var fc adapter.FileConfig
	if err := yaml.Unmarshal([]byte(doc), &fc); err != nil {
		t.Fatal(err)
	}
	cfg, err := fc.Build(zerolog.Nop(), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	defer cfg.Content.Close()
	if cfg.Translate.SystemID != "um-1" || cfg.Translate.Keys.Delete != "3" || cfg.Profile == nil || cfg.Profile.Name != "omtp-vvm" ||
		cfg.Translate.Directory["1000@um.example.net"].MSISDN != "+4917012345678" ||
		cfg.Translate.AsteriskSpool != "/srv/asterisk/spool/voicemail" || cfg.Translate.AsteriskKeys.Delete != "3" || cfg.Translate.AsteriskKeys.Advanced != "7" {
		t.Errorf("built %+v", cfg.Translate)
	}
	if _, err := adapter.New(cfg, nil); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct{ doc, want string }{
		{"keys: {save: \"9\"}\n", "save and delete"},
		{"profile: /nonexistent.yaml\n", "profile"},
		{"content: {roots: [{prefix: relative/path}]}\n", "not absolute"},
		{"content: {roots: [{prefix: /x, dir: /nonexistent-dir}]}\n", "content root"},
		{"asteriskKeys: {delete: \"9\"}\n", "asteriskKeys"},
		{"asteriskKeys: {exit: \"x\"}\n", "asteriskKeys"},
		{"asteriskSpool: spool/voicemail\n", "asteriskSpool"},
	} {
		var fc adapter.FileConfig
		if err := yaml.Unmarshal([]byte(c.doc), &fc); err != nil {
			t.Fatal(err)
		}
		if _, err := fc.Build(zerolog.Nop(), nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.doc, err, c.want)
		}
	}
}
