package etsi

import (
	"reflect"
	"sync"
	"testing"
)

// TestDecodeSharesNoState: the decoder's working state is recycled between calls, yet a
// decoded PS-PDU must depend only on its own bytes. Goroutines decode every golden vector
// concurrently, each after a failed decode of a truncated PDU (which abandons a working
// state mid-PDU), and every result must equal the vector (run with -race, this also shows
// that no two calls share a working state).
func TestDecodeSharesNoState(t *testing.T) {
	gvs := goldenVectors()
	pdus := make([][]byte, len(gvs))
	wants := make([]PSPDU, len(gvs))
	for i, gv := range gvs {
		pdus[i] = readGolden(t, gv.name)
		wants[i] = withDefaults(gv.pdu, gv.v) // before the goroutines: it writes into gv.pdu
	}
	const workers, rounds = 4, 3
	errs := make(chan string, workers*rounds*len(gvs))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for r := range rounds {
				for k := range gvs {
					i := (k + w + r) % len(gvs)
					// Another vector cut mid-way: decoding fails part-way through.
					other := pdus[(i+1)%len(pdus)]
					if _, _, err := DecodePSPDU(other[:len(other)*2/3]); err == nil {
						errs <- gvs[(i+1)%len(gvs)].name + ": truncated PDU decoded without error"
					}
					got, n, err := DecodePSPDU(pdus[i])
					if err != nil {
						errs <- gvs[i].name + ": " + err.Error()
						continue
					}
					if n != len(pdus[i]) {
						errs <- gvs[i].name + ": wrong length"
					}
					if !reflect.DeepEqual(got, wants[i]) {
						errs <- gvs[i].name + ": decoded value differs:\n got " + dump(got) + "\nwant " + dump(wants[i])
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
