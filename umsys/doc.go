// Package umsys adapts unified-messaging platforms: it reads vendor event feeds
// (FreeSWITCH ESL, Asterisk AMI, generic JSON), keeps per-call state to infer the events a
// vendor never emits, and translates them into MessagingIRI/MessagingCC intercept records.
package umsys
