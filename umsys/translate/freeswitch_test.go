package translate_test

import (
	"testing"

	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/translate"
)

func TestFreeSWITCHTranscripts(t *testing.T) {
	cases := []struct {
		file string
		want []string
	}{
		{"deposit", []string{
			"fs.connect box:connect operation-succeeded user open",
			"fs.greeting-play box:greeting-play operation-started system continue",
			"fs.deposit message:deposit operation-succeeded user continue",
			"fs.raw.message-waiting raw unknown unknown continue",
			"fs.raw.mwi-update raw unknown unknown continue",
			"fs.email-notification notification:email operation-started system continue",
			"fs.disconnect box:disconnect operation-succeeded user close",
		}},
		{"deposit-urgent", []string{
			"fs.connect box:connect operation-succeeded user open",
			"fs.greeting-play box:greeting-play operation-started system continue",
			"fs.deposit message:deposit operation-succeeded user continue",
			"fs.raw.message-waiting raw unknown unknown continue",
			"fs.email-notification notification:email operation-started system continue",
			"fs.disconnect box:disconnect operation-succeeded user close",
		}},
		{"slamdown", []string{
			"fs.connect box:connect operation-succeeded user open",
			"fs.greeting-play box:greeting-play operation-started system continue",
			"fs.slamdown message:slamdown not-applicable user continue",
			"fs.disconnect box:disconnect operation-succeeded user close",
		}},
		{"retrieve", []string{
			"fs.connect box:connect operation-succeeded user open",
			"fs.login box:login operation-failed user continue",
			"fs.login box:login operation-failed user continue",
			"fs.login box:login operation-succeeded user continue",
			"fs.raw.folder-summary raw unknown unknown continue",
			"fs.retrieve.start message:retrieve operation-started user continue",
			"fs.retrieve.end message:retrieve operation-succeeded user continue",
			"fs.tui-key.save message:save operation-started user continue",
			"fs.retrieve.start message:retrieve operation-started user continue",
			"fs.tui-key.delete message:delete operation-started user continue",
			"fs.retrieve.end message:retrieve operation-cancelled user continue",
			"fs.tui-confirmed.save message:save operation-succeeded user continue",
			"fs.tui-confirmed.delete message:delete operation-succeeded user continue",
			"fs.raw.message-waiting raw unknown unknown continue",
			"fs.raw.mwi-update raw unknown unknown continue",
			"fs.raw.folder-summary raw unknown unknown continue",
			"fs.logout box:logout operation-succeeded user close",
		}},
		{"config-menu", []string{
			"fs.connect box:connect operation-succeeded user open",
			"fs.login box:login operation-succeeded user continue",
			"fs.raw.folder-summary raw unknown unknown continue",
			"fs.greeting-record box:greeting-record operation-succeeded user continue",
			"fs.greeting-change box:greeting-change operation-succeeded user continue",
			"fs.greeting-delete box:greeting-delete operation-succeeded user continue",
			"fs.name-record box:greeting-record operation-succeeded user continue",
			"fs.pin-change box:pin-change operation-succeeded user continue",
			"fs.disconnect box:disconnect operation-succeeded user close",
		}},
		{"api-inject", []string{
			"fs.deposit.api message:deposit operation-succeeded system-operator standalone",
			"fs.raw.mwi-update raw unknown unknown standalone",
		}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			tr := translate.NewFreeSWITCH(translate.Config{SystemID: "fs-um-1"})
			out := runFile(t, tr, feed.FreeSWITCH, "testdata/freeswitch/"+c.file+".esl")
			assertSummaries(t, out, c.want)
			if tr.Sessions() != 0 {
				t.Errorf("%d sessions left after flush", tr.Sessions())
			}
		})
	}
}

func TestAsteriskTranscripts(t *testing.T) {
	cases := []struct {
		file string
		want []string
	}{
		{"deposit", []string{
			"ami.connect box:connect operation-succeeded user open",
			"ami.deposit message:deposit operation-succeeded user continue",
			"ami.disconnect box:disconnect operation-succeeded user close",
		}},
		{"slamdown", []string{
			"ami.connect box:connect operation-succeeded user open",
			"ami.slamdown message:slamdown not-applicable user continue",
			"ami.disconnect box:disconnect operation-succeeded user close",
		}},
		{"tui", []string{
			"ami.connect box:connect operation-succeeded user open",
			"ami.login.inferred box:login operation-succeeded user continue",
			"ami.pin-change box:pin-change operation-succeeded user continue",
			"ami.logout box:logout operation-succeeded user close",
		}},
		{"tui-hangup", []string{
			"ami.connect box:connect operation-succeeded user open",
			"ami.disconnect box:disconnect operation-succeeded user close",
		}},
		{"tui-dtmf", []string{
			"ami.connect box:connect operation-succeeded user open",
			"ami.login.start box:login operation-started user continue",
			"ami.retrieve.start message:retrieve operation-started user continue",
			"ami.tui-key.delete message:delete operation-started user continue",
			"ami.retrieve.start message:retrieve operation-started user continue",
			"ami.tui-key.save message:save operation-started user continue",
			"ami.login.confirmed box:login operation-succeeded user continue",
			"ami.retrieve.confirmed message:retrieve operation-succeeded user continue",
			"ami.tui-confirmed.delete message:delete operation-succeeded user continue",
			"ami.retrieve.confirmed message:retrieve operation-succeeded user continue",
			"ami.tui-confirmed.save message:save operation-succeeded user continue",
			"ami.logout box:logout operation-succeeded user close",
		}},
		{"tui-login-failed", []string{
			"ami.connect box:connect operation-succeeded user open",
			"ami.login.start box:login operation-started user continue",
			"ami.login.failed box:login operation-failed user continue",
			"ami.disconnect box:disconnect operation-succeeded user close",
		}},
		{"misc", []string{
			"ami.raw.MessageWaiting raw unknown unknown standalone",
			"ami.raw.MessageWaiting raw unknown unknown standalone",
			"ami.email-notification notification:email unknown system standalone",
		}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			tr := translate.NewAsterisk(translate.Config{SystemID: "ast-um-1"})
			out := runFile(t, tr, feed.Asterisk, "testdata/asterisk/"+c.file+".ami")
			assertSummaries(t, out, c.want)
			if tr.Sessions() != 0 {
				t.Errorf("%d sessions left after flush", tr.Sessions())
			}
		})
	}
}
