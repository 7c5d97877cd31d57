package email

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

// vvmVoice builds an OMTP VVM v1.3 shaped voice message with audio as base64 AMR.
func vvmVoice(ctx string, audio []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(audio)
	var lines []string
	for len(enc) > 76 {
		lines = append(lines, enc[:76])
		enc = enc[76:]
	}
	lines = append(lines, enc)
	return []byte("From: +15550100@vvm.example\r\n" +
		"To: +15550199@vvm.example\r\n" +
		"Message-Context: " + ctx + "\r\n" +
		"X-CNS-Greeting-Type: normal-greeting\r\n" +
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\n" +
		"MIME-Version: 1.0\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain\r\n\r\nVoice message\r\n" +
		"--b1\r\nContent-Type: audio/amr\r\nContent-Transfer-Encoding: base64\r\n" +
		"Content-Disposition: attachment; filename=\"msg.amr\"\r\n\r\n" +
		strings.Join(lines, "\r\n") + "\r\n--b1--\r\n")
}

func TestParseVVMMessage(t *testing.T) {
	audio := append([]byte("#!AMR\n"), bytes.Repeat([]byte{0x3c, 0x00, 0xff, 0x0d, 0x0a}, 100)...)
	tests := []struct {
		name      string
		raw       []byte
		ctx       string
		greeting  VVMGreeting
		audio     []byte
		audioType string
		err       bool
	}{
		{"voice", vvmVoice("voice-message", audio), VVMContextVoice, GreetingPersonal, audio, "audio/amr", false},
		{"greeting", vvmVoice("x-voice-greeting-message", audio[:7]), VVMContextGreeting, GreetingPersonal, audio[:7], "audio/amr", false},
		{"no audio", []byte("Message-Context: voice-message\r\nContent-Type: text/plain\r\n\r\nhi\r\n"), VVMContextVoice, GreetingUnknown, nil, "", false},
		{"single part audio", []byte("Message-Context: Voice-Message\r\nContent-Type: audio/wav\r\n\r\nRIFF"), VVMContextVoice, GreetingUnknown, []byte("RIFF"), "audio/wav", false},
		{"no header end", []byte("Message-Context voice"), "", GreetingUnknown, nil, "", true},
		{"bad content type", []byte("Content-Type: ;;;\r\n\r\nx"), "", GreetingUnknown, nil, "", true},
		{"multipart no boundary", []byte("Content-Type: multipart/mixed\r\n\r\nx"), "", GreetingUnknown, nil, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseVVMMessage(tc.raw)
			if (err != nil) != tc.err {
				t.Fatalf("err = %v, want error %v", err, tc.err)
			}
			if tc.err {
				return
			}
			if m.Context != tc.ctx || m.GreetingType != tc.greeting || m.AudioType != tc.audioType {
				t.Fatalf("got %q %q %q, want %q %q %q", m.Context, m.GreetingType, m.AudioType, tc.ctx, tc.greeting, tc.audioType)
			}
			if !bytes.Equal(m.Audio, tc.audio) {
				t.Fatalf("audio %d bytes differs from the %d sent", len(m.Audio), len(tc.audio))
			}
		})
	}
}

func TestParseVVMPinChange(t *testing.T) {
	tests := []struct {
		args     []string
		new, old string
		err      string
	}{
		{[]string{"PWD=4321", "OLD_PWD=1234"}, "4321", "1234", ""},
		{[]string{"old_pwd=1234", "pwd=4321"}, "4321", "1234", ""},
		{[]string{"PWD=4321"}, "", "", "needs PWD= and OLD_PWD="},
		{[]string{"PWD=", "OLD_PWD=1"}, "", "", "PWD length 0"},
		{[]string{"PWD=" + strings.Repeat("9", 33), "OLD_PWD=1"}, "", "", "PWD length 33"},
		{[]string{"PIN=5555"}, "", "", "unknown argument \"PIN\""},
		{[]string{"5555"}, "", "", "without '='"},
	}
	for _, tc := range tests {
		pc, err := ParseVVMPinChange(tc.args)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("%v: err = %v, want %q", tc.args, err, tc.err)
			}
			if strings.Contains(err.Error(), "5555") || strings.Contains(err.Error(), "9999") {
				t.Fatalf("%v: error %q carries a PIN", tc.args, err)
			}
			continue
		}
		if err != nil || pc.New != tc.new || pc.Old != tc.old {
			t.Fatalf("%v: got %+v, %v", tc.args, pc, err)
		}
	}
}

func TestParseVVMGreetingType(t *testing.T) {
	for in, want := range map[string]VVMGreeting{
		"normal-greeting": GreetingPersonal, " Voice-Signature ": GreetingName, "busy-greeting": GreetingPersonal,
		"extended-absence-greeting": GreetingAbsence, "fun-greeting": GreetingUnknown, "x-other": GreetingUnknown, "": GreetingUnknown,
	} {
		if got := ParseVVMGreetingType(in); got != want {
			t.Fatalf("%q: got %q, want %q", in, got, want)
		}
	}
}

func TestParseVVMMessageAudioCut(t *testing.T) {
	raw := append([]byte("Content-Type: audio/amr\r\n\r\n"), make([]byte, maxVVMAudio+10)...)
	m, err := ParseVVMMessage(raw)
	if !errors.Is(err, ErrVVMAudioTooLarge) || len(m.Audio) != maxVVMAudio {
		t.Fatalf("err %v, %d bytes", err, len(m.Audio))
	}
}

func FuzzParseVVMMessage(f *testing.F) {
	f.Add(vvmVoice("voice-message", []byte("#!AMR\nabc")))
	f.Add([]byte("Message-Context: voice-message\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: multipart/alternative; boundary=y\r\n\r\n--y\r\nContent-Type: audio/amr\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=41=4D\r\n--y--\r\n--x--\r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := ParseVVMMessage(raw)
		if err == nil && len(m.Audio) > maxVVMAudio {
			t.Fatalf("audio %d bytes over bound", len(m.Audio))
		}
	})
}

func FuzzParseVVMPinChange(f *testing.F) {
	f.Add("PWD=4321 OLD_PWD=1234")
	f.Add("PWD= OLD_PWD")
	f.Fuzz(func(t *testing.T, line string) {
		pc, err := ParseVVMPinChange(strings.Fields(line))
		if err == nil && (len(pc.New) == 0 || len(pc.New) > maxVVMPin || len(pc.Old) > maxVVMPin) {
			t.Fatalf("accepted out-of-bound PIN lengths %d/%d", len(pc.New), len(pc.Old))
		}
	})
}
