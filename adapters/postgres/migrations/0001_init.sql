-- orgkit schema, version 1.
--
-- Run by Store.Migrate with search_path set to the store's schema (then
-- public), or by your own migration tool with the same search_path. Every
-- primary key, unique constraint and btree index leads with provider_id, so a
-- provider's rows stay together and the tables can later be distributed by
-- provider. Fold keys and number digits are computed by orgkit in Go; the
-- database only compares their bytes (COLLATE "C").

-- Extensions belong to the database, not to a schema: created once, in public.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS btree_gin WITH SCHEMA public;

CREATE TABLE organizations (
    provider_id             uuid        NOT NULL,
    id                      uuid        NOT NULL,
    version                 bigint      NOT NULL CHECK (version >= 1),
    name_fold               text        COLLATE "C" NOT NULL,
    -- NULL when unset, so that any number of organizations may leave it out.
    customer_reference_fold text        COLLATE "C",
    external_contract_fold  text        COLLATE "C",
    status                  text        NOT NULL CHECK (status IN ('active', 'suspended')),
    managed_by              text        NOT NULL CHECK (managed_by IN ('customer', 'service_provider')),
    tag_folds               text[]      COLLATE "C" NOT NULL DEFAULT '{}',
    -- The whole org.Snapshot; the columns above are derived from it.
    doc                     jsonb       NOT NULL,
    CONSTRAINT organizations_pkey PRIMARY KEY (provider_id, id),
    CONSTRAINT organizations_customer_reference_key UNIQUE (provider_id, customer_reference_fold),
    CONSTRAINT organizations_external_contract_key UNIQUE (provider_id, external_contract_fold)
);

-- Search order (tier, name fold key, id) and name exact and prefix matches.
CREATE INDEX organizations_name_idx ON organizations (provider_id, name_fold, id);
-- Name substring matches; btree_gin puts provider_id in the same index.
CREATE INDEX organizations_name_trgm_idx ON organizations
    USING gin (provider_id, name_fold public.gin_trgm_ops);

CREATE TABLE numbers (
    provider_id     uuid NOT NULL,
    -- The E.164 number's digits, country code included, without "+": unique
    -- per provider, and what number search matches exactly or by prefix.
    digits          text COLLATE "C" NOT NULL,
    number          text NOT NULL,
    organization_id uuid NOT NULL,
    CONSTRAINT numbers_pkey PRIMARY KEY (provider_id, digits),
    CONSTRAINT numbers_organization_fkey FOREIGN KEY (provider_id, organization_id)
        REFERENCES organizations (provider_id, id) ON DELETE CASCADE
);
CREATE INDEX numbers_organization_idx ON numbers (provider_id, organization_id);

CREATE TABLE idempotency_keys (
    provider_id     uuid        NOT NULL,
    key             text        NOT NULL,
    organization_id uuid        NOT NULL,
    fingerprint     text        NOT NULL,
    expires_at      timestamptz NOT NULL,
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (provider_id, key)
);

-- The outbox: every change's event, written in the change's transaction.
-- A provider's feed is read in (xid, seq) order, and only below the oldest
-- transaction still running, so an event whose transaction commits late is
-- never behind a reader's cursor. An organization's feed is read by version,
-- which its row lock makes commit in order.
CREATE TABLE events (
    provider_id     uuid   NOT NULL,
    xid             bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    seq             bigint GENERATED ALWAYS AS IDENTITY,
    organization_id uuid   NOT NULL,
    version         bigint NOT NULL,
    id              uuid   NOT NULL,
    doc             jsonb  NOT NULL,
    CONSTRAINT events_pkey PRIMARY KEY (provider_id, xid, seq)
);
CREATE INDEX events_organization_idx ON events (provider_id, organization_id, version);
