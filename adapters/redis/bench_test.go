package redis_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
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
	"github.com/orgkit/orgkit/internal/jsondoc"
	"github.com/orgkit/orgkit/internal/testenv"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
	"github.com/orgkit/orgkit/search"
)

// Benchmarks run on a private redis-server started for them (so INFO memory
// measures only this data), loaded with ORGKIT_REDIS_BENCH_N organizations
// (default 10,000) of one provider made by package datagen. Each operation
// has a baseline: the go-redis calls a developer would write by hand for the
// same reads and writes on the same keys. Change baselines make the store's
// checks too, as reads in the same MULTI/EXEC. The search baseline is a
// hand-written search (handSearch) checked to find the store's page; each
// search kind also has a floor, the one key or sorted set such a search
// reads at least, without ranking across keys. Besides ns/op each reports p50
// and p99 latency in microseconds, and the server's time per operation
// (srv-µs; with srv-p99-µs where each operation is one script or
// MULTI/EXEC), so a gap to the baseline can be told apart as the server's
// or the client's.
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
	n        int                 // organizations loaded
	orgs     []*org.Organization // a sample of them, in load order
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

// sampleSize is about how many loaded organizations the benchmarks keep
// to pick from.
const sampleSize = 20_000

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
	// Only a sample of the organizations stays in this process: a million
	// of them would make its garbage collector's work land in the
	// latencies measured.
	step := max(1, n/sampleSize)
	start := time.Now()
	if err := e.gen.Batches(ctx, n, 1000, func(_ int, items []org.Imported) error {
		for _, it := range items {
			if e.n%step == 0 {
				e.orgs = append(e.orgs, it.Organization)
			}
			e.n++
		}
		return e.store.Import(ctx, items)
	}); err != nil {
		return nil, err
	}
	e.loadRate = float64(e.n) / time.Since(start).Seconds()
	after, err := usedMemory(ctx, c)
	if err != nil {
		return nil, err
	}
	e.bytesPer = float64(after-before) / float64(e.n)
	runtime.GC()
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

// timed runs op b.N times and reports p50 and p99 latency as the client
// sees it, and the server's share of it (see serverTime).
func (e *benchEnv) timed(b *testing.B, op func() error) {
	b.Helper()
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	if err := e.c.ConfigResetStat(ctx).Err(); err != nil {
		b.Fatal(err)
	}
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
	if err := e.serverTime(ctx, b); err != nil {
		b.Fatal(err)
	}
}

// serverTime reports how long the server spent on the commands sent since
// its statistics were reset (INFO commandstats), per operation: the rest
// of the latency is the network, the client, and waiting for a core. A
// script or MULTI/EXEC counts as one command; the commands it ran are
// counted again on their own, so when any ran only those count (a
// baseline's reads before its MULTI/EXEC, a few µs, are then left out). When each
// operation was one such command, srv-p99-µs is the upper bound of the
// LATENCY HISTOGRAM bucket holding its 99th percentile (buckets double).
func (e *benchEnv) serverTime(ctx context.Context, b *testing.B) error {
	info, err := e.c.Info(ctx, "commandstats").Result()
	if err != nil {
		return err
	}
	type stat struct{ calls, usec float64 }
	stats := map[string]stat{}
	for line := range strings.Lines(info) {
		name, rest, ok := strings.Cut(strings.TrimSpace(line), ":")
		name, found := strings.CutPrefix(name, "cmdstat_")
		if !ok || !found || name == "info" || strings.HasPrefix(name, "config") {
			continue
		}
		var st stat
		for f := range strings.SplitSeq(rest, ",") {
			k, v, _ := strings.Cut(f, "=")
			switch k {
			case "calls":
				st.calls, _ = strconv.ParseFloat(v, 64)
			case "usec":
				st.usec, _ = strconv.ParseFloat(v, 64)
			}
		}
		stats[name] = st
	}
	outer := []string{"evalsha", "exec"}
	if stats["evalsha"].calls == 0 && stats["exec"].calls == 0 {
		outer = slices.Collect(maps.Keys(stats))
	}
	var calls, usec float64
	for _, name := range outer {
		calls += stats[name].calls
		usec += stats[name].usec
	}
	b.ReportMetric(usec/float64(b.N), "srv-µs")
	if len(outer) == 2 && calls == float64(b.N) {
		name := "evalsha"
		if stats[name].calls == 0 {
			name = "exec"
		}
		p99, err := histogramP99(ctx, e.c, name)
		if err != nil {
			return err
		}
		b.ReportMetric(p99, "srv-p99-µs")
	}
	return nil
}

