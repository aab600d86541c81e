// Package testenv tells orgkit's tests where the real services are and how
// to react when one is missing: fail under CI, where every service must be
// up, and skip with a message elsewhere.
package testenv

import (
	"os"
	"testing"
)

// Environment variables that point the tests at other servers.
const (
	PostgresURLEnv = "ORGKIT_POSTGRES_URL"
	RedisAddrEnv   = "ORGKIT_REDIS_ADDR"
)

// PostgresURL returns ORGKIT_POSTGRES_URL, or the local server's database
// test with trust auth.
func PostgresURL() string {
	if u := os.Getenv(PostgresURLEnv); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// RedisAddr returns ORGKIT_REDIS_ADDR, or the local server.
func RedisAddr() string {
	if a := os.Getenv(RedisAddrEnv); a != "" {
		return a
	}
	return "127.0.0.1:6379"
}

// CI reports whether the tests run under CI (CI=true).
func CI() bool { return os.Getenv("CI") == "true" }

// Unavailable fails t under CI and skips it elsewhere, with the message.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if CI() {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}
