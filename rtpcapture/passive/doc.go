// Package passive captures calls to the UM system from copied traffic: a pcap file or
// frames from a live tap. SIP over UDP and TCP is parsed with sipgo's parser; the SDP
// offer and answer of each INVITE dialog say which UDP flows carry its RTP, and only
// those flows are read (from the peer's negotiated address) into rtpcapture legs.
// Time is the capture's: media timeouts run on packet timestamps, so a file replays the
// same way however fast it is read. ReadPcap takes pcap and pcapng (Ethernet or Linux
// SLL); OpenInterface/Run capture live with AF_PACKET (Linux, CAP_NET_RAW).
package passive
