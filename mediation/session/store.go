package session

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/umli/umli/mediation/record"
)

// Kind says whether a record is IRI or CC.
type Kind byte

// Record kinds.
const (
	IRI Kind = 'i'
	CC  Kind = 'c'
)

// Config configures a Store.
type Config struct {
	// Prefix starts every key (default "umli:").
	Prefix string
	// Instance names this process's journal; stable across restarts, unique among
	// running instances.
	Instance string
	// IdleTimeout closes a sequence with no record for this long.
	IdleTimeout time.Duration
	// JournalTTL bounds how long an undelivered journal entry survives a dead instance
	// (default 7 days).
	JournalTTL time.Duration
	// ClaimTTL is how long a Step.Claim is remembered (default DefaultClaimTTL).
	ClaimTTL time.Duration
}

// Store is the Redis-backed session state. It is safe for concurrent use.
type Store struct {
	rdb     redis.UniversalClient
	cfg     Config
	scripts scripts
	idBase  string
	idSeq   atomic.Uint64

	mu    sync.Mutex
	known map[string]bool  // network elements registered in this process
	lanes map[string]*lane // per network element: steps waiting for one script call
}

// Defaults.
const (
	DefaultPrefix     = "umli:"
	DefaultJournalTTL = 7 * 24 * time.Hour
)

// ErrBadNE is returned for a network element name that cannot be a hash tag.
var ErrBadNE = errors.New("session: network element must be 1..16 octets without '{', '}' or spaces")

// New returns a Store over rdb.
func New(rdb redis.UniversalClient, cfg Config) (*Store, error) {
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if cfg.JournalTTL == 0 {
		cfg.JournalTTL = DefaultJournalTTL
	}
	if cfg.Instance == "" || strings.ContainsAny(cfg.Instance, "{} ") {
		return nil, fmt.Errorf("session: instance id %q: required, without braces or spaces", cfg.Instance)
	}
	if cfg.IdleTimeout <= 0 {
		return nil, fmt.Errorf("session: idle timeout must be positive")
	}
	return &Store{
		rdb: rdb, cfg: cfg, scripts: newScripts(),
		// Journal ids sort in creation order across restarts: start time, then a counter.
		idBase: fmt.Sprintf("%013x", time.Now().UnixNano()/1000),
		known:  make(map[string]bool),
		lanes:  make(map[string]*lane),
	}, nil
}

// ValidNE reports whether ne can name a network element in keys and PDUs.
func ValidNE(ne string) bool {
	return len(ne) >= 1 && len(ne) <= 16 && !strings.ContainsAny(ne, "{} \t\r\n")
}

func (s *Store) cinKey(ne string) string { return s.cfg.Prefix + "{" + ne + "}:cin" }
func (s *Store) sessionKey(ne, ck string) string {
	return s.cfg.Prefix + "{" + ne + "}:s:" + ck
}
func (s *Store) idleKey(ne string) string { return s.cfg.Prefix + "{" + ne + "}:idle" }
func (s *Store) journalKey(ne string) string {
	return s.cfg.Prefix + "{" + ne + "}:j:" + s.cfg.Instance
}
func (s *Store) nesKey() string      { return s.cfg.Prefix + "nes" }
func (s *Store) journalsKey() string { return s.cfg.Prefix + "journals:" + s.cfg.Instance }

// NewID returns a fresh journal entry id. Ids sort in creation order.
func (s *Store) NewID() string {
	var b [32]byte
	n := append(append(b[:0], s.idBase...), "-0000000000"...)
	hex := strconv.AppendUint(b[len(n):len(n)], s.idSeq.Add(1), 16)
	if len(hex) >= 10 {
		return string(append(n[:len(n)-10], hex...))
	}
	copy(n[len(n)-len(hex):], hex) // zero-padded to 10 digits, as %010x
	return string(n)
}

// register records, once per process, that ne has sessions (for the idle sweeper of
// every instance) and that this instance may hold journal entries for it.
func (s *Store) register(ctx context.Context, ne string) error {
	s.mu.Lock()
	done := s.known[ne]
	s.mu.Unlock()
	if done {
		return nil
	}
	pipe := s.rdb.Pipeline()
	pipe.SAdd(ctx, s.nesKey(), ne)
	pipe.SAdd(ctx, s.journalsKey(), ne)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("session: register network element: %w", err)
	}
	s.mu.Lock()
	s.known[ne] = true
	s.mu.Unlock()
	return nil
}

