-- orgkit schema, version 5: a larger sample of names for the planner.
--
-- A name substring search reads either the name index in result order,
-- keeping the names that hold the text, or every name the trigram index
-- finds, sorted. Which is cheaper depends on how many names hold the text,
-- which the planner estimates from its sample of names: with the default
-- sample, text held by 1 % of 1,000,000 names was taken for 0.01 %, and
-- its search read and sorted 10,000 rows (17 ms) instead of walking 2,100
-- index entries. A larger sample costs a little more planning on every
-- search (about 0.05 ms at this size) and a longer ANALYZE.
ALTER TABLE organizations ALTER COLUMN name_fold SET STATISTICS 300;
ANALYZE organizations;
