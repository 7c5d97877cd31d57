package measure

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/umli/umli/simulators/lemf"
)

// Settle waits until the LEMFs writing dirs have stopped receiving PDUs: until the count
// of Samples (keep-alives and resends excluded, so an idle handover's keep-alives do not
// count as traffic) stayed the same for quiet (polled every quiet/4), or ctx ends. It
// returns that count. A run's stragglers (PDUs still queued in the handover when the
// load stopped) are thus in the files before Measure reads them; dirs without a
// records file yet count as empty.
func Settle(ctx context.Context, quiet time.Duration, dirs ...string) (int, error) {
	if quiet <= 0 {
		return 0, fmt.Errorf("load: settle: quiet period %v must be positive", quiet)
	}
	size := func() (int, error) {
		n := 0
		for _, d := range dirs {
			if _, err := os.Stat(filepath.Join(d, lemf.RecordsFile)); os.IsNotExist(err) {
				continue
			}
			s, err := Samples(d)
			if err != nil {
				return n, fmt.Errorf("load: settle: %w", err)
			}
			n += len(s)
		}
		return n, nil
	}
	last, _ := size()
	t := time.NewTicker(quiet / 4)
	defer t.Stop()
	since := time.Now()
	for {
		select {
		case <-ctx.Done():
			return last, fmt.Errorf("load: settle: %w", ctx.Err())
		case <-t.C:
		}
		n, err := size()
		if err != nil {
			// A LEMF overflowing its records buffer may be caught between two flushes:
			// not settled; a lasting error is Measure's (or BuildReport's) to report.
			since = time.Now()
			continue
		}
		if n != last {
			last, since = n, time.Now()
			continue
		}
		if time.Since(since) >= quiet {
			return n, nil
		}
	}
}
