package redis_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	redisstore "github.com/orgkit/orgkit/adapters/redis"
	"github.com/orgkit/orgkit/adapters/storetest"
	"github.com/orgkit/orgkit/internal/testenv"
	"github.com/orgkit/orgkit/org"
)

// The tests run against the Redis at ORGKIT_REDIS_ADDR (default
// 127.0.0.1:6379) and against a 3-master cluster on loopback that they start
// themselves from the redis-server and redis-cli on PATH. Each store works
// under its own random key prefix and deletes its keys afterwards.

func TestMain(m *testing.M) {
	code := m.Run()
	testCluster.stop()
	stopBenchServer()
	os.Exit(code)
}

// standalone returns a client of the standalone server.
func standalone(t testing.TB) goredis.UniversalClient {
	t.Helper()
	c := goredis.NewClient(&goredis.Options{Addr: testenv.RedisAddr()})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		_ = c.Close()
		testenv.Unavailable(t, "redis at %s: %v", testenv.RedisAddr(), err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// newPrefix returns a key prefix no other test uses.
func newPrefix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "orgkit-test:" + hex.EncodeToString(b) + ":"
}

// newStore returns a Store over c under a fresh prefix, whose keys are
// deleted when the test ends.
func newStore(t testing.TB, c goredis.UniversalClient) (*redisstore.Store, string) {
	t.Helper()
	prefix := newPrefix()
	s, err := redisstore.New(context.Background(), c, redisstore.WithKeyPrefix(prefix))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, deleteKeys(context.Background(), c, prefix)) })
	return s, prefix
}

// keysOf lists the keys under prefix, on every master of a cluster.
func keysOf(ctx context.Context, c goredis.UniversalClient, prefix string) ([]string, error) {
	var mu sync.Mutex
	var keys []string
	scan := func(ctx context.Context, n goredis.UniversalClient) error {
		it := n.Scan(ctx, 0, redisstore.GlobEscape(prefix)+"*", 1000).Iterator()
		for it.Next(ctx) {
			mu.Lock()
			keys = append(keys, it.Val())
			mu.Unlock()
		}
		return it.Err()
	}
	if cc, ok := c.(*goredis.ClusterClient); ok {
		return keys, cc.ForEachMaster(ctx, func(ctx context.Context, n *goredis.Client) error { return scan(ctx, n) })
	}
	return keys, scan(ctx, c)
}

func deleteKeys(ctx context.Context, c goredis.UniversalClient, prefix string) error {
	keys, err := keysOf(ctx, c, prefix)
	if err != nil {
		return err
	}
	for _, k := range keys { // one by one: on a cluster they span slots
		if err := c.Unlink(ctx, k).Err(); err != nil {
			return err
		}
	}
	return nil
}

func TestConformance(t *testing.T) {
	c := standalone(t)
	storetest.Run(t, func(t *testing.T) org.Store {
		s, _ := newStore(t, c)
		return s
	})
}

func TestConformanceCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Redis Cluster")
	}
	c := testCluster.client(t)
	storetest.Run(t, func(t *testing.T) org.Store {
		s, _ := newStore(t, c)
		return s
	})
}

// testCluster is the 3-master cluster the tests share; TestMain stops it.
var testCluster = &localCluster{}

// localCluster runs redis-server processes in cluster mode on loopback.
type localCluster struct {
	once  sync.Once
	err   error
	dir   string
	procs []*exec.Cmd
	addrs []string
}

func (lc *localCluster) client(t testing.TB) goredis.UniversalClient {
	t.Helper()
	lc.once.Do(func() { lc.err = lc.start() })
	if lc.err != nil {
		testenv.Unavailable(t, "redis cluster: %v", lc.err)
	}
	c := goredis.NewClusterClient(&goredis.ClusterOptions{Addrs: lc.addrs})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func (lc *localCluster) start() error {
	for _, bin := range []string{"redis-server", "redis-cli"} {
		if _, err := exec.LookPath(bin); err != nil {
			return err
		}
	}
	dir, err := os.MkdirTemp("", "orgkit-redis-cluster-")
	if err != nil {
		return err
	}
	lc.dir = dir
	for range 3 {
		port, err := freePort()
		if err != nil {
			return err
		}
		p := strconv.Itoa(port)
		cmd := exec.Command("redis-server", "--port", p, "--bind", "127.0.0.1",
			"--cluster-enabled", "yes", "--cluster-config-file", "nodes-"+p+".conf",
			"--dir", dir, "--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction")
		cmd.Stdout, err = os.Create(filepath.Join(dir, "redis-"+p+".log"))
		if err != nil {
			return err
		}
		if err := cmd.Start(); err != nil {
			return err
		}
		lc.procs = append(lc.procs, cmd)
		lc.addrs = append(lc.addrs, "127.0.0.1:"+p)
	}
	for _, a := range lc.addrs {
		if err := waitFor(func() bool {
			return exec.Command("redis-cli", "-u", "redis://"+a, "ping").Run() == nil
		}); err != nil {
			return fmt.Errorf("%s did not start: %w", a, err)
		}
	}
	args := append([]string{"--cluster", "create"}, lc.addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.Command("redis-cli", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("redis-cli --cluster create: %v: %s", err, out)
	}
	for _, a := range lc.addrs {
		if err := waitFor(func() bool {
			out, err := exec.Command("redis-cli", "-u", "redis://"+a, "cluster", "info").Output()
			return err == nil && strings.Contains(string(out), "cluster_state:ok")
		}); err != nil {
			return fmt.Errorf("%s: cluster_state not ok: %w", a, err)
		}
	}
	return nil
}

// freePort returns a loopback port that is free, and whose cluster bus port
// (port+10000) is free too.
func freePort() (int, error) {
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := l.Addr().(*net.TCPAddr).Port
		_ = l.Close()
		if port+10000 > 65535 {
			continue
		}
		if bus, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port+10000)); err == nil {
			_ = bus.Close()
			return port, nil
		}
	}
	return 0, fmt.Errorf("no free port pair found")
}

func waitFor(ok func() bool) error {
	for range 100 {
		if ok() {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("timed out")
}

func (lc *localCluster) stop() {
	for _, p := range lc.procs {
		_ = p.Process.Kill()
		_ = p.Wait()
	}
	if lc.dir != "" {
		_ = os.RemoveAll(lc.dir)
	}
}

// readInfo returns a field of INFO section from one server.
func readInfo(ctx context.Context, c goredis.UniversalClient, section, field string) (string, error) {
	text, err := c.Info(ctx, section).Result()
	if err != nil {
		return "", err
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			return strings.TrimSpace(v), nil
		}
	}
	return "", fmt.Errorf("INFO %s has no %s", section, field)
}
