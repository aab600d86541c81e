package redis_test

import (
	"context"
	"encoding/json"
	"errors"
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
	"github.com/orgkit/orgkit/adapters/storetest"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
	"github.com/orgkit/orgkit/search"
)

// Benchmarks run on a private redis-server started for them (so INFO memory
// measures only this data), loaded with ORGKIT_REDIS_BENCH_N organizations
// (default 10,000) of one provider. Each operation has a baseline: the
// go-redis calls a developer would write by hand for the same reads and
// writes on the same keys, without the store's checks and ranking. Besides
// ns/op each reports p50 and p99 latency in microseconds.
//
//	ORGKIT_REDIS_BENCH_N=100000 go test -run '^$' -bench . -benchtime 2000x ./adapters/redis
//
// The data is generated here: three valid numbers per organization, unique
// references and contracts, names from a pseudo-word vocabulary with
// diacritics and ß so that folding, prefixes and trigrams behave as on real
// names.

type benchEnv struct {
	c        *goredis.Client
	store    *redisstore.Store
	prefix   string
	provider uuid.UUID
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
		unavailable(b, "benchmark server: %v", bench.err)
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
	e.orgs = benchOrgs(e.provider, 0, n)
	before, err := usedMemory(ctx, c)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	for i := 0; i < len(e.orgs); i += 1000 {
		var items []org.Imported
		for _, o := range e.orgs[i:min(i+1000, len(e.orgs))] {
			s := o.Snapshot()
			items = append(items, org.Imported{Organization: o, Event: org.Event{ID: uuid.New(), OrganizationID: o.ID(),
				ProviderID: e.provider, Version: 1, Time: o.CreatedAt(), Type: org.EventImported, After: &s}})
		}
		if err := e.store.Import(ctx, items); err != nil {
			return nil, err
		}
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

var (
	syllables = []string{"ka", "lo", "mi", "ra", "ten", "vor", "sun", "del", "bri", "zan", "ö", "é", "ß", "ne", "tri",
		"gal", "mar", "qu", "ix", "on", "ar", "el", "su", "po", "chi", "ves", "lan", "dor", "ul", "ça"}
	suffixes = []string{"Ltd", "GmbH", "SA", "Inc", "Telecom", "Networks", "Voice", "Cloud", "AB", "Oy", "S.p.A.", "KK"}
	npas     = []string{"415", "212", "646", "917", "303", "512", "206", "617"}
)

// benchOrgs makes organizations first..first+n-1 of provider p; the same
// index always gives the same names, references and numbers.
func benchOrgs(p uuid.UUID, first, n int) []*org.Organization {
	out := make([]*org.Organization, 0, n)
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := first; i < first+n; i++ {
		rng := rand.New(rand.NewPCG(uint64(i), 99))
		word := func() string {
			var w strings.Builder
			for range 2 + rng.IntN(2) {
				w.WriteString(syllables[rng.IntN(len(syllables))])
			}
			r := []rune(w.String())
			return strings.ToUpper(string(r[0])) + string(r[1:])
		}
		name := word() + " " + word() + " " + suffixes[rng.IntN(len(suffixes))]
		var in org.CreateInput
		if i%2 == 0 {
			in = org.CreateInput{Name: name, ManagedBy: ownership.Customer,
				Owner:   &org.Person{Name: "Owner " + strconv.Itoa(i), Email: fmt.Sprintf("owner%d@example.com", i)},
				Billing: storetest.Billing(""), Country: "US"}
		} else {
			in = org.CreateInput{Name: name, ManagedBy: ownership.ServiceProvider}
		}
		if i%4 != 3 {
			in.CustomerReference = fmt.Sprintf("CR-%07d", i)
		}
		if i%3 == 0 {
			in.ExternalContract = fmt.Sprintf("EC-%06d-%s", i, npas[i%len(npas)])
		}
		for k := range 3 {
			j := 3*i + k
			rest := j / len(npas)
			in.Numbers = append(in.Numbers, fmt.Sprintf("+1%s%03d%04d", npas[j%len(npas)], 201+(rest/10000)%700, rest%10000))
		}
		if rng.IntN(5) == 0 {
			in.BuyerTags = []string{"VIP"}
		}
		at := created.Add(time.Duration(i) * time.Millisecond)
		o, err := org.New(p, in, nil, at)
		if err != nil {
			in.Numbers = nil // a number its plan refuses: keep the organization without numbers
			if o, err = org.New(p, in, nil, at); err != nil {
				var ve *org.ValidationError
				if errors.As(err, &ve) {
					panic(ve.Detail())
				}
				panic(err)
			}
		}
		out = append(out, o)
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
	first := len(e.orgs) + 1_000_000
	b.Run("store", func(b *testing.B) {
		orgs := benchOrgs(e.provider, first, b.N)
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
		orgs := benchOrgs(e.provider, first, b.N)
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
					p.SAdd(ctx, base+"g:"+k.Name[j:j+3], id)
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
					if !strings.Contains(newName, oldName[j:j+3]) {
						p.SRem(ctx, base+"g:"+oldName[j:j+3], id)
					}
				}
				for j := 0; j+3 <= len(newName); j++ {
					p.SAdd(ctx, base+"g:"+newName[j:j+3], id)
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

// searchKind is one kind of search box input: how to draw it from an
// organization, and the hand-written go-redis lookup for that kind alone.
type searchKind struct {
	name     string
	text     func(rng *rand.Rand, o *org.Organization) string
	baseline func(ctx context.Context, e *benchEnv, text string) error
}

func middle(rng *rand.Rand, s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	i := 1 + rng.IntN(len(r)-n)
	return string(r[i : i+n])
}

func searchKinds() []searchKind {
	exact := func(field string, fold bool) func(ctx context.Context, e *benchEnv, text string) error {
		return func(ctx context.Context, e *benchEnv, text string) error {
			if fold {
				text = search.Fold(text)
			}
			id, err := e.c.HGet(ctx, e.keys()+"u", field+text).Result()
			if err != nil {
				return err
			}
			v, err := e.c.HGet(ctx, e.keys()+"o", id).Result()
			if err != nil {
				return err
			}
			_, err = decodeSnapshot(v)
			return err
		}
	}
	lex := func(set string, exact bool, key func(string) string) func(ctx context.Context, e *benchEnv, text string) error {
		return func(ctx context.Context, e *benchEnv, text string) error {
			k := key(text)
			start, stop := "["+k, "("+k+"\xff"
			if exact {
				start, stop = "["+k+"\x00", "("+k+"\x01"
			}
			if text == "" {
				start, stop = "-", "+"
			}
			ms, err := e.c.ZRangeArgs(ctx, goredis.ZRangeArgs{Key: e.keys() + set, Start: start, Stop: stop, ByLex: true, Count: 21}).Result()
			if err != nil {
				return err
			}
			return e.loadMembers(ctx, ms)
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
	return []searchKind{
		{"id", func(_ *rand.Rand, o *org.Organization) string { return o.ID().String() },
			func(ctx context.Context, e *benchEnv, text string) error {
				v, err := e.c.HGet(ctx, e.keys()+"o", text).Result()
				if err != nil {
					return err
				}
				_, err = decodeSnapshot(v)
				return err
			}},
		{"number", func(_ *rand.Rand, o *org.Organization) string { return first(o.Numbers()) }, exact("n:", false)},
		{"number-prefix", func(_ *rand.Rand, o *org.Organization) string { return first(o.Numbers())[:8] },
			lex("zd", false, digits)},
		{"reference", func(_ *rand.Rand, o *org.Organization) string { return o.CustomerReference() }, exact("r:", true)},
		{"reference-prefix", func(_ *rand.Rand, o *org.Organization) string {
			return first([]string{o.CustomerReference()})[:min(8, len(o.CustomerReference()))]
		},
			lex("zr", false, search.Fold)},
		{"contract", func(_ *rand.Rand, o *org.Organization) string { return o.ExternalContract() }, exact("c:", true)},
		{"name", func(_ *rand.Rand, o *org.Organization) string { return o.Name() }, lex("zn", true, search.Fold)},
		{"name-prefix", func(_ *rand.Rand, o *org.Organization) string { return string([]rune(o.Name())[:4]) },
			lex("zn", false, search.Fold)},
		{"name-substring", func(rng *rand.Rand, o *org.Organization) string { return middle(rng, o.Name(), 4) },
			substringBaseline},
		{"list", func(*rand.Rand, *org.Organization) string { return "" }, lex("zn", false, search.Fold)},
	}
}

func first(l []string) string {
	if len(l) == 0 {
		return ""
	}
	return l[0]
}

// loadMembers reads and decodes the organizations of sorted-set members.
func (e *benchEnv) loadMembers(ctx context.Context, members []string) error {
	if len(members) == 0 {
		return nil
	}
	ids := make([]string, len(members))
	for i, m := range members {
		ids[i] = m[strings.LastIndexByte(m, 0)+1:]
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

// substringBaseline intersects the trigram sets, reads every candidate,
// keeps the names that hold the text and sorts them by fold key and id.
func substringBaseline(ctx context.Context, e *benchEnv, text string) error {
	fold := search.Fold(text)
	var keys []string
	for j := 0; j+3 <= len(fold); j++ {
		keys = append(keys, e.keys()+"g:"+fold[j:j+3])
	}
	ids, err := e.c.SInter(ctx, keys...).Result()
	if err != nil || len(ids) == 0 {
		return err
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

func BenchmarkSearch(b *testing.B) {
	e := loadBenchEnv(b)
	ctx := context.Background()
	pool := e.searchPool()
	for _, k := range searchKinds() {
		rng := rand.New(rand.NewPCG(3, 3))
		var texts []string
		for len(texts) < 1000 {
			o := pool[rng.IntN(len(pool))]
			if t := k.text(rng, o); t != "" || k.name == "list" {
				texts = append(texts, t)
			}
		}
		b.Run(k.name+"/store", func(b *testing.B) {
			plans := make([]search.Plan, len(texts))
			for i, t := range texts {
				p, err := search.Compile(e.provider.String(), search.Query{Text: t})
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
				err := k.baseline(ctx, e, texts[i%len(texts)])
				i++
				return err
			})
		})
	}
}
