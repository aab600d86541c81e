package faults

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/internal/testenv"
)

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	return port
}

// pgCluster is a PostgreSQL cluster of the test's own, in a temporary
// directory, listening on a free loopback port. Only it is ever restarted.
type pgCluster struct {
	bin, dir string
	port     int
	// as runs the server programs as the postgres user: initdb refuses
	// root.
	as string
}

// startPostgres makes and starts a private cluster with initdb and pg_ctl
// from the newest PostgreSQL under /usr/lib/postgresql.
func startPostgres(t *testing.T) *pgCluster {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		testenv.Unavailable(t, "no initdb under /usr/lib/postgresql: install postgresql")
	}
	slices.SortFunc(bins, func(a, b string) int { return versionOf(b) - versionOf(a) })
	c := &pgCluster{bin: filepath.Dir(bins[0]), port: freePort(t)}
	dir, err := os.MkdirTemp("", "orgkit-faults-pg-")
	require.NoError(t, err)
	c.dir = dir
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			testenv.Unavailable(t, "running as root and there is no postgres user to run initdb as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		require.NoError(t, os.Chown(dir, uid, gid))
		c.as = "postgres"
	}
	c.run(t, "initdb", "-D", c.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "-N", "--no-instructions")
	c.run(t, "pg_ctl", "-D", c.data(), "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "-o",
		fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40 -c shared_buffers=16MB", c.port, dir),
		"start")
	t.Cleanup(func() { _ = c.command("pg_ctl", "-D", c.data(), "-m", "immediate", "-w", "stop").Run() })
	return c
}

func versionOf(initdb string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return v
}

func (c *pgCluster) data() string { return filepath.Join(c.dir, "data") }

// URL is the cluster's connection URL.
func (c *pgCluster) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

func (c *pgCluster) command(prog string, args ...string) *exec.Cmd {
	path := filepath.Join(c.bin, prog)
	if c.as != "" {
		return exec.Command("runuser", append([]string{"-u", c.as, "--", path}, args...)...)
	}
	return exec.Command(path, args...)
}

func (c *pgCluster) run(t *testing.T, prog string, args ...string) {
	t.Helper()
	out, err := c.command(prog, args...).CombinedOutput()
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
		testenv.Unavailable(t, "%s: %v\n%s\n%s", prog, err, out, log)
	}
}

// restart stops the server as a crash would (immediate mode: no
// checkpoint, recovery from the WAL on start) and starts it again.
func (c *pgCluster) restart(t *testing.T) {
	t.Helper()
	// -l: the new server must not inherit the output pipes, or
	// CombinedOutput would wait for it to exit.
	out, err := c.command("pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "log"), "-m", "immediate", "-w", "-t", "60", "restart").CombinedOutput()
	require.NoError(t, err, "%s", out)
}

// redisServer is a redis-server of the test's own on a free loopback port,
// with an append-only file synced on every write, so that a kill loses no
// acknowledged write.
type redisServer struct {
	args []string
	addr string
	cmd  *exec.Cmd
}

func startRedis(t *testing.T) *redisServer {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		testenv.Unavailable(t, "no redis-server: install redis-server")
	}
	port := freePort(t)
	s := &redisServer{
		addr: "127.0.0.1:" + strconv.Itoa(port),
		args: []string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", t.TempDir(),
			"--appendonly", "yes", "--appendfsync", "always", "--save", "", "--daemonize", "no"},
	}
	s.start(t)
	t.Cleanup(func() {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
	})
	return s
}

func (s *redisServer) start(t *testing.T) {
	t.Helper()
	s.cmd = exec.Command("redis-server", s.args...)
	require.NoError(t, s.cmd.Start())
	c := goredis.NewClient(&goredis.Options{Addr: s.addr, MaxRetries: -1})
	defer c.Close()
	deadline := time.Now().Add(15 * time.Second)
	for c.Ping(context.Background()).Err() != nil {
		require.True(t, time.Now().Before(deadline), "redis-server on %s did not start", s.addr)
		time.Sleep(20 * time.Millisecond)
	}
}

// restart kills the server (SIGKILL, as a crash would) and starts it again
// on the same port and files.
func (s *redisServer) restart(t *testing.T) {
	t.Helper()
	require.NoError(t, s.cmd.Process.Kill())
	_ = s.cmd.Wait()
	s.start(t)
}
