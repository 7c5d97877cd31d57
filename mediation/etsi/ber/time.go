package ber

import (
	"errors"
	"fmt"
	"time"
)

// ErrTime is returned for a time that GeneralizedTime cannot carry (years outside 0..9999).
var ErrTime = errors.New("time not representable as GeneralizedTime")

// AppendGeneralizedTime appends t in UTC as YYYYMMDDHHMMSS[.f]Z, with the fraction only as
// long as needed (no trailing zeros), the form DER uses and every decoder accepts.
func AppendGeneralizedTime(dst []byte, tag Tag, t time.Time) ([]byte, error) {
	t = t.UTC()
	y, mo, d := t.Date()
	if y < 0 || y > 9999 {
		return dst, fmt.Errorf("%w: year %d", ErrTime, y)
	}
	h, mi, s := t.Clock()
	ns := t.Nanosecond()
	var frac [10]byte
	nf := 0
	if ns != 0 {
		frac[0] = '.'
		digits := 9
		for ns%10 == 0 {
			ns /= 10
			digits--
		}
		for i := digits; i >= 1; i-- {
			frac[i] = byte('0' + ns%10)
			ns /= 10
		}
		nf = digits + 1
	}
	dst = AppendTag(dst, tag)
	dst = append(dst, byte(15+nf))
	dst = append(dst,
		byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10),
		byte('0'+int(mo)/10), byte('0'+int(mo)%10), //nolint:gosec // G115: month and day of a time.Time are in range, so every digit is 0..9
		byte('0'+d/10), byte('0'+d%10), //nolint:gosec // G115: month and day of a time.Time are in range, so every digit is 0..9
		byte('0'+h/10), byte('0'+h%10), //nolint:gosec // G115: hour and minute of a time.Time are in range, so every digit is 0..9
		byte('0'+mi/10), byte('0'+mi%10), //nolint:gosec // G115: hour and minute of a time.Time are in range, so every digit is 0..9
		byte('0'+s/10), byte('0'+s%10)) //nolint:gosec // G115: seconds of a time.Time are 0..59, so every digit is 0..9
	dst = append(dst, frac[:nf]...)
	return append(dst, 'Z'), nil
}

// ParseGeneralizedTime parses GeneralizedTime content: YYYYMMDDHH[MM[SS]][.f|,f][Z|+hhmm|-hhmm].
// A local time without zone is taken as UTC (ETSI requires UTC; senders omitting the Z mean it).
func ParseGeneralizedTime(b []byte) (time.Time, error) {
	p := 0
	num := func(n int) (int, bool) {
		if p+n > len(b) {
			return 0, false
		}
		v := 0
		for i := 0; i < n; i++ {
			c := b[p+i]
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		p += n
		return v, true
	}
	bad := func(why string) (time.Time, error) {
		return time.Time{}, fmt.Errorf("%w: GeneralizedTime %q: %s", ErrValue, b, why)
	}
	y, ok1 := num(4)
	mo, ok2 := num(2)
	d, ok3 := num(2)
	h, ok4 := num(2)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return bad("need YYYYMMDDHH")
	}
	mi, s, ns := 0, 0, 0
	if v, ok := num(2); ok {
		mi = v
		if v, ok := num(2); ok {
			s = v
		}
	}
	if p < len(b) && (b[p] == '.' || b[p] == ',') {
		p++
		start := p
		scale := 100000000
		for p < len(b) && b[p] >= '0' && b[p] <= '9' {
			if scale > 0 {
				ns += int(b[p]-'0') * scale
				scale /= 10
			}
			p++
		}
		if p == start {
			return bad("empty fraction")
		}
	}
	offset := 0
	switch {
	case p == len(b):
	case b[p] == 'Z' && p+1 == len(b):
		p++
	case (b[p] == '+' || b[p] == '-') && p+5 == len(b):
		sign := 1
		if b[p] == '-' {
			sign = -1
		}
		p++
		oh, ok1 := num(2)
		om, ok2 := num(2)
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return bad("bad zone offset")
		}
		offset = sign * (oh*3600 + om*60)
	default:
		return bad("trailing characters")
	}
	if mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 {
		return bad("field out of range")
	}
	// A day beyond the month's end, or a leap second that time.Date would carry into
	// the next day, is no such day.
	if d > daysIn(y, mo) || (h == 23 && mi == 59 && s == 60) {
		return bad("no such day")
	}
	// Unix arithmetic rather than time.Date plus Day(): both showed in decode profiles.
	sec := daysFromCivil(y, mo, d)*86400 + int64(h*3600+mi*60+s-offset)
	return time.Unix(sec, int64(ns)).UTC(), nil
}

// daysIn is the number of days of month m (1-12) in year y (proleptic Gregorian).
func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is the number of days from 1970-01-01 to y-m-d (H. Hinnant's
// days_from_civil), for years 0-9999 as GeneralizedTime carries them.
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}
