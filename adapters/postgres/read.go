package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	sq "github.com/Masterminds/squirrel"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/orgkit/orgkit/org"
)

// Get implements org.Store.
func (s *Store) Get(ctx context.Context, providerID, id uuid.UUID) (*org.Organization, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	return s.get(ctx, s.db, providerID, id, false)
}

// get loads an organization, locking its row until the end of the
// transaction when lock is set.
func (s *Store) get(ctx context.Context, q queryer, providerID, id uuid.UUID, lock bool) (*org.Organization, error) {
	stmt := psql.Select("doc").From(s.t.orgs).Where("provider_id = ? AND id = ?", providerID, id)
	if lock {
		stmt = stmt.Suffix("FOR UPDATE")
	}
	var doc []byte
	if err := s.queryRow(ctx, q, stmt).Scan(&doc); err != nil {
		return nil, translateCtx(ctx, err)
	}
	return decode(doc)
}

// Event cursors. A provider's feed is ordered by the writing transaction's
// id and then a sequence number; an organization's by version. The prefix
// keeps one kind from being taken for the other.
const (
	providerCursorPrefix = "x"
	orgCursorPrefix      = "v"
)

var errEventCursor = fmt.Errorf("%w: malformed event cursor", org.ErrInvalid)

// Events implements org.Store.
//
// An organization's events are read by version: its row lock makes each
// version commit after the one before, so none can appear behind a cursor.
//
// A provider's feed is ordered by (transaction id, sequence) and holds back
// every event whose transaction id is not below the oldest transaction still
// running in the database (pg_snapshot_xmin): transaction ids are handed out
// before commit, so a transaction that began writing earlier may still
// commit an event that sorts before the ones already visible. When such a
// straggler holds back an event that is already committed, Events waits for
// it (polling, up to WithEventSettle's duration) so that a reader sees a
// change as soon as it is made; past that it returns the settled events, and
// the rest follow on a later read. A transaction left open for long (any
// transaction in the database, not only orgkit's) delays the provider feed,
// never reorders or loses it.
func (s *Store) Events(ctx context.Context, q org.EventQuery) (org.EventPage, error) {
	if err := s.check(ctx); err != nil {
		return org.EventPage{}, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = org.DefaultEventLimit
	}
	limit = min(limit, org.MaxEventLimit)
	if q.OrganizationID != uuid.Nil {
		return s.orgEvents(ctx, q, limit)
	}
	return s.providerEvents(ctx, q, limit)
}

func (s *Store) orgEvents(ctx context.Context, q org.EventQuery, limit int) (org.EventPage, error) {
	var after int64
	if q.After != "" {
		v, ok := strings.CutPrefix(q.After, orgCursorPrefix)
		n, err := strconv.ParseInt(v, 10, 64)
		if !ok || err != nil || n < 0 {
			return org.EventPage{}, errEventCursor
		}
		after = n
	}
	rows, err := s.query(ctx, s.db, psql.Select("version", "doc").From(s.t.events).
		Where("provider_id = ? AND organization_id = ? AND version > ?", q.ProviderID, q.OrganizationID, after).
		OrderBy("version").Suffix("LIMIT ?", limit))
	if err != nil {
		return org.EventPage{}, translateCtx(ctx, err)
	}
	page := org.EventPage{Next: q.After}
	var (
		version int64
		doc     []byte
	)
	_, err = pgx.ForEachRow(rows, []any{&version, &doc}, func() error {
		ev, err := decodeEvent(doc)
		if err != nil {
			return err
		}
		page.Events = append(page.Events, ev)
		page.Next = orgCursorPrefix + strconv.FormatInt(version, 10)
		return nil
	})
	if err != nil {
		return org.EventPage{}, translateCtx(ctx, err)
	}
	return page, nil
}

