package redis_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	goredis "github.com/redis/go-redis/v9"

	redisstore "github.com/orgkit/orgkit/adapters/redis"
	"github.com/orgkit/orgkit/datagen"
	"github.com/orgkit/orgkit/internal/testenv"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
	"github.com/orgkit/orgkit/search"
)

// Benchmarks run on a private redis-server started for them (so INFO memory
// measures only this data), loaded with ORGKIT_REDIS_BENCH_N organizations
// (default 10,000) of one provider made by package datagen. Each operation
// has a baseline: the go-redis calls a developer would write by hand for the
// same reads and writes on the same keys, without the store's checks and
// ranking. Besides ns/op each reports p50 and p99 latency in microseconds.
//
//	ORGKIT_REDIS_BENCH_N=100000 go test -run '^$' -bench . -benchtime 1000x ./adapters/redis
//
// Search texts are drawn by datagen.Generator.Queries for its kinds, plus
// whole names, reference prefixes and empty text.

type benchEnv struct {
	c        *goredis.Client
	store    *redisstore.Store
	prefix   string
	provider uuid.UUID
	gen      *datagen.Generator
	orgs     []*org.Organization
	bytesPer float64
	loadRate float64
}

var bench struct {
	once sync.Once
	env  *benchEnv
	err  error
	srv  *exec.Cmd
	dir  string
}

func benchSize() int {
	if n, err := strconv.Atoi(os.Getenv("ORGKIT_REDIS_BENCH_N")); err == nil && n > 0 {
		return n
	}
	return 10000
}

func loadBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	bench.once.Do(func() { bench.env, bench.err = startBenchEnv() })
	if bench.err != nil {
		testenv.Unavailable(b, "benchmark server: %v", bench.err)
	}
	return bench.env
}

func stopBenchServer() {
	if bench.srv != nil {
		_ = bench.srv.Process.Kill()
		_ = bench.srv.Wait()
	}
	if bench.dir != "" {
		_ = os.RemoveAll(bench.dir)
	}
}

func startBenchEnv() (*benchEnv, error) {
	ctx := context.Background()
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	if bench.dir, err = os.MkdirTemp("", "orgkit-redis-bench-"); err != nil {
		return nil, err
	}
	bench.srv = exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "",
		"--appendonly", "no", "--dir", bench.dir)
	if err := bench.srv.Start(); err != nil {
		return nil, err
	}
	c := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:" + strconv.Itoa(port)})
	if err := waitFor(func() bool { return c.Ping(ctx).Err() == nil }); err != nil {
		return nil, err
	}
	e := &benchEnv{c: c, prefix: "bench:", provider: uuid.New()}
	if e.store, err = redisstore.New(ctx, c, redisstore.WithKeyPrefix(e.prefix)); err != nil {
		return nil, err
	}
	n := benchSize()
	e.gen = datagen.New(1, e.provider)
	before, err := usedMemory(ctx, c)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if err := e.gen.Batches(ctx, n, 1000, func(_ int, items []org.Imported) error {
		for _, it := range items {
			e.orgs = append(e.orgs, it.Organization)
		}
		return e.store.Import(ctx, items)
	}); err != nil {
		return nil, err
	}
	e.loadRate = float64(len(e.orgs)) / time.Since(start).Seconds()
	after, err := usedMemory(ctx, c)
	if err != nil {
		return nil, err
	}
	e.bytesPer = float64(after-before) / float64(len(e.orgs))
	return e, nil
}

func usedMemory(ctx context.Context, c goredis.UniversalClient) (int64, error) {
	v, err := readInfo(ctx, c, "memory", "used_memory")
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(v, 10, 64)
}

// benchOrgs makes organizations first..first+n-1 of the generator, beyond
// the loaded ones when first >= the bench size.
func (e *benchEnv) benchOrgs(first, n int) []*org.Organization {
	out := make([]*org.Organization, n)
	for i := range out {
		o, err := e.gen.Organization(first + i)
		if err != nil {
			panic(err)
		}
		out[i] = o
	}
	return out
}

// timed runs op b.N times and reports p50 and p99 latency.
func timed(b *testing.B, op func() error) {
	b.Helper()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N { // not b.Loop: callers prepare b.N inputs beforehand
		t0 := time.Now()
		if err := op(); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)*50/100].Nanoseconds())/1e3, "p50-µs")
		b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Nanoseconds())/1e3, "p99-µs")
	}
}

