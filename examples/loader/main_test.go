package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/adapters/memory"
	"github.com/orgkit/orgkit/adapters/postgres"
	redisstore "github.com/orgkit/orgkit/adapters/redis"
	"github.com/orgkit/orgkit/datagen"
	"github.com/orgkit/orgkit/internal/testenv"
	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/search"
)

func randomName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// checkLoaded asserts that st holds organizations 0 to n-1 of gen, each
// found by its first number, and exactly one "imported" event for each.
func checkLoaded(t *testing.T, st org.Store, gen *datagen.Generator, n int) {
	t.Helper()
	ctx := context.Background()
	pid := gen.ProviderID()

	w, ok := st.(org.Walker)
	require.True(t, ok, "every orgkit store is an org.Walker")
	stored := map[uuid.UUID]bool{}
	require.NoError(t, w.Walk(ctx, pid, org.Visitor{Organization: func(s org.Snapshot) error {
		stored[s.ID] = true
		return nil
	}}))
	assert.Len(t, stored, n, "organizations stored")
	for i := range n {
		assert.True(t, stored[gen.ID(i)], "organization %d is stored", i)
	}

	for _, i := range []int{0, n / 2, n - 1} {
		number := gen.Numbers(i)[0]
		plan, err := search.Compile(pid.String(), search.Query{Text: number})
		require.NoError(t, err)
		res, err := st.Search(ctx, plan)
		require.NoError(t, err)
		require.NotEmpty(t, res.Hits, "search for number %s of organization %d", number, i)
		assert.Equal(t, gen.ID(i), res.Hits[0].Organization.ID(), "first hit for %s", number)
		assert.Equal(t, search.Match{Tier: search.TierExact, Field: search.FieldNumber}, res.Hits[0].Match)
	}

	events := map[uuid.UUID]int{}
	q := org.EventQuery{ProviderID: pid, Limit: org.MaxEventLimit}
	for {
		page, err := st.Events(ctx, q)
		require.NoError(t, err)
		if len(page.Events) == 0 {
			break
		}
		for _, ev := range page.Events {
			assert.Equal(t, org.EventImported, ev.Type)
			assert.EqualValues(t, 1, ev.Version)
			events[ev.OrganizationID]++
		}
		q.After = page.Next
	}
	assert.Len(t, events, n, "organizations with events")
	for id, k := range events {
		assert.Equal(t, 1, k, "events of organization %s", id)
	}
}

func TestRunMemory(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-store", "memory", "-n", "250", "-batch", "100"}, &stdout, &stderr)
	require.NoError(t, err, stderr.String())
	assert.Contains(t, stdout.String(), "stored 250 organizations and 250 events in ")
	assert.Contains(t, stdout.String(), "organizations/s")
	// Standard error is no terminal here: plain lines, the last one at 100%.
	assert.Contains(t, stderr.String(), "100.0% 250/250")
	assert.NotContains(t, stderr.String(), "\r")
}

// TestLoadMemory runs what run does after opening the store, on a memory
// store the test keeps, to look at what was stored.
func TestLoadMemory(t *testing.T) {
	const n = 250
	provider := uuid.New()
	c, err := parseFlags([]string{"-store", "memory", "-n", fmt.Sprint(n), "-batch", "64", "-seed", "7", "-provider", provider.String()}, &bytes.Buffer{})
	require.NoError(t, err)
	st := memory.New()
	var stdout bytes.Buffer
	require.NoError(t, load(context.Background(), &target{store: st, name: "memory"}, c, &stdout, &bytes.Buffer{}))
	checkLoaded(t, st, datagen.New(7, provider), n)

	// A second run finds everything there.
	stdout.Reset()
	require.NoError(t, load(context.Background(), &target{store: st, name: "memory"}, c, &stdout, &bytes.Buffer{}))
	assert.Contains(t, stdout.String(), "250 of 250 already stored")
	assert.Contains(t, stdout.String(), "nothing to do")
}

// createOnly hides the memory store's Importer, as a store without one.
type createOnly struct{ org.Store }

func TestLoadWithoutImporter(t *testing.T) {
	const n = 40
	c, err := parseFlags([]string{"-n", fmt.Sprint(n), "-batch", "16"}, &bytes.Buffer{})
	require.NoError(t, err)
	st := memory.New()
	require.NoError(t, load(context.Background(), &target{store: createOnly{st}, name: "memory"}, c, &bytes.Buffer{}, &bytes.Buffer{}))
	checkLoaded(t, st, datagen.New(c.seed, c.provider), n)
}

