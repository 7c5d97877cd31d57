package translate

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/umsys/esl"
	"github.com/umli/umli/umsys/feed"
)

var update = flag.Bool("update", false, "rewrite testdata/freeswitch/*.esl from their .txt specs")

// The FreeSWITCH fixtures are synthesized (vendor-feeds.md 6.6: no public vm::maintenance
// capture exists) from compact specs: each block is one event's own headers; the
// generator adds the envelope of switch_event_prep_for_delivery (1.2) and, for blocks
// marked "channel", the channel data block, then serialises with the ESL encoder.
//
// Spec syntax: "call <uuid> <caller number> <caller name> <destination>" sets the
// channel; "@ <Event-Name> [<subclass>] [channel] [noenvelope]" starts an event; other
// lines are "Name: value" (decoded); "#" starts a comment.

const fsCoreUUID = "6b8ad3a4-6d2c-4a0e-9a55-0c4c0f1e2d3a"

type fsCall struct{ uuid, number, name, dest string }

func genESL(spec []byte) ([]byte, error) {
	var out []byte
	var call fsCall
	at := time.Date(2024, 5, 1, 10, 15, 30, 123456000, time.UTC)
	seq := 48200
	var cur *fsSpecEvent
	flush := func() {
		if cur == nil {
			return
		}
		seq++
		at = at.Add(time.Second)
		body := esl.AppendEventPlain(nil, cur.headers(call, at, seq), nil)
		out = esl.AppendFrame(out, esl.TypeEventPlain, body)
		cur = nil
	}
	sc := bufio.NewScanner(bytes.NewReader(spec))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "call "):
			f := strings.SplitN(line, " ", 5)
			if len(f) != 5 {
				return nil, fmt.Errorf("line %d: call wants 4 fields", n)
			}
			call = fsCall{f[1], f[2], f[3], f[4]}
		case strings.HasPrefix(line, "@ "):
			flush()
			f := strings.Fields(line[2:])
			cur = &fsSpecEvent{name: f[0]}
			for _, w := range f[1:] {
				switch w {
				case "channel":
					cur.channel = true
				case "noenvelope":
					cur.noEnvelope = true
				default:
					cur.subclass = w
				}
			}
		default:
			name, value, ok := strings.Cut(line, ":")
			if !ok || cur == nil {
				return nil, fmt.Errorf("line %d: want Name: value inside an event", n)
			}
			cur.own = append(cur.own, feed.Header{Name: name, Value: strings.TrimSpace(value)})
		}
	}
	flush()
	return out, sc.Err()
}

type fsSpecEvent struct {
	name, subclass      string
	channel, noEnvelope bool
	own                 []feed.Header
}

