package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"
	goredis "github.com/redis/go-redis/v9"

	"github.com/orgkit/orgkit/internal/jsondoc"
	"github.com/orgkit/orgkit/org"
)

// streamID is a Redis stream entry id, "<ms>-<seq>", the event cursor.
type streamID struct{ ms, seq uint64 }

func parseStreamID(s string) (streamID, bool) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return streamID{}, false
	}
	ms, err1 := strconv.ParseUint(a, 10, 64)
	seq, err2 := strconv.ParseUint(b, 10, 64)
	return streamID{ms, seq}, err1 == nil && err2 == nil
}

func (a streamID) after(b streamID) bool {
	return a.ms > b.ms || a.ms == b.ms && a.seq > b.seq
}

// Events implements org.Store. The cursor is the stream id of the last event
// read. Redis runs scripts one at a time and gives stream ids in the order
// they run, so an event is visible only once every event before it is: a
// reader cannot pass an event that is stored late.
func (s *Store) Events(ctx context.Context, q org.EventQuery) (org.EventPage, error) {
	if err := s.ready(ctx); err != nil {
		return org.EventPage{}, err
	}
	var after streamID
	if q.After != "" {
		var ok bool
		if after, ok = parseStreamID(q.After); !ok {
			return org.EventPage{}, fmt.Errorf("%w: malformed event cursor", org.ErrInvalid)
		}
	}
	limit := q.Limit
	if limit <= 0 {
		limit = org.DefaultEventLimit
	}
	ks := s.keyspace(q.ProviderID)
	var sids []string
	if q.OrganizationID == uuid.Nil {
		start := "-"
		if q.After != "" {
			start = "(" + q.After
		}
		msgs, err := s.c.XRangeN(ctx, ks.stream(), start, "+", int64(limit)).Result()
		if err != nil {
			return org.EventPage{}, translate(err)
		}
		for _, m := range msgs {
			sids = append(sids, m.ID)
		}
	} else {
		list, err := s.c.HGet(ctx, ks.orgEvents(), q.OrganizationID.String()).Result()
		if err != nil && !errors.Is(err, goredis.Nil) {
			return org.EventPage{}, translate(err)
		}
		for _, sid := range strings.Fields(list) {
			if id, _ := parseStreamID(sid); q.After == "" || id.after(after) {
				sids = append(sids, sid)
				if len(sids) == limit {
					break
				}
			}
		}
	}
	page := org.EventPage{Next: q.After}
	evs, err := s.payloads(ctx, ks, sids)
	if err != nil {
		return org.EventPage{}, err
	}
	page.Events = evs
	if len(sids) > 0 {
		page.Next = sids[len(sids)-1]
	}
	return page, nil
}

// payloads reads the events with the given stream ids.
func (s *Store) payloads(ctx context.Context, ks keyspace, sids []string) ([]org.Event, error) {
	if len(sids) == 0 {
		return nil, nil
	}
	vals, err := s.c.HMGet(ctx, ks.payloads(), sids...).Result()
	if err != nil {
		return nil, translate(err)
	}
	evs := make([]org.Event, len(vals))
	for i, v := range vals {
		str, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("redis: event %s has no payload", sids[i])
		}
		if err := jsondoc.Unmarshal([]byte(str), &evs[i]); err != nil {
			return nil, fmt.Errorf("redis: decode event %s: %w", sids[i], err)
		}
	}
	return evs, nil
}

// Import implements org.Importer in one script call: every id and unique
// value is checked, against the store and within items, before anything is
// written. All items must belong to one provider, whose keys share one
// cluster slot; a loader imports each provider in its own calls. Large
// imports are best cut into batches of a few thousand, since Redis serves
// nothing else while a script runs.
func (s *Store) Import(ctx context.Context, items []org.Imported) error {
	if err := s.ready(ctx); err != nil {
		return err
	}
	if len(items) == 0 {
		return nil
	}
	pid := items[0].Organization.ProviderID()
	ks := s.keyspace(pid)
	p := newProgram()
	held := make(map[string]string) // unique-hash field -> id, within items
	for _, it := range items {
		o := it.Organization
		if o.ProviderID() != pid {
			return fmt.Errorf("redis: import holds providers %s and %s; import each provider separately", pid, o.ProviderID())
		}
		id := o.ID().String()
		us := metaOf(o).uniques()
		for _, u := range us {
			if h, ok := held[u.hashField]; ok && h != id {
				return &org.DuplicateError{Field: u.field, Value: u.value}
			}
			held[u.hashField] = id
		}
		p.checkVersion(ks, id, 0)
		p.checkUnique(ks, id, us)
	}
	for _, it := range items {
		o := it.Organization
		id := o.ID().String()
		body, err := jsondoc.Marshal(o.Snapshot())
		if err != nil {
			return fmt.Errorf("redis: encode organization: %w", err)
		}
		ev, err := jsondoc.Marshal(it.Event)
		if err != nil {
			return fmt.Errorf("redis: encode event: %w", err)
		}
		m := metaOf(o)
		p.add(id, m.entries(ks, id))
		p.write("HSET", ks.orgs(), id, body)
		p.write("HSET", ks.meta(), id, m.encode())
		p.event(ks, id, ev)
	}
	_, err := p.run(ctx, s.c)
	return err
}

