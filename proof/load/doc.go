// Package load drives umli's mediation at a fixed rate with a mix of UM IRI and CC
// records, and measures from what the LEMF stored how many PDUs arrived and how long
// each took from the event (the record's time, carried in the PDU's micro-second time
// stamp, else its GeneralizedTime) to the LEMF's receipt.
//
// Run is the in-process generator (mediation's record.Sink, no sources). Samples,
// Summarize and Measure read LEMF output directories (lemf listen --out) — also while
// the LEMF is still writing — and Settle waits until a LEMF has stopped receiving. The
// out-of-process load tool, `umsim load` (simulators/loadgen), drives a running umli
// through its sources and reports with these functions.
package load
