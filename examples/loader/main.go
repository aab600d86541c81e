// Command loader fills a store with the organizations of the shared data
// generator (package datagen), so that the memory, PostgreSQL and Redis stores
// can be compared on identical data.
//
//	go run ./examples/loader -store memory -n 100000
//	go run ./examples/loader -store 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable' -schema orgkit -n 1000000
//	go run ./examples/loader -store redis://127.0.0.1:6379/0 -prefix orgkit: -n 1000000
//
// The same -seed and -provider give the same organizations in every store.
// Each organization is stored with its one "organization.imported" event, in
// batches of -batch through the store's org.Importer (COPY on PostgreSQL, one
// script call per batch on Redis), or one Create at a time for a store that
// has no Importer. A batch is stored whole or not at all.
//
// PostgreSQL is migrated first (Migrate is idempotent). A run that stopped
// part way, by Ctrl-C or a failure, resumes where it stopped when started
// again with the same flags: the loader finds how many of the organizations
// are already stored, and loads the rest.
//
// A redis:// URL names a standalone server, as go-redis ParseURL reads it;
// the loader opens no cluster client.
//
// Progress goes to standard error: a bar with rate and time left on a
// terminal, a line every few seconds otherwise. The summary (time and
// organizations per second) goes to standard output. The exit status is 1 on
// any failure, interruption included.
//
// BenchmarkPostgresLoadVsCopy, in this package's tests, measures the loader
// against a hand-written COPY of the same rows into the same schema.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit/adapters/postgres"
	redisstore "github.com/orgkit/orgkit/adapters/redis"
	"github.com/orgkit/orgkit/datagen"
)

// defaultProvider is the provider the loader uses unless -provider names
// another: fixed, so that runs without the flag load the same data.
var defaultProvider = uuid.NewSHA1(uuid.NameSpaceOID, []byte("orgkit loader provider"))

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loader:", err)
		os.Exit(1)
	}
}

// config is what the flags say.
type config struct {
	store    string
	seed     int64
	n        int
	batch    int
	provider uuid.UUID
	schema   string
	prefix   string
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	var provider string
	fs := flag.NewFlagSet("loader", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.store, "store", "memory", `where to load: "memory", a postgres:// URL or a redis:// URL`)
	fs.Int64Var(&c.seed, "seed", 1, "generator seed: the same seed and provider give the same organizations")
	fs.IntVar(&c.n, "n", 100_000, "number of organizations")
	fs.IntVar(&c.batch, "batch", 1000, "organizations per import: each batch is stored whole or not at all")
	fs.StringVar(&provider, "provider", defaultProvider.String(), "provider id (UUID) that owns the organizations")
	fs.StringVar(&c.schema, "schema", postgres.DefaultSchema, "PostgreSQL schema of the tables")
	fs.StringVar(&c.prefix, "prefix", redisstore.DefaultKeyPrefix, "Redis key prefix")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: loader [flags]\n\nFills a store with the shared generator's organizations.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q (all settings are flags; see -h)", fs.Arg(0))
	}
	var err error
	if c.provider, err = uuid.Parse(provider); err != nil {
		return c, fmt.Errorf("-provider %q is not a UUID: %w", provider, err)
	}
	switch {
	case c.n < 0 || c.n > datagen.MaxOrganizations:
		return c, fmt.Errorf("-n %d is outside [0, %d]", c.n, datagen.MaxOrganizations)
	case c.batch < 1:
		return c, fmt.Errorf("-batch %d is not positive", c.batch)
	case strings.TrimSpace(c.store) == "":
		return c, errors.New(`-store is empty; give "memory", a postgres:// URL or a redis:// URL`)
	}
	return c, nil
}

// run is the whole command: it parses args, opens the store, loads it and
// prints the summary to stdout and progress to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer st.close()
	return load(ctx, st, c, stdout, stderr)
}

// load fills st as c says and reports to stdout and stderr.
func load(ctx context.Context, st *target, c config, stdout, stderr io.Writer) error {
	gen := datagen.New(c.seed, c.provider)
	fmt.Fprintf(stdout, "loading %d organizations (seed %d, provider %s) into %s\n", c.n, c.seed, c.provider, st.name)

	have, err := storedPrefix(ctx, st.store, gen, c.n)
	if err != nil {
		return fmt.Errorf("count the organizations already stored: %w", err)
	}
	if have > 0 {
		fmt.Fprintf(stdout, "%d of %d already stored; loading the rest\n", have, c.n)
	}
	if have == c.n {
		fmt.Fprintln(stdout, "nothing to do")
		return nil
	}

	p := newProgress(stderr, have, c.n)
	start := time.Now()
	done, err := fill(ctx, st.store, gen, have, c.n, c.batch, p.update)
	p.finish(done)
	elapsed := time.Since(start)
	loaded := done - have
	if err != nil {
		what := fmt.Sprintf("stopped after storing %d of %d organizations", done, c.n)
		if st.durable && done > 0 {
			what += " (run again with the same flags to resume)"
		}
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return fmt.Errorf("interrupted: %s", what)
		}
		return fmt.Errorf("%s: %w", what, err)
	}
	fmt.Fprintf(stdout, "stored %d organizations and %d events in %s: %.0f organizations/s\n",
		loaded, loaded, elapsed.Round(time.Millisecond), rate(loaded, elapsed))
	if !st.durable {
		fmt.Fprintln(stdout, "(the memory store is gone when the loader exits: this run measured speed only)")
	}
	return nil
}

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}