// histogramP99 returns the upper bound, in microseconds, of the LATENCY
// HISTOGRAM bucket of command name that holds its 99th percentile.
func histogramP99(ctx context.Context, c *goredis.Client, name string) (float64, error) {
	v, err := c.Do(ctx, "LATENCY", "HISTOGRAM", name).Result()
	if err != nil {
		return 0, err
	}
	cmds, _ := v.(map[any]any)
	cmd, _ := cmds[name].(map[any]any)
	hist, _ := cmd["histogram_usec"].(map[any]any)
	calls, _ := cmd["calls"].(int64)
	bounds := make([]int64, 0, len(hist))
	for k := range hist {
		le, ok := k.(int64)
		if !ok {
			return 0, fmt.Errorf("latency histogram of %s: bucket %v", name, k)
		}
		bounds = append(bounds, le)
	}
	slices.Sort(bounds)
	for _, le := range bounds { // counts are cumulative
		if n, _ := hist[le].(int64); n*100 >= calls*99 {
			return float64(le), nil
		}
	}
	return 0, fmt.Errorf("latency histogram of %s: no buckets for %d calls", name, calls)
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
	b.ReportMetric(float64(e.n), "orgs")
}

// pick returns a random loaded organization.
func (e *benchEnv) pick(rng *rand.Rand) *org.Organization { return e.orgs[rng.IntN(len(e.orgs))] }

func (e *benchEnv) keys() (base string) { return e.prefix + "{p:" + e.provider.String() + "}:" }

func decodeSnapshot(v string) (org.Snapshot, error) {
	var s org.Snapshot
	err := jsondoc.Unmarshal([]byte(v), &s)
	return s, err
}

// handIndex is what the baselines write for an organization, computed by
// hand in the layout the store uses (see the package documentation): the
// sorted-set members by key, the sets holding its id, its unique-hash
// fields and its meta.
type handIndex struct {
	zsets  map[string][]string
	sets   []string
	unique []string
	meta   string
}

func newHandIndex(base string, o *org.Organization) handIndex {
	id := o.ID().String()
	k := o.SearchKeys()
	h := handIndex{zsets: make(map[string][]string)}
	tail := "\x00" + k.Name + "\x00" + id
	line := k.Name + "\x00" + k.CustomerReference + "\x00" + k.ExternalContract
	if k.CustomerReference != "" {
		h.unique = append(h.unique, "r:"+k.CustomerReference)
		h.zsets[base+"zr"] = []string{k.CustomerReference + tail}
	}
	if k.ExternalContract != "" {
		h.unique = append(h.unique, "c:"+k.ExternalContract)
		h.zsets[base+"zc"] = []string{k.ExternalContract + tail}
	}
	prefixes := make(map[string]bool)
	for i, n := range o.Numbers() {
		d := k.Numbers[i]
		h.unique = append(h.unique, "n:"+n)
		h.zsets[base+"zd"] = append(h.zsets[base+"zd"], d+tail)
		line += "\x00" + d
		for l := 3; l < len(d); l++ {
			if !prefixes[d[:l]] {
				prefixes[d[:l]] = true
				h.zsets[base+"zp"] = append(h.zsets[base+"zp"], d[:l]+tail)
			}
		}
	}
	name, rest, _ := strings.Cut(line, "\x00")
	h.zsets[base+"zn"] = []string{name + "\x00" + id + "\x00" + rest}
	for _, n := range []int{3, 5} {
		for _, r := range charRuns(k.Name, n) {
			h.zsets[base+"g:"+r] = []string{k.Name + "\x00" + id}
		}
	}
	h.sets = []string{base + "s:" + o.Status().String(), base + "m:" + o.ManagedBy().String()}
	tags := o.TagKeys()
	slices.Sort(tags)
	tags = slices.Compact(tags)
	for _, t := range tags {
		h.sets = append(h.sets, base+"t:"+t)
	}
	h.meta = fmt.Sprintf("%d:%s\x1f%s\x1f%s\x1f%s", o.Version(), o.Status(), o.ManagedBy(), strings.Join(tags, "\x1e"), line)
	return h
}

