// Package load drives umli's mediation at a fixed rate with a mix of UM IRI and CC
// records. Run is the in-process generator (mediation's record.Sink, no sources); what
// the LEMF stored is measured with simulators/lemf/measure, as the out-of-process load
// tool, `umsim load` (simulators/loadgen), measures a running umli driven through its
// sources.
package load
