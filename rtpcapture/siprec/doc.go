// Package siprec is umli's recording endpoint (an RFC 7866 SRS on emiago/sipgo): the UM
// platform or its SBC sends a SIPREC INVITE (one m= line per direction, a=label,
// a=sendonly, application/rs-metadata+xml naming the participants) or a plain SDP
// offer; the endpoint answers with its own RTP ports (recvonly), reads the forked RTP
// of each negotiated stream from the offered source address only, and turns it into
// MessagingCC through rtpcapture. It follows re-INVITE (new streams, moved sources),
// BYE, CANCEL and RFC 4028 session timers; a stream silent for MediaTimeout is closed,
// and a call whose streams all went silent, or whose session timer lapsed, is ended
// with a BYE.
package siprec