// BenchmarkLoad reports the memory per organization, measured with INFO
// memory around the load (organization, its 3 numbers, every index and its
// event), and the import rate.
func BenchmarkLoad(b *testing.B) {
	e := loadBenchEnv(b)
	for range b.N { // the work was the load, measured once
	}
	b.ReportMetric(e.bytesPer, "bytes/org")
	b.ReportMetric(e.loadRate, "orgs/s")
	b.ReportMetric(float64(len(e.orgs)), "orgs")
}

// pick returns a random loaded organization.
func (e *benchEnv) pick(rng *rand.Rand) *org.Organization { return e.orgs[rng.IntN(len(e.orgs))] }

func (e *benchEnv) keys() (base string) { return e.prefix + "{p:" + e.provider.String() + "}:" }

func decodeSnapshot(v string) (org.Snapshot, error) {
	var s org.Snapshot
	err := json.Unmarshal([]byte(v), &s)
	return s, err
}

func BenchmarkCreate(b *testing.B) {
	e := loadBenchEnv(b)
	ctx := context.Background()
	first := len(e.orgs) + 100_000
	b.Run("store", func(b *testing.B) {
		orgs := e.benchOrgs(first, b.N)
		first += b.N
		i := 0
		timed(b, func() error {
			o := orgs[i]
			i++
			s := o.Snapshot()
			_, err := e.store.Create(ctx, org.Creation{Organization: o, Event: org.Event{ID: uuid.New(), OrganizationID: o.ID(),
				ProviderID: e.provider, Version: 1, Time: o.CreatedAt(), Type: org.EventCreated, After: &s}})
			return err
		})
	})
	b.Run("baseline", func(b *testing.B) {
		// The same writes in MULTI/EXEC, without the checks: organization,
		// unique values, sorted sets, trigram and filter sets, event.
		orgs := e.benchOrgs(first, b.N)
		first += b.N
		base := "baseline:{p:" + e.provider.String() + "}:"
		i := 0
		timed(b, func() error {
			o := orgs[i]
			i++
			id := o.ID().String()
			snap := o.Snapshot()
			body, err := json.Marshal(snap)
			if err != nil {
				return err
			}
			ev, err := json.Marshal(org.Event{ID: uuid.New(), OrganizationID: o.ID(), ProviderID: e.provider, Version: 1,
				Time: o.CreatedAt(), Type: org.EventCreated, After: &snap})
			if err != nil {
				return err
			}
			k := o.SearchKeys()
			_, err = e.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
				p.HSet(ctx, base+"o", id, body)
				if k.CustomerReference != "" {
					p.HSet(ctx, base+"u", "r:"+k.CustomerReference, id)
					p.ZAdd(ctx, base+"zr", goredis.Z{Member: k.CustomerReference + "\x00" + id})
				}
				if k.ExternalContract != "" {
					p.HSet(ctx, base+"u", "c:"+k.ExternalContract, id)
					p.ZAdd(ctx, base+"zc", goredis.Z{Member: k.ExternalContract + "\x00" + id})
				}
				for i, n := range o.Numbers() {
					p.HSet(ctx, base+"u", "n:"+n, id)
					p.ZAdd(ctx, base+"zd", goredis.Z{Member: k.Numbers[i] + "\x00" + id})
				}
				p.ZAdd(ctx, base+"zn", goredis.Z{Member: k.Name + "\x00" + id})
				for j := 0; j+3 <= len(k.Name); j++ {
					p.ZAdd(ctx, base+"g:"+k.Name[j:j+3], goredis.Z{Member: k.Name + "\x00" + id})
				}
				p.SAdd(ctx, base+"s:"+o.Status().String(), id)
				p.SAdd(ctx, base+"m:"+o.ManagedBy().String(), id)
				p.XAdd(ctx, &goredis.XAddArgs{Stream: base + "ev", Values: []any{"o", id, "e", ev}})
				return nil
			})
			return err
		})
	})
}

func BenchmarkGet(b *testing.B) {
	e := loadBenchEnv(b)
	ctx := context.Background()
	b.Run("store", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 1))
		timed(b, func() error {
			_, err := e.store.Get(ctx, e.provider, e.pick(rng).ID())
			return err
		})
	})
	b.Run("baseline", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 1))
		timed(b, func() error {
			v, err := e.c.HGet(ctx, e.keys()+"o", e.pick(rng).ID().String()).Result()
			if err != nil {
				return err
			}
			_, err = decodeSnapshot(v)
			return err
		})
	})
}

