package ber

import (
	"fmt"
	"testing"
	"time"
)

// refGeneralizedTime is the time.Date reading of a valid YYYYMMDDHHMMSS[.f]Z value, with
// the day check the parser used before its own calendar arithmetic.
func refGeneralizedTime(y, mo, d, h, mi, s, ns int) (time.Time, bool) {
	t := time.Date(y, time.Month(mo), d, h, mi, s, ns, time.UTC)
	return t, t.Day() == d
}

// TestGeneralizedTimeCalendar checks the parser's day arithmetic against time.Date over
// every day of sampled years (leap and century years included) and the edges of a day.
func TestGeneralizedTimeCalendar(t *testing.T) {
	years := []int{0, 1, 4, 99, 100, 400, 1582, 1899, 1900, 1969, 1970, 1971, 1999, 2000, 2023, 2024, 2038, 2100, 2400, 9999}
	clocks := [][3]int{{0, 0, 0}, {10, 45, 19}, {23, 59, 59}, {23, 59, 60}, {12, 30, 60}}
	for _, y := range years {
		for mo := 1; mo <= 12; mo++ {
			for d := 1; d <= 31; d++ {
				for _, c := range clocks {
					in := fmt.Sprintf("%04d%02d%02d%02d%02d%02d.25Z", y, mo, d, c[0], c[1], c[2])
					got, err := ParseGeneralizedTime([]byte(in))
					want, ok := refGeneralizedTime(y, mo, d, c[0], c[1], c[2], 250000000)
					if ok != (err == nil) {
						t.Fatalf("%s: error %v, time.Date valid=%v", in, err, ok)
					}
					if ok && got != want {
						t.Fatalf("%s: %v, time.Date %v", in, got, want)
					}
				}
			}
		}
	}
	// A zone offset shifts the instant, as before.
	got, err := ParseGeneralizedTime([]byte("20240229233000-0130"))
	if want := time.Date(2024, 3, 1, 1, 0, 0, 0, time.UTC); err != nil || got != want {
		t.Fatalf("offset: %v %v, want %v", got, err, want)
	}
}
