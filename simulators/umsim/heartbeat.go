package umsim

import (
	"context"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/umli/umli/umsys/esl"
	"github.com/umli/umli/umsys/feed"
)

// heartbeatEvent renders a HEARTBEAT as switch_core.c send_heartbeat fills it (header
// set of the FS 1.5 capture in vendor-feeds.md §6.2).
func (u *UM) heartbeatEvent(at time.Time, seq int, up time.Duration) FSEventOut {
	p := u.script.FreeSWITCH
	at = at.UTC()
	hs := []feed.Header{
		{Name: "Event-Name", Value: "HEARTBEAT"},
		{Name: "Core-UUID", Value: p.CoreUUID},
		{Name: "FreeSWITCH-Hostname", Value: p.Hostname},
		{Name: "FreeSWITCH-Switchname", Value: p.Hostname},
		{Name: "FreeSWITCH-IPv4", Value: p.IPv4},
		{Name: "FreeSWITCH-IPv6", Value: "::1"},
		{Name: "Event-Date-Local", Value: at.Format("2006-01-02 15:04:05")},
		{Name: "Event-Date-GMT", Value: at.Format("Mon, 02 Jan 2006 15:04:05 GMT")},
		{Name: "Event-Date-Timestamp", Value: strconv.FormatInt(at.UnixMicro(), 10)},
		{Name: "Event-Calling-File", Value: "switch_core.c"},
		{Name: "Event-Calling-Function", Value: "send_heartbeat"},
		{Name: "Event-Calling-Line-Number", Value: "81"},
		{Name: "Event-Sequence", Value: strconv.Itoa(seq)},
		{Name: "Event-Info", Value: "System Ready"},
		{Name: "Up-Time", Value: "0 years, 0 days, 0 hours, 0 minutes, " + strconv.Itoa(int(up.Seconds())) + " seconds, 0 milliseconds, 0 microseconds"},
		{Name: "FreeSWITCH-Version", Value: "1.10.12-release+git~20260821T000000Z~cc93a683ca~64bit"},
		{Name: "Uptime-msec", Value: strconv.FormatInt(up.Milliseconds(), 10)},
		{Name: "Session-Count", Value: "0"},
		{Name: "Max-Sessions", Value: "1000"},
		{Name: "Session-Per-Sec", Value: "30"},
		{Name: "Session-Per-Sec-Last", Value: "0"},
		{Name: "Session-Per-Sec-Max", Value: "0"},
		{Name: "Session-Per-Sec-FiveMin", Value: "0"},
		{Name: "Session-Since-Startup", Value: "0"},
		{Name: "Session-Peak-Max", Value: "0"},
		{Name: "Session-Peak-FiveMin", Value: "0"},
		{Name: "Idle-CPU", Value: "98.000000"},
	}
	frame := esl.AppendFrame(nil, esl.TypeEventPlain, esl.AppendEventPlain(nil, hs, nil))
	return FSEventOut{Event: "HEARTBEAT", Headers: hs, Frame: frame}
}

// heartbeats sends HEARTBEAT every interval to the ESL sessions subscribed to it, as
// FreeSWITCH does every event-heartbeat-interval (20 s by default).
func (u *UM) heartbeats(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	started := time.Now()
	var seq atomic.Int64
	seq.Store(90000)
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			ev := u.heartbeatEvent(now, int(seq.Add(1)), now.Sub(started))
			u.playESL(ctx, []FSEventOut{ev})
		}
	}
}
