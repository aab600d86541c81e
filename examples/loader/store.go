package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	goredis "github.com/redis/go-redis/v9"

	"github.com/orgkit/orgkit/adapters/memory"
	"github.com/orgkit/orgkit/adapters/postgres"
	redisstore "github.com/orgkit/orgkit/adapters/redis"
	"github.com/orgkit/orgkit/org"
)

// target is an open store and what the loader says about it.
type target struct {
	store org.Store
	// name describes the store for people, without credentials.
	name string
	// durable is false for the memory store, whose data is gone on exit.
	durable bool
	// close releases the store and the pool or client under it.
	close func()
}

// openStore opens the store that c.store names and makes it ready for
// writes: a PostgreSQL schema is migrated, a Redis server's eviction policy
// is checked by the adapter.
func openStore(ctx context.Context, c config) (*target, error) {
	scheme, _, _ := strings.Cut(c.store, "://")
	switch strings.ToLower(scheme) {
	case "memory":
		st := memory.New()
		return &target{store: st, name: "memory", close: func() { _ = st.Close() }}, nil
	case "postgres", "postgresql":
		return openPostgres(ctx, c)
	case "redis", "rediss", "unix":
		return openRedis(ctx, c)
	}
	return nil, fmt.Errorf(`-store %q: want "memory", a postgres:// URL or a redis:// URL`, redact(c.store))
}

func openPostgres(ctx context.Context, c config) (*target, error) {
	cfg, err := pgxpool.ParseConfig(c.store)
	if err != nil {
		// pgx's parse errors repeat the URL; keep the password out of them.
		return nil, fmt.Errorf("-store %q is not a PostgreSQL URL", redact(c.store))
	}
	where := fmt.Sprintf("%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err == nil {
		err = pool.Ping(ctx)
	}
	if err != nil {
		if pool != nil {
			pool.Close()
		}
		return nil, fmt.Errorf("connect to PostgreSQL at %s: %w", where, err)
	}
	st := postgres.New(pool, postgres.WithSchema(c.schema))
	if err := st.Migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("migrate schema %q on PostgreSQL at %s: %w", c.schema, where, err)
	}
	return &target{
		store:   st,
		name:    fmt.Sprintf("PostgreSQL at %s, schema %q", where, c.schema),
		durable: true,
		close:   func() { _ = st.Close(); pool.Close() },
	}, nil
}

func openRedis(ctx context.Context, c config) (*target, error) {
	opts, err := goredis.ParseURL(c.store)
	if err != nil {
		return nil, fmt.Errorf("-store %q is not a Redis URL: %w", redact(c.store), err)
	}
	where := fmt.Sprintf("%s/%d", opts.Addr, opts.DB)
	client := goredis.NewClient(opts)
	if err := client.Ping(ctx).Err(); err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("connect to Redis at %s: %w", where, err)
	}
	st, err := redisstore.New(ctx, client, redisstore.WithKeyPrefix(c.prefix))
	if err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("open Redis at %s: %w", where, err)
	}
	return &target{
		store:   st,
		name:    fmt.Sprintf("Redis at %s, key prefix %q", where, c.prefix),
		durable: true,
		close:   func() { _ = st.Close(); _ = client.Close() },
	}, nil
}

// redact hides the password of a URL the user typed, for error messages.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
