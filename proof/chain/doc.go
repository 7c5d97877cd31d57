// Package chain assembles umli's delivery chain in-process for the proof suites:
// mediation and handover instances on a shared Redis (single server or Cluster) and an
// in-process LEMF on real sockets that can be stopped, restarted on the same addresses
// or replaced by a misbehaving listener. Everything is real; nothing is mocked.
package chain