// Step is one record to number.
type Step struct {
	NE             string
	CorrelationKey string
	Boundary       record.Boundary
	Kind           Kind
	EventKey       string
	// LIIDs to allocate sequence numbers for (for CC only those whose scope includes CC).
	LIIDs []string
	// ID is the journal entry id (Store.NewID); retrying a Step with the same ID returns
	// the same numbers instead of allocating new ones.
	ID string
	// Blob is the record as mediation will need it to rebuild the PDUs after a crash.
	Blob []byte
	// CloseBlob, on an IRI, is the record to deliver as iRI-End if the sequence idles out
	// (set by Open with an explicit close event).
	CloseBlob []byte
	// GenericCloseBlob is the fallback end built from this IRI; used when no explicit
	// close event was set.
	GenericCloseBlob []byte
	// Now is mediation's clock at the step (the first step's in a batch).
	Now time.Time
	// Retry marks a repeated attempt (the previous reply was lost): the script then first
	// looks for the journal entry under ID. A batch takes the first step's flag.
	Retry bool
	// Claim, when set, names the record across instances (see claim.go): only the first
	// step with a given claim is numbered; the others get Numbers.Dup.
	Claim string
	// Skip, when set, makes this a gap step: it spends Skip sequence numbers of Kind for
	// each LIID (records a source lost before mediation saw them), opening the sequence
	// silently when nothing is open; it sets no iRIType or event, and journals nothing
	// (there is nothing to deliver). The reply's numbers are the first skipped ones.
	// A retried gap step may skip twice: a wider gap, never a hidden one.
	Skip uint32
}

// Step allocates CIN, iRIType, event-identifier and sequence numbers for one record and
// journals it, in one round trip.
func (s *Store) Step(ctx context.Context, st *Step) (Numbers, error) {
	ns, err := s.StepBatch(ctx, []*Step{st})
	if err != nil {
		return Numbers{}, err
	}
	return ns[0], nil
}

// maxBatchArgs bounds one script call; larger batches are split.
const maxBatchArgs = 4096

// runSteps numbers steps (one network element, checked and registered) in one script
// call, split when the arguments get too many. Now is the first step's; retry marks the
// whole call (a fresh step's id is simply not found in the journal).
func (s *Store) runSteps(ctx context.Context, ne string, steps []*Step, retry bool) ([]Numbers, error) {
	retryArg := ""
	if retry {
		retryArg = "1"
	}
	keys := make([]string, 3, 3+len(steps))
	keys[0], keys[1], keys[2] = s.cinKey(ne), s.idleKey(ne), s.journalKey(ne)
	args := make([]any, 0, 5+12*len(steps))
	args = append(args, steps[0].Now.UnixMilli(), s.sessionTTL().Milliseconds(), s.refreshInterval().Milliseconds(), retryArg, s.claimTTL())
	for _, st := range steps {
		if st.NE != ne {
			return nil, fmt.Errorf("session: batch mixes network elements")
		}
		keys = append(keys, s.sessionKey(ne, st.CorrelationKey))
		// Pointers (and small integers) go into the interface values without allocating
		// one per argument; the client writes what they point to.
		kind := &kindArgs[0]
		if st.Kind == CC {
			kind = &kindArgs[1]
		} else if st.Kind != IRI {
			return nil, fmt.Errorf("session: record kind %q", st.Kind)
		}
		args = append(args, &st.ID, kind, int(st.Boundary), &st.EventKey, &st.CorrelationKey,
			(*bytesArg)(&st.Blob), (*bytesArg)(&st.CloseBlob), (*bytesArg)(&st.GenericCloseBlob), len(st.LIIDs))
		for i := range st.LIIDs {
			args = append(args, &st.LIIDs[i])
		}
		args = append(args, &st.Claim, st.Skip)
	}
	if len(args) > maxBatchArgs && len(steps) > 1 {
		half := len(steps) / 2
		a, err := s.runSteps(ctx, ne, steps[:half], retry)
		if err != nil {
			return nil, err
		}
		b, err := s.runSteps(ctx, ne, steps[half:], retry)
		return append(a, b...), err
	}
	res, err := s.scripts.step.Run(ctx, s.rdb, keys, args...).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("session: step: %w", err)
	}
	if len(res) != len(steps) {
		return nil, fmt.Errorf("%w: %d replies for %d records", ErrBadEntry, len(res), len(steps))
	}
	out := make([]Numbers, len(steps))
	nl := 0
	for _, st := range steps {
		nl += len(st.LIIDs)
	}
	seqs := make([]LIIDSeq, 0, nl) // every reply's sequence numbers in one array
	for i, r := range res {
		n, err := parseReplyInto(r, seqs)
		if err != nil {
			return nil, err
		}
		if !n.Dup && len(n.Seqs) != len(steps[i].LIIDs) {
			return nil, fmt.Errorf("%w: %d sequence numbers for %d LIIDs", ErrBadEntry, len(n.Seqs), len(steps[i].LIIDs))
		}
		out[i] = n
		seqs = seqs[len(n.Seqs):len(n.Seqs)] // checked above: within the array
	}
	return out, nil
}

// kindArgs are the script's record kinds, IRI and CC, for pointer arguments.
var kindArgs = [2]string{string(rune(IRI)), string(rune(CC))}

// bytesArg is a byte slice argument passed by pointer (encoding.BinaryMarshaler).
type bytesArg []byte

func (b *bytesArg) MarshalBinary() ([]byte, error) { return *b, nil }

