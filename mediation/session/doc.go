// Package session keeps the per-sequence state that several umli instances share in
// Redis: correlation key → CIN, event-identifiers, sequence numbers per (LIID, CIN) for
// IRI and for CC, the iRIType rules, idle closing, and a per-instance journal that makes
// numbering and delivery one unit across crashes.
//
// One record costs at most one Redis round trip: a Lua script allocates the numbers and
// writes the journal entry (the record plus its numbers) atomically, for one record or for
// a batch of waiting records of one network element. After the PDUs are in the
// handover queue the entry is deleted; an instance replays what is left of its journal when
// it starts, so a crash between numbering and queueing leaves no gap. Concurrent steps of
// one network element share script calls (group commit, no timer): what arrives while a
// call is in flight goes in the next one, so under load one round trip numbers many
// records, and an idle network element's step goes out at once.
//
// Every key of one script call carries the hash tag {network element}, so the scripts work
// on Redis Cluster; one network element's sessions live on one shard.
package session
