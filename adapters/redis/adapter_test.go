package redis_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/adapters/memory"
	redisstore "github.com/orgkit/orgkit/adapters/redis"
	"github.com/orgkit/orgkit/adapters/storetest"
	"github.com/orgkit/orgkit/datagen"
	"github.com/orgkit/orgkit/internal/testenv"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/ownership"
	"github.com/orgkit/orgkit/search"
)

// dump returns every key under prefix with its serialized value, so two
// dumps are equal exactly when nothing was written in between.
func dump(t *testing.T, c goredis.UniversalClient, prefix string) map[string]string {
	t.Helper()
	ctx := context.Background()
	keys, err := keysOf(ctx, c, prefix)
	require.NoError(t, err)
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		v, err := c.Dump(ctx, k).Result()
		require.NoError(t, err)
		out[k] = v
	}
	return out
}

// newOrg builds an organization of provider p as a Service would.
func newOrg(t *testing.T, p uuid.UUID, in org.CreateInput) (*org.Organization, org.Event) {
	t.Helper()
	now := time.Now().UTC()
	o, err := org.New(p, in, nil, now)
	require.NoError(t, err)
	s := o.Snapshot()
	return o, org.Event{ID: uuid.Must(uuid.NewV7()), OrganizationID: o.ID(), ProviderID: p, Version: 1,
		Actor: org.ActorRef{Kind: "system", ID: "test"}, Time: now, Type: org.EventCreated, After: &s}
}

var errStop = errors.New("stop")

// TestRefusedChangeWritesNothing makes each check of the change script fail
// in turn, with the failing check placed after checks that pass, and
// compares every key of the store before and after: a refused change
// writes nothing.
func TestRefusedChangeWritesNothing(t *testing.T) {
	ctx := context.Background()
	c := standalone(t)
	s, prefix := newStore(t, c)
	p := uuid.New()

	held := storetest.ProviderInput("Holder")
	held.CustomerReference, held.ExternalContract = "HELD-REF", "HELD-CON"
	held.Numbers = []string{storetest.Number(), storetest.Number()}
	holder, ev := newOrg(t, p, held)
	_, err := s.Create(ctx, org.Creation{Organization: holder, Event: ev, IdempotencyKey: "k1", Fingerprint: "f1",
		KeyExpires: ev.Time.Add(time.Hour)})
	require.NoError(t, err)
	other, ev2 := newOrg(t, p, storetest.ProviderInput("Other"))
	_, err = s.Create(ctx, org.Creation{Organization: other, Event: ev2})
	require.NoError(t, err)

	refused := func(t *testing.T, target error, do func() error) {
		t.Helper()
		before := dump(t, c, prefix)
		err := do()
		require.ErrorIs(t, err, target)
		assert.Equal(t, before, dump(t, c, prefix))
	}
	// claim returns input whose fresh values pass their checks and whose
	// last unique value is held by holder.
	claim := func(field string) org.CreateInput {
		in := storetest.ProviderInput("Claimer")
		in.CustomerReference, in.ExternalContract = "NEW-REF-"+field, "NEW-CON-"+field
		in.Numbers = []string{storetest.Number(), storetest.Number()}
		switch field {
		case org.FieldCustomerReference:
			in.ExternalContract, in.Numbers = "", nil
			in.CustomerReference = "held-ref"
		case org.FieldExternalContract:
			in.Numbers = nil
			in.ExternalContract = "held-con"
		case org.FieldNumbers:
			in.Numbers = append(in.Numbers, held.Numbers[1])
		}
		return in
	}

	for _, field := range []string{org.FieldCustomerReference, org.FieldExternalContract, org.FieldNumbers} {
		t.Run("CreateDuplicate/"+field, func(t *testing.T) {
			o, ev := newOrg(t, p, claim(field))
			refused(t, org.ErrDuplicate, func() error {
				_, err := s.Create(ctx, org.Creation{Organization: o, Event: ev, IdempotencyKey: "k-" + field, Fingerprint: "f",
					KeyExpires: ev.Time.Add(time.Hour)})
				return err
			})
		})
		t.Run("UpdateDuplicate/"+field, func(t *testing.T) {
			want, _ := newOrg(t, p, claim(field))
			refused(t, org.ErrDuplicate, func() error {
				_, err := s.Update(ctx, p, other.ID(), func(cur *org.Organization) (org.Change, error) {
					snap := want.Snapshot()
					snap.ID, snap.Version, snap.CreatedAt = cur.ID(), cur.Version()+1, cur.CreatedAt()
					next, err := org.Rehydrate(snap)
					if err != nil {
						return org.Change{}, err
					}
					s := next.Snapshot()
					return org.Change{Organization: next, Event: org.Event{ID: uuid.New(), OrganizationID: cur.ID(), ProviderID: p,
						Version: next.Version(), Type: org.EventUpdated, After: &s}}, nil
				})
				return err
			})
		})
	}
	t.Run("CreateExistingID", func(t *testing.T) {
		refused(t, org.ErrConflict, func() error {
			_, err := s.Create(ctx, org.Creation{Organization: holder, Event: ev})
			return err
		})
	})
	t.Run("IdempotencyKeyOfAnotherRequest", func(t *testing.T) {
		o, ev := newOrg(t, p, storetest.ProviderInput("Retry"))
		refused(t, org.ErrConflict, func() error {
			_, err := s.Create(ctx, org.Creation{Organization: o, Event: ev, IdempotencyKey: "k1", Fingerprint: "other",
				KeyExpires: ev.Time.Add(time.Hour)})
			return err
		})
	})
	t.Run("StaleVersion", func(t *testing.T) {
		// The first call of fn lets another change in before its own script
		// runs; that script's version check fails, and the retry stops.
		var before map[string]string
		calls := 0
		_, err := s.Update(ctx, p, other.ID(), func(cur *org.Organization) (org.Change, error) {
			calls++
			if calls > 1 {
				return org.Change{}, errStop
			}
			_, err := s.Update(ctx, p, other.ID(), rename(p, "Interloper"))
			require.NoError(t, err)
			before = dump(t, c, prefix)
			return rename(p, "Loser")(cur)
		})
		require.ErrorIs(t, err, errStop)
		assert.Equal(t, 2, calls)
		assert.Equal(t, before, dump(t, c, prefix))
	})
}

