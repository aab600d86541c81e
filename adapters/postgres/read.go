package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

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

// Event cursors. A provider's feed is ordered by position; an
// organization's by version. The prefix keeps one kind from being taken for
// the other.
const (
	providerCursorPrefix = "p"
	orgCursorPrefix      = "v"
)

var errEventCursor = fmt.Errorf("%w: malformed event cursor", org.ErrInvalid)

// Events implements org.Store.
//
// An organization's events are read by version: its row lock makes each
// version commit after the one before, so none can appear behind a cursor.
//
// A provider's feed is read by position. Every change takes its provider's
// next position as its last statement and holds the provider's feed row
// until it commits, so position n commits before n + 1 is given out: a
// reader never finds an event behind its cursor, and never waits. The price
// is that the commits of one provider's changes take turns (for the length
// of a commit, or for the rest of a caller's transaction under WithTx, so
// commit those promptly).
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
	var after int64
	if q.After != "" {
		v, ok := strings.CutPrefix(q.After, providerCursorPrefix)
		n, err := strconv.ParseInt(v, 10, 64)
		if !ok || err != nil || n < 0 {
			return org.EventPage{}, errEventCursor
		}
		after = n
	}
	rows, err := s.query(ctx, s.db, psql.Select("position", "doc").From(s.t.events).
		Where("provider_id = ? AND position > ?", q.ProviderID, after).
		OrderBy("position").Suffix("LIMIT ?", limit))
	if err != nil {
		return org.EventPage{}, translateCtx(ctx, err)
	}
	page := org.EventPage{Next: q.After}
	var (
		pos int64
		doc []byte
	)
	_, err = pgx.ForEachRow(rows, []any{&pos, &doc}, func() error {
		ev, err := decodeEvent(doc)
		if err != nil {
			return err
		}
		page.Events = append(page.Events, ev)
		page.Next = providerCursorPrefix + strconv.FormatInt(pos, 10)
		return nil
	})
	if err != nil {
		return org.EventPage{}, translateCtx(ctx, err)
	}
	return page, nil
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
		err := s.each(ctx, psql.Select("doc").From(s.t.events).Where("provider_id = ?", providerID).OrderBy("position"),
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
