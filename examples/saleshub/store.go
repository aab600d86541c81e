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
// migrated before use.
func openStore(ctx context.Context, spec string) (openedStore, error) {
	if spec == "" || spec == "memory" {
		return openedStore{Store: memory.New()}, nil
	}
	u, err := url.Parse(spec)
	if err != nil {
		return openedStore{}, errors.New("-store must be memory, postgres://… or redis://…")
	}
	switch u.Scheme {
	case "postgres", "postgresql":
		pool, err := pgxpool.New(ctx, spec)
		if err != nil {
			return openedStore{}, fmt.Errorf("postgres: %w", err)
		}
		if err := pool.Ping(ctx); err != nil {
			pool.Close()
			return openedStore{}, fmt.Errorf("postgres: %w", err)
		}
		st := postgres.New(pool)
		if err := st.Migrate(ctx); err != nil {
			pool.Close()
			return openedStore{}, fmt.Errorf("postgres: migrate: %w", err)
		}
		return openedStore{Store: st, closeFn: pool.Close}, nil
	case "redis", "rediss":
		opts, err := goredis.ParseURL(spec)
		if err != nil {
			return openedStore{}, fmt.Errorf("redis: %w", err)
		}
		client := goredis.NewClient(opts)
		st, err := redis.New(ctx, client)
		if err != nil {
			client.Close()
			return openedStore{}, fmt.Errorf("redis: %w", err)
		}
		return openedStore{Store: st, closeFn: func() { client.Close() }}, nil
	}
	return openedStore{}, fmt.Errorf("-store scheme %q is not supported: use memory, postgres://… or redis://…", u.Scheme)
}
