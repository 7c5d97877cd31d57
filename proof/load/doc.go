// Package load drives umli's mediation at a fixed rate with a mix of UM IRI and CC
// records, and measures from what the LEMF stored how many PDUs arrived and how long
// each took from the event (the record's time, carried in the PDU's micro-second time
// stamp) to the LEMF's receipt.
package load
