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
// returns that count. Each poll reads only what the LEMFs wrote since the last one: a
// poll that re-read everything would take CPU from the LEMF (and the umli) it waits for,
// and so delay the very PDUs whose latency is measured. A run's stragglers (PDUs still queued in the handover when the
// load stopped) are thus in the files before Measure reads them; dirs without a
// records file yet count as empty.
func Settle(ctx context.Context, quiet time.Duration, dirs ...string) (int, error) {
	if quiet <= 0 {
		return 0, fmt.Errorf("load: settle: quiet period %v must be positive", quiet)
	}
	tails := make([]tail, len(dirs))
	for i, d := range dirs {
		tails[i].dir = d
	}
	n := 0
	size := func() (int, error) {
		for i := range tails {
			if _, err := os.Stat(filepath.Join(tails[i].dir, lemf.RecordsFile)); os.IsNotExist(err) {
				continue
			}
			if err := tails[i].advance(func(Sample) { n++ }); err != nil {
				return n, fmt.Errorf("load: settle: %w", err)
			}
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
