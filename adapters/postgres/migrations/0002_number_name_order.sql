-- orgkit schema, version 2: numbers carry their organization's name fold
-- key, so that a number prefix is searched in result order from one index.
--
-- A prefix of 7 digits matches thousands of numbers at a million
-- organizations. Ordering them by name meant reading each one's
-- organization row (measured 20 ms for 2,700 numbers); with the name in an
-- index beside the digits, the range is read from index pages alone and
-- only the page's organizations are fetched. orgkit writes name_fold with
-- the number and rewrites it, in the same transaction, when the
-- organization is renamed.
--
-- Idempotent: every step checks what is already there. On a large
-- existing table the UPDATE rewrites every number row; run it off-peak.
ALTER TABLE numbers ADD COLUMN IF NOT EXISTS name_fold text COLLATE "C";
UPDATE numbers n SET name_fold = o.name_fold
    FROM organizations o
    WHERE o.provider_id = n.provider_id AND o.id = n.organization_id
      AND n.name_fold IS DISTINCT FROM o.name_fold;
ALTER TABLE numbers ALTER COLUMN name_fold SET NOT NULL;
CREATE INDEX IF NOT EXISTS numbers_digits_name_idx ON numbers (provider_id, digits) INCLUDE (name_fold, organization_id);