// write queues the index entries of h missing from old (all of them when
// old is nil), and removes those of old missing from h.
func (h handIndex) write(ctx context.Context, p goredis.Pipeliner, base, id string, old *handIndex) {
	has := func(list []string, v string) bool { return slices.Contains(list, v) }
	if old != nil {
		for key, ms := range old.zsets {
			var gone []any
			for _, m := range ms {
				if !has(h.zsets[key], m) {
					gone = append(gone, m)
				}
			}
			if len(gone) > 0 {
				p.ZRem(ctx, key, gone...)
			}
		}
		for _, key := range old.sets {
			if !has(h.sets, key) {
				p.SRem(ctx, key, id)
			}
		}
		var gone []string
		for _, f := range old.unique {
			if !has(h.unique, f) {
				gone = append(gone, f)
			}
		}
		if len(gone) > 0 {
			p.HDel(ctx, base+"u", gone...)
		}
	}
	var fields []any
	for _, f := range h.unique {
		if old == nil || !has(old.unique, f) {
			fields = append(fields, f, id)
		}
	}
	if len(fields) > 0 {
		p.HSet(ctx, base+"u", fields...)
	}
	for key, ms := range h.zsets {
		var zs []goredis.Z
		for _, m := range ms {
			if old == nil || !has(old.zsets[key], m) {
				zs = append(zs, goredis.Z{Member: m})
			}
		}
		if len(zs) > 0 {
			p.ZAdd(ctx, key, zs...)
		}
	}
	for _, key := range h.sets {
		if old == nil || !has(old.sets, key) {
			p.SAdd(ctx, key, id)
		}
	}
	p.HSet(ctx, base+"k", id, h.meta)
}

// baselineEvent queues an event's writes as the store makes them: a stream
// entry naming the organization, the body in a hash, and the event's id
// appended to the organization's list. A transaction cannot name the body
// by the stream id XADD returns, as the store's script does, so the
// baseline keys it by event id, in keys of its own (evBase) so that the
// store's event feed stays whole.
func baselineEvent(ctx context.Context, p goredis.Pipeliner, evBase, id string, ev org.Event, body []byte, list string) {
	p.XAdd(ctx, &goredis.XAddArgs{Stream: evBase + "ev", Values: []any{"o", id}})
	p.HSet(ctx, evBase+"e", ev.ID.String(), body)
	p.HSet(ctx, evBase+"oe", id, strings.TrimSpace(list+" "+ev.ID.String()))
}

// checkReplies reports the baseline's checks: the meta read first (want
// "" for an absent organization, or its version) and unique values held by
// another organization.
func checkReplies(id string, metaCmd *goredis.StringCmd, want int64, held *goredis.SliceCmd) error {
	v, err := metaCmd.Result()
	if err != nil && err != goredis.Nil {
		return err
	}
	if want == 0 && v != "" {
		return fmt.Errorf("organization %s exists", id)
	}
	if want > 0 && !strings.HasPrefix(v, strconv.FormatInt(want, 10)+":") {
		return fmt.Errorf("organization %s is not at version %d", id, want)
	}
	if held != nil {
		for _, h := range held.Val() {
			if h != nil && h != id {
				return fmt.Errorf("unique value held by %v", h)
			}
		}
	}
	return nil
}

func BenchmarkCreate(b *testing.B) {
	e := loadBenchEnv(b)
	ctx := context.Background()
	first := e.n + 100_000
	b.Run("store", func(b *testing.B) {
		orgs := e.benchOrgs(first, b.N)
		first += b.N
		i := 0
		e.timed(b, func() error {
			o := orgs[i]
			i++
			s := o.Snapshot()
			_, err := e.store.Create(ctx, org.Creation{Organization: o, Event: org.Event{ID: uuid.New(), OrganizationID: o.ID(),
				ProviderID: e.provider, Version: 1, Time: o.CreatedAt(), Type: org.EventCreated, After: &s}})
			return err
		})
	})
	b.Run("baseline", func(b *testing.B) {
		// One MULTI/EXEC holding the store's checks as reads (the meta
		// field, the unique values) and its writes on the store's keys:
		// organization, meta, unique values, every sorted set and set, and
		// the event. It checks the replies after EXEC, so unlike the store
		// it could not refuse a change: it measures the work, not the
		// guarantee.
		orgs := e.benchOrgs(first, b.N)
		first += b.N
		base, evBase := e.keys(), "baseline:{p:"+e.provider.String()+"}:"
		i := 0
		e.timed(b, func() error {
			o := orgs[i]
			i++
			id := o.ID().String()
			snap := o.Snapshot()
			body, err := jsondoc.Marshal(snap)
			if err != nil {
				return err
			}
			ev := org.Event{ID: uuid.New(), OrganizationID: o.ID(), ProviderID: e.provider, Version: 1,
				Time: o.CreatedAt(), Type: org.EventCreated, After: &snap}
			evBody, err := jsondoc.Marshal(ev)
			if err != nil {
				return err
			}
			h := newHandIndex(base, o)
			var metaCmd *goredis.StringCmd
			var held *goredis.SliceCmd
			if _, err := e.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
				metaCmd = p.HGet(ctx, base+"k", id)
				held = p.HMGet(ctx, base+"u", h.unique...)
				h.write(ctx, p, base, id, nil)
				p.HSet(ctx, base+"o", id, body)
				baselineEvent(ctx, p, evBase, id, ev, evBody, "")
				return nil
			}); err != nil && err != goredis.Nil {
				return err
			}
			return checkReplies(id, metaCmd, 0, held)
		})
	})
}

