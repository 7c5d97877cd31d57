// Package simulators holds the peers umli is tested and demonstrated against: a UM
// platform, SIP parties, a mail client, and the LEMF that receives HI2/HI3.
package simulators
