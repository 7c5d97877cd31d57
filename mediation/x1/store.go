package x1

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/umli/umli/mediation/secret"
	"github.com/umli/umli/mediation/warrant"
)

// Store keeps tasks and destinations in Redis, shared by every umli instance. Target
// identities are sealed with the keyring (bound to their XId); per identity a match key
// (HMAC) indexes the tasks naming it, so lookups never need clear identities. Every
// change increments a version counter and publishes on a channel, which Watchers use.
//
// All keys share one hash tag so the store also works on Redis Cluster.
type Store struct {
	rdb    redis.UniversalClient
	keys   *secret.Keyring
	prefix string
	now    func() time.Time
}

// StoreOptions are the optional parts of NewStore.
type StoreOptions struct {
	// Prefix of every key (default "{umli-x1}:"); keep a hash tag in it for Cluster.
	Prefix string
	// Now stamps modifications (default time.Now).
	Now func() time.Time
}

// NewStore returns a store over rdb sealing with keys.
func NewStore(rdb redis.UniversalClient, keys *secret.Keyring, opt StoreOptions) *Store {
	s := &Store{rdb: rdb, keys: keys, prefix: opt.Prefix, now: opt.Now}
	if s.prefix == "" {
		s.prefix = "{umli-x1}:"
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

func (s *Store) k(parts ...string) string {
	k := s.prefix
	for i, p := range parts {
		if i > 0 {
			k += ":"
		}
		k += p
	}
	return k
}

// Channel is the pub/sub channel announcing changes.
func (s *Store) Channel() string { return s.k("changed") }

// storedTask is a task at rest: no clear identity in it.
type storedTask struct {
	XID           string         `json:"xid"`
	Targets       []storedTarget `json:"targets"`
	DeliveryType  string         `json:"deliveryType"`
	DIDs          []string       `json:"dids"`
	Mediation     []Mediation    `json:"mediation"`
	Modified      time.Time      `json:"modified"`
	Modifications int            `json:"modifications"`
	MatchKeys     []string       `json:"matchKeys"`
}

type storedTarget struct {
	Kind   TargetKind `json:"kind"`
	Sealed string     `json:"sealed"`
}

func (s *Store) seal(t *Task) (*storedTask, error) {
	st := &storedTask{XID: t.XID, DeliveryType: t.DeliveryType, DIDs: t.DIDs, Mediation: t.Mediation,
		Modified: t.Modified, Modifications: t.Modifications}
	seen := map[string]bool{}
	var keys []string
	for i, tg := range t.Targets {
		sealed, err := s.keys.Seal([]byte(tg.Value), []byte(t.XID))
		if err != nil {
			return nil, fmt.Errorf("task %s: target %d: %w", t.XID, i+1, err)
		}
		st.Targets = append(st.Targets, storedTarget{Kind: tg.Kind, Sealed: sealed})
		keys, err = warrant.Keys(keys[:0], tg.Identity())
		if err != nil {
			return nil, fmt.Errorf("task %s: target %d: %w", t.XID, i+1, err)
		}
		for _, k := range keys {
			if mk := s.keys.MatchKey(k); !seen[mk] {
				seen[mk] = true
				st.MatchKeys = append(st.MatchKeys, mk)
			}
		}
	}
	return st, nil
}

func (s *Store) open(st *storedTask) (*Task, error) {
	t := &Task{XID: st.XID, DeliveryType: st.DeliveryType, DIDs: st.DIDs, Mediation: st.Mediation,
		Modified: st.Modified, Modifications: st.Modifications}
	for i, tg := range st.Targets {
		v, err := s.keys.Open(tg.Sealed, []byte(st.XID))
		if err != nil {
			return nil, fmt.Errorf("task %s: target %d: %w", st.XID, i+1, err)
		}
		t.Targets = append(t.Targets, Target{Kind: tg.Kind, Value: string(v)})
	}
	return t, nil
}

func storageErr(what string, err error) error {
	var xe *Error
	if err == nil || errors.As(err, &xe) {
		return err
	}
	return &Error{Code: CodeStorage, Msg: what, Err: err}
}

// maxTxRetries bounds optimistic-lock retries when instances provision concurrently.
const maxTxRetries = 64

// mutate runs check under WATCH of the version key, then applies its writes with the
// version increment in one MULTI/EXEC. Every mutation watches the same key, so
// concurrent provisioning from several instances is serialized without locks.
func (s *Store) mutate(ctx context.Context, what string, check func(tx *redis.Tx) (func(p redis.Pipeliner), error)) error {
	for range maxTxRetries {
		err := s.rdb.Watch(ctx, func(tx *redis.Tx) error {
			apply, err := check(tx)
			if err != nil {
				return err
			}
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				apply(p)
				p.Incr(ctx, s.k("version"))
				return nil
			})
			return err
		}, s.k("version"))
		if errors.Is(err, redis.TxFailedErr) {
			continue
		}
		if err != nil {
			return storageErr(what, err)
		}
		// The version counter is the source of truth; a lost publish only delays
		// watchers until their next poll.
		_ = s.rdb.Publish(ctx, s.Channel(), "changed").Err()
		return nil
	}
	return &Error{Code: CodeStorage, Msg: what + ": too much concurrent provisioning, retry"}
}