// Loaded organizations are split: the first tenth take updates (store and
// baseline on different ones), the rest serve search queries, so renames
// do not change what searches find.
func (e *benchEnv) updateTargets(part int) []*org.Organization {
	n := max(len(e.orgs)/20, 1)
	return e.orgs[part*n : (part+1)*n]
}

func (e *benchEnv) searchPool() []*org.Organization { return e.orgs[len(e.orgs)/10:] }

// switchOwnership flips an organization between Customer and Service
// Provider management, as the Service's switch does to the stored state.
func switchOwnership(cur *org.Organization) (org.Snapshot, error) {
	s := cur.Snapshot()
	if len(s.Members) == 0 {
		return s, fmt.Errorf("organization %s has no member to own it", s.ID)
	}
	if s.ManagedBy == ownership.Customer {
		s.ManagedBy, s.OwnerID = ownership.ServiceProvider, uuid.Nil
		s.Members[0].Role = ownership.Admin
	} else {
		s.ManagedBy, s.OwnerID = ownership.Customer, s.Members[0].ID
		s.Members[0].Role = ownership.Owner
	}
	s.Version++
	return s, nil
}

func BenchmarkUpdate(b *testing.B) {
	e := loadBenchEnv(b)
	ctx := context.Background()
	b.Run("store", func(b *testing.B) {
		targets, i := e.updateTargets(0), 0
		timed(b, func() error {
			o := targets[i%len(targets)]
			i++
			_, err := e.store.Update(ctx, e.provider, o.ID(), rename(e.provider, fmt.Sprintf("%s %d", o.Name(), i%7)))
			return err
		})
	})
	b.Run("baseline", func(b *testing.B) {
		// Read, rename, then in MULTI/EXEC: the snapshot, the name set
		// member, the trigram sets and the event (into baseline keys).
		targets, i := e.updateTargets(1), 0
		base := "baseline:{p:" + e.provider.String() + "}:"
		timed(b, func() error {
			o := targets[i%len(targets)]
			i++
			id := o.ID().String()
			v, err := e.c.HGet(ctx, e.keys()+"o", id).Result()
			if err != nil {
				return err
			}
			cur, err := decodeSnapshot(v)
			if err != nil {
				return err
			}
			next := cur
			next.Name, next.Version = fmt.Sprintf("%s %d", o.Name(), i%7), cur.Version+1
			body, err := json.Marshal(next)
			if err != nil {
				return err
			}
			ev, err := json.Marshal(org.Event{ID: uuid.New(), OrganizationID: o.ID(), ProviderID: e.provider,
				Version: next.Version, Type: org.EventUpdated, Before: &cur, After: &next})
			if err != nil {
				return err
			}
			oldName, newName := search.Fold(cur.Name), search.Fold(next.Name)
			_, err = e.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
				p.HSet(ctx, base+"o", id, body)
				p.ZRem(ctx, base+"zn", oldName+"\x00"+id)
				p.ZAdd(ctx, base+"zn", goredis.Z{Member: newName + "\x00" + id})
				for j := 0; j+3 <= len(oldName); j++ {
					p.ZRem(ctx, base+"g:"+oldName[j:j+3], oldName+"\x00"+id)
				}
				for j := 0; j+3 <= len(newName); j++ {
					p.ZAdd(ctx, base+"g:"+newName[j:j+3], goredis.Z{Member: newName + "\x00" + id})
				}
				p.XAdd(ctx, &goredis.XAddArgs{Stream: base + "ev", Values: []any{"o", id, "e", ev}})
				return nil
			})
			return err
		})
	})
}