func (s *Store) providerEvents(ctx context.Context, q org.EventQuery, limit int) (org.EventPage, error) {
	var afterXID, afterSeq int64
	if q.After != "" {
		v, ok := strings.CutPrefix(q.After, providerCursorPrefix)
		x, sqn, ok2 := strings.Cut(v, ".")
		var err1, err2 error
		afterXID, err1 = strconv.ParseInt(x, 10, 64)
		afterSeq, err2 = strconv.ParseInt(sqn, 10, 64)
		if !ok || !ok2 || err1 != nil || err2 != nil || afterXID < 0 || afterSeq < 0 {
			return org.EventPage{}, errEventCursor
		}
	}
	// The horizon is taken in the same statement, so with the same snapshot,
	// as the rows it is compared with.
	stmt := psql.Select("e.xid", "e.seq", "e.doc", "e.xid < h.xmin").
		Prefix("WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin)").
		From(s.t.events+" AS e, h").
		Where("e.provider_id = ? AND (e.xid, e.seq) > (?, ?)", q.ProviderID, afterXID, afterSeq).
		OrderBy("e.xid", "e.seq").Suffix("LIMIT ?", limit)
	deadline := time.Now().Add(s.cfg.settle)
	for wait := time.Millisecond; ; wait = min(2*wait, 50*time.Millisecond) {
		page, held, err := s.readProviderEvents(ctx, stmt, q.After)
		if err != nil || !held || !time.Now().Add(wait).Before(deadline) {
			return page, err
		}
		select {
		case <-ctx.Done():
			return org.EventPage{}, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// readProviderEvents reads one page of settled events and reports whether
// a committed event was held back behind a running transaction.
func (s *Store) readProviderEvents(ctx context.Context, stmt sq.SelectBuilder, after string) (org.EventPage, bool, error) {
	rows, err := s.query(ctx, s.db, stmt)
	if err != nil {
		return org.EventPage{}, false, translateCtx(ctx, err)
	}
	page := org.EventPage{Next: after}
	held := false
	var (
		xid, seq int64
		doc      []byte
		settled  bool
	)
	_, err = pgx.ForEachRow(rows, []any{&xid, &seq, &doc, &settled}, func() error {
		if held = held || !settled; held {
			return nil
		}
		ev, err := decodeEvent(doc)
		if err != nil {
			return err
		}
		page.Events = append(page.Events, ev)
		page.Next = providerCursorPrefix + strconv.FormatInt(xid, 10) + "." + strconv.FormatInt(seq, 10)
		return nil
	})
	if err != nil {
		return org.EventPage{}, false, translateCtx(ctx, err)
	}
	return page, held, nil
}

// Walk implements org.Walker. Organizations are visited by id, index
// entries by kind, events in the provider feed's order.
func (s *Store) Walk(ctx context.Context, providerID uuid.UUID, v org.Visitor) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	if v.Organization != nil {
		err := s.each(ctx, psql.Select("doc").From(s.t.orgs).Where("provider_id = ?", providerID).OrderBy("id"),
			func(r pgx.CollectableRow) error {
				var doc []byte
				if err := r.Scan(&doc); err != nil {
					return err
				}
				// The snapshot as stored, not rehydrated, so that a checker
				// sees damaged state as it is.
				snap, err := decodeSnapshot(doc)
				if err != nil {
					return err
				}
				return v.Organization(snap)
			})
		if err != nil {
			return err
		}
	}
	if v.Index != nil {
		index := func(r pgx.CollectableRow) error {
			var e org.IndexEntry
			if err := r.Scan(&e.Kind, &e.Key, &e.OrganizationID); err != nil {
				return err
			}
			return v.Index(e)
		}
		stmts := []sq.Sqlizer{
			sq.Expr("SELECT ?::text, customer_reference_fold, id FROM "+s.t.orgs+
				" WHERE provider_id = ? AND customer_reference_fold IS NOT NULL ORDER BY 2", org.FieldCustomerReference, providerID),
			sq.Expr("SELECT ?::text, external_contract_fold, id FROM "+s.t.orgs+
				" WHERE provider_id = ? AND external_contract_fold IS NOT NULL ORDER BY 2", org.FieldExternalContract, providerID),
			sq.Expr("SELECT ?::text, number, organization_id FROM "+s.t.numbers+
				" WHERE provider_id = ? ORDER BY digits", org.FieldNumbers, providerID),
			sq.Expr("SELECT ?::text, key, organization_id FROM "+s.t.idem+
				" WHERE provider_id = ? ORDER BY key", "idempotency_key", providerID),
		}
		for _, stmt := range stmts {
			if err := s.each(ctx, stmt, index); err != nil {
				return err
			}
		}
	}
	if v.Event != nil {
		err := s.each(ctx, psql.Select("doc").From(s.t.events).Where("provider_id = ?", providerID).OrderBy("xid", "seq"),
			func(r pgx.CollectableRow) error {
				var doc []byte
				if err := r.Scan(&doc); err != nil {
					return err
				}
				ev, err := decodeEvent(doc)
				if err != nil {
					return err
				}
				return v.Event(ev)
			})
		if err != nil {
			return err
		}
	}
	return nil
}

// each runs stmt and calls fn for every row, stopping at the first error,
// which it returns as it is when fn made it.
func (s *Store) each(ctx context.Context, stmt sq.Sqlizer, fn func(pgx.CollectableRow) error) error {
	rows, err := s.query(ctx, s.db, stmt)
	if err != nil {
		return translateCtx(ctx, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return translateCtx(ctx, rows.Err())
}
