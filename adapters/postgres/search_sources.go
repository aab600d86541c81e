package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	sq "github.com/Masterminds/squirrel"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/orgkit/orgkit/org"
	"github.com/orgkit/orgkit/search"
)

// The statement of searchBranches ranks every row in SQL, which makes it
// costly to plan: each tier repeats the better tiers' predicates, and the
// field of each hit is a CASE over all of them. At 1,000,000 organizations
// planning it took 0.7 to 1.5 ms, against 0.3 ms to run it. Most searches
// are answered by the exact and prefix tiers, so searchSources tries those
// first with a statement that only finds rows: one branch per key, each
// reading its own index in result order, with the keys of each row. The
// rows are ranked here by search.Terms.Match, as in the memory store, so
// hits and order are the same. The substring tier, whose plan depends on
// how common the text is, is a part of the same statement that runs only
// when the page may still have room; on a generic plan, for text that is
// not most likely rare, it is a second statement (see genericText).

// sourceSlack is how many more rows each source reads than the page
// needs, so that rows that turn out to match at a better tier (at most one
// per unique key: number, reference, contract) rarely leave a source short.
const sourceSlack = 3

// sourceRow is a row read by one source, with the keys that rank it.
type sourceRow struct {
	src  int
	keys search.Keys
	doc  []byte
}

// searchSources returns the first want hits of the plan, or false when the
// rows it read do not prove which those are (a source that was cut short
// lost rows to better tiers); then the caller runs the general statement.
// afterID is the id of the plan's cursor, parsed.
func (s *Store) searchSources(ctx context.Context, pid uuid.UUID, plan search.Plan, afterID uuid.UUID, mt func() matcher, filter sq.Sqlizer, want int) ([]org.Hit, bool, error) {
	if pool, ok := s.genericPool(plan, plan.Terms, filter); ok {
		hits, ok, err := s.runSources(ctx, pool, pid, plan, afterID, mt, filter, want)
		if !errors.Is(err, errWideKeyPrefix) {
			return hits, ok, err
		}
	}
	return s.runSources(ctx, nil, pid, plan, afterID, mt, filter, want)
}

// Planning the sources statement costs more than running it: at 1,000,000
// organizations, 0.8 to 1.5 ms against 0.2 to 0.4 ms for a reference or a
// number. Its plan depends on the text only through how many rows a range
// or a substring holds, and one plan suits the sources of every text that
// genericText accepts, provided that no source can walk the name index
// where its own index is right: the reference and
// contract prefixes read their own index in its order, at most
// keyPrefixCap rows, and a marker row tells when a prefix holds more (the
// statement planned for its arguments runs then). Such a statement runs on
// a generic plan, made once per connection of a pool that prepares
// statements, with parallel workers off (their start cost 10 ms on a
// number prefix planned for 15,000 numbers), both set for that statement
// alone in the same round trip.

// keyPrefixCap bounds the rows a reference or contract prefix reads on a
// generic plan.
const keyPrefixCap = 100

func (s *Store) prefixCap() int { return cmp.Or(s.cfg.keyPrefixCap, keyPrefixCap) }

// wideKeyPrefixSource numbers the marker row of a reference or contract
// prefix that holds keyPrefixCap rows or more.
const wideKeyPrefixSource = -2

var errWideKeyPrefix = errors.New("postgres: a key prefix holds more rows than a generic plan reads")

// genericSettings is sent before a statement that runs on a generic plan,
// in the same implicit transaction, which ends its settings.
const genericSettings = "SELECT set_config('plan_cache_mode', 'force_generic_plan', true), set_config('max_parallel_workers_per_gather', '0', true)"

// batcher is a pool, which sends batches.
type batcher interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// genericPool returns the pool to run the sources statement of the plan on
// a generic plan, or false when it must be planned for its arguments: for
// a first page without a filter of text that genericText accepts, on the
// Store's own pool when it prepares statements (a caller's transaction
// would keep the settings; a pool that does not prepare statements would
// make the generic plan again for every search).
func (s *Store) genericPool(plan search.Plan, t search.Terms, filter sq.Sqlizer) (batcher, bool) {
	if s.cfg.customPlans || !s.ownTx || !s.prepares || plan.After != nil || filter != nil || !genericText(t) {
		return nil, false
	}
	pool, ok := s.db.(batcher)
	return pool, ok
}

