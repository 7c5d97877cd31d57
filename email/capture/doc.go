// Package capture is the passive e-mail tap: it reads captured packets (pcap or pcapng
// files, or a live Linux interface), reassembles TCP with gopacket's tcpassembly, and
// feeds each session's two directions to the protocol's state machine (package email).
//
// What flows in: Ethernet/IPv4/IPv6 TCP packets. What flows out: intercept records to
// an email.Emit. The server side of a session is the endpoint whose port is in
// Config.Ports. Encrypted sessions (implicit TLS, after STARTTLS) are counted, not
// parsed. Pure Go: no libpcap.
//
//go:generate go run ./mkpcap -out testdata
package capture
