package translate

import (
	"fmt"
	"strings"
)

// DefaultAsteriskSpool is app_voicemail's spool with Asterisk's default astspooldir.
const DefaultAsteriskSpool = "/var/spool/asterisk/voicemail"

// AsteriskKeyMap names VoiceMailMain's main-menu keys (apps/app_voicemail.c
// vm_execmain). app_voicemail hard-codes them; the map exists for patched or localised
// builds. Save and Folder take a folder digit next (0 INBOX, 1 Old, 2 Work, 3 Family,
// 4 Friends, 5-9 Cust1-5, # cancels); Options and Advanced open sub-menus that Back
// leaves.
type AsteriskKeyMap struct {
	First    string `yaml:"first"`    // play the first message (1)
	Repeat   string `yaml:"repeat"`   // play the current message again (5)
	Prev     string `yaml:"prev"`     // previous message (4)
	Next     string `yaml:"next"`     // next message (6)
	Delete   string `yaml:"delete"`   // delete / undelete the current message (7)
	Save     string `yaml:"save"`     // save the current message to a folder (9)
	Folder   string `yaml:"folder"`   // change folder (2)
	Advanced string `yaml:"advanced"` // advanced options: reply, callback, envelope, dial out (3)
	Forward  string `yaml:"forward"`  // forward the current message (8)
	Options  string `yaml:"options"`  // mailbox options: greetings, password (0)
	Back     string `yaml:"back"`     // leave a sub-menu (*)
	Exit     string `yaml:"exit"`     // leave VoiceMailMain (#)
}

// DefaultAsteriskKeyMap is app_voicemail's key map.
func DefaultAsteriskKeyMap() AsteriskKeyMap {
	return AsteriskKeyMap{First: "1", Repeat: "5", Prev: "4", Next: "6", Delete: "7", Save: "9",
		Folder: "2", Advanced: "3", Forward: "8", Options: "0", Back: "*", Exit: "#"}
}

func (k AsteriskKeyMap) withDefaults() AsteriskKeyMap {
	d := DefaultAsteriskKeyMap()
	dst, def := k.fieldPtrs(), d.fieldPtrs()
	for i, p := range dst {
		if *p == "" {
			*p = *def[i]
		}
	}
	return k
}

func (k *AsteriskKeyMap) fieldPtrs() []*string {
	return []*string{&k.First, &k.Repeat, &k.Prev, &k.Next, &k.Delete, &k.Save, &k.Folder, &k.Advanced, &k.Forward, &k.Options, &k.Back, &k.Exit}
}

// Validate checks that every key given is one DTMF digit and that the main-menu keys,
// with the defaults filled in, are distinct (Back may repeat one: it only acts in
// sub-menus).
func (k AsteriskKeyMap) Validate() error {
	names := []string{"first", "repeat", "prev", "next", "delete", "save", "folder", "advanced", "forward", "options", "back", "exit"}
	for i, p := range k.fieldPtrs() {
		if *p != "" && (len(*p) != 1 || !strings.Contains("0123456789*#ABCD", *p)) {
			return fmt.Errorf("asterisk key %s %q: want one DTMF digit (0-9, *, #, A-D)", names[i], *p)
		}
	}
	full := k.withDefaults()
	seen := map[string]string{}
	for i, p := range full.fieldPtrs() {
		if names[i] == "back" {
			continue
		}
		if o, ok := seen[*p]; ok {
			return fmt.Errorf("asterisk keys %s and %s are both %q", o, names[i], *p)
		}
		seen[*p] = names[i]
	}
	return nil
}
