package translate_test

import (
	"sync"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/umsys/translate"
)

// produced collects every Messaging-*-Event value any test in this package produced,
// so TestEveryEventProduced can check the whole enumeration is covered.
var produced = &eventSet{m: map[string]bool{}}

type eventSet struct {
	mu sync.Mutex
	m  map[string]bool
}

func (s *eventSet) note(o translate.Output) {
	if o.Record.MessagingIRI == nil {
		return
	}
	s.mu.Lock()
	s.m[categoryName(o.Record.MessagingIRI.Category)] = true
	s.mu.Unlock()
}

func (s *eventSet) has(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[name]
}

// allEventNames lists every value of the four Messaging-*-Event enumerations
// (EmailPDU version20), through the codec's String so a new value cannot be missed
// silently: the exhaustive switches below must list it.
func allEventNames() []string {
	var names []string
	for v := etsi.EventDeposit; v <= etsi.EventContact; v++ {
		names = append(names, "message:"+v.String())
	}
	for v := etsi.BoxUnknown; v <= etsi.BoxHeaderPlayDisable; v++ {
		names = append(names, "box:"+v.String())
	}
	for v := etsi.NotificationSMS; v <= etsi.NotificationGeneric; v++ {
		names = append(names, "notification:"+v.String())
	}
	names = append(names, "call:"+etsi.CallCallout.String())
	return names
}
