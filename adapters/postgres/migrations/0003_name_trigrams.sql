-- orgkit schema, version 3: the name's trigram index without provider_id.
--
-- With provider_id in the GIN index (btree_gin), a substring search also
-- reads the provider's posting list, as long as the provider is large:
-- at 1,000,000 organizations of one provider a rare substring took 14 to
-- 24 ms against 4 to 8 ms with this index. The provider is checked on
-- the rows the trigrams find instead, so the trade-off turns the other way
-- when one table holds many small providers and the text is common among
-- the others' names (see the package documentation). Btree indexes still
-- lead with provider_id.
--
-- On a large existing table, build the new index first with
-- CREATE INDEX CONCURRENTLY under the same name, outside this migration:
-- then this file only drops the old one.
CREATE INDEX IF NOT EXISTS organizations_name_fold_trgm_idx ON organizations
    USING gin (name_fold public.gin_trgm_ops);
DROP INDEX IF EXISTS organizations_name_trgm_idx;
