package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	sq "github.com/Masterminds/squirrel"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/orgkit/orgkit/internal/jsondoc"
	"github.com/orgkit/orgkit/org"
)

// orgRow is an organization as its table row: the whole snapshot as JSON
// and the keys that uniqueness, search and filters read, computed in Go.
type orgRow struct {
	providerID, id uuid.UUID
	version        int64
	nameFold       string
	nameRuns       []string // NameRuns(nameFold)
	refFold        *string  // nil when unset
	contractFold   *string
	status         string
	managedBy      string
	tagFolds       []string
	doc            []byte
	digits         []string // the numbers' digits, in the order of numbers
	numbers        []string // E.164
}

func rowOf(o *org.Organization) (orgRow, error) {
	doc, err := jsondoc.Marshal(o.Snapshot())
	if err != nil {
		return orgRow{}, fmt.Errorf("postgres: encode organization %s: %w", o.ID(), err)
	}
	k := o.SearchKeys()
	r := orgRow{
		providerID: o.ProviderID(), id: o.ID(), version: o.Version(),
		nameFold: k.Name, nameRuns: NameRuns(k.Name), status: o.Status().String(), managedBy: o.ManagedBy().String(),
		tagFolds: o.TagKeys(), doc: doc, digits: k.Numbers, numbers: o.Numbers(),
	}
	if k.CustomerReference != "" {
		r.refFold = &k.CustomerReference
	}
	if k.ExternalContract != "" {
		r.contractFold = &k.ExternalContract
	}
	if r.tagFolds == nil {
		r.tagFolds = []string{}
	}
	return r, nil
}

var orgColumns = []string{"provider_id", "id", "version", "name_fold", "name_runs", "customer_reference_fold",
	"external_contract_fold", "status", "managed_by", "tag_folds", "doc"}

func (r orgRow) values() []any {
	// The document travels as text: as bytes, a statement sent without its
	// parameter types (pgx.QueryExecModeExec) would encode it as bytea.
	return []any{r.providerID, r.id, r.version, r.nameFold, r.nameRuns, r.refFold, r.contractFold, r.status, r.managedBy, r.tagFolds, string(r.doc)}
}

// decode rebuilds an organization from its stored snapshot.
func decode(doc []byte) (*org.Organization, error) {
	snap, err := decodeSnapshot(doc)
	if err != nil {
		return nil, err
	}
	return org.Rehydrate(snap)
}

func decodeSnapshot(doc []byte) (org.Snapshot, error) {
	var snap org.Snapshot
	if err := jsondoc.Unmarshal(doc, &snap); err != nil {
		return org.Snapshot{}, fmt.Errorf("postgres: decode organization: %w", err)
	}
	return snap, nil
}

// decodeEvent reads a stored event.
func decodeEvent(doc []byte) (org.Event, error) {
	var ev org.Event
	if err := jsondoc.Unmarshal(doc, &ev); err != nil {
		return org.Event{}, fmt.Errorf("postgres: decode event: %w", err)
	}
	return ev, nil
}

func encodeEvent(ev org.Event) ([]byte, error) {
	b, err := jsondoc.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("postgres: encode event %s: %w", ev.ID, err)
	}
	return b, nil
}

// duplicate fills in the value of a *org.DuplicateError that translate made
// from a unique violation by o.
func duplicate(err error, o *org.Organization) error {
	var de *org.DuplicateError
	if errors.As(err, &de) && de.Value == "" {
		k := o.SearchKeys()
		switch de.Field {
		case org.FieldCustomerReference:
			de.Value = k.CustomerReference
		case org.FieldExternalContract:
			de.Value = k.ExternalContract
		}
	}
	return err
}

