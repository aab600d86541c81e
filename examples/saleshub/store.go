package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/jackc/pgx/v5/pgxpool"
	goredis "github.com/redis/go-redis/v9"

	"github.com/orgkit/orgkit/adapters/memory"
	"github.com/orgkit/orgkit/adapters/postgres"
	"github.com/orgkit/orgkit/adapters/redis"
	"github.com/orgkit/orgkit/org"
)

// openedStore is a store with what must be closed after it.
type openedStore struct {
	org.Store
	closeFn func()
}

// Close closes the store, then the pool or client it runs on.
func (s openedStore) Close() error {
	err := s.Store.Close()
	if s.closeFn != nil {
		s.closeFn()
	}
	return err
}

// openStore opens the store that -store names: "memory", or a postgres://
// (postgresql://) or redis:// (rediss://) URL. A PostgreSQL schema is
// migrated before use. Two URL parameters of the host's own choose where
// orgkit keeps its data, so several hosts can share one server: "schema"
// for PostgreSQL (default orgkit) and "prefix" for Redis keys.
func openStore(ctx context.Context, spec string) (openedStore, error) {
	if spec == "" || spec == "memory" {
		return openedStore{Store: memory.New()}, nil
	}
	u, err := url.Parse(spec)
	if err != nil {
		return openedStore{}, errors.New("-store must be memory, postgres://… or redis://…")
	}
	// The drivers refuse parameters they do not know: take ours out.
	own := func(name string) string {
		q := u.Query()
		v := q.Get(name)
		q.Del(name)
		u.RawQuery = q.Encode()
		spec = u.String()
		return v
	}
	switch u.Scheme {
	case "postgres", "postgresql":
		var opts []postgres.Option
		if schema := own("schema"); schema != "" {
			opts = append(opts, postgres.WithSchema(schema))
		}
		pool, err := pgxpool.New(ctx, spec)
		if err != nil {
			return openedStore{}, fmt.Errorf("postgres: %w", err)
		}
		if err := pool.Ping(ctx); err != nil {
			pool.Close()
			return openedStore{}, fmt.Errorf("postgres: %w", err)
		}
		st := postgres.New(pool, opts...)
		if err := st.Migrate(ctx); err != nil {
			pool.Close()
			return openedStore{}, fmt.Errorf("postgres: migrate: %w", err)
		}
		return openedStore{Store: st, closeFn: pool.Close}, nil
	case "redis", "rediss":
		var stOpts []redis.Option
		if prefix := own("prefix"); prefix != "" {
			stOpts = append(stOpts, redis.WithKeyPrefix(prefix))
		}
		opts, err := goredis.ParseURL(spec)
		if err != nil {
			return openedStore{}, fmt.Errorf("redis: %w", err)
		}
		client := goredis.NewClient(opts)
		st, err := redis.New(ctx, client, stOpts...)
		if err != nil {
			client.Close()
			return openedStore{}, fmt.Errorf("redis: %w", err)
		}
		return openedStore{Store: st, closeFn: func() { client.Close() }}, nil
	}
	return openedStore{}, fmt.Errorf("-store scheme %q is not supported: use memory, postgres://… or redis://…", u.Scheme)
}