// genericText reports whether one plan suits the sources of every text
// like t: text with a word of three characters or more (see longWord),
// unless it reads as a number of fewer than 7 digits. Shorter text, such as
// "cr", is the prefix of more than keyPrefixCap references or contracts
// in many a provider's data, so a generic plan would often be run for
// nothing before the one planned for its arguments. A short number
// prefix, which matches up to every number, was slower on a generic plan
// (1.6 s against 0.9 s for "441" before migration 0006). Names of several
// words take the same time either way when their words are common together
// (50 ms for "holdings ltd" through the trigram index, 30 searches each
// way) and 1 to 1.4 ms less on a generic plan when they are not.
//
// The substring tier is part of the generic statement only for text that
// rareText accepts, which is always read through an index. For other text
// the plan that finds its first names depends on how many names hold it
// (see firstSubstringRows), so it runs afterwards, planned for its
// arguments, when the sources leave the page short: a name prefix of one
// short word, whose page the prefix tier mostly fills, is then not planned
// for a substring it does not need.
func genericText(t search.Terms) bool {
	return longWord(t) && (t.Digits == "" || len(t.Digits) >= 7)
}

// rareText reports whether text is most likely rare among names, or a key:
// it holds a digit, a space, or eight characters or more, and a word of
// three characters or more, which the trigram index finds well. Words of
// one or two characters have only trigrams padded with spaces, which most
// names hold: the trigram index read 600 ms for "a b".
func rareText(t search.Terms) bool {
	return longWord(t) && (strings.ContainsAny(t.Fold, "0123456789 ") || utf8.RuneCountInString(t.Fold) >= 8)
}

// substringApart reports whether the sources statement of t, on a generic
// plan when generic is set, leaves the substring tier to a statement of its
// own (see genericText).
func substringApart(generic bool, t search.Terms) bool { return generic && !rareText(t) }

// longWord reports whether text holds a word of three characters or more.
func longWord(t search.Terms) bool {
	for range longWords(t.Fold) {
		return true
	}
	return false
}

// runSources runs the sources statement, on a generic plan through pool
// when pool is not nil, and ranks its rows, then runs the substring tier
// when the page has room and the statement did not hold it. On a generic
// plan it returns errWideKeyPrefix when a reference or contract prefix was
// cut short.
//
// mt returns the search's matcher, built on the first call: a generic plan
// needs none once its shape has a template.
func (s *Store) runSources(ctx context.Context, pool batcher, pid uuid.UUID, plan search.Plan, afterID uuid.UUID, mt func() matcher, filter sq.Sqlizer, want int) ([]org.Hit, bool, error) {
	var (
		all   []sourceRow
		tiers []search.Tier
		err   error
	)
	if pool != nil {
		var sql string
		var args []any
		if sql, args, tiers, err = s.genericSources(pid, plan, want); err != nil || sql == "" {
			return nil, false, err
		}
		all, err = querySourcesGeneric(ctx, pool, sql, args)
	} else {
		var stmt sq.Sqlizer
		if stmt, tiers = s.sourcesStatement(pid, plan, afterID, mt(), filter, want, false); stmt == nil {
			return nil, false, nil
		}
		all, err = s.querySources(ctx, stmt)
	}
	if err != nil {
		return nil, false, translateCtx(ctx, err)
	}
	limit := want + sourceSlack
	var rows, subRows []sourceRow
	ids := map[string]bool{}
	for _, r := range all {
		switch r.src {
		case wideKeyPrefixSource:
			return nil, false, errWideKeyPrefix
		case substringSource:
			subRows = append(subRows, r)
			continue
		}
		rows = append(rows, r)
		ids[r.keys.ID] = true
	}
	ranked, ok := rankSources(plan, plan.Terms, rows, tiers, limit, want)
	if !ok {
		return nil, false, nil
	}
	hits := make([]org.Hit, len(ranked))
	for i, h := range ranked {
		o, err := decode(h.Value)
		if err != nil {
			return nil, false, err
		}
		hits[i] = org.Hit{Organization: o, Match: h.Match}
	}
	// The matcher has a substring source exactly when the terms do.
	if len(hits) == want || !plan.Terms.Substring() {
		return hits, true, nil
	}
	if len(ids) >= want { // the substring part did not run: run it now
		m := mt()
		more, err := s.substrings(ctx, pid, m, *m.substring(), filter, want-len(hits))
		if err != nil {
			return nil, false, err
		}
		return append(hits, more...), true, nil
	}
	if substringApart(pool != nil, plan.Terms) {
		// Not nil: NOT (id = ANY(NULL)) would leave out every row.
		better := make([]string, 0, len(ids))
		for id := range ids {
			better = append(better, id)
		}
		more, err := s.substringsPast(ctx, pid, *mt().substring(), better, want-len(hits))
		if err != nil {
			return nil, false, err
		}
		// The second statement sees changes committed since the first: an
		// organization that now matches at a better tier is not proved to
		// be in its place, so the general statement answers.
		for _, h := range more {
			if m, _ := plan.Terms.Match(h.Organization.SearchKeys()); m.Tier != search.TierSubstring {
				return nil, false, nil
			}
		}
		return append(hits, more...), true, nil
	}
	// In result order here: a join may not keep the order the rows were
	// chosen in.
	slices.SortFunc(subRows, func(a, b sourceRow) int {
		return cmp.Or(strings.Compare(a.keys.Name, b.keys.Name), strings.Compare(a.keys.ID, b.keys.ID))
	})
	for _, r := range subRows[:min(len(subRows), want-len(hits))] {
		o, err := decode(r.doc)
		if err != nil {
			return nil, false, err
		}
		hits = append(hits, org.Hit{Organization: o, Match: substringMatch})
	}
	return hits, true, nil
}

