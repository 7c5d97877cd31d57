package translate

import "time"

// expireSessions finalises every session of tab idle past its timeout at now, and
// drops the records that ended up without a target.
func expireSessions[S any](dst []Output, tab *table[S], now time.Time, finalise func([]Output, *S, time.Time) []Output) []Output {
	n := len(dst)
	for _, s := range tab.expire(now) {
		dst = finalise(dst, s, now)
	}
	return dropAnonymous(dst, n)
}

// flushSessions finalises every session of tab at now (or, when now is zero, at the
// session's own last event time, so a replay ends where its input did).
func flushSessions[S any](dst []Output, tab *table[S], now time.Time, last func(*S) time.Time, finalise func([]Output, *S, time.Time) []Output) []Output {
	n := len(dst)
	for _, s := range tab.drain() {
		at := now
		if at.IsZero() {
			at = last(s)
		}
		dst = finalise(dst, s, at)
	}
	return dropAnonymous(dst, n)
}
