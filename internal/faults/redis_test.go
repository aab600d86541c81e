package faults

import (
	"context"
	"net"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	redisstore "github.com/orgkit/orgkit/adapters/redis"
	"github.com/orgkit/orgkit/adapters/storetest"
	"github.com/orgkit/orgkit/internal/testenv"
	"github.com/orgkit/orgkit/org"
)

// scriptHook fires atWrite as a write script is about to be sent, and
// onDial before each new connection is dialed.
type scriptHook struct{ atWrite, onDial *trigger }

func (h scriptHook) DialHook(next goredis.DialHook) goredis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		h.onDial.fire()
		return next(ctx, network, addr)
	}
}

func (h scriptHook) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		if n := cmd.Name(); n == "evalsha" || n == "eval" {
			h.atWrite.fire()
		}
		return next(ctx, cmd)
	}
}

func (scriptHook) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return next
}

// redisClient connects to addr with a pool of poolSize. It keeps go-redis's default MaxRetries (3),
// so the tests see what go-redis resends, and honours context deadlines.
func redisClient(t *testing.T, addr string, poolSize int, hook goredis.Hook) *goredis.Client {
	t.Helper()
	c := goredis.NewClient(&goredis.Options{
		Addr: addr, PoolSize: poolSize, ContextTimeoutEnabled: true,
		DialTimeout: time.Second, ReadTimeout: 2 * time.Second, WriteTimeout: 2 * time.Second,
	})
	if hook != nil {
		c.AddHook(hook)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		_ = c.Close()
		testenv.Unavailable(t, "Redis at %s (set ORGKIT_REDIS_ADDR) cannot be reached: %v", addr, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// redisStore returns a store under a fresh key prefix on c; its keys are
// deleted through admin after the test.
func redisStore(t *testing.T, c, admin goredis.UniversalClient) *redisstore.Store {
	t.Helper()
	prefix := randomName("orgkit-faults:") + ":"
	st, err := redisstore.New(context.Background(), c, redisstore.WithKeyPrefix(prefix))
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx := context.Background()
		it := admin.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for it.Next(ctx) {
			require.NoError(t, admin.Unlink(ctx, it.Val()).Err())
		}
		require.NoError(t, it.Err())
	})
	return st
}

// TestRedisFaults breaks the connection between the Redis adapter and a
// standalone server (cluster redirects would go around the proxy) before,
// during and after the script that makes a change.
func TestRedisFaults(t *testing.T) {
	admin := redisClient(t, testenv.RedisAddr(), 2, nil)
	proxy := newProxy(t, testenv.RedisAddr())
	onDial := &trigger{}
	r := &rig{proxy: proxy, midChange: &trigger{}, atWrite: &trigger{}, tally: newTally()}
	// One connection: a resend after a lost reply has to dial, and the fault
	// can be gone by then.
	c := redisClient(t, proxy.Listen, 1, scriptHook{atWrite: r.atWrite, onDial: onDial})
	r.store = hookStore{Store: redisStore(t, c, admin), midChange: r.midChange}
	r.b = storetest.Setup(t, func(*testing.T) org.Store { return r.store })

	// The reply to the script is lost once, and the fault is gone by the
	// time go-redis would dial again to resend it. Resent, the script would
	// find its own change and Update would make the change a second time;
	// the store must not resend it and must report the outcome unknown.
	resetOnce := func(t *testing.T, r *rig) func() {
		heal := resetDownstream(t, r)
		onDial.arm(heal)
		return func() { onDial.disarm(); heal() }
	}
	either := []string{failedNoChange, unknownNot}
	faults := append(sharedFaults([]string{unknownNot}, either, either),
		fault{name: "latency_mid_change", at: midChange, inject: slowDownstream, timeout: 700 * time.Millisecond, want: []string{unknownStored}},
		fault{name: "reset_after_write_once", at: atWrite, inject: resetOnce, want: []string{unknownStored}},
	)
	runFaults(t, r, faults)
	runCreateUnknown(t, r)
	runSwitchUnknown(t, r)
	r.tally.log(t)
}

// TestRedisRestart kills a private redis-server (appendonly yes, fsync on
// every write) while changes are being made, and starts it again.
func TestRedisRestart(t *testing.T) {
	srv := startRedis(t)
	c := redisClient(t, srv.addr, 4, nil)
	st := redisStore(t, c, c)
	b := storetest.Setup(t, func(*testing.T) org.Store { return st })
	runRestart(t, b, st, func() { srv.restart(t) })
}