// genericSources returns the text and arguments of the sources statement
// of a first page without a filter, for a generic plan, and the tier of
// each source; sql is "" when no source can match. Text and tiers come
// from the template of the terms' shape, and the arguments are derived
// from its args: once the shape has a template, nothing is built.
func (s *Store) genericSources(pid uuid.UUID, plan search.Plan, want int) (sql string, args []any, tiers []search.Tier, err error) {
	in := inputs{pid: pid, t: plan.Terms, want: want}
	sh, keep := shapeOf(plan.Terms)
	t, err := s.templates.get(sh, keep, in, func(p *params) (sq.Sqlizer, []search.Tier) {
		return s.sourcesStatement(pid, plan, uuid.Nil, s.matcher(pid, plan.Terms, p), nil, want, true)
	})
	if err != nil || t == nil {
		return "", nil, nil, err
	}
	if args, err = t.values(&in); err != nil {
		return "", nil, nil, err
	}
	return t.sql, args, t.tiers, nil
}

// sourcesStatement builds the sources statement of a search, on a generic
// plan's terms when generic is set (see genericText). It returns the tier
// of each source, in order; stmt is nil when no source can match. The
// substring tier's part, when there is one, is of mt.substring().
func (s *Store) sourcesStatement(pid uuid.UUID, plan search.Plan, afterID uuid.UUID, mt matcher, filter sq.Sqlizer, want int, generic bool) (stmt sq.Sqlizer, tiers []search.Tier) {
	p, limit := mt.p, want+sourceSlack
	var parts, markers []sq.Sqlizer
	for _, c := range mt.cands {
		if c.m.Tier == search.TierSubstring || (plan.After != nil && c.m.Tier < plan.After.Tier) {
			continue
		}
		var at *keysetAfter
		if plan.After != nil && c.m.Tier == plan.After.Tier {
			at = &keysetAfter{name: plan.After.Name, id: afterID}
		}
		sel := fmt.Sprintf("%d, %s", len(parts), sourceColumns)
		switch {
		case c.rows != nil:
			parts = append(parts, c.rows(sel, nil, filter, at, limit))
		case generic && c.key != "":
			parts = append(parts, s.cappedRows(p, pid, c, sel, limit))
			markers = append(markers, s.wideMarker(p, pid, c))
		default:
			where := sq.And{sq.Expr("o.provider_id = ?", p.arg(argProvider, pid)), c.source}
			if filter != nil {
				where = append(where, filter)
			}
			if at != nil {
				where = append(where, at.pred("o.name_fold", "o.id"))
			}
			if c.unique { // one row at most needs no order, and is cheaper to plan without
				parts = append(parts, selectFrom(sel, s.t.orgs+" AS o", where, ""))
			} else {
				parts = append(parts, selectFrom(sel, s.t.orgs+" AS o", where, " ORDER BY o.name_fold, o.id LIMIT ?", p.count(limit)))
			}
		}
		tiers = append(tiers, c.m.Tier)
	}
	if len(parts) == 0 {
		return nil, nil
	}
	parts = append(parts, markers...)
	// The substring tier's first want rows come with the sources' rows, as
	// a part of the statement that runs only when the sources read fewer
	// organizations than the page needs: otherwise the page is most likely
	// full without it, and a common text would make it the costly part.
	// The digits of the rows' numbers, which rank them when the text can
	// match a number, are read once over the sources' rows: in every
	// source, they cost a subplan each to plan.
	numbers := sq.Expr("NULL::text[]")
	if mt.terms.Digits != "" {
		numbers = sq.Expr("ARRAY(SELECT n.digits FROM "+s.t.numbers+" n WHERE n.provider_id = ? AND n.organization_id = s.id)", p.arg(argProvider, pid))
	}
	stmt = sq.Expr("SELECT s.*, ? FROM (?) AS s", numbers, join("UNION ALL", parts))
	gate := sq.Expr("(SELECT count(DISTINCT s.id) FROM s) < ?", p.count(want))
	if sub := mt.substring(); sub != nil && !substringApart(generic, mt.terms) {
		var part sq.Sqlizer
		if plan.After == nil && filter == nil {
			part = s.firstSubstringRows(p, pid, mt.terms, *sub, gate, want)
		} else {
			part = s.substringRows(pid, mt, *sub, filter, want, gate)
		}
		stmt = sq.Expr("WITH s AS (?) SELECT s.*, ? FROM s UNION ALL (?)", join("UNION ALL", parts), numbers, part)
	}
	return stmt, tiers
}