func BenchmarkGet(b *testing.B) {
	e := loadBenchEnv(b)
	ctx := context.Background()
	b.Run("store", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 1))
		e.timed(b, func() error {
			_, err := e.store.Get(ctx, e.provider, e.pick(rng).ID())
			return err
		})
	})
	b.Run("baseline", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 1))
		e.timed(b, func() error {
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

// baselineUpdate is what the update baselines do by hand: read the
// organization, its meta and its event list in one MULTI/EXEC, decode and
// rebuild it, change it with change, then in a second MULTI/EXEC read the
// meta again (the store's version check) and write the snapshot, the meta,
// the index entries that changed and the event, on the store's keys.
func (e *benchEnv) baselineUpdate(ctx context.Context, o *org.Organization, typ org.EventType,
	change func(cur *org.Organization) (org.Snapshot, error)) error {
	base, evBase := e.keys(), "baseline:{p:"+e.provider.String()+"}:"
	id := o.ID().String()
	var bodyCmd, metaCmd, listCmd *goredis.StringCmd
	if _, err := e.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		bodyCmd = p.HGet(ctx, base+"o", id)
		metaCmd = p.HGet(ctx, base+"k", id)
		listCmd = p.HGet(ctx, evBase+"oe", id)
		return nil
	}); err != nil && err != goredis.Nil {
		return err
	}
	if _, err := metaCmd.Result(); err != nil {
		return err
	}
	cur, err := decodeSnapshot(bodyCmd.Val())
	if err != nil {
		return err
	}
	co, err := org.Rehydrate(cur)
	if err != nil {
		return err
	}
	next, err := change(co)
	if err != nil {
		return err
	}
	no, err := org.Rehydrate(next)
	if err != nil {
		return err
	}
	body, err := jsondoc.Marshal(next)
	if err != nil {
		return err
	}
	ev := org.Event{ID: uuid.New(), OrganizationID: o.ID(), ProviderID: e.provider,
		Version: next.Version, Type: typ, Before: &cur, After: &next}
	evBody, err := jsondoc.Marshal(ev)
	if err != nil {
		return err
	}
	oldIdx, newIdx := newHandIndex(base, co), newHandIndex(base, no)
	var check *goredis.StringCmd
	var held *goredis.SliceCmd
	if _, err := e.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		check = p.HGet(ctx, base+"k", id)
		var fresh []string
		for _, f := range newIdx.unique {
			if !slices.Contains(oldIdx.unique, f) {
				fresh = append(fresh, f)
			}
		}
		if len(fresh) > 0 {
			held = p.HMGet(ctx, base+"u", fresh...)
		}
		newIdx.write(ctx, p, base, id, &oldIdx)
		p.HSet(ctx, base+"o", id, body)
		baselineEvent(ctx, p, evBase, id, ev, evBody, listCmd.Val())
		return nil
	}); err != nil {
		return err
	}
	return checkReplies(id, check, cur.Version, held)
}

