package redis

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/google/uuid"
	goredis "github.com/redis/go-redis/v9"

	"github.com/orgkit/orgkit/internal/jsondoc"
	"github.com/orgkit/orgkit/org"
)

var (
	_ org.Store    = (*Store)(nil)
	_ org.Importer = (*Store)(nil)
	_ org.Walker   = (*Store)(nil)
)

// DefaultKeyPrefix starts every key when no WithKeyPrefix option is given.
const DefaultKeyPrefix = "orgkit:"

// maxAttempts bounds how often Update re-reads an organization and calls its
// function again after another change won the race for the same version.
const maxAttempts = 64

// Store is an org.Store on Redis. It is safe for concurrent use. It does not
// own the client: Close leaves it open.
type Store struct {
	c          goredis.UniversalClient
	prefix     string
	allowEvict bool
	closed     atomic.Bool
	// tuning steers rankedPage and pageScript. It changes how a page is
	// found, never which.
	tuning tuning
	// testHook, when set, is called as a search ranks its page in Go:
	// "ranked" before it reads the page's organizations, "served" when it
	// returns the page it ranked. Tests count those pages and make a
	// change in between.
	testHook func(event string)
}

// hook calls the test hook, if one is set.
func (s *Store) hook(event string) {
	if s.testHook != nil {
		s.testHook(event)
	}
}

// Option configures a Store.
type Option func(*Store)

// WithKeyPrefix starts every key with prefix instead of DefaultKeyPrefix, so
// several applications or test runs share one Redis. It must not contain
// "{" or "}", which would change the keys' hash tag.
func WithKeyPrefix(prefix string) Option { return func(s *Store) { s.prefix = prefix } }

// AllowEvictingPolicy lets New accept a server whose maxmemory-policy may
// evict keys, and skips the check (for managed services that refuse CONFIG
// GET). An evicted index key makes search miss organizations, so use it
// only when the memory limit is out of reach.
func AllowEvictingPolicy() Option { return func(s *Store) { s.allowEvict = true } }

// New returns a Store over client: a *redis.Client for a standalone server
// or a *redis.ClusterClient for a cluster (go-redis's NewUniversalClient
// returns either). It
// checks each master's maxmemory-policy (see AllowEvictingPolicy), checks
// that the keys under the prefix are in the index layout this version reads
// (see ErrLayout and Reindex), and loads the scripts.
func New(ctx context.Context, client goredis.UniversalClient, opts ...Option) (*Store, error) {
	s := &Store{c: client, prefix: DefaultKeyPrefix, tuning: defaultTuning}
	for _, opt := range opts {
		opt(s)
	}
	if strings.ContainsAny(s.prefix, "{}") {
		return nil, fmt.Errorf("redis: key prefix %q holds a brace, which would change the hash tag", s.prefix)
	}
	if !s.allowEvict {
		if err := forEachMaster(ctx, client, checkPolicy); err != nil {
			return nil, err
		}
	}
	if err := checkLayout(ctx, client, s.prefix); err != nil {
		return nil, err
	}
	for _, sc := range []*goredis.Script{applyScript, pageScript} {
		if err := sc.Load(ctx, client).Err(); err != nil {
			return nil, fmt.Errorf("redis: load script: %w", translate(err))
		}
	}
	return s, nil
}

// forEachMaster calls fn with every master of a cluster client, or with the
// client itself.
func forEachMaster(ctx context.Context, c goredis.UniversalClient, fn func(context.Context, goredis.UniversalClient) error) error {
	if cc, ok := c.(*goredis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, func(ctx context.Context, m *goredis.Client) error { return fn(ctx, m) })
	}
	return fn(ctx, c)
}

// checkPolicy refuses policies that may evict this store's keys. The
// volatile-* policies evict only keys with a time to live, and this store
// sets none, so they are accepted.
func checkPolicy(ctx context.Context, c goredis.UniversalClient) error {
	v, err := c.ConfigGet(ctx, "maxmemory-policy").Result()
	if err != nil {
		return fmt.Errorf("redis: read maxmemory-policy (AllowEvictingPolicy skips the check): %w", translate(err))
	}
	p := v["maxmemory-policy"]
	if p == "noeviction" || strings.HasPrefix(p, "volatile-") {
		return nil
	}
	return fmt.Errorf("%w: %q; set noeviction, or pass AllowEvictingPolicy", ErrEvictingPolicy, p)
}