// Create implements org.Store.
func (s *Store) Create(ctx context.Context, c org.Creation) (*org.Organization, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	o := c.Organization
	row, err := rowOf(o)
	if err != nil {
		return nil, err
	}
	evDoc, err := encodeEvent(c.Event)
	if err != nil {
		return nil, err
	}
	var out *org.Organization
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if c.IdempotencyKey != "" {
			first, err := s.claimKey(ctx, tx, c)
			if err != nil || first != nil {
				out = first
				return err
			}
		}
		insert := step{stmt: psql.Insert(s.t.orgs).Columns(orgColumns...).Values(row.values()...),
			done: func(_ pgconn.CommandTag, _ []string, err error) error { return duplicate(err, o) }}
		steps := []step{insert}
		if len(row.digits) > 0 {
			steps = append(steps, s.addNumbers(row, row.digits, row.numbers))
		}
		if err := s.run(ctx, tx, append(steps, s.insertEvent(c.Event, evDoc))); err != nil {
			return err
		}
		out = o.Clone()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// claimKey records c's idempotency key for the provider, or returns the
// organization its first use created. A concurrent create with the same key
// waits here for the first to commit or roll back.
func (s *Store) claimKey(ctx context.Context, tx pgx.Tx, c org.Creation) (*org.Organization, error) {
	pid := c.Organization.ProviderID()
	_, err := s.exec(ctx, tx, psql.Delete(s.t.idem).
		Where("provider_id = ? AND key = ? AND expires_at < ?", pid, c.IdempotencyKey, c.Event.Time))
	if err != nil {
		return nil, translateCtx(ctx, err)
	}
	tag, err := s.exec(ctx, tx, psql.Insert(s.t.idem).
		Columns("provider_id", "key", "organization_id", "fingerprint", "expires_at").
		Values(pid, c.IdempotencyKey, c.Organization.ID(), c.Fingerprint, c.KeyExpires).
		Suffix("ON CONFLICT (provider_id, key) DO NOTHING"))
	if err != nil {
		return nil, translateCtx(ctx, err)
	}
	if tag.RowsAffected() == 1 {
		return nil, nil
	}
	var (
		orgID       uuid.UUID
		fingerprint string
	)
	err = s.queryRow(ctx, tx, psql.Select("organization_id", "fingerprint").From(s.t.idem).
		Where("provider_id = ? AND key = ?", pid, c.IdempotencyKey)).Scan(&orgID, &fingerprint)
	if err != nil {
		return nil, translateCtx(ctx, err)
	}
	if fingerprint != c.Fingerprint {
		return nil, fmt.Errorf("%w: idempotency key was used for a different request", org.ErrConflict)
	}
	first, err := s.get(ctx, tx, pid, orgID, false)
	if errors.Is(err, org.ErrNotFound) {
		return nil, fmt.Errorf("%w: the organization this key created was deleted", org.ErrNotFound)
	}
	return first, err
}

// addNumbers is the step that stores numbers of the organization in row.
// A number another organization of the provider holds is a
// *org.DuplicateError naming it; one claimed by a transaction still running
// is waited for.
func (s *Store) addNumbers(row orgRow, digits, numbers []string) step {
	// Sorted, so that two transactions claiming the same numbers take their
	// locks in one order and cannot deadlock.
	return step{
		stmt: sq.Expr("INSERT INTO "+s.t.numbers+" (provider_id, digits, number, organization_id, name_fold)"+
			" SELECT ?::uuid, u.d, u.n, ?::uuid, ?::text FROM unnest(?::text[], ?::text[]) AS u(d, n) ORDER BY u.d"+
			" ON CONFLICT DO NOTHING RETURNING digits", row.providerID, row.id, row.nameFold, digits, numbers),
		done: func(_ pgconn.CommandTag, stored []string, err error) error {
			if err != nil {
				return err
			}
			for i, d := range digits {
				if !slices.Contains(stored, d) {
					return &org.DuplicateError{Field: org.FieldNumbers, Value: numbers[i]}
				}
			}
			return nil
		},
	}
}

// insertEvent is the step that records ev at the next position of its
// provider's feed. It is the last statement of every change: taking the
// position locks the provider's feed row until the commit, so positions
// commit in order and a reader never finds one behind its cursor.
func (s *Store) insertEvent(ev org.Event, doc []byte) step {
	return step{stmt: sq.Expr("WITH p AS (INSERT INTO "+s.t.feeds+" (provider_id, position) VALUES (?, 1)"+
		" ON CONFLICT (provider_id) DO UPDATE SET position = "+s.t.feeds+".position + 1 RETURNING position)"+
		" INSERT INTO "+s.t.events+" (provider_id, organization_id, version, id, doc, position)"+
		" SELECT ?::uuid, ?::uuid, ?::bigint, ?::uuid, ?::jsonb, p.position FROM p",
		ev.ProviderID, ev.ProviderID, ev.OrganizationID, ev.Version, ev.ID, string(doc))}
}

// takePositions reserves n positions of the provider's feed and returns the
// first.
func (s *Store) takePositions(ctx context.Context, tx pgx.Tx, providerID uuid.UUID, n int64) (int64, error) {
	var last int64
	err := s.queryRow(ctx, tx, psql.Insert(s.t.feeds).Columns("provider_id", "position").Values(providerID, n).
		Suffix("ON CONFLICT (provider_id) DO UPDATE SET position = "+s.t.feeds+".position + EXCLUDED.position RETURNING position")).
		Scan(&last)
	if err != nil {
		return 0, translateCtx(ctx, err)
	}
	return last - n + 1, nil
}

// Update implements org.Store. The organization's row is locked (SELECT
// ... FOR UPDATE) from the load until the commit, so no other change comes
// between; fn runs again if the transaction is retried.
func (s *Store) Update(ctx context.Context, providerID, id uuid.UUID, fn org.UpdateFunc) (*org.Organization, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	var out *org.Organization
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		out = nil
		cur, err := s.get(ctx, tx, providerID, id, true)
		if err != nil {
			return err
		}
		ch, err := fn(cur.Clone())
		if err != nil {
			return err
		}
		if ch.Event.Version != cur.Version()+1 {
			return fmt.Errorf("postgres: change to version %d of an organization at %d", ch.Event.Version, cur.Version())
		}
		if ch.Delete {
			return s.delete(ctx, tx, cur, ch.Event)
		}
		next := ch.Organization
		if next == nil || next.ID() != id || next.ProviderID() != providerID || next.Version() != ch.Event.Version {
			return fmt.Errorf("postgres: change does not hold organization %s at version %d", id, ch.Event.Version)
		}
		if err := s.write(ctx, tx, cur, next, ch.Event); err != nil {
			return err
		}
		out = next.Clone()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// write stores next over cur, its numbers' difference and its event.
func (s *Store) write(ctx context.Context, tx pgx.Tx, cur, next *org.Organization, ev org.Event) error {
	row, err := rowOf(next)
	if err != nil {
		return err
	}
	evDoc, err := encodeEvent(ev)
	if err != nil {
		return err
	}
	set := sq.Eq{}
	vals := row.values()
	for i, c := range orgColumns[2:] {
		set[c] = vals[i+2]
	}
	steps := []step{{
		stmt: psql.Update(s.t.orgs).SetMap(set).
			Where("provider_id = ? AND id = ? AND version = ?", row.providerID, row.id, cur.Version()),
		done: func(tag pgconn.CommandTag, _ []string, err error) error {
			if err != nil {
				return duplicate(err, next)
			}
			if tag.RowsAffected() != 1 {
				// The row is locked, so this is only reached if the lock was lost.
				return fmt.Errorf("%w: organization %s changed concurrently", org.ErrConflict, row.id)
			}
			return nil
		},
	}}
	old := cur.SearchKeys().Numbers
	var gone, addDigits, addNumbers []string
	for _, d := range old {
		if !slices.Contains(row.digits, d) {
			gone = append(gone, d)
		}
	}
	for i, d := range row.digits {
		if !slices.Contains(old, d) {
			addDigits, addNumbers = append(addDigits, d), append(addNumbers, row.numbers[i])
		}
	}
	if len(gone) > 0 {
		steps = append(steps, step{stmt: psql.Delete(s.t.numbers).
			Where("provider_id = ? AND organization_id = ? AND digits = ANY(?)", row.providerID, row.id, gone)})
	}
	if len(old) > len(gone) && cur.SearchKeys().Name != row.nameFold {
		// The numbers kept carry the name for number search's order.
		steps = append(steps, step{stmt: psql.Update(s.t.numbers).Set("name_fold", row.nameFold).
			Where("provider_id = ? AND organization_id = ?", row.providerID, row.id)})
	}
	if len(addDigits) > 0 {
		steps = append(steps, s.addNumbers(row, addDigits, addNumbers))
	}
	return s.run(ctx, tx, append(steps, s.insertEvent(ev, evDoc)))
}

// step is one statement of a change, run after the change's reads.
type step struct {
	stmt sq.Sqlizer
	// done receives the statement's command tag, the first column of its
	// rows, and its error, translated; nil returns the error as it is.
	done func(tag pgconn.CommandTag, col []string, err error) error
}

// run runs a change's steps in order, stopping at the first that fails,
// in one round trip: as a batch, unless the pool's connections default to
// the simple protocol, which a batch would use; then one by one.
func (s *Store) run(ctx context.Context, tx pgx.Tx, steps []step) error {
	finish := func(st step, rows pgx.Rows, err error) error {
		var (
			tag pgconn.CommandTag
			col []string
		)
		if err == nil {
			tag, col, err = readFirstColumn(rows)
		}
		err = translateCtx(ctx, err)
		if st.done != nil {
			return st.done(tag, col, err)
		}
		return err
	}
	if s.mode != nil {
		for _, st := range steps {
			rows, err := s.query(ctx, tx, st.stmt)
			if err := finish(st, rows, err); err != nil {
				return err
			}
		}
		return nil
	}
	b := &pgx.Batch{}
	for _, st := range steps {
		sql, args, err := build(st.stmt)
		if err != nil {
			return err
		}
		b.Queue(sql, args...)
	}
	br := tx.SendBatch(ctx, b)
	for _, st := range steps {
		rows, err := br.Query()
		if err := finish(st, rows, err); err != nil {
			_ = br.Close() // the failed step's error says what went wrong
			return err
		}
	}
	return translateCtx(ctx, br.Close())
}

// readFirstColumn reads rows to the end, keeping the first column's
// values as text, and returns the command tag.
func readFirstColumn(rows pgx.Rows) (pgconn.CommandTag, []string, error) {
	defer rows.Close()
	var col []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return pgconn.CommandTag{}, nil, err
		}
		col = append(col, v)
	}
	return rows.CommandTag(), col, rows.Err()
}

