// Package measure reads LEMF output directories (lemf listen --out, simulators/lemf) —
// also while the LEMF is still writing — and tells how many PDUs arrived and how long
// each took from the event (the record's time, carried in the PDU's micro-second time
// stamp, else its GeneralizedTime) to the LEMF's receipt: Samples, Summarize, Measure.
// Settle waits until a LEMF has stopped receiving. Both the in-process load proof
// (proof/load) and the out-of-process load tool (simulators/loadgen) report with it.
package measure