func (s *Store) getTask(ctx context.Context, c redis.Cmdable, xid string) (*storedTask, error) {
	b, err := c.Get(ctx, s.k("task", xid)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var st storedTask
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("task %s: stored record corrupt: %w", xid, err)
	}
	return &st, nil
}

func (s *Store) checkRefs(ctx context.Context, tx *redis.Tx, t *Task) error {
	for _, m := range t.Mediation {
		owner, err := tx.Get(ctx, s.k("liid", m.LIID)).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return err
		}
		if err == nil && owner != t.XID {
			return errorf(CodeLIIDInUse, "LIID %s is already used by task %s", m.LIID, owner)
		}
	}
	for _, did := range t.allDIDs() {
		n, err := tx.Exists(ctx, s.k("dest", did)).Result()
		if err != nil {
			return err
		}
		if n == 0 {
			return errorf(CodeDIDUnknownForTask, "destination %s does not exist", did)
		}
	}
	return nil
}

func (t *Task) allDIDs() []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range t.DIDs {
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	for _, m := range t.Mediation {
		if !seen[m.DID] {
			seen[m.DID] = true
			out = append(out, m.DID)
		}
	}
	return out
}

func (s *Store) writeTask(ctx context.Context, p redis.Pipeliner, st *storedTask) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	p.Set(ctx, s.k("task", st.XID), b, 0)
	p.SAdd(ctx, s.k("tasks"), st.XID)
	for _, m := range st.Mediation {
		p.Set(ctx, s.k("liid", m.LIID), st.XID, 0)
	}
	for _, mk := range st.MatchKeys {
		p.SAdd(ctx, s.k("match", mk), st.XID)
	}
	return nil
}

func (s *Store) deleteTask(ctx context.Context, p redis.Pipeliner, st *storedTask) {
	p.Del(ctx, s.k("task", st.XID))
	p.SRem(ctx, s.k("tasks"), st.XID)
	for _, m := range st.Mediation {
		p.Del(ctx, s.k("liid", m.LIID))
	}
	for _, mk := range st.MatchKeys {
		p.SRem(ctx, s.k("match", mk), st.XID)
	}
}

// ActivateTask stores a new task. It fails with CodeXIDExists, CodeLIIDInUse or
// CodeDIDUnknownForTask as X1 requires.
func (s *Store) ActivateTask(ctx context.Context, t *Task) error {
	t.Modified, t.Modifications = s.now().UTC(), 0
	st, err := s.seal(t)
	if err != nil {
		return err
	}
	return s.mutate(ctx, "activate task", func(tx *redis.Tx) (func(redis.Pipeliner), error) {
		old, err := s.getTask(ctx, tx, t.XID)
		if err != nil {
			return nil, err
		}
		if old != nil {
			return nil, errorf(CodeXIDExists, "task %s already exists", t.XID)
		}
		if err := s.checkRefs(ctx, tx, t); err != nil {
			return nil, err
		}
		return func(p redis.Pipeliner) { _ = s.writeTask(ctx, p, st) }, nil
	})
}

// ModifyTask replaces an existing task's details.
func (s *Store) ModifyTask(ctx context.Context, t *Task) error {
	return s.mutate(ctx, "modify task", func(tx *redis.Tx) (func(redis.Pipeliner), error) {
		old, err := s.getTask(ctx, tx, t.XID)
		if err != nil {
			return nil, err
		}
		if old == nil {
			return nil, errorf(CodeXIDUnknown, "task %s does not exist", t.XID)
		}
		if err := s.checkRefs(ctx, tx, t); err != nil {
			return nil, err
		}
		t.Modified, t.Modifications = s.now().UTC(), old.Modifications+1
		st, err := s.seal(t)
		if err != nil {
			return nil, err
		}
		return func(p redis.Pipeliner) {
			s.deleteTask(ctx, p, old)
			_ = s.writeTask(ctx, p, st)
		}, nil
	})
}

// DeactivateTask removes a task and returns its LIIDs.
func (s *Store) DeactivateTask(ctx context.Context, xid string) ([]string, error) {
	var liids []string
	err := s.mutate(ctx, "deactivate task", func(tx *redis.Tx) (func(redis.Pipeliner), error) {
		old, err := s.getTask(ctx, tx, xid)
		if err != nil {
			return nil, err
		}
		if old == nil {
			return nil, errorf(CodeXIDUnknown, "task %s does not exist", xid)
		}
		liids = liids[:0]
		for _, m := range old.Mediation {
			liids = append(liids, m.LIID)
		}
		return func(p redis.Pipeliner) { s.deleteTask(ctx, p, old) }, nil
	})
	return liids, err
}

