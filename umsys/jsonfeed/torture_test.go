package jsonfeed

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/umli/umli/umsys/canonical"
)

func TestTortureValid(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "torture", "valid", "*"))
	if len(files) == 0 {
		t.Fatal("no valid torture files")
	}
	want := map[string]map[string]string{
		"cumi-comet.json": {"EventType": "SAVED_MESSAGE", "MailboxId": "abell", "MessageInfo.0.CallerAni": "null", "MessageInfo.0.Sender": "null",
			"MessageInfo.0.MessageId": "72204bd7-e5c3-446e-adb6-ae5f80db26fb", "MessageInfo.0.ReceiveTime": "04:15:40 PM 10/30/2008",
			"MessageInfo.0.Priority": "Normal-Priority", "MessageInfo.0.MsgType": "Voice"},
		"ringcentral-voicemail.json": {"body.from.phoneNumber": "+493012345678", "body.type": "VoiceMail", "body.to.0.phoneNumber": "+4917012345678", "body.to.0.name": "Target Subscriber"},
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for n := 1; sc.Scan(); n++ {
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			hs, err := canonical.Flatten(sc.Bytes())
			if err != nil {
				t.Errorf("%s line %d: %v", f, n, err)
				continue
			}
			got := map[string]string{}
			for _, h := range hs {
				got[h.Name] = h.Value
			}
			for k, v := range want[filepath.Base(f)] {
				if got[k] != v {
					t.Errorf("%s: %s = %q, want %q", f, k, got[k], v)
				}
			}
		}
	}
}

func TestTortureInvalid(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "torture", "invalid", "lines.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		if _, err := canonical.Flatten(sc.Bytes()); err == nil {
			t.Errorf("line %d accepted: %s", n, sc.Text())
		}
	}
}
