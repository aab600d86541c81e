package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations holds orgkit's schema migrations as numbered SQL files
// (0001_init.sql, ...), to apply in name order. Hand them to your own
// migration tool if you prefer it to Migrate: run each with search_path set
// to your schema followed by public, where the files create the pg_trgm and
// btree_gin extensions.
var Migrations fs.FS = mustSub(migrationFiles, "migrations")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // the directory is embedded above
	}
	return sub
}

// migrationLock is the advisory lock key Migrate holds: one for every
// schema, since the extensions it creates are shared by the database.
const migrationLock = 0x6f72676b6974 // "orgkit"

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(Migrations, "*.sql")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	var ms []migration
	for _, name := range names {
		num, _, _ := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("postgres: migration %s: name must start with its number", name)
		}
		b, err := fs.ReadFile(Migrations, name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: path.Base(name), sql: string(b)})
	}
	return ms, nil
}

// Migrate creates the Store's schema if it is missing and applies the
// migrations it has not applied yet, recording each in the schema's
// orgkit_migrations table. It is safe to run on every start and from many
// processes at once: all of it is one transaction that holds an advisory
// lock, so runs take turns and the later ones find nothing to do. Nothing
// else runs a migration: New never touches the database.
func (s *Store) Migrate(ctx context.Context) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	err = s.tryTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(migrationLock)); err != nil {
			return err
		}
		schema := pgx.Identifier{s.cfg.schema}.Sanitize()
		if _, err := tx.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+schema); err != nil {
			return err
		}
		// set_config with is_local: the migration files name their tables
		// unqualified, as they would for any migration tool.
		if _, err := tx.Exec(ctx, "SELECT set_config('search_path', $1, true)", schema+", public"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "CREATE TABLE IF NOT EXISTS "+s.t.migrations+
			" (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "SELECT version FROM "+s.t.migrations)
		if err != nil {
			return err
		}
		applied, err := pgx.CollectRows(rows, pgx.RowTo[int32])
		if err != nil {
			return err
		}
		for _, m := range ms {
			if slices.Contains(applied, int32(m.version)) {
				continue
			}
			// The simple protocol is needed to run a file of several
			// statements; the files are orgkit's own, with no user input.
			if _, err := tx.Exec(ctx, m.sql, pgx.QueryExecModeSimpleProtocol); err != nil {
				return fmt.Errorf("postgres: migration %s: %w", m.name, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO "+s.t.migrations+" (version, name) VALUES ($1, $2)", m.version, m.name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("postgres: migrate schema %q: %w", s.cfg.schema, translateCtx(ctx, err))
	}
	return nil
}
