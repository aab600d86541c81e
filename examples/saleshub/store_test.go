package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	goredis "github.com/redis/go-redis/v9"

	"github.com/orgkit/orgkit/internal/testenv"
)

// serviceStore opens a store on a real service. Under CI a service that
// cannot be reached fails the test.
func serviceStore(t *testing.T, spec string) openedStore {
	t.Helper()
	st, err := openStore(context.Background(), spec)
	if err != nil {
		testenv.Unavailable(t, "store not reachable (%v); set %s or %s", err, testenv.PostgresURLEnv, testenv.RedisAddrEnv)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func withParam(raw, name, value string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	q.Set(name, value)
	u.RawQuery = q.Encode()
	return u.String()
}

func dropSchema(t *testing.T, pgURL, schema string) {
	conn, err := pgx.Connect(context.Background(), pgURL)
	if err != nil {
		return // nothing was created
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
		t.Errorf("drop schema %s: %v", schema, err)
	}
}

func deleteKeys(t *testing.T, redisURL, prefix string) {
	opts, err := goredis.ParseURL(redisURL)
	if err != nil {
		return
	}
	c := goredis.NewClient(opts)
	defer c.Close()
	ctx := context.Background()
	iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		c.Del(ctx, iter.Val())
	}
	if err := iter.Err(); err != nil && !strings.Contains(err.Error(), "connect") {
		t.Errorf("delete keys %s*: %v", prefix, err)
	}
}

// TestPersistentStores runs the host on PostgreSQL and Redis: the demo data
// is created once, and a second start over the same data finds it rather
// than creating it again.
func TestPersistentStores(t *testing.T) {
	// Each run keeps its data apart, in a schema or under a key prefix of
	// its own, and removes it afterwards.
	tag := strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	schema, prefix := "saleshub_"+tag, "saleshub:"+tag+":"
	pgURL := testenv.PostgresURL()
	redisURL := "redis://" + testenv.RedisAddr() + "/0"
	for name, st := range map[string]func() openedStore{
		"postgres": func() openedStore {
			t.Cleanup(func() { dropSchema(t, pgURL, schema) })
			return serviceStore(t, withParam(pgURL, "schema", schema))
		},
		"redis": func() openedStore {
			t.Cleanup(func() { deleteKeys(t, redisURL, prefix) })
			return serviceStore(t, withParam(redisURL, "prefix", prefix))
		},
	} {
		t.Run(name, func(t *testing.T) {
			store := st()
			count := func() string {
				a, err := newApp(context.Background(), store, "", slog.New(slog.DiscardHandler))
				if err != nil {
					t.Fatal(err)
				}
				var tok string
				for _, tk := range a.dir.All() {
					if tk.Entry.UserID == "ada" {
						tok = tk.Token
					}
				}
				req := httptest.NewRequest("GET", "/v1/organizations?q=ACME-001&count=true", nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				rec := httptest.NewRecorder()
				a.handler.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					t.Fatalf("search: %d %s", rec.Code, rec.Body)
				}
				b, _ := io.ReadAll(rec.Body)
				return string(b)
			}
			first, second := count(), count()
			if !strings.Contains(first, `"count":"1"`) || !strings.Contains(second, `"count":"1"`) {
				t.Fatalf("demo data should exist once across restarts:\n%s\n%s", first, second)
			}
		})
	}
}