// rename returns an UpdateFunc that renames the organization.
func rename(p uuid.UUID, name string) org.UpdateFunc {
	return func(cur *org.Organization) (org.Change, error) {
		snap := cur.Snapshot()
		before := cur.Snapshot()
		snap.Name, snap.Version = name, cur.Version()+1
		next, err := org.Rehydrate(snap)
		if err != nil {
			return org.Change{}, err
		}
		return org.Change{Organization: next, Event: org.Event{ID: uuid.New(), OrganizationID: cur.ID(), ProviderID: p,
			Version: next.Version(), Type: org.EventUpdated, Before: &before, After: &snap}}, nil
	}
}

// TestSameVersionOneWins lets two writers read the same version before
// either writes: one change is stored, the other gets org.ErrConflict.
func TestSameVersionOneWins(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, standalone(t))
	p := uuid.New()
	o, ev := newOrg(t, p, storetest.ProviderInput("Contested"))
	_, err := s.Create(ctx, org.Creation{Organization: o, Event: ev})
	require.NoError(t, err)

	var read sync.WaitGroup
	read.Add(2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		first := true
		wg.Go(func() {
			_, errs[i] = s.Update(ctx, p, o.ID(), func(cur *org.Organization) (org.Change, error) {
				if first { // both hold version 1 before either writes
					first = false
					read.Done()
					read.Wait()
				}
				if cur.Version() != 1 { // as org.IfVersion(1) does
					return org.Change{}, fmt.Errorf("%w: version %d is not 1", org.ErrConflict, cur.Version())
				}
				return rename(p, fmt.Sprintf("Writer %d", i))(cur)
			})
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
		} else {
			require.ErrorIs(t, err, org.ErrConflict)
		}
	}
	assert.Equal(t, 1, won)
	got, err := s.Get(ctx, p, o.ID())
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.Version())
	page, err := s.Events(ctx, org.EventQuery{ProviderID: p, OrganizationID: o.ID()})
	require.NoError(t, err)
	assert.Len(t, page.Events, 2)
}

