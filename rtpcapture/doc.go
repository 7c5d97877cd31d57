// Package rtpcapture captures the SIP/RTP legs of calls to the UM system and turns their
// media into MessagingCC intercept records (TS 102 232-2 Table 6).
package rtpcapture