// Close makes every later call fail with ErrClosed. It does not close the
// client.
func (s *Store) Close() error {
	s.closed.Store(true)
	return nil
}

func (s *Store) ready(ctx context.Context) error {
	if s.closed.Load() {
		return ErrClosed
	}
	return ctx.Err()
}

// Get implements org.Store.
func (s *Store) Get(ctx context.Context, providerID, id uuid.UUID) (*org.Organization, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	b, err := s.c.HGet(ctx, s.keyspace(providerID).orgs(), id.String()).Bytes()
	if err != nil {
		return nil, translate(err)
	}
	return decodeOrg(b)
}

func decodeOrg(b []byte) (*org.Organization, error) {
	var snap org.Snapshot
	if err := jsondoc.Unmarshal(b, &snap); err != nil {
		return nil, fmt.Errorf("redis: decode organization: %w", err)
	}
	return org.Rehydrate(snap)
}

// Create implements org.Store in one script call: the idempotency key, the
// id and every unique value are checked before anything is written.
func (s *Store) Create(ctx context.Context, c org.Creation) (*org.Organization, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	o := c.Organization
	ks := s.keyspace(o.ProviderID())
	id := o.ID().String()
	body, err := jsondoc.Marshal(o.Snapshot())
	if err != nil {
		return nil, fmt.Errorf("redis: encode organization: %w", err)
	}
	ev, err := jsondoc.Marshal(c.Event)
	if err != nil {
		return nil, fmt.Errorf("redis: encode event: %w", err)
	}
	m := metaOf(o)
	p := newProgram()
	now := c.Event.Time.UnixMilli()
	if c.IdempotencyKey != "" {
		p.check("I", ks.idem(), c.IdempotencyKey, c.Fingerprint, now)
	}
	p.checkVersion(ks, id, 0)
	p.checkUnique(ks, id, m.uniques())
	p.add(id, m.entries(ks, id))
	p.write("HSET", ks.orgs(), id, body)
	p.write("HSET", ks.meta(), id, m.encode())
	p.event(ks, id, ev)
	if c.IdempotencyKey != "" {
		exp := c.KeyExpires.UnixMilli()
		p.nWrites++
		p.writes = append(p.writes, "P", p.key(ks.idem()), p.key(ks.idemExpiry()), now)
		p.write("HSET", ks.idem(), c.IdempotencyKey, fmt.Sprintf("%s %s %d", id, c.Fingerprint, exp))
		p.write("ZADD", ks.idemExpiry(), exp, c.IdempotencyKey)
	}
	res, err := p.run(ctx, s.c)
	if err != nil {
		return nil, err
	}
	if res.idemID != "" {
		first, err := uuid.Parse(res.idemID)
		if err != nil {
			return nil, fmt.Errorf("redis: idempotency entry: %w", err)
		}
		got, err := s.Get(ctx, o.ProviderID(), first)
		if errors.Is(err, org.ErrNotFound) {
			return nil, fmt.Errorf("%w: the organization this key created was deleted", org.ErrNotFound)
		}
		return got, err
	}
	return o.Clone(), nil
}

// Update implements org.Store with an optimistic check: it reads the
// organization, calls fn, and runs one script that stores the change only if
// the version is still the one fn saw. When another change came first, it
// reads again and calls fn again (fn decides, for example, that an
// org.IfVersion condition no longer holds).
func (s *Store) Update(ctx context.Context, providerID, id uuid.UUID, fn org.UpdateFunc) (*org.Organization, error) {
	for attempt := 1; ; attempt++ {
		if err := s.ready(ctx); err != nil {
			return nil, err
		}
		out, err := s.updateOnce(ctx, providerID, id, fn)
		if errors.Is(err, errVersion) && attempt < maxAttempts {
			continue
		}
		return out, err
	}
}