// TestSearchEqualsMemory loads the same organizations into the memory
// store and Redis and pages through many queries on both: every page must
// hold the same hits, matches and counts.
func TestSearchEqualsMemory(t *testing.T) {
	ctx := context.Background()
	rs, _ := newStore(t, standalone(t))
	ms := memory.New()
	prov := org.Provider{ID: uuid.New(), AdminOrganizationID: uuid.New()}
	staff := org.Staff(prov.ID, "s", ownership.Admin, true)
	clock := &storetest.Clock{}
	services := []*org.Service{
		org.NewService(ms, org.NewProviderSet(prov), org.WithClock(clock.Now)),
		org.NewService(rs, org.NewProviderSet(prov), org.WithClock(clock.Now)),
	}
	rng := rand.New(rand.NewPCG(5, 7))
	orgs := searchData(t, rng, prov.ID, 400)
	require.Greater(t, len(orgs), 250)
	var items []org.Imported
	for _, o := range orgs {
		s := o.Snapshot()
		items = append(items, org.Imported{Organization: o, Event: org.Event{ID: uuid.New(), OrganizationID: o.ID(),
			ProviderID: prov.ID, Version: 1, Time: o.CreatedAt(), Type: org.EventImported, After: &s}})
	}
	require.NoError(t, ms.Import(ctx, items))
	require.NoError(t, rs.Import(ctx, items))
	for i, o := range orgs { // some suspended, on both stores alike
		if i%7 == 3 {
			for _, svc := range services {
				_, err := svc.Suspend(ctx, staff, o.ID(), "check")
				require.NoError(t, err)
			}
		}
	}

	queries := []string{"", " ", "a", "ac", "acm", "co", "tel", "ltd", "straße", "STRASSE", "ＡＣＭＥ", "+44", "4420", "1415",
		"ref-", "ref-0", "con-1", "é", "net", "zzz", orgs[3].ID().String(), "oo", "式会社ヒ", "会社 ヒコ", "вязь", "社ヒ"}
	for range 60 {
		o := orgs[rng.IntN(len(orgs))]
		k := o.SearchKeys()
		switch rng.IntN(5) {
		case 0:
			queries = append(queries, k.Name[:min(len(k.Name), 1+rng.IntN(6))])
		case 1:
			if len(k.Name) > 5 {
				i := rng.IntN(len(k.Name) - 4)
				queries = append(queries, k.Name[i:i+3+rng.IntN(2)])
			}
		case 2:
			if len(k.Numbers) > 0 {
				queries = append(queries, k.Numbers[0][:3+rng.IntN(len(k.Numbers[0])-2)])
			}
		case 3:
			queries = append(queries, o.CustomerReference())
		case 4:
			queries = append(queries, o.Name())
		}
	}
	filters := []org.SearchQuery{
		{},
		{Status: []org.Status{org.StatusSuspended}},
		{ManagedBy: []ownership.Type{ownership.Customer}},
		{Tags: []string{"VIP"}},
		{Tags: []string{"vip", "reseller"}, Status: []org.Status{org.StatusActive}},
	}
	// The page script either reads every candidate or walks the name set in
	// order, as it estimates cheaper: force each way, and let it choose.
	// Counted queries take the Go path, so only the first round counts.
	// A substring's smallest gram set is walked whole when small (every
	// set is, at this size, with the defaults), so the other tunings turn
	// that off but for one.
	// First pages without a filter are ranked in Go when its reads are
	// sure of the page: by default; reading at most 3 members of a range
	// read whole, so that some give way to the script; and not at all.
	tunings := []struct {
		name         string
		ratio, slack float64
		batch, whole int
		count        bool
		rank         int
	}{
		{"defaults, counted", 0, 0, 0, 0, true, 512},
		{"defaults", 0, 0, 0, 0, false, 512},
		{"defaults, ranking reads 3", 0, 0, 0, 0, false, 3},
		{"defaults, script only", 0, 0, 0, 0, false, 0},
		{"always walk", 0, 4, 3, 0, false, 0},
		{"walks give up at once and read", 0, 0, 2, 0, false, 0},
		{"never walk", 1e12, 4, 3, 0, false, 0},
		{"never walk but gram sets whole", 1e12, 4, 3, 1 << 30, false, 0},
	}
	ranked := make(map[string]int) // pages ranked in Go, by tuning
	var tuning string
	redisstore.SetTestHook(rs, func(event string) {
		if event == "served" {
			ranked[tuning]++
		}
	})
	hits, multiPage := 0, 0
	for _, tu := range tunings {
		tuning = tu.name
		redisstore.SetSearchTuning(rs, tu.ratio, tu.batch, tu.slack, tu.whole)
		redisstore.SetRankLimit(rs, tu.rank)
		for _, text := range queries {
			for fi, f := range filters {
				q := f
				q.Text, q.Count, q.Limit = text, tu.count, 1+rng.IntN(30)
				if !utf8Valid(text) {
					continue
				}
				pages := make([][]string, 2)
				for si, svc := range services {
					q := q
					for {
						res, err := svc.Search(ctx, staff, q)
						require.NoError(t, err)
						var page []string
						for _, h := range res.Hits {
							page = append(page, h.Organization.ID().String()+" "+h.Match.String())
						}
						hits += len(page)
						pages[si] = append(pages[si], fmt.Sprint(res.Count, page))
						if res.Next == "" {
							break
						}
						q.Cursor = res.Next
					}
				}
				require.Equal(t, pages[0], pages[1], "%s: query %q, filter %d", tu.name, text, fi)
				if len(pages[0]) > 1 {
					multiPage++
				}
			}
		}
	}
	// The queries must find something, over several pages, to prove anything.
	assert.Greater(t, hits, len(tunings)*5000)
	assert.Greater(t, multiPage, len(tunings)*100)
	// Both ways of finding a first page were compared.
	assert.Greater(t, ranked["defaults"], len(queries)/2)
	assert.Greater(t, ranked["defaults, ranking reads 3"], 0)
	assert.Less(t, ranked["defaults, ranking reads 3"], ranked["defaults"])
	assert.Zero(t, ranked["defaults, script only"])
	t.Logf("%d queries, %d hits, %d paged, %v ranked in Go", len(tunings)*len(queries)*len(filters), hits/2, multiPage, ranked)
}