// DeactivateAllTasks removes every task and returns how many there were.
func (s *Store) DeactivateAllTasks(ctx context.Context) (int, error) {
	var n int
	err := s.mutate(ctx, "deactivate all tasks", func(tx *redis.Tx) (func(redis.Pipeliner), error) {
		sts, err := s.storedTasks(ctx, tx)
		if err != nil {
			return nil, err
		}
		n = len(sts)
		return func(p redis.Pipeliner) {
			for _, st := range sts {
				s.deleteTask(ctx, p, st)
			}
		}, nil
	})
	return n, err
}

// Task returns one task with its identities opened.
func (s *Store) Task(ctx context.Context, xid string) (*Task, error) {
	st, err := s.getTask(ctx, s.rdb, xid)
	if err != nil {
		return nil, storageErr("get task", err)
	}
	if st == nil {
		return nil, errorf(CodeXIDUnknown, "task %s does not exist", xid)
	}
	t, err := s.open(st)
	return t, storageErr("open task", err)
}

func (s *Store) storedTasks(ctx context.Context, c redis.Cmdable) ([]*storedTask, error) {
	xids, err := c.SMembers(ctx, s.k("tasks")).Result()
	if err != nil || len(xids) == 0 {
		return nil, err
	}
	sort.Strings(xids)
	keys := make([]string, len(xids))
	for i, xid := range xids {
		keys[i] = s.k("task", xid)
	}
	// One MGET: every key shares the hash tag, so this also works on Cluster.
	vals, err := c.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, err
	}
	out := make([]*storedTask, 0, len(xids))
	for i, v := range vals {
		str, ok := v.(string)
		if !ok {
			continue // removed between SMEMBERS and MGET
		}
		var st storedTask
		if err := json.Unmarshal([]byte(str), &st); err != nil {
			return nil, fmt.Errorf("task %s: stored record corrupt: %w", xids[i], err)
		}
		out = append(out, &st)
	}
	return out, nil
}

// Tasks returns every task, ordered by XId, identities opened.
func (s *Store) Tasks(ctx context.Context) ([]*Task, error) {
	sts, err := s.storedTasks(ctx, s.rdb)
	if err != nil {
		return nil, storageErr("list tasks", err)
	}
	out := make([]*Task, 0, len(sts))
	for _, st := range sts {
		t, err := s.open(st)
		if err != nil {
			return nil, storageErr("open task", err)
		}
		out = append(out, t)
	}
	return out, nil
}

// TasksMatching returns the XIds of tasks naming an identity with this normalized
// match key (warrant.Keys form), found through the HMAC index alone.
func (s *Store) TasksMatching(ctx context.Context, normalized string) ([]string, error) {
	xids, err := s.rdb.SMembers(ctx, s.k("match", s.keys.MatchKey(normalized))).Result()
	sort.Strings(xids)
	return xids, storageErr("match lookup", err)
}

// Version returns the change counter (0 before the first change).
func (s *Store) Version(ctx context.Context) (int64, error) {
	v, err := s.rdb.Get(ctx, s.k("version")).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	return v, storageErr("read version", err)
}

// Snapshot is a consistent view of the store at one version.
type Snapshot struct {
	Version      int64
	Tasks        []*Task
	Destinations []*Destination
}

// Snapshot reads tasks and destinations at one version, retrying while they change.
func (s *Store) Snapshot(ctx context.Context) (*Snapshot, error) {
	for range maxTxRetries {
		v, err := s.Version(ctx)
		if err != nil {
			return nil, err
		}
		ts, err := s.Tasks(ctx)
		if err != nil {
			return nil, err
		}
		ds, err := s.Destinations(ctx)
		if err != nil {
			return nil, err
		}
		v2, err := s.Version(ctx)
		if err != nil {
			return nil, err
		}
		if v == v2 {
			return &Snapshot{Version: v, Tasks: ts, Destinations: ds}, nil
		}
	}
	return nil, &Error{Code: CodeStorage, Msg: "snapshot: store changing too fast"}
}

// Reseal re-encrypts every task with the keyring's current key and recomputes match
// keys (after a key rotation). It returns how many tasks it rewrote.
func (s *Store) Reseal(ctx context.Context) (int, error) {
	n := 0
	err := s.mutate(ctx, "reseal", func(tx *redis.Tx) (func(redis.Pipeliner), error) {
		sts, err := s.storedTasks(ctx, tx)
		if err != nil {
			return nil, err
		}
		var olds, news []*storedTask
		for _, st := range sts {
			t, err := s.open(st)
			if err != nil {
				return nil, err
			}
			nst, err := s.seal(t)
			if err != nil {
				return nil, err
			}
			olds, news = append(olds, st), append(news, nst)
		}
		n = len(news)
		return func(p redis.Pipeliner) {
			for i := range olds {
				s.deleteTask(ctx, p, olds[i])
				_ = s.writeTask(ctx, p, news[i])
			}
		}, nil
	})
	return n, err
}