func (s *Store) updateOnce(ctx context.Context, providerID, id uuid.UUID, fn org.UpdateFunc) (*org.Organization, error) {
	ks := s.keyspace(providerID)
	sid := id.String()
	var body, metaCmd *goredis.StringCmd
	// MULTI/EXEC reads the snapshot and meta as one change left them.
	if _, err := s.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		body = p.HGet(ctx, ks.orgs(), sid)
		metaCmd = p.HGet(ctx, ks.meta(), sid)
		return nil
	}); err != nil {
		return nil, translate(err)
	}
	b, err := body.Bytes()
	if err != nil {
		return nil, translate(err)
	}
	cur, err := decodeOrg(b)
	if err != nil {
		return nil, err
	}
	old, err := decodeMeta(metaCmd.Val())
	if err != nil {
		return nil, err
	}
	if old.version != cur.Version() {
		return nil, fmt.Errorf("redis: organization %s: snapshot at version %d, meta at %d", id, cur.Version(), old.version)
	}
	ch, err := fn(cur.Clone())
	if err != nil {
		return nil, err
	}
	if ch.Event.Version != cur.Version()+1 {
		return nil, fmt.Errorf("redis: change to version %d of an organization at %d", ch.Event.Version, cur.Version())
	}
	if ch.Delete {
		return nil, s.delete(ctx, ks, sid, old, ch.Event)
	}
	next := ch.Organization
	if next == nil || next.ID() != id || next.ProviderID() != providerID || next.Version() != ch.Event.Version {
		return nil, fmt.Errorf("redis: change does not hold organization %s at version %d", id, ch.Event.Version)
	}
	nb, err := jsondoc.Marshal(next.Snapshot())
	if err != nil {
		return nil, fmt.Errorf("redis: encode organization: %w", err)
	}
	ev, err := jsondoc.Marshal(ch.Event)
	if err != nil {
		return nil, fmt.Errorf("redis: encode event: %w", err)
	}
	nm := metaOf(next)
	oldEntries, newEntries := old.entries(ks, sid), nm.entries(ks, sid)
	p := newProgram()
	p.checkVersion(ks, sid, cur.Version())
	// The version check proves old is the stored state, and the unique hash
	// holds every unique value of the stored state for this id: only values
	// new to it can be held by another organization.
	p.checkUnique(ks, sid, newUniques(old.uniques(), nm.uniques()))
	p.remove(diff(oldEntries, newEntries))
	p.add(sid, diff(newEntries, oldEntries))
	p.write("HSET", ks.orgs(), sid, nb)
	p.write("HSET", ks.meta(), sid, nm.encode())
	p.event(ks, sid, ev)
	if _, err := p.run(ctx, s.c); err != nil {
		return nil, err
	}
	return next.Clone(), nil
}

// delete removes the organization and its index entries and rewrites its
// events with personal data erased, in one script call conditioned on the
// version and on the number of events read.
func (s *Store) delete(ctx context.Context, ks keyspace, id string, old meta, last org.Event) error {
	list, err := s.c.HGet(ctx, ks.orgEvents(), id).Result()
	if err != nil && !errors.Is(err, goredis.Nil) {
		return translate(err)
	}
	sids := strings.Fields(list)
	p := newProgram()
	p.checkVersion(ks, id, old.version)
	p.check("N", ks.orgEvents(), id, len(sids))
	p.remove(old.entries(ks, id))
	p.write("HDEL", ks.orgs(), id)
	p.write("HDEL", ks.meta(), id)
	if len(sids) > 0 {
		bodies, err := s.c.HMGet(ctx, ks.payloads(), sids...).Result()
		if err != nil {
			return translate(err)
		}
		for i, b := range bodies {
			str, ok := b.(string)
			if !ok {
				return fmt.Errorf("redis: event %s of organization %s has no payload", sids[i], id)
			}
			var ev org.Event
			if err := jsondoc.Unmarshal([]byte(str), &ev); err != nil {
				return fmt.Errorf("redis: decode event: %w", err)
			}
			red, err := jsondoc.Marshal(ev.Redacted())
			if err != nil {
				return fmt.Errorf("redis: encode event: %w", err)
			}
			p.write("HSET", ks.payloads(), sids[i], red)
		}
	}
	ev, err := jsondoc.Marshal(last.Redacted())
	if err != nil {
		return fmt.Errorf("redis: encode event: %w", err)
	}
	p.event(ks, id, ev)
	_, err = p.run(ctx, s.c)
	return err
}