func BenchmarkUpdate(b *testing.B) {
	e := loadBenchEnv(b)
	ctx := context.Background()
	b.Run("store", func(b *testing.B) {
		targets, i := e.updateTargets(0), 0
		e.timed(b, func() error {
			o := targets[i%len(targets)]
			i++
			_, err := e.store.Update(ctx, e.provider, o.ID(), rename(e.provider, fmt.Sprintf("%s %d", o.Name(), i%7)))
			return err
		})
	})
	b.Run("baseline", func(b *testing.B) {
		targets, i := e.updateTargets(1), 0
		e.timed(b, func() error {
			o := targets[i%len(targets)]
			i++
			return e.baselineUpdate(ctx, o, org.EventUpdated, func(cur *org.Organization) (org.Snapshot, error) {
				s := cur.Snapshot()
				s.Name, s.Version = fmt.Sprintf("%s %d", o.Name(), i%7), s.Version+1
				return s, nil
			})
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
		e.timed(b, func() error {
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
		e.timed(b, func() error {
			o := targets[i%len(targets)]
			i++
			return e.baselineUpdate(ctx, o, org.EventManagedBySwitched, switchOwnership)
		})
	})
}

// searchKind is one kind of search box input: the queries drawn for it,
// and the hand-written go-redis lookup for that kind alone.
type searchKind struct {
	name    string
	queries func(e *benchEnv) []datagen.Query
	// floor reads what a search of this kind needs at least: one key, or
	// one sorted set unranked across keys.
	floor func(ctx context.Context, e *benchEnv, q datagen.Query) error
}

const benchQueries = 1000

// drawn returns the queries datagen draws for kind from the search pool.
func drawn(kind datagen.Kind) func(e *benchEnv) []datagen.Query {
	return func(e *benchEnv) []datagen.Query {
		qs := e.gen.Queries(kind, benchQueries, e.n)
		pool := e.n / 10 // the first tenth take updates
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

// charRuns returns the runs of n characters of s, repeats included.
func charRuns(s string, n int) []string {
	rs := []rune(s)
	var out []string
	for j := 0; j+n <= len(rs); j++ {
		out = append(out, string(rs[j:j+n]))
	}
	return out
}

// substringBaseline intersects the sorted sets of the text's runs of 5
// characters (of 3 when it is shorter), reads every candidate, keeps the
// names that hold the text and sorts them by fold key and id.
func substringBaseline(ctx context.Context, e *benchEnv, q datagen.Query) error {
	fold := search.Fold(q.Text)
	runs := charRuns(fold, 5)
	if len(runs) == 0 {
		runs = charRuns(fold, 3)
	}
	var keys []string
	for _, r := range runs {
		keys = append(keys, e.keys()+"g:"+r)
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
		plans := make([]search.Plan, len(qs))
		for i, q := range qs {
			p, err := search.Compile(e.provider.String(), search.Query{Text: q.Text, Filter: search.Filter{Tags: q.Tags}})
			if err != nil {
				b.Fatal(err)
			}
			plans[i] = p
		}
		if err := e.sameHits(ctx, qs, plans); err != nil {
			b.Fatalf("%s: %v", k.name, err)
		}
		b.Run(k.name+"/store", func(b *testing.B) {
			i, ranked := 0, 0
			redisstore.SetTestHook(e.store, func(event string) {
				if event == "served" {
					ranked++
				}
			})
			defer redisstore.SetTestHook(e.store, nil)
			e.timed(b, func() error {
				_, err := e.store.Search(ctx, plans[i%len(plans)])
				i++
				return err
			})
			// The share of pages ranked in Go; the page script found the
			// others.
			b.ReportMetric(100*float64(ranked)/float64(b.N), "ranked-%")
		})
		b.Run(k.name+"/baseline", func(b *testing.B) {
			i := 0
			e.timed(b, func() error {
				_, err := handSearch(ctx, e, qs[i%len(qs)])
				i++
				return err
			})
		})
		b.Run(k.name+"/floor", func(b *testing.B) {
			i := 0
			e.timed(b, func() error {
				err := k.floor(ctx, e, qs[i%len(qs)])
				i++
				return err
			})
		})
	}
}

// sameHits checks that the hand-written search finds the store's page for
// the first queries: only then is it a baseline for the same work.
func (e *benchEnv) sameHits(ctx context.Context, qs []datagen.Query, plans []search.Plan) error {
	for i := range min(len(qs), 100) {
		res, err := e.store.Search(ctx, plans[i])
		if err != nil {
			return err
		}
		hand, err := handSearch(ctx, e, qs[i])
		if err != nil {
			return err
		}
		got := make([]string, len(res.Hits))
		for j, h := range res.Hits {
			got[j] = h.Organization.ID().String()
		}
		if want := hand[:min(len(hand), plans[i].Limit+1)]; !slices.Equal(got, want) {
			return fmt.Errorf("text %q tags %q: store found %q, the hand-written search %q", qs[i].Text, qs[i].Tags, got, want)
		}
	}
	return nil
}