// TestRankedPageIsOneInstant changes an organization between the two reads
// of a page ranked in Go: the page must be the one after the change, never
// the index before it with the organizations after it.
func TestRankedPageIsOneInstant(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, standalone(t))
	p := uuid.New()
	var ids []uuid.UUID
	for i := range 6 {
		o, ev := newOrg(t, p, storetest.ProviderInput(fmt.Sprintf("Alpha %02d", i)))
		_, err := s.Create(ctx, org.Creation{Organization: o, Event: ev})
		require.NoError(t, err)
		ids = append(ids, o.ID())
	}
	plan, err := search.Compile(p.String(), search.Query{Text: "alpha", Limit: 3})
	require.NoError(t, err)
	names := func(res org.SearchResult) []string {
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.Organization.Name()+" "+h.Match.String())
		}
		return out
	}
	res, err := s.Search(ctx, plan)
	require.NoError(t, err)
	assert.Equal(t, []string{"Alpha 00 prefix/name", "Alpha 01 prefix/name", "Alpha 02 prefix/name", "Alpha 03 prefix/name"}, names(res))

	for _, tc := range []struct {
		name   string
		change func() error
		want   []string
	}{
		{"a hit renamed out of the page", func() error {
			_, err := s.Update(ctx, p, ids[0], rename(p, "Omega"))
			return err
		}, []string{"Alpha 01 prefix/name", "Alpha 02 prefix/name", "Alpha 03 prefix/name", "Alpha 04 prefix/name"}},
		{"another organization renamed into it", func() error {
			_, err := s.Update(ctx, p, ids[0], rename(p, "Alpha"))
			return err
		}, []string{"Alpha exact/name", "Alpha 01 prefix/name", "Alpha 02 prefix/name", "Alpha 03 prefix/name"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var events []string
			redisstore.SetTestHook(s, func(event string) {
				if events = append(events, event); len(events) == 1 {
					require.NoError(t, tc.change())
				}
			})
			defer redisstore.SetTestHook(s, nil)
			res, err := s.Search(ctx, plan)
			require.NoError(t, err)
			// Ranked, then left to the script: its page is the one after
			// the change.
			assert.Equal(t, []string{"ranked"}, events)
			assert.Equal(t, tc.want, names(res))
		})
	}
}

func utf8Valid(s string) bool { _, err := search.ParseText(s); return err == nil }