// delete removes cur, its numbers (by the foreign key's cascade) and erases
// personal data from its events, then records ev, erased too.
func (s *Store) delete(ctx context.Context, tx pgx.Tx, cur *org.Organization, ev org.Event) error {
	pid, id := cur.ProviderID(), cur.ID()
	if _, err := s.exec(ctx, tx, psql.Delete(s.t.orgs).Where("provider_id = ? AND id = ?", pid, id)); err != nil {
		return translateCtx(ctx, err)
	}
	rows, err := s.query(ctx, tx, psql.Select("xid", "seq", "doc").From(s.t.events).
		Where("provider_id = ? AND organization_id = ?", pid, id))
	if err != nil {
		return translateCtx(ctx, err)
	}
	var xids, seqs []int64
	var docs []string
	var (
		xid, seq int64
		doc      []byte
	)
	_, err = pgx.ForEachRow(rows, []any{&xid, &seq, &doc}, func() error {
		e, err := decodeEvent(doc)
		if err != nil {
			return err
		}
		b, err := encodeEvent(e.Redacted())
		if err != nil {
			return err
		}
		xids, seqs, docs = append(xids, xid), append(seqs, seq), append(docs, string(b))
		return nil
	})
	if err != nil {
		return translateCtx(ctx, err)
	}
	if len(xids) > 0 {
		_, err = s.exec(ctx, tx, sq.Expr("UPDATE "+s.t.events+" AS e SET doc = u.doc::jsonb"+
			" FROM unnest(?::bigint[], ?::bigint[], ?::text[]) AS u(xid, seq, doc)"+
			" WHERE e.provider_id = ? AND e.xid = u.xid AND e.seq = u.seq", xids, seqs, docs, pid))
		if err != nil {
			return translateCtx(ctx, err)
		}
	}
	evDoc, err := encodeEvent(ev.Redacted())
	if err != nil {
		return err
	}
	return s.run(ctx, tx, []step{s.insertEvent(ev, evDoc)})
}

