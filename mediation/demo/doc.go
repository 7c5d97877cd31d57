// Package demo runs the whole system in one process tree without external services: an
// embedded Redis (miniredis), an in-process LEMF writing to a directory, umli's mediation
// and handover with demo warrants, and scripted scenarios feeding intercept records. It
// ends with the LEMF's summary. `make demo` runs it through `umli demo`.
//
// Sources plug their simulators in as a Scenario: a function that feeds records into a
// record.Sink (mediation) and returns when done.
package demo
