-- orgkit schema, version 6: numbers in name order.
--
-- A short number prefix matches most numbers: "441" matched 1,077,000 of
-- the 1,269,000 numbers of 1,000,000 organizations, and ordering them by
-- name through the index on digits read and sorted them all (0.9 s). With
-- the numbers also indexed in name order, the planner walks that index,
-- keeping the numbers under the prefix, and stops after a page; a long
-- prefix still reads the few numbers under it from the digits index.
--
-- Idempotent. On a large existing table, building the index blocks writes
-- to numbers for its duration (seconds at this size); run it off-peak.
CREATE INDEX IF NOT EXISTS numbers_name_idx ON numbers (provider_id, name_fold, organization_id) INCLUDE (digits);
ANALYZE numbers;
