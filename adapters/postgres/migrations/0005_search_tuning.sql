-- orgkit schema, version 5: search tuning.
--
-- A larger planner sample of names. A name substring search reads either
-- the name index in result order, keeping the names that hold the text, or
-- every name the trigram index finds, sorted. Which is cheaper depends on
-- how many names hold the text, which the planner estimates from its
-- sample of names: with the default sample, text held by 1 % of 1,000,000
-- names was taken for 0.01 %, and its search read and sorted 10,000 rows
-- (17 ms) instead of walking 2,100 index entries; with this sample the
-- slowest of 200 such searches took 11 ms (26 ms with 300). A larger sample
-- costs more planning on every search of three or more characters (about
-- 0.1 ms at this size: the planner tries the text against each sampled
-- name) and a longer ANALYZE.
ALTER TABLE organizations ALTER COLUMN name_fold SET STATISTICS 500;

-- No pending list on the trigram index. With one, new names wait in an
-- unordered list that every substring search reads whole until VACUUM
-- merges it: 2,800 names written since the last VACUUM made each search
-- 1.2 ms slower, and the list may grow to 4 MB. Without it each write
-- merges its own trigrams (about 0.2 ms more per create), and searches
-- stay as fast between VACUUMs as after one.
ALTER INDEX organizations_name_fold_trgm_idx SET (fastupdate = off);
SELECT gin_clean_pending_list('organizations_name_fold_trgm_idx'::regclass);

ANALYZE organizations;
