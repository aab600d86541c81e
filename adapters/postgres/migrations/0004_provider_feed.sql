-- A provider's event feed in commit order, without waiting for other
-- transactions.
--
-- Each change takes the next position of its provider's feed as the last
-- step before it commits, holding the provider's provider_feeds row until
-- then: a change that takes position n commits before any change can take
-- n + 1, so a reader that has seen n + 1 has seen n. Positions replace the
-- (xid, seq) order of version 1, which had to wait for every transaction
-- running in the database, orgkit's or not.
CREATE TABLE IF NOT EXISTS provider_feeds (
    provider_id uuid   NOT NULL,
    position    bigint NOT NULL,
    CONSTRAINT provider_feeds_pkey PRIMARY KEY (provider_id)
);

ALTER TABLE events ADD COLUMN IF NOT EXISTS position bigint;

-- Events stored before this migration keep the order they were read in.
UPDATE events AS e SET position = r.n
    FROM (SELECT provider_id, xid, seq,
                 row_number() OVER (PARTITION BY provider_id ORDER BY xid, seq) AS n
          FROM events) AS r
    WHERE e.provider_id = r.provider_id AND e.xid = r.xid AND e.seq = r.seq
      AND e.position IS NULL;

INSERT INTO provider_feeds (provider_id, position)
    SELECT provider_id, max(position) FROM events GROUP BY provider_id
    ON CONFLICT (provider_id) DO UPDATE SET position = EXCLUDED.position;

ALTER TABLE events ALTER COLUMN position SET NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS events_feed_idx ON events (provider_id, position);
