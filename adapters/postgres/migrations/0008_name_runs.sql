-- orgkit schema, version 8: each name's runs of five characters, indexed.
--
-- The trigram index finds long text poorly when other names hold its
-- trigrams scattered across different words: for "zensensen me" it
-- returned 1,717 names at 1,000,000 organizations, and checking them read
-- 1,700 table pages (4 ms from shared buffers, 71 ms from disk). Every name that holds
-- the text holds each of its runs of five characters (spaces included),
-- and few others hold them all: through an index of runs that search found
-- only names that hold the text (2 there), from 50 buffers (0.4 ms).
--
-- orgkit computes the runs in Go (postgres.NameRuns) and writes them with
-- every name. name_runs_of computes the same in SQL, for the rows written
-- before this migration and, through the triggers, for rows written by
-- code that leaves the column out (an older orgkit during an upgrade, a
-- hand-written COPY): a name whose runs were not written would be missing
-- from searches. The triggers call it when the column is left out (and on
-- a rename whose runs are unchanged, which recomputes the same value).
-- Runs are counted in characters, as Go counts runes, in a UTF8 database
-- only: the migration refuses any other encoding.
--
-- Idempotent. ADD COLUMN locks the table against reads and writes until
-- the migration's transaction commits. On a large existing table the
-- UPDATE rewrites every row, leaving the old ones for VACUUM (102 s at
-- 1,000,000 organizations, then 6 s to build the 57 MB index), and the
-- runs make the table larger (a fresh load of that many took 897 MB
-- against 695 MB without them): run it off-peak.

DO $$
BEGIN
    IF current_setting('server_encoding') <> 'UTF8' THEN
        RAISE EXCEPTION 'orgkit needs a UTF8 database, not %', current_setting('server_encoding');
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION name_runs_of(fold text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
        SELECT coalesce(array_agg(DISTINCT substr(fold, i, 5) COLLATE "C" ORDER BY substr(fold, i, 5) COLLATE "C"), '{}')
        FROM generate_series(1, char_length(fold) - 4) AS i
    $$;

-- SET search_path: the trigger runs with the search_path of whoever writes,
-- and name_runs_of lives in this schema.
CREATE OR REPLACE FUNCTION fill_name_runs() RETURNS trigger
    LANGUAGE plpgsql SET search_path FROM CURRENT
    AS $$
    BEGIN
        NEW.name_runs := name_runs_of(NEW.name_fold);
        RETURN NEW;
    END
    $$;

ALTER TABLE organizations ADD COLUMN IF NOT EXISTS name_runs text[] COLLATE "C";
UPDATE organizations SET name_runs = name_runs_of(name_fold) WHERE name_runs IS NULL;
ALTER TABLE organizations ALTER COLUMN name_runs SET NOT NULL;

-- A row inserted without its runs, or renamed without new ones.
DROP TRIGGER IF EXISTS organizations_name_runs_insert ON organizations;
CREATE TRIGGER organizations_name_runs_insert BEFORE INSERT ON organizations
    FOR EACH ROW WHEN (NEW.name_runs IS NULL) EXECUTE FUNCTION fill_name_runs();
DROP TRIGGER IF EXISTS organizations_name_runs_update ON organizations;
CREATE TRIGGER organizations_name_runs_update BEFORE UPDATE ON organizations
    FOR EACH ROW WHEN (NEW.name_fold IS DISTINCT FROM OLD.name_fold AND NEW.name_runs IS NOT DISTINCT FROM OLD.name_runs)
    EXECUTE FUNCTION fill_name_runs();

-- Without provider_id, for the reason of migration 0003. Unlike the
-- trigram index (migration 0005), with a pending list: a name has about 14
-- runs, and a write that merges them into the index at once changes about
-- as many of its pages. At 1,000,000 organizations, in runs alternating
-- with the schema before this migration (300 creates each), create's p99
-- was 4.7-9.6 ms without a pending list (2.4 ms before the migration),
-- 2.9-3.1 ms with one of 512 kB (2.7-2.8 before) and 3.8-3.9 ms with one of
-- 64 kB (3.0-3.2 before). Every search by runs reads the whole list, so it is kept short;
-- the write that fills it merges it into the index.
CREATE INDEX IF NOT EXISTS organizations_name_runs_idx ON organizations
    USING gin (name_runs) WITH (fastupdate = on, gin_pending_list_limit = 64);

ANALYZE organizations;
