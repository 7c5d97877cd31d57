// Package faults holds the fault-injection proof: under steady UM load through the real
// chain (mediation, handover, redis-server, in-process LEMF on real sockets) it takes
// the LEMF away, stalls it, restarts Redis, cuts the UM feed and throws malformed bytes
// at the listeners, and checks from the LEMF's records that nothing was lost, no
// sequence number is missing or reused, and umli still serves afterwards.
//
// Short by default (seconds per scenario, for make test); UMLI_FAULTS_LONG=1 (make
// faults) holds each fault for 60 s.
package faults