// walkBatch is how many hash fields or stream entries Walk reads at a time.
const walkBatch = 500

// Walk implements org.Walker. It reads in batches while changes may go on,
// so on a busy provider it sees each key as it was when its batch was read.
// Index entries are the unique values (customer_reference,
// external_contract, numbers), the name fold keys ("name") and remembered
// idempotency keys ("idempotency_key").
func (s *Store) Walk(ctx context.Context, providerID uuid.UUID, v org.Visitor) error {
	if err := s.ready(ctx); err != nil {
		return err
	}
	ks := s.keyspace(providerID)
	if v.Organization != nil {
		// By the name index, not HSCAN: it visits each organization once,
		// in name order, even while the hash grows.
		if err := s.walkNames(ctx, ks, func(_ []string, ids []string) error {
			vals, err := s.c.HMGet(ctx, ks.orgs(), ids...).Result()
			if err != nil {
				return translate(err)
			}
			for _, val := range vals {
				str, ok := val.(string)
				if !ok {
					continue // deleted since its batch was read
				}
				var snap org.Snapshot
				if err := jsondoc.Unmarshal([]byte(str), &snap); err != nil {
					return fmt.Errorf("redis: decode organization: %w", err)
				}
				if err := v.Organization(snap); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
	}
	if v.Index != nil {
		if err := s.walkIndex(ctx, ks, v.Index); err != nil {
			return err
		}
	}
	if v.Event != nil {
		start := "-"
		for {
			msgs, err := s.c.XRangeN(ctx, ks.stream(), start, "+", walkBatch).Result()
			if err != nil {
				return translate(err)
			}
			sids := make([]string, len(msgs))
			for i, m := range msgs {
				sids[i] = m.ID
			}
			evs, err := s.payloads(ctx, ks, sids)
			if err != nil {
				return err
			}
			for _, ev := range evs {
				if err := v.Event(ev); err != nil {
					return err
				}
			}
			if len(msgs) < walkBatch {
				return nil
			}
			start = "(" + sids[len(sids)-1]
		}
	}
	return nil
}

func (s *Store) walkIndex(ctx context.Context, ks keyspace, fn func(org.IndexEntry) error) error {
	visit := func(kind, key, id string) error {
		oid, err := uuid.Parse(id)
		if err != nil {
			return fmt.Errorf("redis: %s index entry %q holds %q: %w", kind, key, id, err)
		}
		return fn(org.IndexEntry{Kind: kind, Key: key, OrganizationID: oid})
	}
	if err := s.scanHash(ctx, ks.unique(), func(field, id string) error {
		switch {
		case strings.HasPrefix(field, uniqueRef):
			return visit(org.FieldCustomerReference, field[len(uniqueRef):], id)
		case strings.HasPrefix(field, uniqueContract):
			return visit(org.FieldExternalContract, field[len(uniqueContract):], id)
		case strings.HasPrefix(field, uniqueNumber):
			return visit(org.FieldNumbers, field[len(uniqueNumber):], id)
		}
		return fmt.Errorf("redis: unknown unique index field %q", field)
	}); err != nil {
		return err
	}
	if err := s.walkNames(ctx, ks, func(names, ids []string) error {
		for i := range names {
			if err := visit("name", names[i], ids[i]); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	return s.scanHash(ctx, ks.idem(), func(key, val string) error {
		id, _, _ := strings.Cut(val, " ")
		return visit("idempotency_key", key, id)
	})
}

// walkNames calls fn with the name fold keys and ids of the provider's
// organizations, a batch at a time, in name order.
func (s *Store) walkNames(ctx context.Context, ks keyspace, fn func(names, ids []string) error) error {
	start := "-"
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		ms, err := s.c.ZRangeArgs(ctx, goredis.ZRangeArgs{Key: ks.names(), Start: start, Stop: "+", ByLex: true, Count: walkBatch}).Result()
		if err != nil {
			return translate(err)
		}
		if len(ms) == 0 {
			return nil
		}
		names, ids := make([]string, len(ms)), make([]string, len(ms))
		for i, m := range ms {
			names[i], ids[i] = splitName(m)
		}
		if err := fn(names, ids); err != nil {
			return err
		}
		if len(ms) < walkBatch {
			return nil
		}
		start = "(" + ms[len(ms)-1]
	}
}

// scanHash calls fn for every field of a hash, a batch at a time. Like
// HSCAN, it may repeat a field when the hash is resized meanwhile.
func (s *Store) scanHash(ctx context.Context, key string, fn func(field, val string) error) error {
	var cursor uint64
	for {
		kv, next, err := s.c.HScan(ctx, key, cursor, "", walkBatch).Result()
		if err != nil {
			return translate(err)
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(kv[i], kv[i+1]); err != nil {
				return err
			}
		}
		if next == 0 {
			return nil
		}
		cursor = next
	}
}
