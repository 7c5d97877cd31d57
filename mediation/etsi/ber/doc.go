// Package ber holds the hand-written ASN.1 BER primitives the ETSI codec is built on.
//
// Encoding appends into a caller-owned buffer (definite lengths only): AppendTag,
// AppendLength, AppendInteger, AppendUnsigned, AppendEnumerated, AppendBoolean, AppendNull,
// AppendOctetString, AppendString, AppendOID, AppendRelativeOID, AppendGeneralizedTime, and
// Begin/End for constructed elements whose length is patched in once the content is written.
//
// Decoding is a bounded Reader over a byte slice: definite and indefinite lengths, a maximum
// nesting depth, and every length checked against the remaining input before it is used, so
// nothing is ever allocated by a length read from the wire. Errors are *Error values carrying
// the absolute byte offset.
//
// FrameLength finds the end of the first complete top-level element in a TCP stream buffer.
package ber