func (e *fsSpecEvent) headers(c fsCall, at time.Time, seq int) []feed.Header {
	var h []feed.Header
	add := func(n, v string) { h = append(h, feed.Header{Name: n, Value: v}) }
	if !e.noEnvelope {
		add("Event-Name", e.name)
		add("Core-UUID", fsCoreUUID)
		add("FreeSWITCH-Hostname", "fs1.example.net")
		add("FreeSWITCH-Switchname", "fs1.example.net")
		add("FreeSWITCH-IPv4", "192.0.2.10")
		add("FreeSWITCH-IPv6", "::1")
		add("Event-Date-Local", at.Format("2006-01-02 15:04:05"))
		add("Event-Date-GMT", at.Format("Mon, 02 Jan 2006 15:04:05 GMT"))
		add("Event-Date-Timestamp", strconv.FormatInt(at.UnixMicro(), 10))
		add("Event-Calling-File", "mod_voicemail.c")
		add("Event-Calling-Function", "voicemail_check_main")
		add("Event-Calling-Line-Number", "2607")
		add("Event-Sequence", strconv.Itoa(seq))
		if e.subclass != "" {
			add("Event-Subclass", e.subclass)
		}
	}
	h = append(h, e.own...)
	if e.channel {
		created := strconv.FormatInt(at.Add(-30*time.Second).UnixMicro(), 10)
		add("Channel-State", "CS_EXECUTE")
		add("Channel-Call-State", "ACTIVE")
		add("Channel-State-Number", "4")
		add("Channel-Name", "sofia/internal/"+c.number+"@192.0.2.10")
		add("Unique-ID", c.uuid)
		add("Call-Direction", "inbound")
		add("Presence-Call-Direction", "inbound")
		add("Channel-HIT-Dialplan", "true")
		add("Channel-Call-UUID", c.uuid)
		add("Answer-State", "answered")
		add("Channel-Read-Codec-Name", "PCMU")
		add("Channel-Read-Codec-Rate", "8000")
		add("Channel-Write-Codec-Name", "PCMU")
		add("Channel-Write-Codec-Rate", "8000")
		add("Caller-Direction", "inbound")
		add("Caller-Logical-Direction", "inbound")
		add("Caller-Username", c.number)
		add("Caller-Dialplan", "XML")
		add("Caller-Caller-ID-Name", c.name)
		add("Caller-Caller-ID-Number", c.number)
		add("Caller-Orig-Caller-ID-Name", c.name)
		add("Caller-Orig-Caller-ID-Number", c.number)
		add("Caller-Network-Addr", "198.51.100.7")
		add("Caller-ANI", c.number)
		add("Caller-Destination-Number", c.dest)
		add("Caller-Unique-ID", c.uuid)
		add("Caller-Source", "mod_sofia")
		add("Caller-Context", "default")
		add("Caller-Channel-Name", "sofia/internal/"+c.number+"@192.0.2.10")
		add("Caller-Profile-Index", "1")
		add("Caller-Profile-Created-Time", created)
		add("Caller-Channel-Created-Time", created)
		add("Caller-Channel-Answered-Time", created)
		add("Caller-Channel-Progress-Time", "0")
		add("Caller-Channel-Progress-Media-Time", "0")
		add("Caller-Channel-Hangup-Time", "0")
		add("Caller-Channel-Transfer-Time", "0")
		for _, v := range [][2]string{
			{"direction", "inbound"}, {"uuid", c.uuid}, {"session_id", "17"},
			{"sip_from_user", c.number}, {"sip_from_uri", c.number + "@example.net"},
			{"sip_from_host", "example.net"}, {"sip_to_user", c.dest}, {"sip_to_uri", c.dest + "@example.net"},
			{"sip_call_id", c.uuid + "@198.51.100.7"}, {"sip_user_agent", "Yealink SIP-T46S 66.86.0.15"},
			{"sip_via_protocol", "udp"}, {"sip_network_ip", "198.51.100.7"}, {"sip_network_port", "5060"},
			{"channel_name", "sofia/internal/" + c.number + "@192.0.2.10"}, {"read_codec", "PCMU"},
			{"write_codec", "PCMU"}, {"remote_media_ip", "198.51.100.7"}, {"remote_media_port", "16384"},
			{"local_media_ip", "192.0.2.10"}, {"local_media_port", "20000"}, {"endpoint_disposition", "ANSWER"},
			{"current_application", "voicemail"}, {"effective_caller_id_number", c.number},
			{"effective_caller_id_name", c.name}, {"domain_name", "example.net"}, {"hangup_after_bridge", "true"},
			{"continue_on_fail", "true"}, {"voicemail_authorized", "false"}, {"rtp_use_codec_string", "PCMU,PCMA,G722"},
		} {
			add("variable_"+v[0], v[1])
		}
	}
	return h
}

// TestFixturesUpToDate regenerates every .esl fixture from its spec and compares.
func TestFixturesUpToDate(t *testing.T) {
	specs, err := filepath.Glob("testdata/freeswitch/*.txt")
	if err != nil || len(specs) == 0 {
		t.Fatalf("no fixture specs: %v", err)
	}
	for _, spec := range specs {
		b, err := os.ReadFile(spec)
		if err != nil {
			t.Fatal(err)
		}
		got, err := genESL(b)
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		dst := strings.TrimSuffix(spec, ".txt") + ".esl"
		if *update {
			if err := os.WriteFile(dst, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(dst)
		if err != nil {
			t.Fatalf("%v (run go test -run TestFixturesUpToDate -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go test -run TestFixturesUpToDate -update", dst)
		}
	}
}
