package handover

// keys names the Redis keys of one (destination, HI) stream. The hash tag {dest|hi} keeps
// them in one Cluster slot so the Lua scripts may touch all of them.
type keys struct {
	stream string // the Redis Stream: window of written PDUs followed by the undelivered ones
	sent   string // id of the last PDU written to the LEMF socket
	lease  string // which instance sends this stream now
	dk     string // hash: data key id -> key material wrapped under the keyring
	dkl    string // hash: data key id -> last entry id sealed with it; e:<id> -> window closed early
	skip   string // "<entry id> <n>": that multi-PDU entry's first n PDUs are older than the resend window
}

func streamKeys(prefix, dest string, hi HI) keys {
	base := prefix + "{" + dest + "|" + hi.String() + "}:"
	return keys{stream: base + "q", sent: base + "sent", lease: base + "lease", dk: base + "dk", dkl: base + "dkl", skip: base + "skip"}
}
