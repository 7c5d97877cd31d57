package x1

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/redis/go-redis/v9"
)

func (s *Store) getDest(ctx context.Context, c redis.Cmdable, did string) (*Destination, error) {
	b, err := c.Get(ctx, s.k("dest", did)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var d Destination
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("destination %s: stored record corrupt: %w", did, err)
	}
	return &d, nil
}

// CreateDestination stores a new destination.
func (s *Store) CreateDestination(ctx context.Context, d *Destination) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return s.mutate(ctx, "create destination", func(tx *redis.Tx) (func(redis.Pipeliner), error) {
		n, err := tx.Exists(ctx, s.k("dest", d.DID)).Result()
		if err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, errorf(CodeDIDExists, "destination %s already exists", d.DID)
		}
		return func(p redis.Pipeliner) {
			p.Set(ctx, s.k("dest", d.DID), b, 0)
			p.SAdd(ctx, s.k("dests"), d.DID)
		}, nil
	})
}

// ModifyDestination replaces an existing destination.
func (s *Store) ModifyDestination(ctx context.Context, d *Destination) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return s.mutate(ctx, "modify destination", func(tx *redis.Tx) (func(redis.Pipeliner), error) {
		n, err := tx.Exists(ctx, s.k("dest", d.DID)).Result()
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, errorf(CodeDIDUnknown, "destination %s does not exist", d.DID)
		}
		return func(p redis.Pipeliner) { p.Set(ctx, s.k("dest", d.DID), b, 0) }, nil
	})
}

// RemoveDestination deletes a destination no task delivers to.
func (s *Store) RemoveDestination(ctx context.Context, did string) error {
	return s.mutate(ctx, "remove destination", func(tx *redis.Tx) (func(redis.Pipeliner), error) {
		n, err := tx.Exists(ctx, s.k("dest", did)).Result()
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, errorf(CodeDIDUnknown, "destination %s does not exist", did)
		}
		sts, err := s.storedTasks(ctx, tx)
		if err != nil {
			return nil, err
		}
		for _, st := range sts {
			t := Task{DIDs: st.DIDs, Mediation: st.Mediation}
			for _, d := range t.allDIDs() {
				if d == did {
					return nil, errorf(CodeDIDInUse, "destination %s is used by task %s", did, st.XID)
				}
			}
		}
		return func(p redis.Pipeliner) {
			p.Del(ctx, s.k("dest", did))
			p.SRem(ctx, s.k("dests"), did)
		}, nil
	})
}

// Destination returns one destination.
func (s *Store) Destination(ctx context.Context, did string) (*Destination, error) {
	d, err := s.getDest(ctx, s.rdb, did)
	if err != nil {
		return nil, storageErr("get destination", err)
	}
	if d == nil {
		return nil, errorf(CodeDIDUnknown, "destination %s does not exist", did)
	}
	return d, nil
}

// Destinations returns every destination ordered by DId.
func (s *Store) Destinations(ctx context.Context) ([]*Destination, error) {
	dids, err := s.rdb.SMembers(ctx, s.k("dests")).Result()
	if err != nil {
		return nil, storageErr("list destinations", err)
	}
	sort.Strings(dids)
	out := make([]*Destination, 0, len(dids))
	for _, did := range dids {
		d, err := s.getDest(ctx, s.rdb, did)
		if err != nil {
			return nil, storageErr("get destination", err)
		}
		if d != nil {
			out = append(out, d)
		}
	}
	return out, nil
}
