// Package handover delivers encoded PS-PDUs to an LEA over HI2 and HI3: TCP or TLS
// connections, TS 102 232-1 keep-alives, reconnect with backoff, and a durable buffer in
// Redis Streams so that an LEMF outage or a restart loses nothing. It knows nothing of
// unified messaging or e-mail: it moves bytes.
package handover
