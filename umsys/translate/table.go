package translate

import (
	"container/list"
	"time"
)

// table holds per-call state, bounded in size and idle time. Most recently used
// sessions are at the front of the list, so both eviction and expiry look at the back.
type table[S any] struct {
	max  int
	idle time.Duration
	m    map[string]*list.Element
	l    list.List
}

type entry[S any] struct {
	key  string
	last time.Time
	s    *S
}

func newTable[S any](max int, idle time.Duration) *table[S] {
	return &table[S]{max: max, idle: idle, m: make(map[string]*list.Element)}
}

// get returns the session for key and marks it used at now; nil when absent.
func (t *table[S]) get(key string, now time.Time) *S {
	el, ok := t.m[key]
	if !ok {
		return nil
	}
	en := el.Value.(*entry[S])
	if now.After(en.last) {
		en.last = now
	}
	t.l.MoveToFront(el)
	return en.s
}

// peek returns the session for key without touching it.
func (t *table[S]) peek(key string) *S {
	if el, ok := t.m[key]; ok {
		return el.Value.(*entry[S]).s
	}
	return nil
}

// put adds s under key. When the table is full, the least recently used session is
// removed and returned so the caller can finalise it.
func (t *table[S]) put(key string, s *S, now time.Time) (evicted *S) {
	if el, ok := t.m[key]; ok {
		en := el.Value.(*entry[S])
		en.s, en.last = s, now
		t.l.MoveToFront(el)
		return nil
	}
	if len(t.m) >= t.max {
		if back := t.l.Back(); back != nil {
			en := back.Value.(*entry[S])
			t.l.Remove(back)
			delete(t.m, en.key)
			evicted = en.s
		}
	}
	t.m[key] = t.l.PushFront(&entry[S]{key: key, last: now, s: s})
	return evicted
}

func (t *table[S]) remove(key string) {
	if el, ok := t.m[key]; ok {
		t.l.Remove(el)
		delete(t.m, key)
	}
}

// expire removes and returns the sessions idle since before now-idle, oldest first.
func (t *table[S]) expire(now time.Time) []*S {
	var out []*S
	cutoff := now.Add(-t.idle)
	for back := t.l.Back(); back != nil; back = t.l.Back() {
		en := back.Value.(*entry[S])
		if !en.last.Before(cutoff) {
			break
		}
		t.l.Remove(back)
		delete(t.m, en.key)
		out = append(out, en.s)
	}
	return out
}

// drain removes and returns every session, oldest first.
func (t *table[S]) drain() []*S {
	var out []*S
	for back := t.l.Back(); back != nil; back = t.l.Back() {
		en := back.Value.(*entry[S])
		t.l.Remove(back)
		delete(t.m, en.key)
		out = append(out, en.s)
	}
	return out
}

func (t *table[S]) len() int { return len(t.m) }