// querySources runs a sources statement planned for its arguments.
func (s *Store) querySources(ctx context.Context, stmt sq.Sqlizer) ([]sourceRow, error) {
	res, err := s.queryCustom(ctx, s.db, stmt)
	if err != nil {
		return nil, err
	}
	return scanSources(res)
}

// querySourcesGeneric runs a sources statement on a generic plan.
func querySourcesGeneric(ctx context.Context, pool batcher, sql string, args []any) (_ []sourceRow, err error) {
	b := &pgx.Batch{}
	b.Queue(genericSettings)
	b.Queue(sql, args...)
	br := pool.SendBatch(ctx, b)
	defer func() {
		if cerr := br.Close(); err == nil {
			err = cerr
		}
	}()
	if _, err := br.Exec(); err != nil {
		return nil, err
	}
	res, err := br.Query()
	if err != nil {
		return nil, err
	}
	return scanSources(res)
}

// cappedRows selects sel of the first k rows of candidate c in result
// order, among the first keyPrefixCap rows of its key's index, which is
// the one plan a generic plan can take whatever the text.
func (s *Store) cappedRows(p *params, pid uuid.UUID, c candidate, sel string, k int) sq.Sqlizer {
	inner := selectFrom("o.*", s.t.orgs+" AS o", sq.And{sq.Expr("o.provider_id = ?", p.arg(argProvider, pid)), c.source},
		fmt.Sprintf(" ORDER BY %s LIMIT %d", c.key, s.prefixCap()))
	return sq.Expr("SELECT "+sel+" FROM (?) AS o ORDER BY o.name_fold, o.id LIMIT ?", inner, p.count(k))
}

// wideMarker selects a row of wideKeyPrefixSource when candidate c holds
// keyPrefixCap rows or more, so cappedRows may have missed some.
func (s *Store) wideMarker(p *params, pid uuid.UUID, c candidate) sq.Sqlizer {
	probe := selectFrom("1", s.t.orgs+" AS o", sq.And{sq.Expr("o.provider_id = ?", p.arg(argProvider, pid)), c.source},
		fmt.Sprintf(" ORDER BY %s OFFSET %d", c.key, s.prefixCap()-1))
	return sq.Expr(fmt.Sprintf("SELECT %d, '', '%s'::uuid, NULL, NULL, NULL WHERE EXISTS (?)", wideKeyPrefixSource, uuid.Nil), probe)
}

// substringSource numbers the rows of the substring tier among the rows of
// the sources.
const substringSource = -1

// substringColumns are the columns of the sources for rows of the
// substring tier, which need no numbers to be ranked.
var substringColumns = fmt.Sprintf("%d, %s, NULL::text[]", substringSource, sourceColumns)