// sessionTTL outlives the idle timeout so the sweeper, not expiry, normally ends a
// sequence; expiry only cleans up after a sweeper that never ran.
func (s *Store) sessionTTL() time.Duration { return 2*s.cfg.IdleTimeout + time.Minute }

// refreshInterval is how stale the idle score may get before a step refreshes it.
func (s *Store) refreshInterval() time.Duration { return max(s.cfg.IdleTimeout/20, time.Millisecond) }

// NetworkElements lists every network element any instance has opened sessions for.
func (s *Store) NetworkElements(ctx context.Context) ([]string, error) {
	nes, err := s.rdb.SMembers(ctx, s.nesKey()).Result()
	if err != nil {
		return nil, fmt.Errorf("session: list network elements: %w", err)
	}
	slices.Sort(nes)
	return nes, nil
}

// IdleCandidates lists up to limit correlation keys of ne idle since before now minus
// the idle timeout. Closing them is CloseIdle's job (another instance may be faster).
func (s *Store) IdleCandidates(ctx context.Context, ne string, now time.Time, limit int64) ([]string, error) {
	cutoff := now.Add(-s.cfg.IdleTimeout).UnixMilli()
	keys, err := s.rdb.ZRangeArgs(ctx, redis.ZRangeArgs{
		Key: s.idleKey(ne), Start: "-inf", Stop: strconv.FormatInt(cutoff, 10), ByScore: true, Count: limit,
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("session: idle candidates: %w", err)
	}
	return keys, nil
}

// CloseIdle closes the sequence if it is still idle at now and journals its synthesized
// end under id. ok is false when there was nothing to deliver (someone else closed it, a
// record arrived meanwhile, or it never carried IRI).
func (s *Store) CloseIdle(ctx context.Context, ne, correlationKey, id string, now time.Time) (e Entry, ok bool, err error) {
	if !ValidNE(ne) {
		return Entry{}, false, ErrBadNE
	}
	if err := s.register(ctx, ne); err != nil {
		return Entry{}, false, err
	}
	keys := []string{s.idleKey(ne), s.sessionKey(ne, correlationKey), s.journalKey(ne)}
	cutoff := now.Add(-s.cfg.IdleTimeout).UnixMilli()
	v, err := s.scripts.closeIdle.Run(ctx, s.rdb, keys, id, correlationKey, cutoff, now.UnixMilli(), s.cfg.JournalTTL.Milliseconds()).Text()
	if errors.Is(err, redis.Nil) {
		return Entry{}, false, nil
	}
	if err != nil {
		return Entry{}, false, fmt.Errorf("session: close idle: %w", err)
	}
	e, err = parseEntry(ne, id, v)
	return e, err == nil, err
}

// Journal returns this instance's journal entries, oldest first. Malformed entries are
// returned as errors in bad (by id) so the caller can report and delete them.
func (s *Store) Journal(ctx context.Context) (entries []Entry, bad map[string]error, err error) {
	nes, err := s.rdb.SMembers(ctx, s.journalsKey()).Result()
	if err != nil {
		return nil, nil, fmt.Errorf("session: list journals: %w", err)
	}
	bad = map[string]error{}
	for _, ne := range nes {
		if !ValidNE(ne) {
			continue
		}
		iter := s.rdb.HScan(ctx, s.journalKey(ne), 0, "", 512).Iterator()
		for iter.Next(ctx) {
			id := iter.Val()
			if !iter.Next(ctx) {
				break
			}
			e, perr := parseEntry(ne, id, iter.Val())
			if perr != nil {
				bad[ne+"|"+id] = perr
				continue
			}
			entries = append(entries, e)
		}
		if err := iter.Err(); err != nil {
			return nil, nil, fmt.Errorf("session: read journal: %w", err)
		}
	}
	slices.SortFunc(entries, func(a, b Entry) int { return strings.Compare(a.ID, b.ID) })
	return entries, bad, nil
}

// Done deletes delivered journal entries, grouped per network element in one pipeline,
// and renews the journals' TTL (the step script leaves that to this batched call).
func (s *Store) Done(ctx context.Context, done map[string][]string) error {
	if len(done) == 0 {
		return nil
	}
	pipe := s.rdb.Pipeline()
	for ne, ids := range done {
		pipe.HDel(ctx, s.journalKey(ne), ids...)
		pipe.PExpire(ctx, s.journalKey(ne), s.cfg.JournalTTL)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("session: delete journal entries: %w", err)
	}
	return nil
}

// OpenSequences counts the sequences still open across all network elements.
func (s *Store) OpenSequences(ctx context.Context) (int64, error) {
	nes, err := s.NetworkElements(ctx)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, ne := range nes {
		c, err := s.rdb.ZCard(ctx, s.idleKey(ne)).Result()
		if err != nil {
			return 0, fmt.Errorf("session: count open sequences: %w", err)
		}
		n += c
	}
	return n, nil
}