// cancelling cancels the load's context once its first batch is stored, as
// Ctrl-C would.
type cancelling struct {
	*memory.Store
	cancel context.CancelFunc
}

func (s cancelling) Import(ctx context.Context, items []org.Imported) error {
	defer s.cancel()
	return s.Store.Import(ctx, items)
}

func TestLoadInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := parseFlags([]string{"-n", "1000", "-batch", "100"}, &bytes.Buffer{})
	require.NoError(t, err)
	st := memory.New()
	err = load(ctx, &target{store: cancelling{st, cancel}, name: "memory", durable: true}, c, &bytes.Buffer{}, &bytes.Buffer{})
	require.Error(t, err)
	assert.Equal(t, "interrupted: stopped after storing 100 of 1000 organizations (run again with the same flags to resume)", err.Error())
}

func TestRunRefusesBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-store", "sqlite://x"}, `want "memory", a postgres:// URL or a redis:// URL`},
		{[]string{"-provider", "acme"}, `-provider "acme" is not a UUID`},
		{[]string{"-n", "-1"}, "-n -1 is outside"},
		{[]string{"-batch", "0"}, "-batch 0 is not positive"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"-store", "redis://127.0.0.1:1/0"}, "connect to Redis at 127.0.0.1:1/0"},
		{[]string{"-store", "postgres://u:hunter2@127.0.0.1:1/db?connect_timeout=2"}, "connect to PostgreSQL at 127.0.0.1:1/db"},
		{[]string{"-store", "postgres://u:hunter2@127.0.0.1:1/db?sslmode=bogus"}, "xxxxx"},
	} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), tc.args, &stdout, &stderr)
		require.Error(t, err, "%q", tc.args)
		assert.Contains(t, err.Error(), tc.want, "%q", tc.args)
		assert.NotContains(t, err.Error(), "hunter2", "%q", tc.args)
	}
}

func TestRunPostgres(t *testing.T) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, testenv.PostgresURL())
	if err == nil {
		err = pool.Ping(ctx)
	}
	if err != nil {
		testenv.Unavailable(t, "PostgreSQL at %s (set %s) cannot be reached: %v", testenv.PostgresURL(), testenv.PostgresURLEnv, err)
	}
	t.Cleanup(pool.Close)
	schema := randomName("orgkit_loader_test_")
	t.Cleanup(func() {
		_, err := pool.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
		assert.NoError(t, err, "drop schema %s", schema)
	})

	provider := uuid.New()
	args := func(n int) []string {
		return []string{"-store", testenv.PostgresURL(), "-schema", schema, "-n", fmt.Sprint(n), "-batch", "100", "-provider", provider.String()}
	}
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(ctx, args(150), &stdout, &stderr), stderr.String())
	// A longer second run resumes after what the first stored.
	stdout.Reset()
	require.NoError(t, run(ctx, args(300), &stdout, &stderr), stderr.String())
	assert.Contains(t, stdout.String(), "150 of 300 already stored")
	assert.Contains(t, stdout.String(), "stored 150 organizations and 150 events")

	st := postgres.New(pool, postgres.WithSchema(schema))
	checkLoaded(t, st, datagen.New(1, provider), 300)
}

func TestRunRedis(t *testing.T) {
	ctx := context.Background()
	client := goredis.NewClient(&goredis.Options{Addr: testenv.RedisAddr()})
	t.Cleanup(func() { _ = client.Close() })
	pingCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		testenv.Unavailable(t, "Redis at %s (set %s) cannot be reached: %v", testenv.RedisAddr(), testenv.RedisAddrEnv, err)
	}
	prefix := randomName("orgkit-loader-test:") + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		it := client.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		var keys []string
		for it.Next(ctx) {
			keys = append(keys, it.Val())
		}
		assert.NoError(t, it.Err())
		if len(keys) > 0 {
			assert.NoError(t, client.Unlink(ctx, keys...).Err())
		}
	})

	provider := uuid.New()
	var stdout, stderr bytes.Buffer
	err := run(ctx, []string{"-store", "redis://" + testenv.RedisAddr() + "/0", "-prefix", prefix,
		"-n", "200", "-batch", "64", "-provider", provider.String()}, &stdout, &stderr)
	require.NoError(t, err, stderr.String())
	assert.True(t, strings.HasPrefix(stdout.String(), "loading 200 organizations"), stdout.String())

	st, err := redisstore.New(ctx, client, redisstore.WithKeyPrefix(prefix))
	require.NoError(t, err)
	checkLoaded(t, st, datagen.New(1, provider), 200)
}