// firstSubstringRows selects, in the columns of the sources (the common
// table "s"), the first k rows of the substring tier of a first page
// without a filter. The gate lets it run only when the sources read fewer
// rows than their limit, so "s" then holds every organization that matches
// at a better tier, and leaving those out needs only their ids.
//
// Which plan finds a substring's first names cheaply depends on how many
// names hold it: walking the name index in result order suits common
// text, the trigram index and a sort suit rare text. The planner decides
// from its sample of names (see migration 0005), reading the names from the
// name index alone and fetching only the page's organizations, so that a
// walk costs little. Its estimate for text that no sampled name holds is
// not small enough, though: at 1,000,000 organizations it walked every
// name (140 ms) for a word no name held. Text that is most likely rare
// (see rareText) is read through the trigram index, or the index of runs
// (see substring), without asking. Some words are common together: 7,659
// names held "holdings ltd", which the trigram index found and sorted in
// 50 ms, and the index of runs in 20 ms (0.6 s with the rows not in
// memory). Looking among the
// first 5,000 names first found it in 7 ms, but cost every other such
// search 1 to 3 ms (a name prefix of a word and two letters, whose page
// the prefix tier leaves short, went from 3.8 to 4.9 ms at p50), so it is
// not done.
func (s *Store) firstSubstringRows(p *params, pid uuid.UUID, t search.Terms, sub candidate, gate sq.Sqlizer, k int) sq.Sqlizer {
	exclude := sq.Expr("o.id NOT IN (SELECT s.id FROM s)")
	if rareText(t) {
		return s.substringsByIndex(p, pid, sub, k, exclude, gate)
	}
	names := selectFrom("o.name_fold, o.id", s.t.orgs+" AS o", sq.And{sq.Expr("o.provider_id = ?", p.arg(argProvider, pid)), sub.source, exclude, gate},
		" ORDER BY o.name_fold, o.id LIMIT ?", p.count(k))
	return s.joinNames(p, pid, names)
}

// substringsPast returns the first k hits of the substring tier of a first
// page without a filter, after sources that read fewer organizations than
// the page needs: better, their ids, are then every organization that
// matches at a better tier. The plan is left to the planner, as in
// firstSubstringRows.
func (s *Store) substringsPast(ctx context.Context, pid uuid.UUID, sub candidate, better []string, k int) ([]org.Hit, error) {
	names := selectFrom("o.name_fold, o.id", s.t.orgs+" AS o",
		sq.And{sq.Expr("o.provider_id = ?", pid), sub.source, sq.Expr("NOT (o.id = ANY(?::uuid[]))", better)},
		" ORDER BY o.name_fold, o.id LIMIT ?", k)
	return s.substringHits(ctx, sq.Expr("? ORDER BY o.name_fold, o.id", s.joinNames(nil, pid, names)), sub.m)
}

// joinNames selects, in the columns of the sources, the organizations of
// names, a statement of (name_fold, id) rows of the substring tier.
func (s *Store) joinNames(p *params, pid uuid.UUID, names sq.Sqlizer) sq.Sqlizer {
	return sq.Expr("SELECT "+substringColumns+" FROM (?) AS w JOIN "+s.t.orgs+" AS o ON o.provider_id = ? AND o.id = w.id", names, p.arg(argProvider, pid))
}

// substringsByIndex selects, in the columns of the sources, the first k
// rows of the substring tier that pass every predicate in preds (nil ones
// are skipped), through the index sub.source is written for (trigrams or
// runs): ordering by an expression keeps the planner from walking the name
// index instead, which could read every name for text that few names hold.
func (s *Store) substringsByIndex(p *params, pid uuid.UUID, sub candidate, k int, preds ...sq.Sqlizer) sq.Sqlizer {
	where := sq.And{sq.Expr("o.provider_id = ?", p.arg(argProvider, pid)), sub.source}
	for _, p := range preds {
		if p != nil {
			where = append(where, p)
		}
	}
	return selectFrom(substringColumns, s.t.orgs+" AS o", where, ` ORDER BY (o.name_fold || '') COLLATE "C", o.id LIMIT ?`, p.count(k))
}

// substring returns the candidate of the substring tier, or nil.
func (mt matcher) substring() *candidate {
	for i := range mt.cands {
		if mt.cands[i].m.Tier == search.TierSubstring {
			return &mt.cands[i]
		}
	}
	return nil
}

// substringRows selects, in the columns of the sources, the first k rows of
// the substring tier that pass filter and gate (nil for none).
func (s *Store) substringRows(pid uuid.UUID, mt matcher, sub candidate, filter sq.Sqlizer, k int, gate sq.Sqlizer) sq.Sqlizer {
	where := sq.And{sq.Expr("o.provider_id = ?", pid), sub.source}
	for _, p := range []sq.Sqlizer{mt.notBetter(search.TierSubstring), filter, gate} {
		if p != nil {
			where = append(where, p)
		}
	}
	return selectFrom(substringColumns, s.t.orgs+" AS o", where, " ORDER BY o.name_fold, o.id LIMIT ?", k)
}