// Import implements org.Importer with COPY, in one transaction: every
// organization, its numbers and its event are stored, or nothing is. A key
// held by another organization of the provider, or repeated within items,
// is a *org.DuplicateError; an organization id that exists is
// org.ErrConflict. It does not retry: a failed import is safe to run again.
func (s *Store) Import(ctx context.Context, items []org.Imported) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	if len(items) == 0 {
		return nil
	}
	orgs := make([][]any, 0, len(items))
	var numbers [][]any
	events := make([][]any, 0, len(items))
	perProvider := map[uuid.UUID]int64{}
	for _, it := range items {
		perProvider[it.Event.ProviderID]++
	}
	for _, it := range items {
		row, err := rowOf(it.Organization)
		if err != nil {
			return err
		}
		orgs = append(orgs, encodable(row.values()))
		for i, d := range row.digits {
			numbers = append(numbers, encodable([]any{row.providerID, d, row.numbers[i], row.id, row.nameFold}))
		}
		doc, err := encodeEvent(it.Event)
		if err != nil {
			return err
		}
		ev := it.Event
		events = append(events, []any{ev.ProviderID, ev.OrganizationID, ev.Version, ev.ID, doc, int64(0)})
	}
	return s.tryTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{s.cfg.schema, "organizations"}, orgColumns, pgx.CopyFromRows(orgs)); err != nil {
			return translateCtx(ctx, err)
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{s.cfg.schema, "numbers"},
			[]string{"provider_id", "digits", "number", "organization_id", "name_fold"}, pgx.CopyFromRows(numbers)); err != nil {
			return translateCtx(ctx, err)
		}
		// Positions last, as for every change: the feed rows stay locked
		// only for the events' COPY and the commit.
		// In a fixed order, so that two imports never wait on each other.
		pids := slices.SortedFunc(maps.Keys(perProvider), func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
		next := make(map[uuid.UUID]int64, len(perProvider))
		for _, pid := range pids {
			first, err := s.takePositions(ctx, tx, pid, perProvider[pid])
			if err != nil {
				return err
			}
			next[pid] = first
		}
		for _, row := range events {
			pid := row[0].(uuid.UUID)
			row[5] = next[pid]
			next[pid]++
			encodable(row)
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{s.cfg.schema, "events"},
			[]string{"provider_id", "organization_id", "version", "id", "doc", "position"}, pgx.CopyFromRows(events))
		return translateCtx(ctx, err)
	})
}
