// Package wire holds the dialect-neutral plumbing under the UM platform event
// feeds (AMI, ESL): the compacting buffer a framer splits, the handshake reader
// that keeps frames which arrived early, and the handshake deadline. Framing and
// protocol rules stay in each dialect's package.
package wire