func BenchmarkSwitchOwnership(b *testing.B) {
	e := loadBenchEnv(b)
	ctx := context.Background()
	customers := func(part int) []*org.Organization {
		var out []*org.Organization
		for _, o := range e.updateTargets(part) {
			if len(o.Members()) > 0 {
				out = append(out, o)
			}
		}
		return out
	}
	b.Run("store", func(b *testing.B) {
		targets, i := customers(0), 0
		timed(b, func() error {
			o := targets[i%len(targets)]
			i++
			_, err := e.store.Update(ctx, e.provider, o.ID(), func(cur *org.Organization) (org.Change, error) {
				s, err := switchOwnership(cur)
				if err != nil {
					return org.Change{}, err
				}
				next, err := org.Rehydrate(s)
				if err != nil {
					return org.Change{}, err
				}
				before := cur.Snapshot()
				return org.Change{Organization: next, Event: org.Event{ID: uuid.New(), OrganizationID: cur.ID(),
					ProviderID: e.provider, Version: s.Version, Type: org.EventManagedBySwitched, Before: &before, After: &s}}, nil
			})
			return err
		})
	})
	b.Run("baseline", func(b *testing.B) {
		targets, i := customers(1), 0
		base := "baseline:{p:" + e.provider.String() + "}:"
		timed(b, func() error {
			o := targets[i%len(targets)]
			i++
			id := o.ID().String()
			v, err := e.c.HGet(ctx, e.keys()+"o", id).Result()
			if err != nil {
				return err
			}
			cur, err := decodeSnapshot(v)
			if err != nil {
				return err
			}
			co, err := org.Rehydrate(cur)
			if err != nil {
				return err
			}
			next, err := switchOwnership(co)
			if err != nil {
				return err
			}
			body, err := json.Marshal(next)
			if err != nil {
				return err
			}
			ev, err := json.Marshal(org.Event{ID: uuid.New(), OrganizationID: o.ID(), ProviderID: e.provider,
				Version: next.Version, Type: org.EventManagedBySwitched, Before: &cur, After: &next})
			if err != nil {
				return err
			}
			_, err = e.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
				p.HSet(ctx, base+"o", id, body)
				p.SRem(ctx, base+"m:"+cur.ManagedBy.String(), id)
				p.SAdd(ctx, base+"m:"+next.ManagedBy.String(), id)
				p.XAdd(ctx, &goredis.XAddArgs{Stream: base + "ev", Values: []any{"o", id, "e", ev}})
				return nil
			})
			return err
		})
	})
}

// searchKind is one kind of search box input: the queries drawn for it,
// and the hand-written go-redis lookup for that kind alone.
type searchKind struct {
	name     string
	queries  func(e *benchEnv) []datagen.Query
	baseline func(ctx context.Context, e *benchEnv, q datagen.Query) error
}

const benchQueries = 1000

// drawn returns the queries datagen draws for kind from the search pool.
func drawn(kind datagen.Kind) func(e *benchEnv) []datagen.Query {
	return func(e *benchEnv) []datagen.Query {
		qs := e.gen.Queries(kind, benchQueries, len(e.orgs))
		pool := len(e.orgs) / 10 // the first tenth take updates
		return slices.DeleteFunc(qs, func(q datagen.Query) bool { return q.Org < pool })
	}
}

// derived draws one query from each of benchQueries organizations of the
// search pool.
func derived(text func(o *org.Organization) string) func(e *benchEnv) []datagen.Query {
	return func(e *benchEnv) []datagen.Query {
		rng := rand.New(rand.NewPCG(3, 3))
		pool := e.searchPool()
		var qs []datagen.Query
		for len(qs) < benchQueries {
			if t := text(pool[rng.IntN(len(pool))]); t != "" {
				qs = append(qs, datagen.Query{Text: t})
			}
		}
		return qs
	}
}

// nameMemberID returns the id of a name-set member: its second field.
func nameMemberID(m string) string {
	_, rest, _ := strings.Cut(m, "\x00")
	id, _, _ := strings.Cut(rest, "\x00")
	return id
}

// lastFieldID returns the id that ends a reference, contract or digits
// sorted-set member.
func lastFieldID(m string) string { return m[strings.LastIndexByte(m, 0)+1:] }

