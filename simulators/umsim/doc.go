// Package umsim simulates a unified-messaging platform on the wire: a FreeSWITCH
// event socket (mod_event_socket, inbound) and an Asterisk manager interface, both
// faithful to shared/reference/vendor-feeds.md, playing scripted voicemail scenarios
// to every subscribed client.
//
// Scenarios are data: scenarios/scenarios.yaml describes each call; Render turns it into
// the exact event bytes FreeSWITCH/Asterisk would send. The rendered transcripts are
// kept under scenarios/freeswitch/NAME.esl and scenarios/asterisk/NAME.ami (regenerate
// with UMSIM_UPDATE=1 go test ./simulators/umsim/) so translators and fixtures reuse
// exactly what the simulator sends.
package umsim
