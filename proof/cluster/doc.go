// Package cluster starts a real Redis Cluster (six redis-server processes on loopback,
// three masters with one replica each, created by redis-cli --cluster create) for the
// scale-out proof, and holds that proof as its test.
package cluster