func searchKinds() []searchKind {
	exact := func(field string, key func(string) string) func(ctx context.Context, e *benchEnv, q datagen.Query) error {
		return func(ctx context.Context, e *benchEnv, q datagen.Query) error {
			id, err := e.c.HGet(ctx, e.keys()+"u", field+key(q.Text)).Result()
			if err != nil {
				return err
			}
			return e.loadIDs(ctx, []string{id})
		}
	}
	// lex reads the first 21 members of a sorted-set range and their
	// organizations: what a hand-written prefix search in one key does,
	// without ranking across keys.
	lex := func(set string, exact bool, key func(string) string, idOf func(string) string) func(ctx context.Context, e *benchEnv, q datagen.Query) error {
		return func(ctx context.Context, e *benchEnv, q datagen.Query) error {
			k := key(q.Text)
			start, stop := "["+k, "("+k+"\xff"
			if exact {
				start, stop = "["+k+"\x00", "("+k+"\x01"
			}
			if k == "" {
				start, stop = "-", "+"
			}
			ms, err := e.c.ZRangeArgs(ctx, goredis.ZRangeArgs{Key: e.keys() + set, Start: start, Stop: stop, ByLex: true, Count: 21}).Result()
			if err != nil {
				return err
			}
			ids := make([]string, len(ms))
			for i, m := range ms {
				ids[i] = idOf(m)
			}
			return e.loadIDs(ctx, ids)
		}
	}
	digits := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, s)
	}
	e164 := func(s string) string { return "+" + digits(s) }
	return []searchKind{
		{"id", drawn(datagen.KindID), func(ctx context.Context, e *benchEnv, q datagen.Query) error {
			return e.loadIDs(ctx, []string{strings.ToLower(q.Text)})
		}},
		{"number", drawn(datagen.KindNumber), exact("n:", e164)},
		{"number-prefix", drawn(datagen.KindNumberPrefix), lex("zd", false, digits, lastFieldID)},
		{"reference", drawn(datagen.KindReference), exact("r:", search.Fold)},
		{"reference-prefix", derived(func(o *org.Organization) string {
			r := []rune(o.CustomerReference())
			return string(r[:max(len(r)-5, 0)])
		}), lex("zr", false, search.Fold, lastFieldID)},
		{"contract", drawn(datagen.KindContract), exact("c:", search.Fold)},
		{"name", derived(func(o *org.Organization) string { return o.Name() }), lex("zn", true, search.Fold, nameMemberID)},
		{"name-prefix", drawn(datagen.KindNamePrefix), lex("zn", false, search.Fold, nameMemberID)},
		{"name-substring", drawn(datagen.KindNameSubstring), substringBaseline},
		{"tags", drawn(datagen.KindTags), tagsBaseline},
		{"list", func(*benchEnv) []datagen.Query { return []datagen.Query{{}} }, lex("zn", false, search.Fold, nameMemberID)},
	}
}

// loadIDs reads and decodes the organizations with the given ids.
func (e *benchEnv) loadIDs(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	vals, err := e.c.HMGet(ctx, e.keys()+"o", ids...).Result()
	if err != nil {
		return err
	}
	for _, v := range vals {
		if s, ok := v.(string); ok {
			if _, err := decodeSnapshot(s); err != nil {
				return err
			}
		}
	}
	return nil
}

// substringBaseline intersects the trigram sorted sets, reads every candidate,
// keeps the names that hold the text and sorts them by fold key and id.
func substringBaseline(ctx context.Context, e *benchEnv, q datagen.Query) error {
	fold := search.Fold(q.Text)
	var keys []string
	for j := 0; j+3 <= len(fold); j++ {
		keys = append(keys, e.keys()+"g:"+fold[j:j+3])
	}
	ms, err := e.c.ZInter(ctx, &goredis.ZStore{Keys: keys}).Result()
	if err != nil || len(ms) == 0 {
		return err
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = nameMemberID(m)
	}
	vals, err := e.c.HMGet(ctx, e.keys()+"o", ids...).Result()
	if err != nil {
		return err
	}
	type hit struct{ name, id string }
	var hits []hit
	for i, v := range vals {
		s, ok := v.(string)
		if !ok {
			continue
		}
		snap, err := decodeSnapshot(s)
		if err != nil {
			return err
		}
		if n := search.Fold(snap.Name); strings.Contains(n, fold) {
			hits = append(hits, hit{n, ids[i]})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	return nil
}

// tagsBaseline intersects the tag sets and reads 21 of the organizations,
// unordered.
func tagsBaseline(ctx context.Context, e *benchEnv, q datagen.Query) error {
	var keys []string
	for _, t := range q.Tags {
		keys = append(keys, e.keys()+"t:"+search.Fold(t))
	}
	ids, err := e.c.SInter(ctx, keys...).Result()
	if err != nil {
		return err
	}
	return e.loadIDs(ctx, ids[:min(len(ids), 21)])
}

func BenchmarkSearch(b *testing.B) {
	e := loadBenchEnv(b)
	ctx := context.Background()
	for _, k := range searchKinds() {
		qs := k.queries(e)
		if len(qs) == 0 {
			b.Fatalf("no %s queries", k.name)
		}
		b.Run(k.name+"/store", func(b *testing.B) {
			plans := make([]search.Plan, len(qs))
			for i, q := range qs {
				p, err := search.Compile(e.provider.String(), search.Query{Text: q.Text, Filter: search.Filter{Tags: q.Tags}})
				if err != nil {
					b.Fatal(err)
				}
				plans[i] = p
			}
			i := 0
			timed(b, func() error {
				_, err := e.store.Search(ctx, plans[i%len(plans)])
				i++
				return err
			})
		})
		b.Run(k.name+"/baseline", func(b *testing.B) {
			i := 0
			timed(b, func() error {
				err := k.baseline(ctx, e, qs[i%len(qs)])
				i++
				return err
			})
		})
	}
}