// searchData makes n organizations of provider p whose names, references
// and numbers share prefixes and substrings, so queries hit many at once.
func searchData(t *testing.T, rng *rand.Rand, p uuid.UUID, n int) []*org.Organization {
	t.Helper()
	words := []string{"Acme", "ACME", "Ａｃｍｅ", "Telecom", "Tel", "Straße", "Strasse", "Networks", "Net", "Ltd", "Co", "Coop",
		"Éclair", "eclair", "Zeta", "Global", "Voice", "Cloud", "Link", "Fibre", "Mobile", "Océan",
		"株式会社", "ヒコ", "Связь"}
	tags := []string{"VIP", "Reseller", "Gold", "Wholesale"}
	countries := []string{"+44207946", "+1415555", "+33142685", "+4930901"}
	var out []*org.Organization
	used := map[string]bool{}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		var name string
		for w := 0; w < 1+rng.IntN(3); w++ {
			if w > 0 {
				name += " "
			}
			name += words[rng.IntN(len(words))]
		}
		var in org.CreateInput
		if i%4 == 0 {
			in = storetest.CustomerInput(name, fmt.Sprintf("owner%d@example.com", i))
		} else {
			in = storetest.ProviderInput(name)
		}
		if rng.IntN(3) > 0 {
			in.CustomerReference = fmt.Sprintf("REF-%d", rng.IntN(n*3))
			if used["r"+in.CustomerReference] {
				in.CustomerReference = ""
			}
			used["r"+in.CustomerReference] = true
		}
		if rng.IntN(3) == 0 {
			in.ExternalContract = fmt.Sprintf("CON-%d", i)
		}
		for range rng.IntN(4) {
			num := fmt.Sprintf("%s%04d", countries[rng.IntN(len(countries))], rng.IntN(10000))
			if !used[num] {
				used[num] = true
				in.Numbers = append(in.Numbers, num)
			}
		}
		for _, tg := range tags {
			if rng.IntN(3) == 0 {
				in.BuyerTags = append(in.BuyerTags, tg)
			}
		}
		o, err := org.New(p, in, nil, now.Add(time.Duration(i)*time.Second))
		if err != nil {
			var ve *org.ValidationError
			if errors.As(err, &ve) && (ve.Has("numbers[0]") || ve.Has("numbers[1]") || ve.Has("numbers[2]")) {
				continue // a generated number that is not valid in its plan
			}
			require.NoError(t, err)
		}
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID().String() < out[j].ID().String() })
	return out
}

// TestNewRefusesEvictingPolicy runs New against a server of its own started
// with an evicting policy, so the shared server's configuration is left
// alone.
func TestNewRefusesEvictingPolicy(t *testing.T) {
	ctx := context.Background()
	if _, err := exec.LookPath("redis-server"); err != nil {
		testenv.Unavailable(t, "redis-server: %v", err)
	}
	port, err := freePort()
	require.NoError(t, err)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	srv := exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "",
		"--appendonly", "no", "--dir", t.TempDir(), "--maxmemory-policy", "allkeys-lru")
	require.NoError(t, srv.Start())
	t.Cleanup(func() { _ = srv.Process.Kill(); _ = srv.Wait() })
	c := goredis.NewClient(&goredis.Options{Addr: addr})
	t.Cleanup(func() { _ = c.Close() })
	require.NoError(t, waitFor(func() bool { return c.Ping(ctx).Err() == nil }))

	_, err = redisstore.New(ctx, c)
	require.ErrorIs(t, err, redisstore.ErrEvictingPolicy)
	_, err = redisstore.New(ctx, c, redisstore.AllowEvictingPolicy())
	require.NoError(t, err)
	require.NoError(t, c.ConfigSet(ctx, "maxmemory-policy", "volatile-lru").Err())
	_, err = redisstore.New(ctx, c)
	require.NoError(t, err, "volatile policies evict only keys with a TTL, and the store sets none")

	_, err = redisstore.New(ctx, c, redisstore.WithKeyPrefix("bad{prefix}:"))
	require.Error(t, err)
}

// TestReindex writes organizations, turns their keys back into each layout
// an earlier orgkit wrote (1: byte trigrams, no layout key; 2: character
// trigrams), and checks that New refuses them, that Reindex restores every
// key as this version writes it, and that a second Reindex changes nothing.
func TestReindex(t *testing.T) {
	t.Run("Standalone", func(t *testing.T) { testReindex(t, standalone(t)) })
	t.Run("Cluster", func(t *testing.T) {
		if testing.Short() {
			t.Skip("starts a Redis Cluster")
		}
		testReindex(t, testCluster.client(t))
	})
}