// substrings returns the first k hits of the substring tier, which the
// page reaches only after every hit of the better tiers.
func (s *Store) substrings(ctx context.Context, pid uuid.UUID, mt matcher, sub candidate, filter sq.Sqlizer, k int) ([]org.Hit, error) {
	return s.substringHits(ctx, s.substringRows(pid, mt, sub, filter, k, nil), sub.m)
}

// substringHits runs a statement of substring rows, in result order.
func (s *Store) substringHits(ctx context.Context, stmt sq.Sqlizer, m search.Match) ([]org.Hit, error) {
	res, err := s.queryCustom(ctx, s.db, stmt)
	if err != nil {
		return nil, translateCtx(ctx, err)
	}
	rows, err := scanSources(res)
	if err != nil {
		return nil, translateCtx(ctx, err)
	}
	hits := make([]org.Hit, len(rows))
	for i, r := range rows {
		o, err := decode(r.doc)
		if err != nil {
			return nil, err
		}
		hits[i] = org.Hit{Organization: o, Match: m}
	}
	return hits, nil
}

// scanSources reads the rows of source statements, whose columns are the
// source's number, those of sourceColumns and the digits of the row's
// numbers (NULL when the text cannot match a number).
func scanSources(res pgx.Rows) ([]sourceRow, error) {
	var (
		r             sourceRow
		id            uuid.UUID
		ref, contract *string
		rows          []sourceRow
	)
	_, err := pgx.ForEachRow(res, []any{&r.src, &r.keys.Name, &id, &ref, &contract, &r.doc, &r.keys.Numbers}, func() error {
		r.keys.ID = id.String()
		r.keys.CustomerReference, r.keys.ExternalContract = deref(ref), deref(contract)
		rows = append(rows, r)
		r = sourceRow{}
		return nil
	})
	return rows, err
}

// rankSources ranks the rows that the sources read (tiers[i] is the tier
// of source i, which read at most limit rows) and returns the first want
// hits of the exact and prefix tiers. Every row of a tier up to the last
// row of each source that was cut short was read, since a source reads in
// result order; it returns false when the page needs a row past that.
func rankSources(plan search.Plan, terms search.Terms, rows []sourceRow, tiers []search.Tier, limit, want int) ([]search.Hit[[]byte], bool) {
	// bound[t] is the last position of tier t known to be complete.
	bound := map[search.Tier]*search.Position{}
	count := make([]int, len(tiers))
	last := make([]search.Position, len(tiers))
	for _, r := range rows {
		count[r.src]++
		last[r.src] = search.Position{Tier: tiers[r.src], Name: r.keys.Name, ID: r.keys.ID}
	}
	for i, n := range count {
		if n < limit {
			continue
		}
		if b := bound[tiers[i]]; b == nil || last[i].Compare(*b) < 0 {
			bound[tiers[i]] = &last[i]
		}
	}
	seen := map[string]bool{}
	var hits []search.Hit[[]byte]
	for _, r := range rows {
		if seen[r.keys.ID] {
			continue
		}
		seen[r.keys.ID] = true
		m, ok := terms.Match(r.keys)
		if !ok {
			continue // not reached: each source's predicate is one of Match's
		}
		pos := search.PositionOf(m, r.keys.Name, r.keys.ID)
		if plan.Includes(pos) {
			hits = append(hits, search.Hit[[]byte]{Value: r.doc, Match: m, Position: pos})
		}
	}
	search.SortHits(hits)
	var out []search.Hit[[]byte]
	for _, tier := range []search.Tier{search.TierExact, search.TierPrefix} {
		for _, h := range hits {
			if h.Match.Tier != tier {
				continue
			}
			if b := bound[tier]; b != nil && h.Position.Compare(*b) > 0 {
				return nil, false
			}
			out = append(out, h)
			if len(out) == want {
				return out, true
			}
		}
		if bound[tier] != nil {
			return nil, false // the tier may hold more rows than were read
		}
	}
	return out, true
}

// sourceColumns lists what a source reads of each row of o: its keys,
// which rank it, and its document.
const sourceColumns = "o.name_fold, o.id, o.customer_reference_fold, o.external_contract_fold, o.doc"

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
