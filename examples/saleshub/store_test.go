package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// serviceStore opens a real service named by the environment, or its
// local default. Under CI a service that cannot be reached fails the test.
func serviceStore(t *testing.T, env, def string) openedStore {
	t.Helper()
	spec := os.Getenv(env)
	if spec == "" {
		spec = def
	}
	st, err := openStore(context.Background(), spec)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: %v", env, err)
		}
		t.Skipf("%s not reachable (%v); set %s", env, err, env)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestPersistentStores runs the host on PostgreSQL and Redis: the demo data
// is created once, and a second start over the same data finds it rather
// than creating it again.
func TestPersistentStores(t *testing.T) {
	schema := "saleshub_" + strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	for name, st := range map[string]func() openedStore{
		"postgres": func() openedStore {
			return serviceStore(t, "SALESHUB_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test?search_path="+schema)
		},
		"redis": func() openedStore {
			return serviceStore(t, "SALESHUB_TEST_REDIS", "redis://127.0.0.1:6379/15")
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