func testReindex(t *testing.T, c goredis.UniversalClient) {
	ctx := context.Background()
	s, prefix := newStore(t, c)
	names := []string{"株式会社ヒコタ", "合同会社テヒコ", "Связь Телеком", "Straße Networks", "Acme Ltd"}
	var items []org.Imported
	for _, p := range []uuid.UUID{uuid.New(), uuid.New()} {
		for _, n := range names {
			o, ev := newOrg(t, p, storetest.ProviderInput(n))
			items = append(items, org.Imported{Organization: o, Event: ev})
		}
	}
	require.NoError(t, s.Import(ctx, items[:len(names)]))
	require.NoError(t, s.Import(ctx, items[len(names):]))
	want := dump(t, c, prefix)
	opt := redisstore.WithKeyPrefix(prefix)

	for _, from := range []int{1, 2} {
		require.NoError(t, redisstore.Downgrade(ctx, c, prefix, from))
		require.NotEqual(t, want, dump(t, c, prefix), "layout %d", from)
		_, err := redisstore.New(ctx, c, opt)
		require.ErrorIs(t, err, redisstore.ErrLayout, "layout %d", from)

		require.NoError(t, redisstore.Reindex(ctx, c, opt))
		assert.Equal(t, want, dump(t, c, prefix), "from layout %d", from)
		require.NoError(t, redisstore.Reindex(ctx, c, opt))
		assert.Equal(t, want, dump(t, c, prefix), "from layout %d, again", from)
	}

	s, err := redisstore.New(ctx, c, opt)
	require.NoError(t, err)
	p := items[0].Organization.ProviderID()
	plan, err := search.Compile(p.String(), search.Query{Text: "会社ヒコ", Limit: 10})
	require.NoError(t, err)
	res, err := s.Search(ctx, plan)
	require.NoError(t, err)
	require.Len(t, res.Hits, 1)
	assert.Equal(t, items[0].Organization.ID(), res.Hits[0].Organization.ID())

	// Keys of a later layout are refused by both.
	require.NoError(t, c.Set(ctx, prefix+"layout", "4", 0).Err())
	_, err = redisstore.New(ctx, c, opt)
	require.ErrorIs(t, err, redisstore.ErrLayout)
	require.ErrorIs(t, redisstore.Reindex(ctx, c, opt), redisstore.ErrLayout)
}

// A page hit is ranked by the keys stored with it. When the keys folded
// now differ, as they would after a release that changed folding, the hit
// is still matched by the stored ones.
func TestSearchMatchesStoredKeys(t *testing.T) {
	ctx := context.Background()
	c := standalone(t)
	s, prefix := newStore(t, c)
	gen := datagen.New(3, uuid.New())
	var o *org.Organization
	require.NoError(t, gen.Batches(ctx, 1, 1, func(_ int, items []org.Imported) error {
		o = items[0].Organization
		return s.Import(ctx, items)
	}))
	k, id := o.SearchKeys(), o.ID().String()
	require.NotEmpty(t, k.CustomerReference)

	// Store the reference under another key, as an earlier folding might
	// have: in the reference set and in the meta.
	stored := "x" + k.CustomerReference
	base := prefix + "{p:" + o.ProviderID().String() + "}:"
	member := func(ref string) string { return ref + "\x00" + k.Name + "\x00" + id }
	require.NoError(t, c.ZRem(ctx, base+"zr", member(k.CustomerReference)).Err())
	require.NoError(t, c.ZAdd(ctx, base+"zr", goredis.Z{Member: member(stored)}).Err())
	meta, err := c.HGet(ctx, base+"k", id).Result()
	require.NoError(t, err)
	from := "\x00" + k.CustomerReference + "\x00"
	require.Contains(t, meta, from)
	require.NoError(t, c.HSet(ctx, base+"k", id, strings.Replace(meta, from, "\x00"+stored+"\x00", 1)).Err())

	plan, err := search.Compile(o.ProviderID().String(), search.Query{Text: stored})
	require.NoError(t, err)
	res, err := s.Search(ctx, plan)
	require.NoError(t, err)
	require.Len(t, res.Hits, 1)
	assert.Equal(t, o.ID(), res.Hits[0].Organization.ID())
	assert.Equal(t, search.Match{Tier: search.TierExact, Field: search.FieldCustomerReference}, res.Hits[0].Match)
}
