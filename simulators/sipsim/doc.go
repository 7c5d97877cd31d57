// Package sipsim simulates the SIP parties around a UM system, on real sockets with
// emiago/sipgo and pion/rtp: a caller depositing a message into a box (G.711 of a
// generated tone), a box owner calling in and pressing keys (RFC 4733), the UM system
// answering both (playing its own tone), and the SIPREC recording client (SRC) in the
// UM system that forks both directions of each call to umli's recording endpoint with
// rs-metadata naming the participants. Results carry exactly what was sent, so tests can
// compare MessagingCC content sample by sample. `umsim sip` wraps it.
package sipsim
